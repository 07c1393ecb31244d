import Foundation

/// Normal forms for the ways we recognise a customer across channels.
public enum Identities {
    /// Lowercased address with exactly one `@`, a dot in the domain and no spaces or controls.
    public static func email(_ raw: String) throws(ShopdeskError) -> String {
        let value = raw.lowercased()
        let parts = value.split(separator: "@", omittingEmptySubsequences: false)
        guard value.count <= 254, parts.count == 2, !parts[0].isEmpty, parts[1].contains("."),
              !parts[1].hasPrefix("."), !parts[1].hasSuffix("."),
              !value.contains(where: { $0.isWhitespace || $0.asciiValue.map { $0 < 32 || $0 == 127 } == true })
        else {
            throw .invalid(field: "email", "\"\(raw.prefix(100))\" is not an email address.")
        }
        return value
    }

    /// E.164-like: a leading `+` kept, every other non-digit dropped, 6 to 15 digits.
    public static func phone(_ raw: String) throws(ShopdeskError) -> String {
        let digits = raw.filter(\.isASCII).filter(\.isNumber)
        guard (6...15).contains(digits.count) else {
            throw .invalid(field: "phone", "\"\(raw.prefix(40))\" is not a phone number (6 to 15 digits).")
        }
        return raw.trimmingCharacters(in: .whitespaces).hasPrefix("+") ? "+" + digits : digits
    }
}

/// Small text helpers shared by every layer.
public enum Text {
    /// Collapses CR, LF and other control characters into spaces: names and subjects are one line.
    public static func singleLine(_ raw: String) -> String {
        raw.unicodeScalars
            .map { $0.properties.generalCategory == .control ? " " : String($0) }
            .joined()
            .split(separator: " ", omittingEmptySubsequences: true)
            .joined(separator: " ")
    }

    /// A short preview of a message for lists.
    public static func preview(_ text: String, length: Int = 160) -> String {
        let line = singleLine(text)
        return line.count <= length ? line : String(line.prefix(length - 1)) + "…"
    }
}
