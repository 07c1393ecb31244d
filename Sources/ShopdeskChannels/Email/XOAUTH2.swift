import Foundation

/// The XOAUTH2 SASL mechanism of Gmail and Microsoft 365 (IMAP and SMTP): the mailbox's address
/// and an OAuth 2.0 access token in place of a password.
public enum XOAUTH2 {
    /// `base64("user=" user ^A "auth=Bearer " token ^A ^A)`.
    public static func initialResponse(user: String, accessToken: String) -> String {
        let clean = { (text: String) in text.filter { $0 != "\u{1}" && $0 != "\r" && $0 != "\n" } }
        return Data("user=\(clean(user))\u{1}auth=Bearer \(clean(accessToken))\u{1}\u{1}".utf8).base64EncodedString()
    }

    /// The reason in a server's challenge after a refused token (base64 JSON such as
    /// `{"status":"401","schemes":"bearer","scope":"https://mail.google.com/"}`), in words.
    public static func reason(_ challenge: String) -> String? {
        guard let data = Data(base64Encoded: challenge.trimmingCharacters(in: .whitespaces)), data.count <= 4_096,
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        let status = (object["status"] as? String) ?? (object["status"] as? Int).map(String.init)
        return status.map { "status \($0)" }
    }
}
