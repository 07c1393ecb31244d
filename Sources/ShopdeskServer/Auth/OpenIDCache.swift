import _CryptoExtras
import Foundation

/// Providers' discovery documents and signing keys, kept an hour per node: a sign-in then asks
/// the provider only for the code exchange. A token signed with a key not yet seen makes the keys
/// be read again at once (providers rotate keys by publishing the new one first).
actor OpenIDCache {
    static let lifetime: TimeInterval = 3_600
    private var configurations: [String: (value: OpenIDConnect.Configuration, until: Date)] = [:]
    private var keySets: [String: (value: [String: OpenIDSigningKey], until: Date)] = [:]

    func configuration(issuer: String, now: Date = Date(),
                       fetch: @Sendable () async throws -> OpenIDConnect.Configuration) async throws -> OpenIDConnect.Configuration {
        if let cached = configurations[issuer], cached.until > now { return cached.value }
        let fresh = try await fetch()
        configurations[issuer] = (fresh, now.addingTimeInterval(Self.lifetime))
        return fresh
    }

    /// The keys at `uri`; read again when they are old, or when `wanted` (the token's key id) is not among them.
    func keys(uri: String, wanted: String?, now: Date = Date(),
              fetch: @Sendable () async throws -> [String: OpenIDSigningKey]) async throws -> [String: OpenIDSigningKey] {
        if let cached = keySets[uri], cached.until > now, wanted.map({ cached.value[$0] != nil }) ?? true { return cached.value }
        let fresh = try await fetch()
        keySets[uri] = (fresh, now.addingTimeInterval(Self.lifetime))
        return fresh
    }

    /// An admin changed a provider: its next sign-in reads everything again.
    func forget(issuer: String) {
        if let configuration = configurations.removeValue(forKey: issuer) { keySets[configuration.value.jwksURI] = nil }
    }
}
