import Foundation

/// The part of a reply that the customer wrote just now: quoted history and signatures cut
/// off, for Gmail, Outlook, Apple Mail and Thunderbird styles in English, Portuguese, Russian,
/// Croatian (and German, which shops see often). The full text stays in the raw message.
public enum ReplyText {
    public static func visible(_ text: String) -> String {
        // Swift treats "\r\n" as one newline character, so this splits on either ending.
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map(String.init)
        var cut = lines.count
        for index in lines.indices {
            let line = trimmed(lines[index])
            // Most lines cannot start a quote or signature: skip them cheaply.
            let head = line.prefix(12)
            guard line.hasSuffix(":") || head.contains(":") || line.hasPrefix("-") || line.hasPrefix("_")
                    || ["on ", "em ", "am "].contains(where: { head.lowercased().hasPrefix($0) })
                    || (line.count < 40 && !line.isEmpty) || lines[index] == "-- " else { continue }
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
        let result = kept.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        return result.isEmpty ? text.trimmingCharacters(in: .whitespacesAndNewlines) : result
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
