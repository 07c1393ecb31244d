import Crypto
import Foundation

/// Web Push as browsers' push services take it: the message encrypted for one subscription
/// (RFC 8291, `aes128gcm` content coding of RFC 8188) and the application server identified by
/// a signed VAPID token (RFC 8292). No provider account is needed: the browser's push service
/// (Google's, Mozilla's, Apple's…) accepts any server that signs with the key the browser was
/// given when it subscribed.
public enum WebPush {
    /// A browser's subscription: where to post, and the keys to encrypt for.
    public struct Subscription: Sendable, Equatable {
        public var endpoint: String
        /// The browser's P-256 public key, uncompressed (65 bytes), base64url in the API.
        public var p256dh: Data
        /// The browser's 16-byte authentication secret.
        public var auth: Data

        public init(endpoint: String, p256dh: Data, auth: Data) {
            self.endpoint = endpoint; self.p256dh = p256dh; self.auth = auth
        }

        /// Checks the keys a browser sent (`PushSubscription.toJSON().keys`); nil with the reason
        /// when they cannot be used.
        public static func validated(endpoint: String, p256dh: String, auth: String) -> Result<Subscription, SubscriptionError> {
            guard let key = Base64URL.decode(p256dh), key.count == 65, key.first == 0x04,
                  (try? P256.KeyAgreement.PublicKey(x963Representation: key)) != nil
            else { return .failure(.badKey) }
            guard let secret = Base64URL.decode(auth), secret.count == 16 else { return .failure(.badAuth) }
            return .success(Subscription(endpoint: endpoint, p256dh: key, auth: secret))
        }
    }

    public enum SubscriptionError: Error, Sendable { case badKey, badAuth }

    /// The largest payload sent: one record of 4,096 bytes holds the text, its delimiter and the
    /// 16-byte tag, and the 86-byte header comes before it (push services take at least 4,096).
    public static let maxPayload = 3_993
    private static let recordSize: UInt32 = 4_096

    /// The message body for one subscription (a payload over `maxPayload` is refused with an error): `salt | rs | idlen | keyid | ciphertext`, with a
    /// fresh key pair and salt per message (or the given ones, for tests with known answers).
    public static func encrypt(
        _ payload: Data, for subscription: Subscription,
        senderKey: P256.KeyAgreement.PrivateKey = .init(), salt: Data? = nil
    ) throws -> Data {
        guard payload.count <= maxPayload else {
            throw WebPushError("A push message holds at most \(maxPayload) bytes; this one has \(payload.count).")
        }
        let salt = salt ?? Data((0..<16).map { _ in UInt8.random(in: .min ... .max) })
        let receiver = try P256.KeyAgreement.PublicKey(x963Representation: subscription.p256dh)
        let shared = try senderKey.sharedSecretFromKeyAgreement(with: receiver)
        let senderPublic = senderKey.publicKey.x963Representation
        // The input keying material binds the ECDH secret to both keys and the browser's secret.
        let keyInfo = Data("WebPush: info".utf8) + [0] + subscription.p256dh + senderPublic
        let ikm = shared.withUnsafeBytes { secret in
            HKDF<SHA256>.deriveKey(inputKeyMaterial: SymmetricKey(data: secret), salt: subscription.auth, info: keyInfo, outputByteCount: 32)
        }
        let contentKey = HKDF<SHA256>.deriveKey(inputKeyMaterial: ikm, salt: salt,
                                                info: Data("Content-Encoding: aes128gcm".utf8) + [0], outputByteCount: 16)
        let nonce = HKDF<SHA256>.deriveKey(inputKeyMaterial: ikm, salt: salt,
                                           info: Data("Content-Encoding: nonce".utf8) + [0], outputByteCount: 12)
        // One record, the last: its padding delimiter is 2.
        let sealed = try AES.GCM.seal(payload + [2], using: contentKey,
                                      nonce: AES.GCM.Nonce(data: nonce.withUnsafeBytes { Data($0) }))
        var body = salt
        body.append(contentsOf: withUnsafeBytes(of: recordSize.bigEndian) { Array($0) })
        body.append(UInt8(senderPublic.count))
        body.append(senderPublic)
        body.append(sealed.ciphertext)
        body.append(sealed.tag)
        return body
    }
}

/// Voluntary Application Server Identification (RFC 8292): a JWT signed with the server's P-256
/// key, for the push service's origin, with a contact for its operators.
/// Made where it signs and used there (the key type is not `Sendable`, so neither is this).
public struct VAPID {
    public let key: P256.Signing.PrivateKey
    /// `mailto:` or `https:` address the push service may contact.
    public let subject: String

    public init(key: P256.Signing.PrivateKey, subject: String) {
        self.key = key; self.subject = subject
    }

    /// The key a deployment derives from its secret key, so every node signs with the same one
    /// without storing another secret. (A derived 32 bytes fall outside P-256's scalar range
    /// with a probability of about 2⁻³²; the next counter is tried then.)
    public static func derivedKey(from secret: SymmetricKey) -> P256.Signing.PrivateKey {
        var counter: UInt8 = 0
        while true {
            let bytes = HKDF<SHA256>.deriveKey(inputKeyMaterial: secret, salt: Data("shopdesk".utf8),
                                               info: Data("vapid \(counter)".utf8), outputByteCount: 32)
            if let key = try? P256.Signing.PrivateKey(rawRepresentation: bytes.withUnsafeBytes { Data($0) }) { return key }
            counter &+= 1
        }
    }

    /// The public key browsers are given as `applicationServerKey`: uncompressed, base64url.
    public var publicKey: String { Base64URL.encode(key.publicKey.x963Representation) }

    /// The `Authorization` header for a request to `endpoint`, valid for 12 hours from `now`.
    public func authorization(for endpoint: String, now: Date = Date()) throws -> String {
        guard let url = URL(string: endpoint), let scheme = url.scheme, let host = url.host else {
            throw WebPushError("The subscription's endpoint is not a URL.")
        }
        let origin = "\(scheme)://\(host)" + (url.port.map { ":\($0)" } ?? "")
        let header = Base64URL.encode(Data(#"{"typ":"JWT","alg":"ES256"}"#.utf8))
        let claims: [String: Any] = ["aud": origin, "exp": Int(now.timeIntervalSince1970) + 12 * 3600, "sub": subject]
        let payload = Base64URL.encode(try JSONSerialization.data(withJSONObject: claims, options: [.sortedKeys, .withoutEscapingSlashes]))
        let signed = "\(header).\(payload)"
        let signature = try key.signature(for: Data(signed.utf8)).rawRepresentation
        return "vapid t=\(signed).\(Base64URL.encode(signature)), k=\(publicKey)"
    }
}

public struct WebPushError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// Base64 with the URL alphabet and no padding, as Web Push, JWTs and our tokens write it.
public enum Base64URL {
    public static func encode(_ data: some DataProtocol) -> String {
        Data(data).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// `maxLength` bounds the work on untrusted text (keys are short; a JWT's parts longer).
    public static func decode(_ text: String, maxLength: Int = 1_024) -> Data? {
        guard text.utf8.count <= maxLength else { return nil }
        var base = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        // Browsers send the keys unpadded; some clients pad them.
        base = base.trimmingCharacters(in: CharacterSet(charactersIn: "="))
        base += String(repeating: "=", count: (4 - base.count % 4) % 4)
        return Data(base64Encoded: base)
    }
}
