import Foundation

public struct EmailAddress: Sendable, Equatable, CustomStringConvertible {
    public var name: String?
    /// As written; compare lowercased.
    public var address: String

    public init(name: String?, address: String) {
        self.name = name
        self.address = address
    }

    public var description: String { name.map { "\($0) <\(address)>" } ?? address }
}

public struct MailAttachment: Sendable, Equatable {
    public var fileName: String
    public var contentType: String
    public var data: [UInt8]
    /// Set for images the HTML body shows inline (`cid:`).
    public var contentID: String?
    public var inline: Bool
}

/// What support needs from one email: who, what, which thread, the bodies and the files. The
/// whole MIME tree stays available in `root`.
public struct ParsedEmail: Sendable, Equatable {
    public var root: MIMEPart
    public var headers: MIMEHeaders { root.headers }
    public var from: EmailAddress?
    public var replyTo: [EmailAddress]
    public var to: [EmailAddress]
    public var cc: [EmailAddress]
    public var subject: String?
    /// Without angle brackets.
    public var messageID: String?
    public var inReplyTo: [String]
    public var references: [String]
    public var date: Date?
    public var text: String?
    public var html: String?
    public var attachments: [MailAttachment]

    /// Parses a raw RFC 5322 message. Never fails: malformed input gives what could be read.
    public static func parse(_ raw: [UInt8]) -> ParsedEmail {
        let root = MIMEPart.parse(raw[...])
        let headers = root.headers
        var bodies = Bodies()
        bodies.collect(root)
        // An empty plain alternative (some mailers send one beside the real HTML) hides nothing.
        let plain = bodies.text.joined(separator: "\n\n")
        let html = bodies.html.isEmpty ? nil : bodies.html.joined(separator: "\n")
        let text = plain.unicodeScalars.allSatisfy(\.properties.isWhitespace) ? html.map(HTMLText.plain) ?? (bodies.text.isEmpty ? nil : plain) : plain
        return ParsedEmail(
            root: root,
            from: headers["From"].flatMap { Addresses.parse($0).first },
            replyTo: headers["Reply-To"].map(Addresses.parse) ?? [],
            to: headers.all("To").flatMap(Addresses.parse),
            cc: headers.all("Cc").flatMap(Addresses.parse),
            subject: headers.text("Subject").map { $0.replacingOccurrences(of: "\t", with: " ") },
            messageID: headers["Message-ID"].flatMap { MessageIDs.parse($0).first },
            inReplyTo: headers["In-Reply-To"].map(MessageIDs.parse) ?? [],
            references: headers["References"].map(MessageIDs.parse) ?? [],
            date: headers["Date"].flatMap(MailDate.parse),
            text: text,
            html: html,
            attachments: bodies.attachments)
    }

    /// Mail that no automatic reply may answer (RFC 3834 and the conventions of list and bulk
    /// mail): auto-submitted, bulk or list mail, and mail from mailer daemons.
    public var isAutomatic: Bool {
        if let auto = headers["Auto-Submitted"]?.trimmingCharacters(in: .whitespaces).lowercased(), !auto.isEmpty, auto != "no" { return true }
        if let precedence = headers["Precedence"]?.trimmingCharacters(in: .whitespaces).lowercased(),
           ["bulk", "list", "junk", "auto_reply"].contains(precedence) { return true }
        if headers["List-Id"] != nil || headers["List-Unsubscribe"] != nil { return true }
        if headers["X-Autoreply"] != nil || headers["X-Autorespond"] != nil { return true }
        if headers["X-Auto-Response-Suppress"]?.lowercased().contains("all") == true { return true }
        let sender = (from?.address ?? "").lowercased()
        let local = sender.split(separator: "@").first.map(String.init) ?? ""
        return ["mailer-daemon", "postmaster", "no-reply", "noreply", "do-not-reply", "donotreply"].contains(local)
            || root.contentType == "multipart/report"
    }
}

/// Which leaves are the message's text, its HTML and its files.
private struct Bodies {
    var text: [String] = []
    var html: [String] = []
    var attachments: [MailAttachment] = []

