import Foundation

/// A message's or part's header fields, unfolded, in order. Names compare case-insensitively.
public struct MIMEHeaders: Sendable, Equatable {
    public var fields: [(name: String, value: String)]

    public init(_ fields: [(name: String, value: String)] = []) {
        self.fields = fields
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.fields.elementsEqual(rhs.fields) { $0.name == $1.name && $0.value == $1.value }
    }

    /// The raw (still encoded) value of the first field called `name`.
    public subscript(_ name: String) -> String? {
        fields.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    public func all(_ name: String) -> [String] {
        fields.filter { $0.name.caseInsensitiveCompare(name) == .orderedSame }.map(\.value)
    }

    /// The first field called `name` with RFC 2047 encoded words decoded and whitespace tidied.
    public func text(_ name: String) -> String? {
        self[name].map { EncodedWords.decode($0).trimmingCharacters(in: .whitespacesAndNewlines) }
    }

    /// Parses the header block at the start of `bytes`; returns the headers and where the body
    /// starts. Lines may end in CRLF or a bare LF; a line without a colon is skipped (best
    /// effort), a line starting with whitespace continues the previous field.
    static func parse(_ bytes: ArraySlice<UInt8>) -> (MIMEHeaders, bodyStart: Int) {
        var fields: [(name: String, value: String)] = []
        var index = bytes.startIndex
        var current: (name: String, value: [UInt8])?
        func finish() {
            guard let field = current else { return }
            fields.append((field.name, HeaderBytes.string(field.value)))
            current = nil
        }
        while index < bytes.endIndex {
            var end = index
            while end < bytes.endIndex && bytes[end] != 0x0A { end += 1 }
            let next = end < bytes.endIndex ? end + 1 : end
            var lineEnd = end
            if lineEnd > index && bytes[lineEnd - 1] == 0x0D { lineEnd -= 1 }
            let line = bytes[index..<lineEnd]
            if line.isEmpty {
                finish()
                return (MIMEHeaders(fields), next)
            }
            if line.first == 0x20 || line.first == 0x09 {
                current?.value.append(contentsOf: line)
            } else if let colon = line.firstIndex(of: 0x3A), colon > line.startIndex, colon - line.startIndex < 80 {
                finish()
                let name = HeaderBytes.string(Array(line[line.startIndex..<colon])).trimmingCharacters(in: .whitespaces)
                var value = Array(line[(colon + 1)...])
                while value.first == 0x20 || value.first == 0x09 { value.removeFirst() }
                current = (name, value)
            }
            index = next
        }
        finish()
        return (MIMEHeaders(fields), bytes.endIndex)
    }
}

enum HeaderBytes {
    /// Header bytes should be ASCII; UTF-8 (RFC 6532) is accepted, anything else read as
    /// Windows-1252 rather than lost.
    static func string(_ bytes: [UInt8]) -> String {
        Charset.decode(bytes, charset: "utf-8")
    }
}

/// RFC 2047 encoded words: `=?charset?B?…?=` and `=?charset?Q?…?=` inside header text.
///
/// Adjacent words of the same charset are joined as bytes before decoding, as mail clients do:
/// senders split a subject at a fixed length, often inside a multi-byte UTF-8 character.
public enum EncodedWords {
    public static func decode(_ text: String) -> String {
        guard text.contains("=?") else { return text }
        var output = ""
        var rest = Substring(text)
        // Bytes of encoded words not yet decoded, all in `pendingCharset`.
        var pending: [UInt8] = []
        var pendingCharset = ""
        func flush() {
            if !pending.isEmpty { output += Charset.decode(pending, charset: pendingCharset) }
            pending = []
        }
        while !rest.isEmpty {
            guard let start = rest.range(of: "=?") else {
                flush()
                output += rest
                break
            }
            let before = rest[rest.startIndex..<start.lowerBound]
            switch word(rest[start.lowerBound...]) {
            case .word(let charset, let bytes, let after):
                // Whitespace between two encoded words is not part of the text (RFC 2047 §6.2).
                let adjacent = !pending.isEmpty && before.allSatisfy(\.isWhitespace)
                if !(adjacent && Charset.canonical(charset) == Charset.canonical(pendingCharset)) {
                    flush()
                    if !adjacent { output += before }
                }
                pendingCharset = charset
                pending += bytes
                rest = after
            case .notAWord:
                flush()
                output += before + "=?"
                rest = rest[start.upperBound...]
            case .noEnd:
                // No `?=` anywhere after this point: no later word can end either, so the rest is
                // text. (Looking again at every `=?` would take time quadratic in the header.)
                flush()
                output += rest
                rest = ""
            }
        }
        flush()
        return output
    }

