import Foundation

/// An email inbox's addresses: mail to any of them lands in the inbox.
public struct EmailSettings: Codable, Equatable, Sendable {
    /// The address customers write to and replies come from (`support@shop.example`).
    public var address: String
    /// Other addresses delivered to the same inbox (`help@…`, an old address).
    public var aliases: [String]

    public init(address: String, aliases: [String] = []) {
        self.address = address
        self.aliases = aliases
    }

    private enum CodingKeys: String, CodingKey { case address, aliases }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        address = try container.decode(String.self, forKey: .address)
        aliases = try container.decodeIfPresent([String].self, forKey: .aliases) ?? []
    }

    public func validated() throws(ShopdeskError) -> EmailSettings {
        let address = try Identities.email(address)
        var aliases: [String] = []
        for alias in self.aliases where !alias.trimmingCharacters(in: .whitespaces).isEmpty {
            aliases.append(try Identities.email(alias))
        }
        return EmailSettings(address: address, aliases: aliases.filter { $0 != address })
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
