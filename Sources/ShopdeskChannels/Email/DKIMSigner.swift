import _CryptoExtras
import Crypto
import Foundation
import ShopdeskMail

/// Signs outgoing mail with DKIM when `dkim_selector` and `dkim_key` (an RSA private key in PEM)
/// are configured; the domain is the From address's. Publish the public key at
/// `<selector>._domainkey.<domain>` as `v=DKIM1; k=rsa; p=<base64 DER>`.
public struct DKIMSigner: Sendable {
    let selector: String
    let key: _RSA.Signing.PrivateKey

    /// The signer for `selector` with the key in `pem`; throws a sentence naming `path` when the
    /// key is not an RSA private key in PEM.
    public init(selector: String, pem: String, path: String) throws(DKIMKeyError) {
        self.selector = selector
        do { key = try _RSA.Signing.PrivateKey(pemRepresentation: pem) } catch {
            throw DKIMKeyError(description: "The DKIM key in \(path) is not an RSA private key in PEM: \(error)")
        }
    }

    public func sign(_ message: [UInt8], from address: String, at time: Date = Date()) throws -> [UInt8] {
        guard let at = address.lastIndex(of: "@") else { return message }
        let domain = String(address[address.index(after: at)...]).lowercased()
        return try DKIM.sign(message, domain: domain, selector: selector, time: Int(time.timeIntervalSince1970),
                             sha256: { Data(SHA256.hash(data: $0)).base64EncodedString() },
                             rsaSign: { try key.signature(for: SHA256.hash(data: $0), padding: .insecurePKCS1v1_5).rawRepresentation.base64EncodedString() })
    }
}

public struct DKIMKeyError: Error, CustomStringConvertible {
    public let description: String
}