    enum Word {
        case word(charset: String, bytes: [UInt8], after: Substring)
        case notAWord
        case noEnd
    }

    /// One encoded word at the start of `text`, its charset and bytes, and what follows it.
    private static func word(_ text: Substring) -> Word {
        let body = text.dropFirst(2)
        guard let charsetEnd = body.firstIndex(of: "?") else { return .noEnd }
        let charset = body[body.startIndex..<charsetEnd].split(separator: "*").first.map(String.init) ?? ""
        let afterCharset = body[body.index(after: charsetEnd)...]
        guard let encoding = afterCharset.first, afterCharset.dropFirst().first == "?" else { return .notAWord }
        let payloadStart = afterCharset.index(afterCharset.startIndex, offsetBy: 2)
        guard let end = text[payloadStart...].range(of: "?=") else { return .noEnd }
        let payload = text[payloadStart..<end.lowerBound]
        guard !payload.contains(" ") || encoding == "Q" || encoding == "q" else { return .notAWord }
        let bytes: [UInt8]
        switch encoding {
        case "B", "b": bytes = TransferEncoding.base64(Array(payload.utf8))
        case "Q", "q": bytes = TransferEncoding.quotedPrintable(Array(payload.utf8), underscoreIsSpace: true)
        default: return .notAWord
        }
        return .word(charset: charset, bytes: bytes, after: text[end.upperBound...])
    }
}

/// `type/subtype; name=value; …` with RFC 2231 extended and continued parameters.
public enum HeaderParameters {
    /// The lowercased value before the first `;` and the parameters by lowercased name.
    public static func parse(_ value: String) -> (value: String, parameters: [String: String]) {
        let pieces = split(value)
        let main = (pieces.first ?? "").trimmingCharacters(in: .whitespaces).lowercased()
        var plain: [String: String] = [:]
        // name → [(index, extended, text)] for RFC 2231 pieces.
        var extended: [String: [(index: Int, encoded: Bool, text: String)]] = [:]
        for piece in pieces.dropFirst() {
            guard let equals = piece.firstIndex(of: "=") else { continue }
            var name = piece[piece.startIndex..<equals].trimmingCharacters(in: .whitespaces).lowercased()
            var raw = piece[piece.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if raw.hasPrefix("\"") { raw = unquote(raw) }
            guard !name.isEmpty else { continue }
            let encoded = name.hasSuffix("*")
            if encoded { name.removeLast() }
            if let star = name.lastIndex(of: "*"), let index = Int(name[name.index(after: star)...]) {
                extended[String(name[name.startIndex..<star]), default: []].append((index, encoded, raw))
            } else if encoded {
                extended[name, default: []].append((0, true, raw))
            } else {
                plain[name] = EncodedWords.decode(raw)
            }
        }
        for (name, segments) in extended {
            let ordered = segments.sorted { $0.index < $1.index }
            var charset: String?
            var bytes: [UInt8] = []
            for (position, segment) in ordered.enumerated() {
                var text = segment.text
                if segment.encoded, position == 0 {
                    // charset'language'value
                    let parts = text.split(separator: "'", maxSplits: 2, omittingEmptySubsequences: false)
                    if parts.count == 3 {
                        charset = String(parts[0])
                        text = String(parts[2])
                    }
                }
                bytes += segment.encoded ? percentDecoded(text) : Array(text.utf8)
            }
            plain[name] = Charset.decode(bytes, charset: charset ?? "utf-8")
        }
        return (main, plain)
    }

    /// Splits on `;` outside quotes.
    private static func split(_ value: String) -> [String] {
        var pieces: [String] = []
        var current = ""
        var quoted = false
        var escaped = false
        for character in value {
            if escaped {
                current.append(character)
                escaped = false
            } else if character == "\\" && quoted {
                current.append(character)
                escaped = true
            } else if character == "\"" {
                quoted.toggle()
                current.append(character)
            } else if character == ";" && !quoted {
                pieces.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        pieces.append(current)
        return pieces
    }

    static func unquote(_ text: String) -> String {
        var output = ""
        var escaped = false
        for character in text.dropFirst() {
            if escaped {
                output.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "\"" {
                break
            } else {
                output.append(character)
            }
        }
        return output
    }

    private static func percentDecoded(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        var iterator = Array(text.utf8)[...]
        while let byte = iterator.popFirst() {
            if byte == 0x25, iterator.count >= 2, let high = TransferEncoding.hex(iterator[iterator.startIndex]),
               let low = TransferEncoding.hex(iterator[iterator.startIndex + 1]) {
                bytes.append(high << 4 | low)
                iterator = iterator.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return bytes
    }
}
