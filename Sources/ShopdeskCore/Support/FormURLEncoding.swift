/// `application/x-www-form-urlencoded` text (form bodies and query strings) read the way the
/// WHATWG URL standard's parser does: `&`-separated pairs, `+` as a space, `%XX` as a byte, and
/// anything malformed — a bare `%`, `%G1`, bytes that are not UTF-8 — kept as it is instead of
/// refused. It never traps, and runs in one pass over the bytes.
///
/// Foundation's `URLComponents.percentEncodedQuery` setter is a fatal error on a bare `%`, so
/// request input must never reach it (one anonymous request would stop every workspace).
public enum FormURLEncoding {
    /// The pairs in order, names and values decoded. Empty names are dropped; a name without `=`
    /// has the empty value.
    public static func pairs(_ text: some StringProtocol) -> [(name: String, value: String)] {
        pairs(bytes: Array(text.utf8))
    }

    /// The pairs of a body as received (bytes, in whatever encoding; invalid UTF-8 becomes U+FFFD).
    public static func pairs(bytes: [UInt8]) -> [(name: String, value: String)] {
        var result: [(name: String, value: String)] = []
        for piece in bytes.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let equals = piece.firstIndex(of: UInt8(ascii: "="))
            let name = decode(piece[..<(equals ?? piece.endIndex)])
            guard !name.isEmpty else { continue }
            let value = equals.map { decode(piece[piece.index(after: $0)...]) } ?? ""
            result.append((name, value))
        }
        return result
    }

    /// The fields as a dictionary; the first of repeated names wins (as a browser sends a form's
    /// first control of that name first).
    public static func fields(_ text: some StringProtocol) -> [String: String] {
        fields(bytes: Array(text.utf8))
    }

    public static func fields(bytes: [UInt8]) -> [String: String] {
        var fields: [String: String] = [:]
        for (name, value) in pairs(bytes: bytes) where fields[name] == nil { fields[name] = value }
        return fields
    }

    /// One component decoded: `+` → space, valid `%XX` → the byte, everything else unchanged;
    /// invalid UTF-8 becomes U+FFFD.
    public static func decode(_ bytes: some Collection<UInt8>) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index != bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "+") {
                out.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%"),
                      let first = bytes.index(index, offsetBy: 1, limitedBy: bytes.endIndex), first != bytes.endIndex,
                      let second = bytes.index(first, offsetBy: 1, limitedBy: bytes.endIndex), second != bytes.endIndex,
                      let high = hexValue(bytes[first]), let low = hexValue(bytes[second]) {
                out.append(high << 4 | low)
                index = second
            } else {
                out.append(byte)
            }
            index = bytes.index(after: index)
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Percent-encodes a value for a query string or form body (everything but unreserved bytes).
    public static func encode(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        let hex = Array("0123456789ABCDEF".utf8)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out.unicodeScalars.append("%")
                out.unicodeScalars.append(Unicode.Scalar(hex[Int(byte >> 4)]))
                out.unicodeScalars.append(Unicode.Scalar(hex[Int(byte & 0x0F)]))
            }
        }
        return out
    }

    public static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
