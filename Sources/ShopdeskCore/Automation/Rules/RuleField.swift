/// The fields a condition can compare, with the kind of value each holds (which decides the
/// operators it accepts).
public enum RuleField: String, CaseIterable, Sendable {
    case channel, inboxId = "inbox_id", subject, text = "message.text", language, intent, sentiment, urgent
    case priority, status, assigneeId = "assignee_id", teamId = "team_id", tags
    case customerEmail = "customer.email", customerEmailDomain = "customer.email_domain", customerName = "customer.name"
    case businessHours = "business_hours", hoursSinceCreated = "hours_since_created"
    case hoursSinceLastMessage = "hours_since_last_message", lastMessageFrom = "last_message_from"
    case surveyScore = "survey_score"
    case customerTags = "customer.tags", customerVIP = "customer.vip"
    case messageCount = "message_count", changed
    /// The customer's orders in the connected shops (see `CustomerOrderSummary`); money in major units.
    case orderCount = "customer.order_count", totalSpent = "customer.total_spent"
    case lastOrderFinancialStatus = "order.last.financial_status", lastOrderFulfillmentStatus = "order.last.fulfillment_status"
    case lastOrderTotal = "order.last.total", lastOrderAgeDays = "order.last.age_days"
    /// For the return triggers: the return's state, who opened it, its reasons and how many items.
    case returnState = "return.state", returnOrigin = "return.origin", returnReasons = "return.reasons", returnItems = "return.items"

    public enum Kind: String, Sendable { case text, keyword, number, flag, set }

    public var kind: Kind {
        switch self {
        case .subject, .text, .customerName: .text
        case .channel, .language, .intent, .sentiment, .priority, .status, .customerEmail, .customerEmailDomain, .lastMessageFrom,
             .lastOrderFinancialStatus, .lastOrderFulfillmentStatus, .returnState, .returnOrigin: .keyword
        case .inboxId, .assigneeId, .teamId, .hoursSinceCreated, .hoursSinceLastMessage, .messageCount, .surveyScore,
             .orderCount, .totalSpent, .lastOrderTotal, .lastOrderAgeDays, .returnItems: .number
        case .urgent, .businessHours, .customerVIP: .flag
        case .tags, .changed, .customerTags, .returnReasons: .set
        }
    }

    /// Fields that grow with time alone, which a time-based rule must look at.
    var isTime: Bool { self == .hoursSinceCreated || self == .hoursSinceLastMessage || self == .lastOrderAgeDays }

    /// Operators per kind; `priority` also orders (`gt` = more urgent than).
    public var operators: [String] {
        switch kind {
        case .text: ["contains", "not_contains", "contains_any", "is", "is_not", "starts_with", "ends_with", "matches", "is_set", "is_not_set"]
        case .keyword: ["is", "is_not", "in", "not_in", "is_set", "is_not_set"] + (self == .priority ? ["gt", "gte", "lt", "lte"] : [])
        case .number: ["is", "is_not", "gt", "gte", "lt", "lte", "is_set", "is_not_set"]
        case .flag: ["is"]
        case .set: ["includes", "excludes", "includes_all", "is_set", "is_not_set"]
        }
    }
}
