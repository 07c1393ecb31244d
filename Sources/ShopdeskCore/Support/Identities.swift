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
        return Text.trimmed(raw).hasPrefix("+") ? "+" + digits : digits
    }
}

/// Small text helpers shared by every layer.
public enum Text {
    /// Without leading and trailing white space (Unicode White_Space: spaces, tabs, line
    /// breaks). Foundation's `trimmingCharacters(in:)` bridges through NSString, which was 2 %
    /// of an ingest's CPU for a few short fields; most values need no trimming at all.
    public static func trimmed(_ raw: String) -> String {
        guard let first = raw.utf8.first, let last = raw.utf8.last else { return raw }
        if (0x21..<0x80).contains(first), (0x21..<0x80).contains(last) { return raw }
        let scalars = raw.unicodeScalars
        guard let start = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let end = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(scalars[start...end])
    }

    /// Collapses CR, LF and other control characters into spaces: names and subjects are one line.
    public static func singleLine(_ raw: String) -> String {
        var complete = true
        return singleLine(raw, scalarLimit: .max, complete: &complete)
    }

    /// The same, stopping after `scalarLimit` scalars of output (`complete` says whether it did).
    static func singleLine(_ raw: String, scalarLimit: Int, complete: inout Bool) -> String {
        var result = String.UnicodeScalarView()
        var count = 0
        var pendingSpace = false
        complete = true
        for scalar in raw.unicodeScalars {
            // Spaces and the control characters (general category Cc: U+0000–001F, U+007F–009F).
            if scalar == " " || scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) {
                pendingSpace = count > 0
                continue
            }
            if count >= scalarLimit {
                complete = false
                break
            }
            if pendingSpace {
                result.append(" ")
                pendingSpace = false
                count += 1
            }
            result.append(scalar)
            count += 1
        }
        return String(result)
    }

    /// Nothing but whitespace and line breaks (stops at the first other character, without
    /// copying the text as Foundation's trimming would).
    public static func isBlank(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy { $0.properties.isWhitespace }
    }

    /// A short preview of a message for lists (only the start of a long text is read).
    public static func preview(_ text: String, length: Int = 160) -> String {
        var complete = true
        var line = singleLine(text, scalarLimit: length * 4, complete: &complete)
        // Fewer characters than scalars read: clusters of many scalars; read it all to be exact.
        if !complete && line.count <= length { line = singleLine(text) }
        return line.count <= length ? line : String(line.prefix(length - 1)) + "…"
    }
}
