import _CryptoExtras
import Crypto
import Foundation
@testable import ShopdeskServer
import Testing

/// The ID token checks, each tried with the forgery it stops.
@Suite("OpenID Connect ID tokens")
struct OpenIDTokenTests {
    static let key = try! _RSA.Signing.PrivateKey(keySize: .bits2048)
    static let issuer = "https://idp.example.com"
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static func token(header: [String: Any] = ["alg": "RS256", "kid": "k1"], claims: [String: Any] = [:],
                      signer: _RSA.Signing.PrivateKey = key) throws -> String {
        var body: [String: Any] = ["iss": issuer, "aud": "shopdesk", "sub": "ana", "email": "Ana@Shop.hr", "nonce": "n-1",
                                   "exp": now.timeIntervalSince1970 + 300, "iat": now.timeIntervalSince1970]
        for (name, value) in claims { body[name] = value is NSNull ? nil : value }
        let encode = { (object: [String: Any]) in OpenIDConnect.base64URLEncoded(try JSONSerialization.data(withJSONObject: object)) }
        let signed = try encode(header) + "." + encode(body)
        let signature = try signer.signature(for: SHA256.hash(data: Data(signed.utf8)), padding: .insecurePKCS1v1_5)
        return signed + "." + OpenIDConnect.base64URLEncoded(signature.rawRepresentation)
    }

    static func verify(_ token: String) throws -> OpenIDConnect.Identity {
        try OpenIDConnect.verify(idToken: token, keys: ["k1": OpenIDSigningKey(rsa: key.publicKey)], issuer: issuer, clientID: "shopdesk", nonce: "n-1", now: now)
    }

    @Test func aGenuineTokenGivesTheVerifiedEmail() throws {
        #expect(try Self.verify(Self.token()) == .init(subject: "ana", email: "ana@shop.hr", name: nil))
        #expect(try Self.verify(Self.token(claims: ["aud": ["shopdesk", "other"], "azp": "shopdesk"])).email == "ana@shop.hr")
    }

