/// Inbound HTML made safe to show an agent, by an allowlist: only formatting and structure
/// elements survive, with a handful of attributes; scripts, styles, frames, forms, SVG and MathML
/// disappear with their content; links keep only http, https and mailto targets; remote and
/// inline images are dropped (tracking pixels and `data:` payloads never load) and leave their
/// alt text. Text is decoded and escaped again, so an encoded `&lt;script&gt;` stays text, and
/// the output is balanced: every element opened is closed, stray closing tags are ignored.
/// The agent app also shows the result in a sandboxed frame without scripts.
public enum HTMLSanitizer {
    static let allowed: Set<String> = [
        "a", "abbr", "b", "blockquote", "br", "caption", "center", "cite", "code", "col", "colgroup", "dd", "del", "div", "dl", "dt",
        "em", "font", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "ins", "kbd", "li", "ol", "p", "pre", "q", "s", "small", "span",
        "strike", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
    ]
    static let void: Set<String> = ["br", "hr", "col", "img", "input", "meta", "link", "area", "base", "wbr", "source", "track", "embed", "param"]
    /// Removed together with everything inside them.
    static let dropped: Set<String> = ["script", "style", "title", "head", "iframe", "frame", "frameset", "object", "embed", "applet",
                                       "noscript", "noembed", "template", "svg", "math", "textarea", "select", "xmp", "plaintext", "audio", "video"]
    static let attributes: [String: Set<String>] = [
        "*": ["title", "dir", "lang"],
        "a": ["href"],
        "td": ["colspan", "rowspan", "align", "valign"], "th": ["colspan", "rowspan", "align", "valign", "scope"],
        "table": ["border", "cellpadding", "cellspacing"], "col": ["span"], "colgroup": ["span"],
        "ol": ["start", "type"], "li": ["value"], "font": ["color"], "p": ["align"], "div": ["align"],
    ]

    public static func sanitize(_ html: String) -> String {
        var output = ""
        var open: [String] = []
        let characters = Array(html.unicodeScalars)
        var index = 0
        var textStart = 0
        func flushText(_ end: Int) {
            guard end > textStart else { return }
            var text = String.UnicodeScalarView()
            text.append(contentsOf: characters[textStart..<end])
            output += escape(decodeEntities(String(text)))
        }
        while index < characters.count {
            guard characters[index] == "<" else { index += 1; continue }
            flushText(index)
            // Comments, doctype, processing instructions, CDATA: gone.
            if matches(characters, at: index, "<!--") {
                index = find(characters, "-->", from: index + 4).map { $0 + 3 } ?? characters.count
                textStart = index
                continue
            }
            if index + 1 < characters.count, characters[index + 1] == "!" || characters[index + 1] == "?" {
                index = find(characters, ">", from: index).map { $0 + 1 } ?? characters.count
                textStart = index
                continue
            }
            guard let tag = Tag.parse(characters, at: index) else {
                // A "<" that starts no tag is text.
                output += "&lt;"
                index += 1
                textStart = index
                continue
            }
            index = tag.end
            textStart = index
            if tag.closing {
                if let position = open.lastIndex(of: tag.name) {
                    for name in open[position...].reversed() { output += "</\(name)>" }
                    open.removeSubrange(position...)
                }
                continue
            }
            if dropped.contains(tag.name) {
                if !tag.selfClosing, let end = findClosing(characters, name: tag.name, from: index) {
                    index = end
                    textStart = index
                }
                continue
            }
            if tag.name == "img" {
                if let alt = tag.attributes["alt"], !alt.isEmpty { output += "[" + escape(alt) + "]" }
                continue
            }
            guard allowed.contains(tag.name) else { continue }
            output += "<" + tag.name
            let permitted = (attributes["*"] ?? []).union(attributes[tag.name] ?? [])
            for (name, value) in tag.attributes.sorted(by: { $0.key < $1.key }) where permitted.contains(name) {
                if name == "href" {
                    guard let safe = safeURL(value) else { continue }
                    output += " href=\"\(escape(safe))\" rel=\"noopener noreferrer nofollow\" target=\"_blank\""
                } else {
                    output += " \(name)=\"\(escape(value))\""
                }
            }
            output += ">"
            if !void.contains(tag.name), !tag.selfClosing { open.append(tag.name) }
        }
        flushText(characters.count)
        for name in open.reversed() { output += "</\(name)>" }
        return output
    }

