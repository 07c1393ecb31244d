import Foundation

/// When a rule is considered.
public enum RuleTrigger: String, Codable, Sendable, CaseIterable {
    case conversationCreated = "conversation.created"
    case messageInbound = "message.inbound"
    case messageOutbound = "message.outbound"
    /// Status, assignee, team, tags or priority changed (by an agent or by another rule).
    case conversationUpdated = "conversation.updated"
    /// A snoozed conversation's wake-up time came.
    case snoozeEnded = "snooze.ended"
    /// An SLA target is about to fall due (the policy's warning time before it).
    case slaWarning = "sla.warning"
    /// An SLA target passed its due time unmet.
    case slaBreach = "sla.breach"
    /// The customer answered the survey; `survey_score` holds the answer.
    case surveyAnswered = "survey.answered"
    /// Checked by the scheduler every few minutes against unresolved conversations, for
    /// conditions on time ("pending, last message from us, 48 hours ago"). Fires once per
    /// conversation until the conversation changes again.
    case scheduled = "time"
    /// A shop told Shopdesk about one of the customer's orders (its webhook): placed, paid,
    /// fulfilled, delivered, refunded (more money returned than before) or cancelled. The rules run on the
    /// customer's latest conversation that is not resolved; `order.last.*` is that order.
    case orderCreated = "order.created"
    case orderPaid = "order.paid"
    case orderFulfilled = "order.fulfilled"
    /// The carrier delivered every shipment of the order (where the shop reports delivery: Shopify).
    case orderDelivered = "order.delivered"
    case orderRefunded = "order.refunded"
    case orderCancelled = "order.cancelled"
    /// A return was opened (by the customer in the help center, or by an agent), or moved on
    /// (approved, declined, sent, received, refunded, cancelled); `return.*` describes it.
    case returnRequested = "return.requested"
    case returnUpdated = "return.updated"

    /// What changed between the order Shopdesk had and the one the shop sent now.
    public static func orderChanges(from old: StoreOrder?, to new: StoreOrder) -> [RuleTrigger] {
        var triggers: [RuleTrigger] = []
        if old == nil { triggers.append(.orderCreated) }
        if new.financialStatus == .paid, let old, old.financialStatus != .paid { triggers.append(.orderPaid) }
        if new.fulfillmentStatus == .fulfilled, old?.fulfillmentStatus != .fulfilled { triggers.append(.orderFulfilled) }
        if new.isDelivered, !(old?.isDelivered ?? false) { triggers.append(.orderDelivered) }
        if new.refunded.minor > (old?.refunded.minor ?? 0) { triggers.append(.orderRefunded) }
        if new.isCancelled, !(old?.isCancelled ?? false) { triggers.append(.orderCancelled) }
        return triggers
    }
}

/// A rule as an admin writes it and as it is imported and exported (JSON).
public struct RuleDefinition: Codable, Equatable, Sendable {
    public var name: String
    public var enabled: Bool
    public var triggers: [RuleTrigger]
    public var conditions: RuleCondition
    public var actions: [RuleAction]
    /// Later rules are not considered for this event once this one fired.
    public var stop: Bool

    public init(name: String, enabled: Bool = true, triggers: [RuleTrigger], conditions: RuleCondition = .all([]),
                actions: [RuleAction], stop: Bool = false) {
        self.name = name
        self.enabled = enabled
        self.triggers = triggers
        self.conditions = conditions
        self.actions = actions
        self.stop = stop
    }

    private enum CodingKeys: String, CodingKey { case name, enabled, triggers, conditions, actions, stop }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        enabled = try container.decodeIfPresent(Bool.self, forKey: .enabled) ?? true
        triggers = try container.decode([RuleTrigger].self, forKey: .triggers)
        conditions = try container.decodeIfPresent(RuleCondition.self, forKey: .conditions) ?? .all([])
        actions = try container.decode([RuleAction].self, forKey: .actions)
        stop = try container.decodeIfPresent(Bool.self, forKey: .stop) ?? false
    }

    /// Checks the rule as a whole: the messages name the part to fix.
    public func validated() throws(ShopdeskError) -> RuleDefinition {
        var copy = self
        copy.name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !copy.name.isEmpty, copy.name.count <= 200 else {
            throw .invalid(field: "name", "Give the rule a name of at most 200 characters.").because("rule_name_invalid")
        }
        guard !triggers.isEmpty else { throw .invalid(field: "triggers", "Choose at least one event that runs the rule.").because("rule_no_trigger") }
        guard !actions.isEmpty else { throw .invalid(field: "actions", "Add at least one action.").because("rule_no_action") }
        guard actions.count <= 20 else { throw .invalid(field: "actions", "A rule has at most 20 actions.") }
        _ = try CompiledCondition(conditions)
        for (index, action) in actions.enumerated() { try action.validate(field: "actions[\(index)]") }
        if triggers.contains(.scheduled), !conditions.fields.contains(where: { RuleField(rawValue: $0)?.isTime == true }) {
            throw .invalid(field: "conditions",
                           "A time-based rule needs a condition on time, such as hours_since_last_message at least 48; otherwise it would fire on every open conversation.")
        }
        return copy
    }
}

/// Nested all/any groups of field comparisons. JSON: `{"all": [...]}`, `{"any": [...]}` or
/// `{"field": "intent", "op": "is", "value": "refund_status"}`.
public indirect enum RuleCondition: Codable, Equatable, Sendable {
    case all([RuleCondition])
    case any([RuleCondition])
    case compare(field: String, op: String, value: JSONValue)

    private enum CodingKeys: String, CodingKey { case all, any, field, op, value }

    /// Custom fields' conditions start with one of these; the rest of the name is the field's key
    /// (`custom.size` on the conversation, `customer.custom.tier` on its customer).
    public static let customFieldPrefixes = ["custom.", "customer.custom."]

    /// Every field the condition compares, nested groups included.
    public var fields: [String] {
        switch self {
        case .all(let conditions), .any(let conditions): conditions.flatMap(\.fields)
        case .compare(let field, _, _): [field]
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if let all = try container.decodeIfPresent([RuleCondition].self, forKey: .all) { self = .all(all) }
        else if let any = try container.decodeIfPresent([RuleCondition].self, forKey: .any) { self = .any(any) }
        else {
            self = .compare(field: try container.decode(String.self, forKey: .field), op: try container.decode(String.self, forKey: .op),
                            value: try container.decodeIfPresent(JSONValue.self, forKey: .value) ?? .null)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .all(let conditions): try container.encode(conditions, forKey: .all)
        case .any(let conditions): try container.encode(conditions, forKey: .any)
        case let .compare(field, op, value):
            try container.encode(field, forKey: .field)
            try container.encode(op, forKey: .op)
            try container.encode(value, forKey: .value)
        }
    }
}
