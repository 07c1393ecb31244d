import Foundation

/// Content-Transfer-Encoding decoders, tolerant of what real mail programs send.
public enum TransferEncoding {
    /// Base64, skipping anything outside the alphabet (line breaks, stray characters) and
    /// stopping at padding; a truncated last group yields the bytes it holds.
    public static func base64<Bytes: Collection>(_ input: Bytes) -> [UInt8] where Bytes.Element == UInt8 {
        var output: [UInt8] = []
        output.reserveCapacity(input.count * 3 / 4)
        var buffer: UInt32 = 0
        var bits = 0
        for byte in input {
            let value: UInt8
            switch byte {
            case 0x41...0x5A: value = byte - 0x41
            case 0x61...0x7A: value = byte - 0x61 + 26
            case 0x30...0x39: value = byte - 0x30 + 52
            case 0x2B, 0x2D: value = 62   // '+' (and '-' from URL-safe senders)
            case 0x2F, 0x5F: value = 63   // '/' (and '_')
            case 0x3D:
                return output
            default:
                continue
            }
            buffer = buffer << 6 | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                output.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bits)))
                buffer &= (1 << UInt32(bits)) - 1
            }
        }
        return output
    }

    /// Quoted-printable: `=XX`, soft line breaks (`=` at the end of a line); a malformed `=`
    /// is kept as it is. In encoded words `_` means a space.
    public static func quotedPrintable<Bytes: Collection>(_ input: Bytes, underscoreIsSpace: Bool = false) -> [UInt8]
    where Bytes.Element == UInt8 {
        let bytes = Array(input)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x3D {
                // Soft line break: "=" then optional whitespace then CRLF or LF.
                var look = index + 1
                while look < bytes.count && (bytes[look] == 0x20 || bytes[look] == 0x09) { look += 1 }
                if look < bytes.count && bytes[look] == 0x0D { look += 1 }
                if look < bytes.count && bytes[look] == 0x0A {
                    index = look + 1
                    continue
                }
                if look == bytes.count {
                    index = look
                    continue
                }
                if index + 2 < bytes.count, let high = hex(bytes[index + 1]), let low = hex(bytes[index + 2]) {
                    output.append(high << 4 | low)
                    index += 3
                    continue
                }
                output.append(byte)
            } else if byte == 0x5F && underscoreIsSpace {
                output.append(0x20)
            } else {
                output.append(byte)
            }
            index += 1
        }
        return output
    }

    static func hex(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: byte - 0x30
        case 0x41...0x46: byte - 0x41 + 10
        case 0x61...0x66: byte - 0x61 + 10
        default: nil
        }
    }
}

/// One node of a message's MIME tree: a leaf with its decoded content, or a multipart with
/// its children.
public struct MIMEPart: Sendable, Equatable {
    public var headers: MIMEHeaders
    /// Lowercased `type/subtype`; `text/plain` when the part does not say.
    public var contentType: String
    public var parameters: [String: String]
    /// `inline`, `attachment` or nil.
    public var disposition: String?
    public var dispositionParameters: [String: String]
    /// The content after undoing the transfer encoding (empty for multiparts).
    public var body: [UInt8]
    public var parts: [MIMEPart]

    public var isMultipart: Bool { contentType.hasPrefix("multipart/") }
    public var charset: String? { parameters["charset"] }
    public var fileName: String? {
        (dispositionParameters["filename"] ?? parameters["name"]).flatMap { $0.isEmpty ? nil : $0 }
    }
    /// The id an HTML body refers to as `cid:…`, without angle brackets.
    public var contentID: String? {
        headers["Content-ID"].map { $0.trimmingCharacters(in: CharacterSet(charactersIn: " \t<>")) }.flatMap { $0.isEmpty ? nil : $0 }
    }
    /// The content as text in its declared charset, with line breaks as `\n`.
    public var text: String {
        // CRLF → LF on the bytes (every charset here is ASCII-compatible), before decoding.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(body.count)
        var index = 0
        while index < body.count {
            let byte = body[index]
            if byte == 0x0D, index + 1 < body.count, body[index + 1] == 0x0A {
                index += 1
                continue
            }
            bytes.append(byte)
            index += 1
        }
        return Charset.decode(bytes, charset: charset)
    }