    @Test(arguments: [
        ("another key", #"{"signer":"other"}"#, "signature"),
        ("alg none", #"{"alg":"none"}"#, "not one of"),
        ("alg HS256", #"{"alg":"HS256"}"#, "not one of"),
        ("ES256 claimed over an RSA key", #"{"alg":"ES256"}"#, "signature"),
        ("PS256 claimed over a PKCS#1 signature", #"{"alg":"PS256"}"#, "signature"),
        ("unknown kid", #"{"kid":"k2"}"#, "does not publish"),
        ("another issuer", #"{"iss":"https://evil.example.com"}"#, "another issuer"),
        ("another audience", #"{"aud":"someone-else"}"#, "another application"),
        ("shared audience without azp", #"{"aud":["shopdesk","other"]}"#, "another application"),
        ("expired", #"{"exp":1799999000}"#, "expired"),
        ("another sign-in's nonce", #"{"nonce":"n-2"}"#, "nonce"),
        ("no nonce", #"{"nonce":null}"#, "nonce"),
        ("unverified email", #"{"email_verified":false}"#, "not verified"),
        ("no email", #"{"email":null}"#, "email"),
    ])
    func aForgedOrMisdirectedTokenIsRefused(_ attack: String, _ change: String, _ reason: String) throws {
        let changes = try JSONSerialization.jsonObject(with: Data(change.utf8)) as! [String: Any]
        var header: [String: Any] = ["alg": "RS256", "kid": "k1"]
        var claims: [String: Any] = [:]
        var signer = Self.key
        for (name, value) in changes {
            switch name {
            case "signer": signer = try _RSA.Signing.PrivateKey(keySize: .bits2048)
            case "alg", "kid": header[name] = value
            default: claims[name] = value
            }
        }
        let token = try Self.token(header: header, claims: claims, signer: signer)
        #expect(throws: OpenIDConnect.Failure.self, "\(attack)") { try Self.verify(token) }
        do { _ = try Self.verify(token) } catch { #expect("\(error)".contains(reason), "\(attack): \(error)") }
    }

    @Test func garbageIsRefusedWithoutATrap() {
        for token in ["", "a.b", "a.b.c", "..", String(repeating: "A", count: 20_000), "e30.e30.", "\u{0}.\u{0}.\u{0}"] {
            #expect(throws: OpenIDConnect.Failure.self) { try Self.verify(token) }
        }
    }

    @Test func issuersMustBeHTTPSExceptOnThisMachine() throws {
        #expect(try OpenIDConnect.checkIssuer("https://accounts.google.com/") == "https://accounts.google.com")
        #expect(try OpenIDConnect.checkIssuer("http://127.0.0.1:9400") == "http://127.0.0.1:9400")
        for bad in ["http://idp.example.com", "ftp://x.hr", "https://x.hr/?a=1", "not a url", "javascript:alert(1)"] {
            #expect(throws: OpenIDConnect.Failure.self, "\(bad)") { try OpenIDConnect.checkIssuer(bad) }
        }
    }

    @Test func pkceChallengeIsRFC7636s() {
        // RFC 7636, appendix B.
        #expect(OpenIDConnect.challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk") == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")
    }

    /// Tokens and keys made by joserfc (PyPI), an implementation of JOSE that is not ours, in
    /// every algorithm accepted: each verifies, and none with a changed signature, another
    /// key, or an algorithm its key pins otherwise.
    @Test func tokensOfEveryAcceptedAlgorithmFromAnotherImplementationVerify() async throws {
        guard Python.available else { return }
        let script = """
            import json, sys
            from joserfc import jwt
            from joserfc.jwk import ECKey, RSAKey
            claims = json.loads(sys.stdin.read())
            for alg in ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384"]:
                key = ECKey.generate_key({"ES256": "P-256", "ES384": "P-384"}[alg]) if alg.startswith("ES") else RSAKey.generate_key(2048)
                kid = "k-" + alg.lower()
                public = key.as_dict(private=False)
                public["kid"] = kid
                print(json.dumps({"alg": alg, "jwk": public, "token": jwt.encode({"alg": alg, "kid": kid}, claims, key, algorithms=[alg])}))
            """
        let claims: [String: Any] = ["iss": Self.issuer, "aud": "shopdesk", "sub": "ana", "email": "ana@shop.hr", "nonce": "n-1",
                                     "exp": Self.now.timeIntervalSince1970 + 300, "iat": Self.now.timeIntervalSince1970]
        let output = try await Python.run(script, input: String(decoding: try JSONSerialization.data(withJSONObject: claims), as: UTF8.self))
        let made = try output.split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        #expect(made.count == OpenIDSigningKey.algorithms.count)
        let keys = try OpenIDConnect.keys(jwks: ["keys": made.map { $0["jwk"]! }])
        func verify(_ token: String, keys: [String: OpenIDSigningKey]) throws -> OpenIDConnect.Identity {
            try OpenIDConnect.verify(idToken: token, keys: keys, issuer: Self.issuer, clientID: "shopdesk", nonce: "n-1", now: Self.now)
        }
        for entry in made {
            let alg = entry["alg"] as! String, token = entry["token"] as! String
            #expect(try verify(token, keys: keys).email == "ana@shop.hr", "\(alg)")
            // One bit of the signature changed.
            var parts = token.split(separator: ".").map(String.init)
            var signature = try #require(OpenIDConnect.base64URL(parts[2]))
            signature[signature.count / 2] ^= 1
            parts[2] = OpenIDConnect.base64URLEncoded(signature)
            #expect(throws: OpenIDConnect.Failure.self, "\(alg) with a changed signature") { try verify(parts.joined(separator: "."), keys: keys) }
            // Another key of the same kind, published under the token's key id.
            let other = try #require(made.first { ($0["alg"] as! String) != alg && ($0["alg"] as! String).prefix(2) == alg.prefix(2) })
            let swapped = try OpenIDConnect.keys(jwks: ["keys": [(other["jwk"] as! [String: Any]).merging(["kid": "k-" + alg.lowercased()]) { $1 }]])
            #expect(throws: OpenIDConnect.Failure.self, "\(alg) under another key") { try verify(token, keys: swapped) }
            // A key that pins another algorithm.
            var pinned = entry["jwk"] as! [String: Any]
            pinned["alg"] = alg.hasPrefix("RS") ? "PS256" : alg.hasPrefix("PS") ? "RS256" : alg == "ES256" ? "ES384" : "ES256"
            #expect(throws: OpenIDConnect.Failure.self, "\(alg) under a key pinned otherwise") {
                try verify(token, keys: try OpenIDConnect.keys(jwks: ["keys": [pinned]]))
            }
        }
        // Keys Shopdesk does not accept are left out, and a set of only those is refused.
        let unusable: [[String: Any]] = [["kty": "oct", "k": "c2VjcmV0", "kid": "h"], ["kty": "EC", "crv": "P-521", "x": "AA", "y": "AA"],
                                         ["kty": "OKP", "crv": "Ed25519", "x": "AA"], (made[0]["jwk"] as! [String: Any]).merging(["use": "enc"]) { $1 }]
        #expect(throws: OpenIDConnect.Failure.self) { try OpenIDConnect.keys(jwks: ["keys": unusable]) }
    }
}