    mutating func collect(_ part: MIMEPart) {
        if part.contentType == "multipart/alternative" {
            // The alternatives say the same thing: take the plain one for text and the HTML one
            // for HTML; the rest only adds files (an inline image inside a related part).
            // The rich one may be any multipart holding HTML: Apple Mail sends
            // alternative(text/plain, mixed(html, pdf, html)), the file between two halves of the HTML.
            let plain = part.parts.last { $0.contentType == "text/plain" || containsPlain($0) }
            let rich = part.parts.last { $0 != plain && ($0.contentType == "text/html" || containsHTML($0)) }
            if let plain { collect(plain) }
            if let rich, rich != plain {
                var only = Bodies()
                only.collect(rich)
                html += only.html
                attachments += only.attachments
                if plain == nil { text += only.text }
            }
            return
        }
        if part.isMultipart {
            for child in part.parts { collect(child) }
            return
        }
        let isAttachment = part.disposition == "attachment" || (part.fileName != nil && !part.contentType.hasPrefix("text/"))
        if !isAttachment && part.contentType == "text/plain" {
            text.append(part.text)
        } else if !isAttachment && part.contentType == "text/html" {
            html.append(part.text)
        } else {
            let fallback = part.contentType == "message/rfc822" ? "forwarded.eml" : "attachment"
            attachments.append(MailAttachment(fileName: part.fileName ?? fallback, contentType: part.contentType, data: part.body,
                                              contentID: part.contentID, inline: part.disposition != "attachment" && part.contentID != nil))
        }
    }

    private func containsHTML(_ part: MIMEPart) -> Bool {
        part.isMultipart && part.leaves.contains { $0.contentType == "text/html" && $0.disposition != "attachment" }
    }

    private func containsPlain(_ part: MIMEPart) -> Bool {
        part.isMultipart && part.leaves.contains { $0.contentType == "text/plain" && $0.disposition != "attachment" }
    }
}

