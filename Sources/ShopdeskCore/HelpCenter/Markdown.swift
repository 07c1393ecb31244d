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
    /// Quotes nest at most this deep; a deeper `>` is text. Each level re-reads its lines, so
    /// the bound keeps rendering linear in the article's size (3,000 levels took 11 s before).
    static let maximumQuoteDepth = 8

    public static func html(_ source: String) -> String {
        html(source, quoteDepth: 0)
    }

    private static func html(_ source: String, quoteDepth: Int) -> String {
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
            if trimmed.hasPrefix(">"), quoteDepth < maximumQuoteDepth {
                flush()
                var quoted: [String] = []
                while index < lines.count, lines[index].trimmingCharacters(in: .whitespaces).hasPrefix(">") {
                    quoted.append(String(lines[index].trimmingCharacters(in: .whitespaces).dropFirst()).trimmingCharacters(in: .whitespaces))
                    index += 1
                }
                output += "<blockquote>" + html(quoted.joined(separator: "\n"), quoteDepth: quoteDepth + 1).trimmingCharacters(in: .newlines)
                    + "</blockquote>\n"
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
    /// Read from the rendered HTML (tags dropped, our own escapes undone), so it costs what
    /// rendering costs: linear, with no backtracking regular expression over author text.
    public static func plainText(_ source: String) -> String {
        var text = ""
        var tag: String?
        for character in html(source) {
            if var name = tag {
                if character == ">" {
                    // Block tags separate words; inline ones (strong, em, code, a, img) do not.
                    name = String(name.drop { $0 == "/" }.prefix { $0.isLetter || $0.isNumber })
                    if !["strong", "em", "code", "a", "img"].contains(name) { text.append(" ") }
                    tag = nil
                } else {
                    tag = name.count < 12 ? name + String(character) : name
                }
                continue
            }
            if character == "<" { tag = ""; continue }
            text.append(character)
        }
        for (entity, character) in [("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&amp;", "&")] {
            text = text.replacingOccurrences(of: entity, with: character)
        }
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
        var scanner = InlineScanner(Array(text))
        return scanner.render(0..<scanner.characters.count, depth: 0)
    }

    static func isSafeLink(_ target: String) -> Bool {
        let lower = target.lowercased()
        if lower.hasPrefix("https://") || lower.hasPrefix("http://") || lower.hasPrefix("mailto:") { return !target.contains(" ") }
        // Same-site paths and anchors, but not protocol-relative `//host`.
        return (lower.hasPrefix("/") && !lower.hasPrefix("//")) || lower.hasPrefix("#")
    }
}
