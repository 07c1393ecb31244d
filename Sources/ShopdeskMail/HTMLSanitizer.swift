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
        var html = html
        return html.withUTF8 { bytes in
            var pass = Sanitizing(input: bytes)
            return pass.run()
        }
    }

    /// One pass over the UTF-8 bytes. Everything HTML gives meaning to is ASCII, so the scan
    /// never splits a multi-byte character; text between tags is copied byte for byte, with
    /// entities decoded and escaped again on the way.
    private struct Sanitizing {
        let s: UnsafeBufferPointer<UInt8>
        var output: [UInt8] = []
        var open: [String] = []

        init(input: UnsafeBufferPointer<UInt8>) {
            s = input
            output.reserveCapacity(input.count + input.count / 16)
        }

        mutating func run() -> String {
            var index = 0
            var textStart = 0
            while index < s.count {
                guard s[index] == UInt8(ascii: "<") else { index += 1; continue }
                appendText(textStart..<index)
                // Comments, doctype, processing instructions, CDATA: gone.
                if Bytes.matches(s, at: index, "<!--") {
                    index = Bytes.find(s, "-->", from: index + 4).map { $0 + 3 } ?? s.count
                    textStart = index
                    continue
                }
                if index + 1 < s.count, s[index + 1] == UInt8(ascii: "!") || s[index + 1] == UInt8(ascii: "?") {
                    index = Bytes.find(s, ">", from: index).map { $0 + 1 } ?? s.count
                    textStart = index
                    continue
                }
                guard let tag = Tag.parse(s, at: index) else {
                    // A "<" that starts no tag is text. One that starts a tag the input never
                    // closes (`<a href="…` to the end) ends the markup: the rest is text, read
                    // once, instead of every later "<" scanning to the end again.
                    append("&lt;")
                    let startsTag = index + 1 < s.count && (Bytes.isLetter(s[index + 1])
                        || (s[index + 1] == UInt8(ascii: "/") && index + 2 < s.count && Bytes.isLetter(s[index + 2])))
                    if startsTag {
                        appendText((index + 1)..<s.count)
                        index = s.count
                    } else {
                        index += 1
                    }
                    textStart = index
                    continue
                }
                index = tag.end
                textStart = index
                element(tag, next: &index)
                textStart = index
            }
            appendText(textStart..<s.count)
            for name in open.reversed() { append("</\(name)>") }
            return String(decoding: output, as: UTF8.self)
        }

        private mutating func element(_ tag: Tag, next index: inout Int) {
            if tag.closing {
                if let position = open.lastIndex(of: tag.name) {
                    for name in open[position...].reversed() { append("</\(name)>") }
                    open.removeSubrange(position...)
                }
                return
            }
            if dropped.contains(tag.name) {
                // Its content goes with it; one that never closes takes the rest of the input
                // (as in browsers), so the search for its end runs once.
                if !tag.selfClosing { index = Bytes.findClosing(s, name: tag.name, from: index) ?? s.count }
                return
            }
            if tag.name == "img" {
                if let alt = tag.attributes["alt"], !alt.isEmpty { append("[" + escape(decodeEntities(alt)) + "]") }
                return
            }
            guard allowed.contains(tag.name) else { return }
            append("<" + tag.name)
            let permitted = (attributes["*"] ?? []).union(attributes[tag.name] ?? [])
            for (name, value) in tag.attributes.sorted(by: { $0.key < $1.key }) where permitted.contains(name) {
                if name == "href" {
                    guard let safe = safeURL(value) else { continue }
                    append(" href=\"\(escape(safe))\" rel=\"noopener noreferrer nofollow\" target=\"_blank\"")
                } else {
                    append(" \(name)=\"\(escape(decodeEntities(value)))\"")
                }
            }
            append(">")
            if !void.contains(tag.name), !tag.selfClosing { open.append(tag.name) }
        }

        private mutating func append(_ text: String) {
            output.append(contentsOf: text.utf8)
        }

        /// Text: entities decoded, then the five special characters escaped.
        private mutating func appendText(_ range: Range<Int>) {
            var index = range.lowerBound
            while index < range.upperBound {
                let byte = s[index]
                if byte == UInt8(ascii: "&"), let (decoded, end) = Bytes.entity(s, at: index, limit: range.upperBound) {
                    append(escape(decoded))
                    index = end
                    continue
                }
                switch byte {
                case UInt8(ascii: "&"): append("&amp;")
                case UInt8(ascii: "<"): append("&lt;")
                case UInt8(ascii: ">"): append("&gt;")
                case UInt8(ascii: "\""): append("&quot;")
                case UInt8(ascii: "'"): append("&#39;")
                default: output.append(byte)
                }
                index += 1
            }
        }
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

        static func parse(_ s: UnsafeBufferPointer<UInt8>, at start: Int) -> Tag? {
            var i = start + 1
            var closing = false
            if i < s.count, s[i] == UInt8(ascii: "/") { closing = true; i += 1 }
            let nameStart = i
            while i < s.count, Bytes.isAlphanumeric(s[i]) { i += 1 }
            guard i > nameStart, Bytes.isLetter(s[nameStart]) else { return nil }
            let name = Bytes.lowercased(s[nameStart..<i])
            var attributes: [String: String] = [:]
            var selfClosing = false
            while i < s.count {
                while i < s.count, Bytes.isSpace(s[i]) || s[i] == UInt8(ascii: "/") {
                    if s[i] == UInt8(ascii: "/") { selfClosing = true }
                    i += 1
                }
                guard i < s.count else { return nil }
                if s[i] == UInt8(ascii: ">") { return Tag(name: name, closing: closing, selfClosing: selfClosing, attributes: attributes, end: i + 1) }
                selfClosing = false
                let keyStart = i
                while i < s.count, !Bytes.isSpace(s[i]), s[i] != UInt8(ascii: "="), s[i] != UInt8(ascii: ">"), s[i] != UInt8(ascii: "/") { i += 1 }
                let key = Bytes.lowercased(s[keyStart..<i])
                while i < s.count, Bytes.isSpace(s[i]) { i += 1 }
                var value = ""
                if i < s.count, s[i] == UInt8(ascii: "=") {
                    i += 1
                    while i < s.count, Bytes.isSpace(s[i]) { i += 1 }
                    if i < s.count, s[i] == UInt8(ascii: "\"") || s[i] == UInt8(ascii: "'") {
                        let quote = s[i]
                        let valueStart = i + 1
                        i = valueStart
                        while i < s.count, s[i] != quote { i += 1 }
                        value = String(decoding: UnsafeBufferPointer(rebasing: s[valueStart..<min(i, s.count)]), as: UTF8.self)
                        i += 1
                    } else {
                        let valueStart = i
                        while i < s.count, !Bytes.isSpace(s[i]), s[i] != UInt8(ascii: ">") { i += 1 }
                        value = String(decoding: UnsafeBufferPointer(rebasing: s[valueStart..<i]), as: UTF8.self)
                    }
                }
                // The first occurrence wins, as in browsers.
                if !key.isEmpty, attributes[key] == nil { attributes[key] = value }
            }
            return nil
        }
    }

    /// Byte-level helpers: HTML's syntax is ASCII (letters, digits, the whitespace of tags).
    enum Bytes {
        static func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z") }
        static func isAlphanumeric(_ byte: UInt8) -> Bool { isLetter(byte) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) }
        /// Space, tab, line feed, form feed and carriage return: what separates attributes.
        static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0C || byte == 0x0D }
        static func lower(_ byte: UInt8) -> UInt8 { byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte + 32 : byte }

        static func lowercased(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) -> String {
            String(decoding: bytes.map(lower), as: UTF8.self)
        }

        static func matches(_ s: UnsafeBufferPointer<UInt8>, at index: Int, _ text: StaticString) -> Bool {
            guard index + text.utf8CodeUnitCount <= s.count else { return false }
            for offset in 0..<text.utf8CodeUnitCount where s[index + offset] != text.utf8Start[offset] { return false }
            return true
        }

        /// Case-insensitive for ASCII letters.
        static func find(_ s: UnsafeBufferPointer<UInt8>, _ needle: [UInt8], from start: Int) -> Int? {
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

        static func find(_ s: UnsafeBufferPointer<UInt8>, _ text: String, from start: Int) -> Int? {
            find(s, Array(text.utf8), from: start)
        }

        /// Where the element whose content is dropped ends: after `</name…>`, or nil if it never closes.
        static func findClosing(_ s: UnsafeBufferPointer<UInt8>, name: String, from start: Int) -> Int? {
            var i = start
            let needle = Array(("</" + name).utf8)
            while let found = find(s, needle, from: i) {
                let after = found + needle.count
                if after >= s.count || !isAlphanumeric(s[after]) {
                    return find(s, ">", from: after).map { $0 + 1 } ?? s.count
                }
                i = found + 1
            }
            return nil
        }

        /// The entity starting at `index` (an `&`), decoded, and where it ends; nil when it is none.
        static func entity(_ s: UnsafeBufferPointer<UInt8>, at index: Int, limit: Int) -> (String, Int)? {
            var end = index + 1
            let stop = min(limit, index + HTMLSanitizer.longestEntity + 2)
            while end < stop, s[end] != UInt8(ascii: ";") { end += 1 }
            guard end < stop, s[end] == UInt8(ascii: ";") else { return nil }
            let name = String(decoding: UnsafeBufferPointer(rebasing: s[(index + 1)..<end]), as: UTF8.self)
            return HTMLSanitizer.entity(name).map { ($0, end + 1) }
        }
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
        guard text.utf8.contains(UInt8(ascii: "&")) else { return text }
        var output = ""
        var rest = Substring(text)
        while let amp = rest.firstIndex(of: "&") {
            output += rest[..<amp]
            let after = rest[rest.index(after: amp)...]
            if let semicolon = after.prefix(Self.longestEntity + 1).firstIndex(of: ";"), let decoded = entity(String(after[..<semicolon])) {
                output += decoded
                rest = after[after.index(after: semicolon)...]
            } else {
                output += "&"
                rest = after
            }
        }
        return output + rest
    }

    /// `CounterClockwiseContourIntegral`, the longest name a reference can have.
    static let longestEntity = 32

    /// A named (`&ccedil;`, from the HTML standard's table) or numeric (`&#231;`, `&#xE7;`)
    /// character reference without its `&` and `;`; nil when it is neither.
    static func entity(_ name: String) -> String? {
        if let named = HTMLEntities.table[name] { return named }
        switch name.lowercased() {
        case "amp": return "&"
        case "lt": return "<"
        case "gt": return ">"
        case "quot": return "\""
        default:
            let digits = name.hasPrefix("#x") || name.hasPrefix("#X") ? (String(name.dropFirst(2)), 16) : name.hasPrefix("#") ? (String(name.dropFirst()), 10) : ("", 0)
            guard digits.1 != 0, digits.0.count <= 8, let value = UInt32(digits.0, radix: digits.1), value != 0, let scalar = Unicode.Scalar(value) else { return nil }
            return String(Character(scalar))
        }
    }
}