enum Addresses {
    /// `Name <a@b>, "Last, First" <c@d>, e@f (comment), group: g@h;`
    static func parse(_ raw: String) -> [EmailAddress] {
        var result: [EmailAddress] = []
        for item in split(raw) {
            var item = item.trimmingCharacters(in: .whitespacesAndNewlines)
            // A group's name and terminator are not addresses.
            if let colon = item.firstIndex(of: ":"), !item[item.startIndex..<colon].contains("<"), !item[item.startIndex..<colon].contains("@") {
                item = String(item[item.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
            }
            item = item.trimmingCharacters(in: CharacterSet(charactersIn: "; \t"))
            guard !item.isEmpty else { continue }
            if let open = item.lastIndex(of: "<"), let close = item[open...].firstIndex(of: ">") {
                let address = item[item.index(after: open)..<close].trimmingCharacters(in: .whitespaces)
                var name = item[item.startIndex..<open].trimmingCharacters(in: .whitespaces)
                if name.hasPrefix("\"") { name = HeaderParameters.unquote(name) }
                name = EncodedWords.decode(name).trimmingCharacters(in: .whitespaces)
                guard address.contains("@") else { continue }
                result.append(EmailAddress(name: name.isEmpty ? nil : name, address: address))
            } else {
                var address = item
                var name: String?
                if let open = item.firstIndex(of: "("), let close = item.lastIndex(of: ")"), open < close {
                    name = EncodedWords.decode(String(item[item.index(after: open)..<close])).trimmingCharacters(in: .whitespaces)
                    address = (item[item.startIndex..<open] + item[item.index(after: close)...]).trimmingCharacters(in: .whitespaces)
                }
                guard address.contains("@"), !address.contains(" ") else { continue }
                result.append(EmailAddress(name: name?.isEmpty == false ? name : nil, address: address))
            }
        }
        return result
    }

    /// Splits on commas outside quotes, angle brackets and comments.
    private static func split(_ raw: String) -> [String] {
        var items: [String] = []
        var current = ""
        var quoted = false, angle = 0, comment = 0, escaped = false
        for character in raw {
            if escaped { current.append(character); escaped = false; continue }
            switch character {
            case "\\" where quoted: escaped = true
            case "\"" where comment == 0: quoted.toggle()
            case "<" where !quoted: angle += 1
            case ">" where !quoted: angle = max(0, angle - 1)
            case "(" where !quoted: comment += 1
            case ")" where !quoted: comment = max(0, comment - 1)
            case "," where !quoted && angle == 0 && comment == 0:
                items.append(current)
                current = ""
                continue
            default: break
            }
            current.append(character)
        }
        items.append(current)
        return items
    }
}

public enum MessageIDs {
    /// `<a@b> <c@d>` → ["a@b", "c@d"]; ids written without brackets are taken word by word.
    public static func parse(_ raw: String) -> [String] {
        var ids: [String] = []
        var rest = Substring(raw)
        while let open = rest.firstIndex(of: "<"), let close = rest[open...].firstIndex(of: ">") {
            let id = rest[rest.index(after: open)..<close].trimmingCharacters(in: .whitespacesAndNewlines)
            if !id.isEmpty, id.count <= 998 { ids.append(id) }
            rest = rest[rest.index(after: close)...]
        }
        if ids.isEmpty {
            ids = raw.split(whereSeparator: { $0.isWhitespace || $0 == "," }).map(String.init).filter { $0.contains("@") }
        }
        return ids
    }
}

enum MailDate {
    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    private static let zones = ["ut": 0, "utc": 0, "gmt": 0, "z": 0, "est": -300, "edt": -240, "cst": -360, "cdt": -300,
                                "mst": -420, "mdt": -360, "pst": -480, "pdt": -420]

    /// RFC 5322 dates (`[Tue,] 24 Nov 2026 09:15[:02] +0100`), with the obsolete forms tolerated:
    /// two- and three-digit years, zone names, a missing zone (read as UTC), trailing comments
    /// ("(CET)"). Read by hand: a `DateFormatter` per message cost more than the rest of the parse.
    static func parse(_ raw: String) -> Date? {
        let text = raw.split(separator: "(", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        var tokens = text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "," || $0 == "\r" || $0 == "\n" }).map { $0.lowercased() }
        if let first = tokens.first, first.first?.isLetter == true, month(first) == nil { tokens.removeFirst() }
        guard tokens.count >= 4, let day = Int(tokens[0]), (1...31).contains(day), let month = month(tokens[1]),
              var year = Int(tokens[2]), year >= 0 else { return nil }
        if year < 50 { year += 2000 } else if year < 1000 { year += 1900 }
        let clock = tokens[3].split(separator: ":").map { Int($0) }
        guard clock.count == 2 || clock.count == 3, let hour = clock[0], let minute = clock[1], (0...23).contains(hour),
              (0...59).contains(minute) else { return nil }
        let second = clock.count == 3 ? clock[2] : 0
        guard let second, (0...60).contains(second) else { return nil }
        var offsetMinutes = 0
        if tokens.count > 4 {
            let zone = tokens[4]
            if let sign = zone.first, sign == "+" || sign == "-", zone.count == 5, let value = Int(zone.dropFirst()) {
                offsetMinutes = (value / 100 * 60 + value % 100) * (sign == "-" ? -1 : 1)
            } else {
                // Named zones; military letters and anything unknown count as UTC (RFC 5322 §4.3).
                offsetMinutes = zones[zone] ?? 0
            }
        }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = ((days * 24 + hour) * 60 + minute - offsetMinutes) * 60 + second
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    private static func month(_ token: String) -> Int? {
        guard token.count >= 3 else { return nil }
        return months.firstIndex(of: String(token.prefix(3))).map { $0 + 1 }
    }

    /// Days since 1970-01-01 in the proleptic Gregorian calendar (Howard Hinnant's algorithm).
    private static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}

/// Text from an HTML body when a message has no plain part: block elements become line
/// breaks, scripts and styles disappear, entities are decoded. For display and search only;
/// the HTML itself is sanitized separately before an agent sees it.
public enum HTMLText {
    public static func plain(_ html: String) -> String {
        var output = ""
        var index = html.startIndex
        var unclosed: Set<String> = []
        let blocks: Set<String> = ["p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "table", "ul", "ol", "hr"]
        while index < html.endIndex {
            let character = html[index]
            if character == "<" {
                guard let close = html[index...].firstIndex(of: ">") else { break }
                let tag = html[html.index(after: index)..<close]
                let name = tag.drop { $0 == "/" }.prefix { $0.isLetter || $0.isNumber }.lowercased()
                // Scripts and styles are skipped to their end tag; once a search found none, no later
                // one will, so it is not searched again (each search would read to the end).
                if (name == "script" || name == "style"), !tag.hasPrefix("/"), !unclosed.contains(name) {
                    if let end = html[close...].range(of: "</\(name)", options: .caseInsensitive) {
                        index = html[end.upperBound...].firstIndex(of: ">").map { html.index(after: $0) } ?? html.endIndex
                        continue
                    }
                    unclosed.insert(name)
                }
                if blocks.contains(name), !output.hasSuffix("\n") { output += "\n" }
                index = html.index(after: close)
            } else if character == "&", let semicolon = html[index...].prefix(HTMLSanitizer.longestEntity + 2).firstIndex(of: ";") {
                let entity = String(html[html.index(after: index)..<semicolon])
                if let decoded = decodeEntity(entity) {
                    output += decoded
                    index = html.index(after: semicolon)
                } else {
                    output.append(character)
                    index = html.index(after: index)
                }
            } else {
                output.append(character.isWhitespace && !character.isNewline ? " " : character)
                index = html.index(after: index)
            }
        }
        let lines = output.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
        }
        return lines.joined(separator: "\n").replacingOccurrences(of: "\n\n\n", with: "\n\n").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private static func decodeEntity(_ entity: String) -> String? {
        // A no-break space reads as a space in plain text.
        entity == "nbsp" ? " " : HTMLSanitizer.entity(entity)
    }
}
