import Foundation

/// An email Shopdesk sends, composed as RFC 5322 + MIME bytes. Every header value is cleaned of
/// line breaks before it is written, so no text from a customer or agent can add a header.
public struct OutgoingEmail: Sendable {
    public struct Attachment: Sendable {
        public var fileName: String
        public var contentType: String
        public var data: [UInt8]

        public init(fileName: String, contentType: String, data: [UInt8]) {
            self.fileName = fileName
            self.contentType = contentType
            self.data = data
        }
    }

    public var from: EmailAddress
    public var to: [EmailAddress]
    public var replyTo: EmailAddress?
    public var subject: String
    /// Without angle brackets.
    public var messageID: String
    public var inReplyTo: String?
    public var references: [String]
    public var date: Date
    public var text: String
    /// Set on mail no person wrote at that moment (auto-replies, surveys): RFC 3834.
    public var automatic: Bool
    public var attachments: [Attachment]

    public init(from: EmailAddress, to: [EmailAddress], replyTo: EmailAddress?, subject: String, messageID: String,
                inReplyTo: String?, references: [String], date: Date, text: String, automatic: Bool = false,
                attachments: [Attachment] = []) {
        self.from = from
        self.to = to
        self.replyTo = replyTo
        self.subject = subject
        self.messageID = messageID
        self.inReplyTo = inReplyTo
        self.references = references
        self.date = date
        self.text = text
        self.automatic = automatic
        self.attachments = attachments
    }

    /// A fresh Message-ID in our own domain.
    public static func newMessageID(domain: String) -> String {
        "\(UUID().uuidString.lowercased()).shopdesk@\(domain)"
    }

    public func render() -> [UInt8] {
        var headers: [(String, String)] = [
            ("Date", Self.rfc5322Date(date)),
            ("From", Self.address(from)),
            ("To", to.map(Self.address).joined(separator: ", ")),
            ("Message-ID", "<\(Self.clean(messageID))>"),
            ("Subject", Self.encodeWords(subject)),
            ("MIME-Version", "1.0"),
        ]
        if let replyTo { headers.append(("Reply-To", Self.address(replyTo))) }
        if let inReplyTo { headers.append(("In-Reply-To", "<\(Self.clean(inReplyTo))>")) }
        if !references.isEmpty {
            headers.append(("References", references.suffix(20).map { "<\(Self.clean($0))>" }.joined(separator: " ")))
        }
        if automatic {
            headers.append(("Auto-Submitted", "auto-replied"))
            headers.append(("X-Auto-Response-Suppress", "All"))
        }
        let boundary = "=_shopdesk_\(UUID().uuidString.lowercased())"
        let textPart = Self.part(contentType: "text/plain; charset=utf-8", encoding: "quoted-printable",
                                 body: Self.quotedPrintable(Array(text.replacingOccurrences(of: "\r\n", with: "\n")
                                     .replacingOccurrences(of: "\n", with: "\r\n").utf8)))
        let htmlPart = Self.part(contentType: "text/html; charset=utf-8", encoding: "quoted-printable",
                                 body: Self.quotedPrintable(Array(Self.html(text).utf8)))
        let alternativeBoundary = boundary + "_alt"
        let alternative = Self.multipart("alternative", boundary: alternativeBoundary, parts: [textPart, htmlPart])
        var body: [UInt8]
        if attachments.isEmpty {
            headers.append(("Content-Type", "multipart/alternative; boundary=\"\(alternativeBoundary)\""))
            body = alternative.body
        } else {
            headers.append(("Content-Type", "multipart/mixed; boundary=\"\(boundary)\""))
            var parts = [Self.part(contentType: alternative.contentType, encoding: nil, body: alternative.body)]
            for file in attachments {
                let name = Self.clean(file.fileName)
                parts.append(Self.part(
                    contentType: "\(Self.clean(file.contentType)); name=\"\(Self.asciiFallback(name))\"", encoding: "base64",
                    body: Self.base64Lines(file.data),
                    extra: [("Content-Disposition", "attachment; filename=\"\(Self.asciiFallback(name))\"; filename*=UTF-8''\(Self.percentEncoded(name))")]))
            }
            body = Self.multipart("mixed", boundary: boundary, parts: parts).body
        }
        var output: [UInt8] = []
        for (name, value) in headers { output += Array(Self.fold("\(name): \(value)").utf8) + [0x0D, 0x0A] }
        output += [0x0D, 0x0A]
        output += body
        return output
    }

    // MARK: Pieces

    private static func part(contentType: String, encoding: String?, body: [UInt8], extra: [(String, String)] = []) -> [UInt8] {
        var lines = ["Content-Type: \(contentType)"]
        if let encoding { lines.append("Content-Transfer-Encoding: \(encoding)") }
        lines += extra.map { "\($0.0): \($0.1)" }
        return Array((lines.map(fold).joined(separator: "\r\n") + "\r\n\r\n").utf8) + body
    }