    /// Multipart nesting deeper than this is read as opaque content, not recursed into.
    public static let maxDepth = 32

    /// Parses a whole part (headers and body) from raw bytes.
    public static func parse(_ bytes: ArraySlice<UInt8>, depth: Int = 0, defaultType: String = "text/plain") -> MIMEPart {
        let (headers, bodyStart) = MIMEHeaders.parse(bytes)
        let raw = bytes[bodyStart...]
        var (type, parameters) = HeaderParameters.parse(headers["Content-Type"] ?? defaultType)
        if !type.contains("/") { (type, parameters) = (defaultType, parameters) }
        let (disposition, dispositionParameters) = headers["Content-Disposition"].map(HeaderParameters.parse) ?? ("", [:])
        var part = MIMEPart(headers: headers, contentType: type, parameters: parameters,
                            disposition: disposition.isEmpty ? nil : disposition, dispositionParameters: dispositionParameters,
                            body: [], parts: [])
        if type.hasPrefix("multipart/"), let boundary = parameters["boundary"], !boundary.isEmpty, depth < maxDepth {
            let childType = type == "multipart/digest" ? "message/rfc822" : "text/plain"
            part.parts = Multipart.split(raw, boundary: boundary).map { parse($0, depth: depth + 1, defaultType: childType) }
            if !part.parts.isEmpty { return part }
            // A multipart whose boundary never appears: show what is there as text.
            part.contentType = "text/plain"
        }
        switch (headers["Content-Transfer-Encoding"] ?? "").trimmingCharacters(in: .whitespaces).lowercased() {
        case "base64": part.body = TransferEncoding.base64(raw)
        case "quoted-printable": part.body = TransferEncoding.quotedPrintable(raw)
        default: part.body = Array(raw)
        }
        return part
    }

    /// Every leaf, depth first, in order.
    public var leaves: [MIMEPart] {
        isMultipart ? parts.flatMap(\.leaves) : [self]
    }
}

enum Multipart {
    /// The bodies between `--boundary` lines, up to `--boundary--` (or the end, when the
    /// closing line is missing). The line break before a boundary line belongs to it.
    static func split(_ bytes: ArraySlice<UInt8>, boundary: String) -> [ArraySlice<UInt8>] {
        let marker = Array(("--" + boundary).utf8)
        var parts: [ArraySlice<UInt8>] = []
        var partStart: Int?
        var lineStart = bytes.startIndex
        while lineStart < bytes.endIndex {
            var lineEnd = lineStart
            while lineEnd < bytes.endIndex && bytes[lineEnd] != 0x0A { lineEnd += 1 }
            let next = lineEnd < bytes.endIndex ? lineEnd + 1 : lineEnd
            if bytes.count - (lineStart - bytes.startIndex) >= marker.count,
               bytes[lineStart..<min(lineStart + marker.count, bytes.endIndex)].elementsEqual(marker) {
                let rest = bytes[(lineStart + marker.count)..<lineEnd]
                let closing = rest.starts(with: [0x2D, 0x2D])
                let tail = closing ? rest.dropFirst(2) : rest
                if tail.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) {
                    if let start = partStart {
                        // Drop the line break that precedes the boundary.
                        var end = lineStart
                        if end > start && bytes[end - 1] == 0x0A { end -= 1 }
                        if end > start && bytes[end - 1] == 0x0D { end -= 1 }
                        parts.append(bytes[start..<end])
                    }
                    if closing { return parts }
                    partStart = next
                }
            }
            lineStart = next
        }
        if let start = partStart, start < bytes.endIndex { parts.append(bytes[start...]) }
        return parts
    }
}
