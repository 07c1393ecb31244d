import Foundation

/// What a rule does when it fires. JSON: `{"type": "add_tags", "tags": ["refund"]}`.
public enum RuleAction: Codable, Equatable, Sendable {
    case addTags([String])
    case removeTags([String])
    case setPriority(Priority)
    case setStatus(ConversationStatus)
    case snooze(hours: Double)
    case assignAgent(AgentID?)
    case assignTeam(TeamID?)
    /// Picks an agent by the team's assignment policy (when the conversation has a team with
    /// one) or the inbox's: round robin or least loaded, online agents only.
    case assignByPolicy
    /// Sends the macro's text as a reply (an automatic one: `Auto-Submitted` by email) and runs
    /// the macro's actions.
    case replyWithMacro(Int64)
    /// An internal note; the text is a template like a macro's.
    case addNote(String)
    /// POSTs the conversation to one of the workspace's webhook subscriptions (its URL passed
    /// the outbound guard when it was added; deliveries are signed with its secret).
    case webhook(WebhookID)
    /// Tells agents in the app: `assignee`, `team`, `admins` or `all`. Outside business hours
    /// only when `outsideBusinessHours` is set.
    case notify(audience: String, message: String, outsideBusinessHours: Bool)
    /// Sets one of the conversation's custom fields (nil clears it); the value is checked
    /// against the field when the rule or macro is saved and again when it runs.
    case setField(key: String, value: String?)
    /// Tags the customer's latest order in its shop (the shop is asked after the change commits).
    case tagOrder([String])
    /// Adds a note (a template) to the customer's latest order in its shop.
    case noteOrder(String)
    /// Cancels the customer's latest order, refunding and restocking it, when it was placed at
    /// most this many minutes ago and has not shipped (the customer asked in time). Held to an
    /// agent's approval limits: above them it waits for an admin.
    case cancelOrder(withinMinutes: Int)

    public var type: String {
        switch self {
        case .addTags: "add_tags"
        case .removeTags: "remove_tags"
        case .setPriority: "set_priority"
        case .setStatus: "set_status"
        case .snooze: "snooze"
        case .assignAgent: "assign_agent"
        case .assignTeam: "assign_team"
        case .assignByPolicy: "assign_by_policy"
        case .replyWithMacro: "reply_with_macro"
        case .addNote: "add_note"
        case .webhook: "webhook"
        case .notify: "notify"
        case .setField: "set_field"
        case .tagOrder: "tag_order"
        case .noteOrder: "note_order"
        case .cancelOrder: "cancel_order"
        }
    }

    public static let audiences = ["assignee", "team", "admins", "all"]
    public static let types = ["add_tags", "remove_tags", "set_priority", "set_status", "snooze", "assign_agent", "assign_team", "assign_by_policy",
                               "reply_with_macro", "add_note", "webhook", "notify", "set_field", "tag_order", "note_order", "cancel_order"]

    private enum CodingKeys: String, CodingKey {
        case type, tags, priority, status, hours, agentId = "agent_id", teamId = "team_id", macroId = "macro_id", text, webhookId = "webhook_id"
        case audience, message, outsideBusinessHours = "outside_business_hours", key, value, withinMinutes = "within_minutes"
    }

