import _CryptoExtras
import Crypto
import Foundation
import ShopdeskMail

/// Signs outgoing mail with DKIM when `dkim_selector` and `dkim_key` (an RSA private key in PEM)
/// are configured; the domain is the From address's. Publish the public key at
/// `<selector>._domainkey.<domain>` as `v=DKIM1; k=rsa; p=<base64 DER>`.
struct DKIMSigner {
    let selector: String
    let key: _RSA.Signing.PrivateKey

    static func load(_ configuration: ServerConfiguration) throws -> DKIMSigner? {
        guard let selector = configuration.dkimSelector, let path = configuration.dkimKey else { return nil }
        guard let pem = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ConfigurationError("The DKIM key file \(path) cannot be read.")
        }
        do {
            return DKIMSigner(selector: selector, key: try _RSA.Signing.PrivateKey(pemRepresentation: pem))
        } catch {
            throw ConfigurationError("The DKIM key in \(path) is not an RSA private key in PEM: \(error)")
        }
    }

    func sign(_ message: [UInt8], from address: String, at time: Date = Date()) throws -> [UInt8] {
        guard let at = address.lastIndex(of: "@") else { return message }
        let domain = String(address[address.index(after: at)...]).lowercased()
        return try DKIM.sign(message, domain: domain, selector: selector, time: Int(time.timeIntervalSince1970),
                             sha256: { Data(SHA256.hash(data: $0)).base64EncodedString() },
                             rsaSign: { try key.signature(for: SHA256.hash(data: $0), padding: .insecurePKCS1v1_5).rawRepresentation.base64EncodedString() })
    }
}
