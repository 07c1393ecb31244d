/// A bounce: a delivery status notification (RFC 3464, `multipart/report;
/// report-type=delivery-status`) saying which recipients of which of our messages failed.
public struct DeliveryReport: Sendable, Equatable {
    public struct Failure: Sendable, Equatable {
        public var recipient: String
        /// `5.1.1` and the like (RFC 3463).
        public var status: String
        /// What the receiving server said, when the report carries it.
        public var diagnostic: String?
    }

    /// The Message-ID of the message that bounced, from the returned message or its headers.
    public var originalMessageID: String?
    /// Recipients whose delivery failed for good (`Action: failed`); delays are not failures.
    public var failures: [Failure]
    /// Recipients the sending server is still trying (`Action: delayed`): nobody needs to act.
    public var delays: [Failure] = []

    /// The report in `mail`, or nil when the mail is not a delivery status notification.
    public static func parse(_ mail: ParsedEmail) -> DeliveryReport? {
        guard let report = find(mail.root, where: { $0.contentType == "multipart/report" }),
              report.parameters["report-type"]?.lowercased() == "delivery-status",
              let status = find(report, where: { $0.contentType == "message/delivery-status" }) else { return nil }
        var failures: [Failure] = [], delays: [Failure] = []
        // Per-message fields, then a block of fields per recipient, separated by blank lines.
        for block in fieldBlocks(status.text) {
            let action = block["action"]?.lowercased()
            guard action == "failed" || action == "delayed" else { continue }
            let recipient = block["final-recipient"] ?? block["original-recipient"] ?? ""
            let entry = Failure(recipient: address(recipient), status: block["status"] ?? (action == "failed" ? "5.0.0" : "4.0.0"),
                                diagnostic: block["diagnostic-code"].map(address))
            if action == "failed" { failures.append(entry) } else { delays.append(entry) }
        }
        let returned = find(report, where: { $0.contentType == "message/rfc822" || $0.contentType == "text/rfc822-headers" })
        let original = returned.flatMap { ParsedEmail.parse($0.body).messageID }
        return DeliveryReport(originalMessageID: original, failures: failures, delays: delays)
    }

    /// `rfc822; ana@example.hr` → `ana@example.hr`; `smtp; 550 …` → `550 …`.
    private static func address(_ typed: String) -> String {
        guard let semicolon = typed.firstIndex(of: ";") else { return typed.trimmingCharacters(in: .whitespaces) }
        return typed[typed.index(after: semicolon)...].trimmingCharacters(in: .whitespaces)
    }

    private static func fieldBlocks(_ text: String) -> [[String: String]] {
        var blocks: [[String: String]] = []
        var current: [String: String] = [:]
        var lastKey: String?
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.trimmingCharacters(in: .whitespaces).isEmpty {
                if !current.isEmpty { blocks.append(current) }
                current = [:]
                lastKey = nil
            } else if let first = line.first, first == " " || first == "\t", let key = lastKey {
                current[key, default: ""] += " " + line.trimmingCharacters(in: .whitespaces)
            } else if let colon = line.firstIndex(of: ":") {
                let key = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
                current[key] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                lastKey = key
            }
        }
        if !current.isEmpty { blocks.append(current) }
        return blocks
    }

    private static func find(_ part: MIMEPart, where matches: (MIMEPart) -> Bool) -> MIMEPart? {
        if matches(part) { return part }
        for child in part.parts { if let found = find(child, where: matches) { return found } }
        return nil
    }
}
