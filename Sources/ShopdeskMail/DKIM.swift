import Foundation

/// DKIM signatures (RFC 6376) for the mail Shopdesk sends: relaxed/relaxed canonicalization,
/// `rsa-sha256`. This part is pure: it prepares what is hashed and signed and adds the header;
/// the server supplies the hash and the RSA signature.
public enum DKIM {
    /// The headers signed when present, in this order (From is always signed).
    public static let signedHeaders = ["from", "to", "cc", "subject", "date", "message-id", "in-reply-to", "references", "reply-to",
                                       "mime-version", "content-type", "auto-submitted"]

    /// Relaxed body canonicalization: whitespace runs become one space, trailing whitespace and
    /// trailing empty lines go, and a non-empty body ends with CRLF.
    public static func canonicalBody(_ body: ArraySlice<UInt8>) -> [UInt8] {
        var lines: [[UInt8]] = []
        var current: [UInt8] = []
        var index = body.startIndex
        while index < body.endIndex {
            let byte = body[index]
            if byte == 0x0D, index + 1 < body.endIndex, body[index + 1] == 0x0A {
                lines.append(current); current = []; index += 2; continue
            }
            current.append(byte)
            index += 1
        }
        if !current.isEmpty { lines.append(current) }
        var canonical: [[UInt8]] = lines.map { line in
            var out: [UInt8] = []
            var space = false
            for byte in line {
                if byte == 0x20 || byte == 0x09 { space = true; continue }
                if space { out.append(0x20); space = false }
                out.append(byte)
            }
            return out
        }
        while let last = canonical.last, last.isEmpty { canonical.removeLast() }
        return canonical.flatMap { $0 + [0x0D, 0x0A] }
    }

    /// Relaxed header canonicalization of one field: lowercase name, unfolded value with
    /// whitespace runs as one space and none at either end.
    public static func canonicalHeader(name: String, value: String) -> String {
        var out = ""
        var space = false
        for character in value.replacingOccurrences(of: "\r\n", with: "") {
            if character == " " || character == "\t" { space = true; continue }
            if space, !out.isEmpty { out.append(" ") }
            space = false
            out.append(character)
        }
        return name.lowercased().trimmingCharacters(in: .whitespaces) + ":" + out
    }

    /// Splits a message into its header fields (unfolded lines kept) and its body.
    public static func split(_ message: [UInt8]) -> (headers: [(name: String, value: String)], body: ArraySlice<UInt8>) {
        var end = 0
        while end + 3 < message.count, !(message[end] == 0x0D && message[end + 1] == 0x0A && message[end + 2] == 0x0D && message[end + 3] == 0x0A) { end += 1 }
        let head = String(decoding: message[0..<min(end, message.count)], as: UTF8.self)
        var fields: [(String, String)] = []
        for line in head.components(separatedBy: "\r\n") {
            if let first = line.first, first == " " || first == "\t", !fields.isEmpty {
                fields[fields.count - 1].1 += "\r\n" + line
            } else if let colon = line.firstIndex(of: ":") {
                fields.append((String(line[..<colon]), String(line[line.index(after: colon)...])))
            }
        }
        return (fields, message[min(end + 4, message.count)...])
    }

    /// Signs `message` and returns it with a `DKIM-Signature` header in front.
    /// - Parameters:
    ///   - sha256: SHA-256 of the bytes given, base64-encoded.
    ///   - rsaSign: the RSA (PKCS #1 v1.5, SHA-256) signature of the bytes given, base64-encoded.
    public static func sign(_ message: [UInt8], domain: String, selector: String, time: Int,
                            sha256: ([UInt8]) -> String, rsaSign: ([UInt8]) throws -> String) rethrows -> [UInt8] {
        let (fields, body) = split(message)
        let bodyHash = sha256(canonicalBody(body))
        // Each signed name once, the last occurrence (RFC 6376 §5.4.2), in our order.
        var names: [String] = []
        var canonical: [String] = []
        for name in signedHeaders {
            guard let field = fields.last(where: { $0.name.lowercased() == name }) else { continue }
            names.append(name)
            canonical.append(canonicalHeader(name: field.name, value: field.value))
        }
        let tags = "v=1; a=rsa-sha256; c=relaxed/relaxed; d=\(domain); s=\(selector); t=\(time); h=\(names.joined(separator: ":")); bh=\(bodyHash); b="
        let signedData = canonical.map { $0 + "\r\n" }.joined() + canonicalHeader(name: "DKIM-Signature", value: " " + tags)
        let signature = try rsaSign(Array(signedData.utf8))
        // Folded every 70 characters so the header stays within line limits; folding whitespace
        // in b= is ignored by verifiers.
        var folded = ""
        var rest = Substring(signature)
        while !rest.isEmpty {
            folded += (folded.isEmpty ? "" : "\r\n\t") + rest.prefix(70)
            rest = rest.dropFirst(70)
        }
        let header = "DKIM-Signature: \(tags)\(folded)\r\n"
        return Array(header.utf8) + message
    }
}
