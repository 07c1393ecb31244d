import Foundation

/// An email inbox's addresses: mail to any of them lands in the inbox.
public struct EmailSettings: Codable, Equatable, Sendable {
    /// The address customers write to and replies come from (`support@shop.example`).
    public var address: String
    /// Other addresses delivered to the same inbox (`help@…`, an old address).
    public var aliases: [String]
    /// How replies leave: the shop's SMTP submission server.
    public var smtp: OutgoingSMTP?
    /// An existing mailbox Shopdesk polls over IMAP (same connection fields: host, port 993 with
    /// `tls` or 143 with `starttls`, username, password sealed).
    public var imap: OutgoingSMTP?
    /// The folder polled; imported mail is flagged \Seen there (or moved to `imapMoveTo`).
    public var imapFolder: String
    public var imapMoveTo: String?
    /// Set when the mailbox was connected with OAuth 2.0 (`google`, `microsoft`, …): IMAP and SMTP
    /// sign in with XOAUTH2 and an access token from the inbox's grant instead of a password.
    /// Only the consent flow sets it; an admin's PATCH can only clear it.
    public var oauthProvider: String?

    public init(address: String, aliases: [String] = [], smtp: OutgoingSMTP? = nil, imap: OutgoingSMTP? = nil,
                imapFolder: String = "INBOX", imapMoveTo: String? = nil, oauthProvider: String? = nil) {
        self.oauthProvider = oauthProvider
        self.address = address
        self.aliases = aliases
        self.smtp = smtp
        self.imap = imap
        self.imapFolder = imapFolder
        self.imapMoveTo = imapMoveTo
    }

    private enum CodingKeys: String, CodingKey { case address, aliases, smtp, imap, imapFolder, imapMoveTo, oauthProvider }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        address = try container.decode(String.self, forKey: .address)
        aliases = try container.decodeIfPresent([String].self, forKey: .aliases) ?? []
        smtp = try container.decodeIfPresent(OutgoingSMTP.self, forKey: .smtp)
        imap = try container.decodeIfPresent(OutgoingSMTP.self, forKey: .imap)
        imapFolder = try container.decodeIfPresent(String.self, forKey: .imapFolder) ?? "INBOX"
        imapMoveTo = try container.decodeIfPresent(String.self, forKey: .imapMoveTo)
        oauthProvider = try container.decodeIfPresent(String.self, forKey: .oauthProvider)
    }

    public func validated() throws(ShopdeskError) -> EmailSettings {
        let address = try Identities.email(address)
        var aliases: [String] = []
        for alias in self.aliases where !alias.trimmingCharacters(in: .whitespaces).isEmpty {
            aliases.append(try Identities.email(alias))
        }
        var smtp = self.smtp
        if let server = smtp {
            let host = server.host.trimmingCharacters(in: .whitespaces)
            guard !host.isEmpty, !host.contains(where: { $0 == "/" || $0 == " " || $0 == ":" }) else {
                throw .invalid(field: "email.smtp.host", "The SMTP host is a name such as smtp.example.com, without a scheme or port.")
            }
            guard (1...65535).contains(server.port) else { throw .invalid(field: "email.smtp.port", "The SMTP port is 1 to 65535 (usually 587 or 465).") }
            smtp?.host = host
        }
        var imap = self.imap
        if let server = imap {
            let host = server.host.trimmingCharacters(in: .whitespaces)
            guard !host.isEmpty, !host.contains(where: { $0 == "/" || $0 == " " || $0 == ":" }) else {
                throw .invalid(field: "email.imap.host", "The IMAP host is a name such as imap.example.com, without a scheme or port.")
            }
            guard (1...65535).contains(server.port) else { throw .invalid(field: "email.imap.port", "The IMAP port is 1 to 65535 (usually 993).") }
            imap?.host = host
        }
        let folder = imapFolder.trimmingCharacters(in: .whitespaces)
        guard !folder.isEmpty, folder.count <= 200, !folder.contains(where: { $0 == "\"" || $0 == "\r" || $0 == "\n" }) else {
            throw .invalid(field: "email.imap_folder", "The folder is a name such as INBOX, without quotes or line breaks.")
        }
        if let move = imapMoveTo, move.contains(where: { $0 == "\"" || $0 == "\r" || $0 == "\n" }) {
            throw .invalid(field: "email.imap_move_to", "The folder is a name such as Archive, without quotes or line breaks.")
        }
        return EmailSettings(address: address, aliases: aliases.filter { $0 != address }, smtp: smtp, imap: imap, imapFolder: folder,
                             imapMoveTo: imapMoveTo.flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 },
                             oauthProvider: oauthProvider)
    }

    /// Whether mail to `recipient` belongs here; `support+anything@shop.example` counts as
    /// `support@shop.example` (sub-addressing carries our reply token).
    public func receives(_ recipient: String) -> Bool {
        let base = Self.withoutSubaddress(recipient.lowercased())
        return ([address] + aliases).contains { $0.lowercased() == base }
    }

    public static func withoutSubaddress(_ address: String) -> String {
        guard let at = address.lastIndex(of: "@"), let plus = address[..<at].firstIndex(of: "+") else { return address }
        return String(address[..<plus] + address[at...])
    }

    /// The `+tag` of `support+tag@shop.example`, if any.
    public static func subaddress(_ address: String) -> String? {
        guard let at = address.lastIndex(of: "@"), let plus = address[..<at].firstIndex(of: "+") else { return nil }
        let tag = address[address.index(after: plus)..<at]
        return tag.isEmpty ? nil : String(tag)
    }
}

/// The SMTP submission server replies are sent through.
public struct OutgoingSMTP: Codable, Equatable, Sendable {
    public enum Security: String, Codable, Sendable {
        /// Port 587: plain connection upgraded with STARTTLS (required).
        case starttls
        /// Port 465: TLS from the first byte.
        case tls
        /// No encryption: only for a relay on the same machine or in tests.
        case none
    }
    public var host: String
    public var port: Int
    public var security: Security
    public var username: String?
    /// Stored sealed (`SecretBox`); never shown again over the API.
    public var passwordSealed: String?
    /// Only on the way in (an admin typing it): sealed into `passwordSealed`, never stored.
    public var password: String?

    public init(host: String, port: Int, security: Security, username: String? = nil, passwordSealed: String? = nil) {
        self.host = host
        self.port = port
        self.security = security
        self.username = username
        self.passwordSealed = passwordSealed
    }

    private enum CodingKeys: String, CodingKey { case host, port, security, username, passwordSealed, password }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        host = try container.decode(String.self, forKey: .host)
        port = try container.decodeIfPresent(Int.self, forKey: .port) ?? 587
        security = try container.decodeIfPresent(Security.self, forKey: .security) ?? .starttls
        username = try container.decodeIfPresent(String.self, forKey: .username)
        passwordSealed = try container.decodeIfPresent(String.self, forKey: .passwordSealed)
        password = try container.decodeIfPresent(String.self, forKey: .password)
    }

    /// The plain password is never written anywhere.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(host, forKey: .host)
        try container.encode(port, forKey: .port)
        try container.encode(security, forKey: .security)
        try container.encodeIfPresent(username, forKey: .username)
        try container.encodeIfPresent(passwordSealed, forKey: .passwordSealed)
    }
}
