import Foundation

/// Help-center articles are written in a Markdown subset and rendered here to HTML that can be
/// served as it is: every character of the source is escaped unless it is Markdown syntax, links
/// only go to http(s), mailto or the same site, and images only come from https.
///
/// Blocks: `#`–`######` headings (shifted one level down: the page's `<h1>` is the title),
/// paragraphs, `-`/`*`/`+` and `1.` lists, `>` quotes, fenced code, `---` rules.
/// Inline: `**strong**`, `*em*`/`_em_`, `` `code` ``, `[text](url)`, `![alt](https://…)`, and a
/// line ending in two spaces breaks.
public enum Markdown {
    public static func html(_ source: String) -> String {
        var output = ""
        var lines = source.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines.append("")
        var paragraph: [String] = []
        var index = 0
        func flush() {
            guard !paragraph.isEmpty else { return }
            output += "<p>" + paragraph.enumerated().map { offset, line in
                let hardBreak = line.hasSuffix("  ") && offset < paragraph.count - 1
                return inline(line.trimmingCharacters(in: .whitespaces)) + (hardBreak ? "<br>" : "")
            }.joined(separator: "\n") + "</p>\n"
            paragraph = []
        }
        while index < lines.count {
            let line = lines[index]
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { flush(); index += 1; continue }
            if trimmed.hasPrefix("```") {
                flush()
                var code: [String] = []
                index += 1
                while index < lines.count, !lines[index].trimmingCharacters(in: .whitespaces).hasPrefix("```") { code.append(lines[index]); index += 1 }
                output += "<pre><code>" + HTMLEscaping.escape(code.joined(separator: "\n")) + "</code></pre>\n"
                index += 1
                continue
            }
            if let level = headingLevel(trimmed) {
                flush()
                let text = trimmed.dropFirst(level).trimmingCharacters(in: CharacterSet(charactersIn: " #"))
                let tag = "h\(min(level + 1, 6))"
                output += "<\(tag)>\(inline(text))</\(tag)>\n"
                index += 1
                continue
            }
            if trimmed == "---" || trimmed == "***" || trimmed == "___" {
                flush(); output += "<hr>\n"; index += 1; continue
            }
            if trimmed.hasPrefix(">") {
                flush()
                var quoted: [String] = []
                while index < lines.count, lines[index].trimmingCharacters(in: .whitespaces).hasPrefix(">") {
                    quoted.append(String(lines[index].trimmingCharacters(in: .whitespaces).dropFirst()).trimmingCharacters(in: .whitespaces))
                    index += 1
                }
                output += "<blockquote>" + html(quoted.joined(separator: "\n")).trimmingCharacters(in: .newlines) + "</blockquote>\n"
                continue
            }
            if let kind = listItem(trimmed) {
                flush()
                let tag = kind.ordered ? "ol" : "ul"
                output += "<\(tag)>"
                while index < lines.count, let item = listItem(lines[index].trimmingCharacters(in: .whitespaces)), item.ordered == kind.ordered {
                    output += "<li>\(inline(item.text))</li>"
                    index += 1
                }
                output += "</\(tag)>\n"
                continue
            }
            paragraph.append(line)
            index += 1
        }
        return output
    }

    /// The words of an article without its syntax: for search, summaries and meta descriptions.
    public static func plainText(_ source: String) -> String {
        var text = source
        for pattern in ["!\\[([^\\]]*)\\]\\([^)]*\\)", "\\[([^\\]]*)\\]\\([^)]*\\)"] {
            text = text.replacingOccurrences(of: pattern, with: "$1", options: .regularExpression)
        }
        text = text.replacingOccurrences(of: "(?m)^\\s*(#{1,6}|>|[-*+]|\\d+\\.)\\s+", with: "", options: .regularExpression)
        text = text.replacingOccurrences(of: "[*_`]+|^```.*$", with: "", options: .regularExpression)
        return text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    private static func headingLevel(_ line: String) -> Int? {
        let hashes = line.prefix { $0 == "#" }.count
        guard (1...6).contains(hashes), line.count > hashes, line[line.index(line.startIndex, offsetBy: hashes)] == " " else { return nil }
        return hashes
    }

    private static func listItem(_ line: String) -> (ordered: Bool, text: String)? {
        if let first = line.first, "-*+".contains(first), line.dropFirst().first == " " { return (false, String(line.dropFirst(2))) }
        let digits = line.prefix { $0.isASCII && $0.isNumber }
        if !digits.isEmpty, digits.count <= 9, line.dropFirst(digits.count).hasPrefix(". ") {
            return (true, String(line.dropFirst(digits.count + 2)))
        }
        return nil
    }

    /// Inline syntax over already-split text; everything that is not syntax is escaped.
    static func inline(_ text: String) -> String {
        var output = ""
        let characters = Array(text)
        var index = 0
        func find(_ token: String, from start: Int) -> Int? {
            let needle = Array(token)
            var position = start
            while position + needle.count <= characters.count {
                if Array(characters[position..<position + needle.count]) == needle { return position }
                position += 1
            }
            return nil
        }
        while index < characters.count {
            let character = characters[index]
            if character == "\\", index + 1 < characters.count, "\\`*_[]()!#".contains(characters[index + 1]) {
                output += HTMLEscaping.escape(String(characters[index + 1]))
                index += 2
                continue
            }
            if character == "`", let end = find("`", from: index + 1) {
                output += "<code>" + HTMLEscaping.escape(String(characters[index + 1..<end])) + "</code>"
                index = end + 1
                continue
            }
            if character == "*" || character == "_" {
                let strong = index + 1 < characters.count && characters[index + 1] == character
                let token = strong ? String(repeating: character, count: 2) : String(character)
                if let end = find(token, from: index + token.count), end > index + token.count {
                    let tag = strong ? "strong" : "em"
                    output += "<\(tag)>" + inline(String(characters[index + token.count..<end])) + "</\(tag)>"
                    index = end + token.count
                    continue
                }
            }
            let image = character == "!" && index + 1 < characters.count && characters[index + 1] == "["
            if character == "[" || image {
                let open = image ? index + 1 : index
                if let close = find("](", from: open + 1), let end = find(")", from: close + 2) {
                    let label = String(characters[open + 1..<close])
                    let target = String(characters[close + 2..<end]).trimmingCharacters(in: .whitespaces)
                    if image, target.lowercased().hasPrefix("https://") {
                        output += "<img src=\"\(HTMLEscaping.escape(target))\" alt=\"\(HTMLEscaping.escape(label))\" loading=\"lazy\">"
                        index = end + 1
                        continue
                    }
                    if !image, isSafeLink(target) {
                        let external = target.lowercased().hasPrefix("http")
                        output += "<a href=\"\(HTMLEscaping.escape(target))\"\(external ? " rel=\"noopener nofollow\"" : "")>\(inline(label))</a>"
                        index = end + 1
                        continue
                    }
                }
            }
            output += HTMLEscaping.escape(String(character))
            index += 1
        }
        return output
    }

    static func isSafeLink(_ target: String) -> Bool {
        let lower = target.lowercased()
        if lower.hasPrefix("https://") || lower.hasPrefix("http://") || lower.hasPrefix("mailto:") { return !target.contains(" ") }
        // Same-site paths and anchors, but not protocol-relative `//host`.
        return (lower.hasPrefix("/") && !lower.hasPrefix("//")) || lower.hasPrefix("#")
    }
}
