import _CryptoExtras
import Crypto
import Foundation

/// A provider's ID-token signing key from its JWKS (RFC 7517/7518): RSA of 2048 bits or more for
/// RS256/384/512 and PS256/384/512, or an elliptic-curve key for ES256 (P-256) and ES384
/// (P-384). Google and Microsoft sign with RS256; Keycloak, Auth0, Okta and others can be set to
/// PS or ES algorithms. `none` and HMAC are never accepted: an HMAC "key" would be the client
/// secret, which the token's audience also knows.
struct OpenIDSigningKey: Sendable {
    enum Material: Sendable {
        case rsa(_RSA.Signing.PublicKey)
        /// The curve point, x then y (swift-crypto's EC keys are not `Sendable`; one is made from
        /// it for each check, which costs microseconds).
        case p256(Data)
        case p384(Data)
    }

    let material: Material
    /// The algorithm the JWK itself pins (`alg`), if it does: then only that one.
    let algorithm: String?

    static let algorithms = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384"]

    /// The key a JWK describes, or nil for one that is not a signing key we accept.
    init?(jwk: [String: Any]) {
        guard (jwk["use"] as? String ?? "sig") == "sig" else { return nil }
        let pinned = jwk["alg"] as? String
        if let pinned, !Self.algorithms.contains(pinned) { return nil }
        func bytes(_ name: String) -> Data? { (jwk[name] as? String).flatMap(OpenIDConnect.base64URL) }
        switch jwk["kty"] as? String {
        case "RSA":
            guard let n = bytes("n"), let e = bytes("e"), let key = try? _RSA.Signing.PublicKey(n: n, e: e),
                  key.keySizeInBits >= 2048 else { return nil }
            material = .rsa(key)
        case "EC":
            // The raw point is x then y, each the curve's size.
            guard let x = bytes("x"), let y = bytes("y") else { return nil }
            switch jwk["crv"] as? String {
            case "P-256":
                guard x.count == 32, y.count == 32, (try? P256.Signing.PublicKey(rawRepresentation: x + y)) != nil else { return nil }
                material = .p256(x + y)
            case "P-384":
                guard x.count == 48, y.count == 48, (try? P384.Signing.PublicKey(rawRepresentation: x + y)) != nil else { return nil }
                material = .p384(x + y)
            default: return nil
            }
        default: return nil
        }
        algorithm = pinned
    }

    init(rsa key: _RSA.Signing.PublicKey) {
        material = .rsa(key)
        algorithm = nil
    }

    /// Whether `signature` is this key's, under `algorithm` (the token header's), over `signed`.
    /// An algorithm of another key type never is: no key serves two kinds of signature.
    func isValid(signature: Data, of signed: Data, algorithm: String) -> Bool {
        if let pinned = self.algorithm, pinned != algorithm { return false }
        switch (material, algorithm) {
        case (.rsa(let key), "RS256"): return Self.rsa(key, signature, SHA256.hash(data: signed), .insecurePKCS1v1_5)
        case (.rsa(let key), "RS384"): return Self.rsa(key, signature, SHA384.hash(data: signed), .insecurePKCS1v1_5)
        case (.rsa(let key), "RS512"): return Self.rsa(key, signature, SHA512.hash(data: signed), .insecurePKCS1v1_5)
        case (.rsa(let key), "PS256"): return Self.rsa(key, signature, SHA256.hash(data: signed), .PSS)
        case (.rsa(let key), "PS384"): return Self.rsa(key, signature, SHA384.hash(data: signed), .PSS)
        case (.rsa(let key), "PS512"): return Self.rsa(key, signature, SHA512.hash(data: signed), .PSS)
        case (.p256(let point), "ES256"):
            // JWS carries r and s side by side (RFC 7518, section 3.4), not DER.
            guard signature.count == 64, let key = try? P256.Signing.PublicKey(rawRepresentation: point),
                  let value = try? P256.Signing.ECDSASignature(rawRepresentation: signature) else { return false }
            return key.isValidSignature(value, for: SHA256.hash(data: signed))
        case (.p384(let point), "ES384"):
            guard signature.count == 96, let key = try? P384.Signing.PublicKey(rawRepresentation: point),
                  let value = try? P384.Signing.ECDSASignature(rawRepresentation: signature) else { return false }
            return key.isValidSignature(value, for: SHA384.hash(data: signed))
        default:
            return false
        }
    }

    private static func rsa<D: Digest>(_ key: _RSA.Signing.PublicKey, _ signature: Data, _ digest: D,
                                       _ padding: _RSA.Signing.Padding) -> Bool {
        key.isValidSignature(_RSA.Signing.RSASignature(rawRepresentation: signature), for: digest, padding: padding)
    }
}
