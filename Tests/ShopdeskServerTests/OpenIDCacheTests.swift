import _CryptoExtras
import Crypto
import Foundation
@testable import ShopdeskServer
import Testing

/// Providers' documents and keys are read once an hour, and again at once for a key not seen yet.
@Suite struct OpenIDCacheTests {
    actor Counter {
        var count = 0
        func bump() -> Int { count += 1; return count }
    }

    @Test func keysAreReadAgainOnlyWhenOldOrWhenATokenNamesAnUnknownKey() async throws {
        let cache = OpenIDCache()
        let counter = Counter()
        let first = OpenIDSigningKey(rsa: try _RSA.Signing.PrivateKey(keySize: .bits2048).publicKey)
        let rotated = OpenIDSigningKey(rsa: try _RSA.Signing.PrivateKey(keySize: .bits2048).publicKey)
        let fetch: @Sendable () async throws -> [String: OpenIDSigningKey] = {
            await counter.bump() == 1 ? ["k1": first] : ["k1": first, "k2": rotated]
        }
        let now = Date()
        _ = try await cache.keys(uri: "https://idp.example/jwks", wanted: "k1", now: now, fetch: fetch)
        _ = try await cache.keys(uri: "https://idp.example/jwks", wanted: "k1", now: now.addingTimeInterval(60), fetch: fetch)
        #expect(await counter.count == 1, "a known key within the hour is not fetched again")
        let keys = try await cache.keys(uri: "https://idp.example/jwks", wanted: "k2", now: now.addingTimeInterval(120), fetch: fetch)
        #expect(await counter.count == 2 && keys["k2"] != nil, "a new key id reads the keys again")
        _ = try await cache.keys(uri: "https://idp.example/jwks", wanted: nil, now: now.addingTimeInterval(OpenIDCache.lifetime + 200), fetch: fetch)
        #expect(await counter.count == 3, "after an hour they are read again")
    }

    @Test func discoveryIsKeptAnHourAndForgottenWhenTheProviderChanges() async throws {
        let cache = OpenIDCache()
        let counter = Counter()
        let fetch: @Sendable () async throws -> OpenIDConnect.Configuration = {
            _ = await counter.bump()
            return OpenIDConnect.Configuration(issuer: "https://idp.example", authorizationEndpoint: "https://idp.example/auth",
                                               tokenEndpoint: "https://idp.example/token", jwksURI: "https://idp.example/jwks")
        }
        _ = try await cache.configuration(issuer: "https://idp.example", fetch: fetch)
        _ = try await cache.configuration(issuer: "https://idp.example", fetch: fetch)
        #expect(await counter.count == 1)
        await cache.forget(issuer: "https://idp.example")
        _ = try await cache.configuration(issuer: "https://idp.example", fetch: fetch)
        #expect(await counter.count == 2)
    }
}
