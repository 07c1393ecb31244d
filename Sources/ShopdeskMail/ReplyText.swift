import Foundation

/// The part of a reply that the customer wrote just now: quoted history and signatures cut
/// off, for Gmail, Outlook, Apple Mail and Thunderbird styles in English, Portuguese, Russian,
/// Croatian (and German, which shops see often). The full text stays in the raw message.
public enum ReplyText {
    public static func visible(_ text: String) -> String {
        let lines = Self.lines(text)
        var cut = lines.count
        for index in lines.indices {
            let line = trimmed(lines[index])
            // Most lines cannot start a quote or signature: skip them cheaply.
            let head = line.prefix(12)
            guard line.hasSuffix(":") || head.contains(":") || line.hasPrefix("-") || line.hasPrefix("_")
                    || ["on ", "em ", "am "].contains(where: { head.lowercased().hasPrefix($0) })
                    || (line.unicodeScalars.count < 40 && !line.isEmpty) || lines[index] == "-- " else { continue }
            let next = index + 1 < lines.count ? trimmed(lines[index + 1]) : ""
            // Gmail and Apple Mail wrap a long "On …, X <x@y> wrote:" over two lines.
            let wrapped = ["on ", "em ", "am "].contains { line.lowercased().hasPrefix($0) } && isQuoteHeader(line + " " + next)
            if isSignatureStart(lines[index]) || isQuoteHeader(line) || wrapped || isOutlookHeader(lines, at: index) {
                cut = index
                break
            }
        }
        var kept = Array(lines[..<cut])
        // A trailing block of "> " lines is the quoted message in bottom-posting clients.
        while let last = kept.last.map(trimmed), last.hasPrefix(">") || last.isEmpty {
            kept.removeLast()
        }
        let result = trimmedWhitespace(kept.joined(separator: "\n"))
        return result.isEmpty ? trimmedWhitespace(text) : result
    }

    /// The text's lines, split where Swift sees a line break (LF, CR, CRLF as one, VT, FF, NEL,
    /// U+2028/2029), scalar by scalar rather than by grapheme.
    static func lines(_ text: String) -> [String] {
        var lines: [String] = []
        let scalars = text.unicodeScalars
        var start = scalars.startIndex
        var index = start
        while index < scalars.endIndex {
            let scalar = scalars[index]
            switch scalar.value {
            case 0x0A, 0x0B, 0x0C, 0x0D, 0x85, 0x2028, 0x2029:
                lines.append(String(scalars[start..<index]))
                var next = scalars.index(after: index)
                if scalar == "\r", next < scalars.endIndex, scalars[next] == "\n" { next = scalars.index(after: next) }
                start = next
                index = next
            default:
                index = scalars.index(after: index)
            }
        }
        lines.append(String(scalars[start...]))
        return lines
    }

    /// Without whitespace and line breaks at either end (Foundation's trimming copies the whole
    /// text through UTF-16 first).
    static func trimmedWhitespace(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(scalars[first...last])
    }

    /// Without spaces and tabs at either end (cheaper than Foundation's trimming).
    static func trimmed(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { $0 != " " && $0 != "\t" }),
              let last = scalars.lastIndex(where: { $0 != " " && $0 != "\t" }) else { return "" }
        return String(scalars[first...last])
    }

    /// "-- " alone on a line (RFC 3676), or the mobile mail programs' own sign-offs.
    static func isSignatureStart(_ raw: String) -> Bool {
        if raw == "-- " || raw == "--" { return true }
        let line = raw.trimmingCharacters(in: .whitespaces).lowercased()
        return ["sent from my iphone", "sent from my ipad", "sent from my android", "sent from outlook", "enviado do meu iphone",
                "enviado do meu android", "poslano s mog iphonea", "poslano s mog iphone-a", "poslano s mog mobitela",
                "отправлено с iphone", "отправлено с моего iphone", "von meinem iphone gesendet", "get outlook for"]
            .contains { line.hasPrefix($0) }
    }

    /// "On … wrote:", "Em … escreveu:", "… je napisao/la:", "… написал(а):", "Am … schrieb …:".
    static func isQuoteHeader(_ line: String) -> Bool {
        guard line.hasSuffix(":"), line.count < 400 else { return false }
        let lower = line.lowercased()
        if lower.hasPrefix("on ") && lower.hasSuffix("wrote:") { return true }
        if lower.hasPrefix("em ") && lower.hasSuffix("escreveu:") { return true }
        if lower.hasPrefix("am ") && lower.contains("schrieb") { return true }
        if lower.hasSuffix("napisao je:") || lower.hasSuffix("napisala je:") || lower.hasSuffix("je napisao:")
            || lower.hasSuffix("je napisala:") || lower.hasSuffix("je napisao/la:") || lower.hasSuffix("napisao/la je:") { return true }
        if lower.hasSuffix("написал:") || lower.hasSuffix("написала:") || lower.hasSuffix("написал(а):") || lower.hasSuffix("пишет:") { return true }
        return false
    }

    /// Outlook's separator line, or its header block: a From line followed within three lines
    /// by a Sent/Date line, in any of the languages.
    static func isOutlookHeader(_ lines: [String], at index: Int) -> Bool {
        let line = lines[index].trimmingCharacters(in: .whitespaces).lowercased()
        let separators = ["-----original message-----", "----- original message -----", "-----izvorna poruka-----",
                          "----- izvorna poruka -----", "-----mensagem original-----", "----- mensagem original -----",
                          "-----исходное сообщение-----", "----- исходное сообщение -----", "________________________________"]
        if separators.contains(line) { return true }
        let fromWords = ["from:", "od:", "de:", "от:", "von:"]
        let sentWords = ["sent:", "date:", "poslano:", "datum:", "enviado:", "enviada em:", "data:", "отправлено:", "дата:", "gesendet:"]
        guard fromWords.contains(where: { line.hasPrefix($0) }) else { return false }
        for look in (index + 1)..<min(lines.count, index + 4) {
            let candidate = lines[look].trimmingCharacters(in: .whitespaces).lowercased()
            if sentWords.contains(where: { candidate.hasPrefix($0) }) { return true }
        }
        return false
    }
}
