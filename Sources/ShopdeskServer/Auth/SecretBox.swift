import Crypto
import Foundation
import ShopdeskChannels
import Synchronization

/// Encrypts credentials that Shopdesk must be able to read back (SMTP and IMAP passwords,
/// later shop API keys) with AES-GCM. The key comes from `SHOPDESK_SECRET_KEY` (base64, 32
/// bytes) or, when that is not set, from `<data>/secret.key`, created on first use with mode
/// 0600. Whoever has the database alone cannot read the credentials.
struct SecretBox: Sendable {
    private let keyBytes: Data
    private var key: SymmetricKey { SymmetricKey(data: keyBytes) }

    init(keyBytes: Data) {
        self.keyBytes = keyBytes
    }

    static func load(configuration: ServerConfiguration) throws -> SecretBox {
        if let text = configuration.secretKey {
            guard let data = Data(base64Encoded: text), data.count == 32 else {
                throw ConfigurationError("secret_key must be 32 random bytes in base64 (openssl rand -base64 32).")
            }
            return SecretBox(keyBytes: data)
        }
        let url = URL(fileURLWithPath: configuration.dataDirectory).appendingPathComponent("secret.key")
        if let data = FileManager.default.contents(atPath: url.path), let decoded = Data(base64Encoded: data), decoded.count == 32 {
            return SecretBox(keyBytes: decoded)
        }
        try FileManager.default.createDirectory(atPath: configuration.dataDirectory, withIntermediateDirectories: true)
        let bytes = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
        let encoded = bytes.base64EncodedData()
        guard FileManager.default.createFile(atPath: url.path, contents: encoded, attributes: [.posixPermissions: 0o600]) else {
            throw ConfigurationError("Could not write the secret key to \(url.path).")
        }
        return SecretBox(keyBytes: bytes)
    }

    /// The deployment's web push signing key (VAPID), derived from the secret key: the same on
    /// every node that shares it, nothing more to store.
    func vapidKey() -> P256.Signing.PrivateKey { VAPID.derivedKey(from: key) }

    func seal(_ text: String) throws -> String {
        guard let combined = try AES.GCM.seal(Data(text.utf8), using: key).combined else {
            throw ConfigurationError("AES-GCM gave no combined box.")
        }
        return "v1:" + combined.base64EncodedString()
    }

    /// A signature of `message` for one `purpose` (signed links), with a key derived from the
    /// secret key for that purpose alone: a signature made for one use is never valid for another.
    func sign(_ message: String, purpose: String) -> String {
        let derived = HMAC<SHA256>.authenticationCode(for: Data("shopdesk/\(purpose)".utf8), using: key)
        return Secrets.hex(HMAC<SHA256>.authenticationCode(for: Data(message.utf8), using: SymmetricKey(data: Data(derived))))
    }

    func open(_ sealed: String) throws -> String {
        guard sealed.hasPrefix("v1:"), let data = Data(base64Encoded: String(sealed.dropFirst(3))) else {
            throw ConfigurationError("A stored secret is not in a format this Shopdesk knows.")
        }
        return String(decoding: try AES.GCM.open(AES.GCM.SealedBox(combined: data), using: key), as: UTF8.self)
    }
}

/// The secret box of one server, loaded on first use and kept.
final class SecretBoxCache: Sendable {
    private let loaded = Mutex<SecretBox?>(nil)

    func box(configuration: ServerConfiguration) throws -> SecretBox {
        if let box = loaded.withLock({ $0 }) { return box }
        let box = try SecretBox.load(configuration: configuration)
        loaded.withLock { $0 = $0 ?? box }
        return loaded.withLock { $0! }
    }
}