    /// Reads snake_case keys whether or not the decoder already converted them to camelCase
    /// (the API's decoder does; stored and imported JSON is read as written).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: FlexibleKey.self)
        func key(_ snake: String) -> FlexibleKey {
            let plain = FlexibleKey(snake)
            if container.contains(plain) { return plain }
            let parts = snake.split(separator: "_")
            return FlexibleKey(String(parts[0]) + parts.dropFirst().map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined())
        }
        let type = try container.decode(String.self, forKey: key("type"))
        switch type {
        case "add_tags": self = .addTags(try container.decode([String].self, forKey: key("tags")))
        case "remove_tags": self = .removeTags(try container.decode([String].self, forKey: key("tags")))
        case "set_priority": self = .setPriority(try container.decode(Priority.self, forKey: key("priority")))
        case "set_status": self = .setStatus(try container.decode(ConversationStatus.self, forKey: key("status")))
        case "snooze": self = .snooze(hours: try container.decode(Double.self, forKey: key("hours")))
        case "assign_agent": self = .assignAgent(try container.decodeIfPresent(AgentID.self, forKey: key("agent_id")))
        case "assign_team": self = .assignTeam(try container.decodeIfPresent(TeamID.self, forKey: key("team_id")))
        case "assign_by_policy": self = .assignByPolicy
        case "reply_with_macro": self = .replyWithMacro(try container.decode(Int64.self, forKey: key("macro_id")))
        case "add_note": self = .addNote(try container.decode(String.self, forKey: key("text")))
        case "webhook": self = .webhook(try container.decode(WebhookID.self, forKey: key("webhook_id")))
        case "notify":
            self = .notify(audience: try container.decode(String.self, forKey: key("audience")),
                           message: try container.decodeIfPresent(String.self, forKey: key("message")) ?? "",
                           outsideBusinessHours: try container.decodeIfPresent(Bool.self, forKey: key("outside_business_hours")) ?? false)
        case "tag_order": self = .tagOrder(try container.decode([String].self, forKey: key("tags")))
        case "note_order": self = .noteOrder(try container.decode(String.self, forKey: key("text")))
        case "cancel_order": self = .cancelOrder(withinMinutes: try container.decodeIfPresent(Int.self, forKey: key("within_minutes")) ?? 60)
        case "set_field":
            let value: String? = if let text = try? container.decodeIfPresent(String.self, forKey: key("value")) { text }
                else if let number = try? container.decodeIfPresent(Double.self, forKey: key("value")) { CustomField.numberText(number) }
                else if let flag = try? container.decodeIfPresent(Bool.self, forKey: key("value")) { flag ? "true" : "false" }
                else { nil }
            self = .setField(key: try container.decode(String.self, forKey: key("key")), value: value)
        default:
            throw DecodingError.dataCorruptedError(forKey: key("type"), in: container, debugDescription:
                "Unknown action type \(type); use one of \(Self.types.joined(separator: ", ")).")
        }
    }

    struct FlexibleKey: CodingKey {
        let stringValue: String
        init(_ value: String) { stringValue = value }
        init?(stringValue: String) { self.stringValue = stringValue }
        var intValue: Int? { nil }
        init?(intValue: Int) { nil }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(type, forKey: .type)
        switch self {
        case .addTags(let tags), .removeTags(let tags), .tagOrder(let tags): try container.encode(tags, forKey: .tags)
        case .noteOrder(let text): try container.encode(text, forKey: .text)
        case .cancelOrder(let minutes): try container.encode(minutes, forKey: .withinMinutes)
        case .setPriority(let priority): try container.encode(priority, forKey: .priority)
        case .setStatus(let status): try container.encode(status, forKey: .status)
        case .snooze(let hours): try container.encode(hours, forKey: .hours)
        case .assignAgent(let agent): try container.encode(agent, forKey: .agentId)
        case .assignTeam(let team): try container.encode(team, forKey: .teamId)
        case .assignByPolicy: break
        case .replyWithMacro(let macro): try container.encode(macro, forKey: .macroId)
        case .addNote(let text): try container.encode(text, forKey: .text)
        case .webhook(let webhook): try container.encode(webhook, forKey: .webhookId)
        case let .notify(audience, message, outside):
            try container.encode(audience, forKey: .audience)
            try container.encode(message, forKey: .message)
            try container.encode(outside, forKey: .outsideBusinessHours)
        case let .setField(key, value):
            try container.encode(key, forKey: .key)
            try container.encode(value, forKey: .value)
        }
    }

    func validate(field: String) throws(ShopdeskError) {
        switch self {
        case .addTags(let tags), .removeTags(let tags):
            guard !tags.isEmpty else { throw .invalid(field: field, "Name at least one tag.") }
            _ = try TagName.normalize(Set(tags))
        case .setStatus(.snoozed):
            throw .invalid(field: field, "Use the snooze action, which says for how long.")
        case .snooze(let hours):
            guard hours > 0, hours <= 24 * 365 else { throw .invalid(field: field, "Snooze for between a minute and a year (hours).") }
        case .tagOrder(let tags):
            let cleaned = tags.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            guard !cleaned.isEmpty, cleaned.count <= 10, cleaned.allSatisfy({ $0.count <= 40 && !$0.contains(",") }) else {
                throw .invalid(field: field, "Name one to ten order tags, each up to 40 characters, without commas.")
            }
        case .cancelOrder(let minutes):
            guard (1...10_080).contains(minutes) else { throw .invalid(field: field, "Cancel orders placed between 1 minute and 7 days (10,080 minutes) ago.") }
        case .addNote(let text), .noteOrder(let text):
            guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw .invalid(field: field, "The note is empty.") }
            do { _ = try Template(text) } catch { throw .invalid(field: field, "The note's template: \(error)") }
        case .notify(let audience, _, _):
            guard Self.audiences.contains(audience) else {
                throw .invalid(field: field, "Notify one of: \(Self.audiences.joined(separator: ", ")).")
            }
        case .setField(let key, _):
            guard !key.isEmpty, key.utf8.count <= 64 else { throw .invalid(field: field, "Name the custom field to set by its key.") }
        case .setPriority, .setStatus, .assignAgent, .assignTeam, .assignByPolicy, .replyWithMacro, .webhook:
            break
        }
    }
}