    /// http, https and mailto only, after entities and invisible characters are taken out
    /// (`jav&#x09;ascript:` and friends).
    static func safeURL(_ raw: String) -> String? {
        let decoded = decodeEntities(raw)
        let cleaned = String(decoded.unicodeScalars.filter { $0.value > 0x20 && $0.value != 0x7F && !(0x200B...0x200D).contains($0.value) && $0.value != 0xFEFF })
        let lower = cleaned.lowercased()
        guard lower.hasPrefix("https://") || lower.hasPrefix("http://") || lower.hasPrefix("mailto:") else { return nil }
        return decoded.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    struct Tag {
        var name: String
        var closing: Bool
        var selfClosing: Bool
        var attributes: [String: String]
        var end: Int

        static func parse(_ s: [Unicode.Scalar], at start: Int) -> Tag? {
            var i = start + 1
            var closing = false
            if i < s.count, s[i] == "/" { closing = true; i += 1 }
            let nameStart = i
            while i < s.count, s[i].properties.isAlphabetic || ("0"..."9").contains(s[i]) { i += 1 }
            guard i > nameStart, s[nameStart].properties.isAlphabetic else { return nil }
            var name = String.UnicodeScalarView()
            name.append(contentsOf: s[nameStart..<i])
            var attributes: [String: String] = [:]
            var selfClosing = false
            while i < s.count {
                while i < s.count, s[i].properties.isWhitespace || s[i] == "/" {
                    if s[i] == "/" { selfClosing = true }
                    i += 1
                }
                guard i < s.count else { return nil }
                if s[i] == ">" { return Tag(name: String(name).lowercased(), closing: closing, selfClosing: selfClosing, attributes: attributes, end: i + 1) }
                selfClosing = false
                let keyStart = i
                while i < s.count, !s[i].properties.isWhitespace, s[i] != "=", s[i] != ">", s[i] != "/" { i += 1 }
                var key = String.UnicodeScalarView()
                key.append(contentsOf: s[keyStart..<i])
                while i < s.count, s[i].properties.isWhitespace { i += 1 }
                var value = ""
                if i < s.count, s[i] == "=" {
                    i += 1
                    while i < s.count, s[i].properties.isWhitespace { i += 1 }
                    if i < s.count, s[i] == "\"" || s[i] == "'" {
                        let quote = s[i]
                        let valueStart = i + 1
                        i = valueStart
                        while i < s.count, s[i] != quote { i += 1 }
                        var text = String.UnicodeScalarView()
                        text.append(contentsOf: s[valueStart..<min(i, s.count)])
                        value = String(text)
                        i += 1
                    } else {
                        let valueStart = i
                        while i < s.count, !s[i].properties.isWhitespace, s[i] != ">" { i += 1 }
                        var text = String.UnicodeScalarView()
                        text.append(contentsOf: s[valueStart..<i])
                        value = String(text)
                    }
                }
                let lowered = String(key).lowercased()
                // The first occurrence wins, as in browsers.
                if !lowered.isEmpty, attributes[lowered] == nil { attributes[lowered] = value }
            }
            return nil
        }
    }

    static func findClosing(_ s: [Unicode.Scalar], name: String, from start: Int) -> Int? {
        var i = start
        let needle = Array(("</" + name).unicodeScalars)
        while let found = find(s, needle, from: i) {
            let after = found + needle.count
            if after >= s.count || !(s[after].properties.isAlphabetic || ("0"..."9").contains(s[after])) {
                return find(s, ">", from: after).map { $0 + 1 } ?? s.count
            }
            i = found + 1
        }
        return nil
    }

    static func matches(_ s: [Unicode.Scalar], at index: Int, _ text: String) -> Bool {
        let needle = Array(text.unicodeScalars)
        guard index + needle.count <= s.count else { return false }
        return Array(s[index..<index + needle.count]) == needle
    }

    static func find(_ s: [Unicode.Scalar], _ text: String, from start: Int) -> Int? {
        find(s, Array(text.unicodeScalars), from: start)
    }

    static func find(_ s: [Unicode.Scalar], _ needle: [Unicode.Scalar], from start: Int) -> Int? {
        guard !needle.isEmpty, start < s.count else { return nil }
        var i = start
        while i + needle.count <= s.count {
            var j = 0
            while j < needle.count, lower(s[i + j]) == lower(needle[j]) { j += 1 }
            if j == needle.count { return i }
            i += 1
        }
        return nil
    }

    static func lower(_ scalar: Unicode.Scalar) -> UInt32 {
        ("A"..."Z").contains(scalar) ? scalar.value + 32 : scalar.value
    }

    /// The same escaping as ShopdeskCore's `HTMLEscaping`; repeated here because ShopdeskMail is
    /// compiled on its own for the fuzzer and depends on nothing.
    static func escape(_ text: String) -> String {
        var result = ""
        for character in text.unicodeScalars {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.unicodeScalars.append(character)
            }
        }
        return result
    }

    static func decodeEntities(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var output = ""
        var rest = Substring(text)
        while let amp = rest.firstIndex(of: "&") {
            output += rest[..<amp]
            let after = rest[rest.index(after: amp)...]
            if let semicolon = after.prefix(12).firstIndex(of: ";"), let decoded = entity(String(after[..<semicolon])) {
                output += decoded
                rest = after[after.index(after: semicolon)...]
            } else {
                output += "&"
                rest = after
            }
        }
        return output + rest
    }

    static func entity(_ name: String) -> String? {
        switch name.lowercased() {
        case "amp": return "&"
        case "lt": return "<"
        case "gt": return ">"
        case "quot": return "\""
        case "apos": return "'"
        case "nbsp": return "\u{00A0}"
        case "colon": return ":"
        case "tab": return "\t"
        case "newline": return "\n"
        default:
            let digits = name.hasPrefix("#x") || name.hasPrefix("#X") ? (String(name.dropFirst(2)), 16) : name.hasPrefix("#") ? (String(name.dropFirst()), 10) : ("", 0)
            guard digits.1 != 0, let value = UInt32(digits.0, radix: digits.1), let scalar = Unicode.Scalar(value) else { return nil }
            return String(Character(scalar))
        }
    }
}
