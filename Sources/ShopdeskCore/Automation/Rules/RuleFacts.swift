import Foundation

/// What a rule can look at, gathered once per event so that hundreds of rules read the same
/// prepared values (texts already folded for case- and accent-blind matching).
public struct RuleFacts: Sendable {
    public var trigger: RuleTrigger
    public var channel: String
    public var inboxID: Int64
    public var subject: FoldedText
    /// The message that triggered the event (empty for events without one).
    public var text: FoldedText
    public var language: String?
    public var intent: String?
    public var sentiment: String?
    public var urgent: Bool
    public var priority: Priority
    public var status: ConversationStatus
    public var assigneeID: Int64?
    public var teamID: Int64?
    public var tags: Set<String>
    public var customerEmail: String?
    public var customerName: FoldedText
    public var withinBusinessHours: Bool
    public var hoursSinceCreated: Double
    /// Hours since the last customer or agent message, and whose it was (`customer`, `agent`).
    public var hoursSinceLastMessage: Double = 0
    public var lastMessageFrom: String? = nil
    /// The customer's labels.
    public var customerTags: Set<String> = []
    public var customerVIP = false
    /// For `survey.answered`: the customer's score.
    public var surveyScore: Double? = nil
    public var messageCount: Int
    /// The customer's orders, when a shop is connected: count, lifetime value and the last order
    /// (money in major units of the shop's currency; age in days at the time of evaluation).
    public var orderCount: Double? = nil
    public var totalSpent: Double? = nil
    public var lastOrderFinancialStatus: String? = nil
    public var lastOrderFulfillmentStatus: String? = nil
    public var lastOrderTotal: Double? = nil
    public var lastOrderAgeDays: Double? = nil
    /// For the return triggers: the return (nil otherwise).
    public var returnFacts: ReturnFacts? = nil
    /// For `conversation.updated`: which of status, assignee, team, tags, priority changed.
    public var changed: Set<String>

    public init(trigger: RuleTrigger, channel: String, inboxID: Int64, subject: String?, text: String, language: String?,
                intent: String?, sentiment: String?, urgent: Bool, priority: Priority, status: ConversationStatus,
                assigneeID: Int64?, teamID: Int64?, tags: Set<String>, customerEmail: String?, customerName: String?,
                withinBusinessHours: Bool, hoursSinceCreated: Double, messageCount: Int, changed: Set<String> = []) {
        self.trigger = trigger
        self.channel = channel
        self.inboxID = inboxID
        self.subject = FoldedText(subject ?? "")
        self.text = FoldedText(text)
        self.language = language
        self.intent = intent
        self.sentiment = sentiment
        self.urgent = urgent
        self.priority = priority
        self.status = status
        self.assigneeID = assigneeID
        self.teamID = teamID
        self.tags = tags
        let email = customerEmail?.lowercased()
        self.customerEmail = email
        customerEmailDomain = email.flatMap { email in email.lastIndex(of: "@").map { String(email[email.index(after: $0)...]) } }
        self.customerName = FoldedText(customerName ?? "")
        self.withinBusinessHours = withinBusinessHours
        self.hoursSinceCreated = hoursSinceCreated
        self.messageCount = messageCount
        self.changed = changed
    }

    /// Fills the order fields from the customer's summary.
    public mutating func setOrders(_ summary: CustomerOrderSummary?, at time: Date) {
        guard let summary else {
            orderCount = 0
            totalSpent = 0
            lastOrderFinancialStatus = nil
            lastOrderFulfillmentStatus = nil
            lastOrderTotal = nil
            lastOrderAgeDays = nil
            return
        }
        let major = { (amount: Amount) in Double(amount.minor) / pow(10, Double(Money.minorDigits(amount.currency))) }
        orderCount = Double(summary.orderCount)
        totalSpent = major(summary.spent)
        lastOrderFinancialStatus = summary.lastFinancialStatus?.rawValue
        lastOrderFulfillmentStatus = summary.lastFulfillmentStatus?.rawValue
        lastOrderTotal = summary.lastOrderTotal.map(major)
        lastOrderAgeDays = summary.lastOrderAt.map { max(0, time.timeIntervalSince($0) / 86_400) }
    }

    /// Fills the custom fields from the conversation's and the customer's values (by key).
    public mutating func setCustom(conversation: [String: String], customer: [String: String]) {
        var values: [String: String] = [:]
        for (key, value) in conversation { values["custom.\(key)"] = SearchText.fold(value) }
        for (key, value) in customer { values["customer.custom.\(key)"] = SearchText.fold(value) }
        custom = values
    }

    /// Computed once here: dozens of rules may compare it.
    let customerEmailDomain: String?
    /// Custom fields' values, folded (lowercase, no diacritics), by the name conditions use:
    /// `custom.<key>` for the conversation's, `customer.custom.<key>` for the customer's.
    public var custom: [String: String] = [:]
}

/// Text as written (for regular expressions) and folded (lowercase, no diacritics) as bytes,
/// which `contains` searches with `memchr` and `memcmp`.
///
/// A class so that reading it from the facts costs one reference count, not one per buffer.
public final class FoldedText: Sendable {
    public let original: String
    let folded: [UInt8]

    public init(_ text: String) {
        original = text
        folded = Array(SearchText.fold(text).utf8)
    }

    var isEmpty: Bool { folded.isEmpty }

    func contains(_ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty else { return true }
        guard needle.count <= folded.count else { return false }
        return folded.withUnsafeBufferPointer { haystack in
            needle.withUnsafeBufferPointer { needle in
                guard let start = haystack.baseAddress, let wanted = needle.baseAddress else { return false }
                let lastStart = start + (haystack.count - needle.count)
                var cursor = start
                while cursor <= lastStart {
                    guard let hit = memchr(cursor, Int32(wanted.pointee), lastStart - cursor + 1) else { return false }
                    let candidate = UnsafePointer(hit.assumingMemoryBound(to: UInt8.self))
                    if memcmp(candidate, wanted, needle.count) == 0 { return true }
                    cursor = candidate + 1
                }
                return false
            }
        }
    }

    func hasPrefix(_ needle: [UInt8]) -> Bool { folded.starts(with: needle) }
    func hasSuffix(_ needle: [UInt8]) -> Bool { folded.count >= needle.count && folded.suffix(needle.count).elementsEqual(needle) }
    func equals(_ needle: [UInt8]) -> Bool { folded == needle }
}

/// What rules see of a return.
public struct ReturnFacts: Equatable, Sendable {
    public var state: String
    public var origin: String
    public var reasons: Set<String>
    public var items: Int

    public init(_ record: ReturnRecord) {
        state = record.state.rawValue
        origin = record.origin.rawValue
        reasons = Set(record.lines.map(\.reason.rawValue))
        items = record.lines.reduce(0) { $0 + $1.quantity }
    }
}