    private static func multipart(_ subtype: String, boundary: String, parts: [[UInt8]]) -> (contentType: String, body: [UInt8]) {
        var body: [UInt8] = []
        for part in parts {
            body += Array("--\(boundary)\r\n".utf8) + part + [0x0D, 0x0A]
        }
        body += Array("--\(boundary)--\r\n".utf8)
        return ("multipart/\(subtype); boundary=\"\(boundary)\"", body)
    }

    /// Header text can never carry a line break (CR/LF injection) or a NUL.
    static func clean(_ text: String) -> String {
        String(text.unicodeScalars.map { $0 == "\r" || $0 == "\n" || $0 == "\0" ? " " : Character($0) })
    }

    static func address(_ address: EmailAddress) -> String {
        let mailbox = clean(address.address).filter { $0 != "<" && $0 != ">" && $0 != "," && $0 != " " }
        guard let name = address.name.map(clean), !name.isEmpty else { return "<\(mailbox)>" }
        let needsEncoding = name.unicodeScalars.contains { !$0.isASCII }
        if needsEncoding { return "\(encodeWords(name)) <\(mailbox)>" }
        let quoted = name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        return "\"\(quoted)\" <\(mailbox)>"
    }

    /// RFC 2047 B-encoding for text with non-ASCII characters, split into words that fit a line.
    static func encodeWords(_ raw: String) -> String {
        let text = clean(raw)
        guard text.unicodeScalars.contains(where: { !$0.isASCII }) else { return text }
        var words: [String] = []
        var chunk = ""
        for character in text {
            if (chunk + String(character)).utf8.count > 45 {
                words.append(chunk)
                chunk = ""
            }
            chunk.append(character)
        }
        if !chunk.isEmpty { words.append(chunk) }
        return words.map { "=?UTF-8?B?\(Data($0.utf8).base64EncodedString())?=" }.joined(separator: " ")
    }

    /// Folds a header line longer than 78 characters at spaces (RFC 5322 §2.2.3).
    static func fold(_ line: String) -> String {
        guard line.count > 78 else { return line }
        var output = ""
        var current = ""
        for word in line.split(separator: " ", omittingEmptySubsequences: false) {
            if !current.isEmpty && current.count + word.count + 1 > 78 {
                output += current + "\r\n"
                current = " " + word
            } else {
                current += current.isEmpty ? String(word) : " " + word
            }
        }
        return output + current
    }

    static func quotedPrintable(_ bytes: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        var lineLength = 0
        let digits = Array("0123456789ABCDEF".utf8)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x0D, index + 1 < bytes.count, bytes[index + 1] == 0x0A {
                // A space or tab before a line break would be lost in transit: encode it.
                if let last = output.last, last == 0x20 || last == 0x09 {
                    output.removeLast()
                    output += [0x3D, digits[Int(last >> 4)], digits[Int(last & 15)]]
                }
                output += [0x0D, 0x0A]
                lineLength = 0
                index += 2
                continue
            }
            let literal = (byte >= 33 && byte <= 126 && byte != 0x3D) || byte == 0x20 || byte == 0x09
            // A "." at the start of a line is fine for SMTP (the client stuffs it) but some
            // relays mangle it; "From " lines get ">"-quoted by mbox tools: encode both.
            let risky = lineLength == 0 && (byte == 0x2E || byte == 0x46)
            let encoded: [UInt8] = literal && !risky ? [byte] : [0x3D, digits[Int(byte >> 4)], digits[Int(byte & 15)]]
            if lineLength + encoded.count > 75 {
                output += [0x3D, 0x0D, 0x0A]
                lineLength = 0
            }
            output += encoded
            lineLength += encoded.count
            index += 1
        }
        return output
    }

    static func base64Lines(_ data: [UInt8]) -> [UInt8] {
        let encoded = Data(data).base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
        return Array(encoded.utf8) + [0x0D, 0x0A]
    }

    /// The text as a minimal HTML body: escaped, line breaks kept.
    static func html(_ text: String) -> String {
        let escaped = text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
            .replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "<br>\r\n")
        return "<!doctype html><html><body><div style=\"font-family:sans-serif;font-size:14px\">\(escaped)</div></body></html>"
    }

    static func asciiFallback(_ name: String) -> String {
        String(name.unicodeScalars.map { $0.isASCII && $0 != "\"" && $0 != "\\" && $0.value >= 32 ? Character($0) : "_" })
    }

    static func percentEncoded(_ name: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return name.addingPercentEncoding(withAllowedCharacters: allowed) ?? "file"
    }

    static func rfc5322Date(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: date)
    }
}
