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
    /// Sends the macro's text as a reply (an automatic one: `Auto-Submitted` by email) and runs
    /// the macro's actions.
    case replyWithMacro(Int64)
    /// An internal note; the text is a template like a macro's.
    case addNote(String)
    /// POSTs the conversation as JSON to a URL (signed, through the outbound URL guard).
    case webhook(url: String)
    /// Tells agents in the app: `assignee`, `team`, `admins` or `all`. Outside business hours
    /// only when `outsideBusinessHours` is set.
    case notify(audience: String, message: String, outsideBusinessHours: Bool)

    public var type: String {
        switch self {
        case .addTags: "add_tags"
        case .removeTags: "remove_tags"
        case .setPriority: "set_priority"
        case .setStatus: "set_status"
        case .snooze: "snooze"
        case .assignAgent: "assign_agent"
        case .assignTeam: "assign_team"
        case .replyWithMacro: "reply_with_macro"
        case .addNote: "add_note"
        case .webhook: "webhook"
        case .notify: "notify"
        }
    }

    public static let audiences = ["assignee", "team", "admins", "all"]

    private enum CodingKeys: String, CodingKey {
        case type, tags, priority, status, hours, agentId = "agent_id", teamId = "team_id", macroId = "macro_id", text, url
        case audience, message, outsideBusinessHours = "outside_business_hours"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let type = try container.decode(String.self, forKey: .type)
        switch type {
        case "add_tags": self = .addTags(try container.decode([String].self, forKey: .tags))
        case "remove_tags": self = .removeTags(try container.decode([String].self, forKey: .tags))
        case "set_priority": self = .setPriority(try container.decode(Priority.self, forKey: .priority))
        case "set_status": self = .setStatus(try container.decode(ConversationStatus.self, forKey: .status))
        case "snooze": self = .snooze(hours: try container.decode(Double.self, forKey: .hours))
        case "assign_agent": self = .assignAgent(try container.decodeIfPresent(AgentID.self, forKey: .agentId))
        case "assign_team": self = .assignTeam(try container.decodeIfPresent(TeamID.self, forKey: .teamId))
        case "reply_with_macro": self = .replyWithMacro(try container.decode(Int64.self, forKey: .macroId))
        case "add_note": self = .addNote(try container.decode(String.self, forKey: .text))
        case "webhook": self = .webhook(url: try container.decode(String.self, forKey: .url))
        case "notify":
            self = .notify(audience: try container.decode(String.self, forKey: .audience),
                           message: try container.decodeIfPresent(String.self, forKey: .message) ?? "",
                           outsideBusinessHours: try container.decodeIfPresent(Bool.self, forKey: .outsideBusinessHours) ?? false)
        default:
            throw DecodingError.dataCorruptedError(forKey: .type, in: container, debugDescription:
                "Unknown action type \(type); use add_tags, remove_tags, set_priority, set_status, snooze, assign_agent, assign_team, reply_with_macro, add_note, webhook or notify.")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(type, forKey: .type)
        switch self {
        case .addTags(let tags), .removeTags(let tags): try container.encode(tags, forKey: .tags)
        case .setPriority(let priority): try container.encode(priority, forKey: .priority)
        case .setStatus(let status): try container.encode(status, forKey: .status)
        case .snooze(let hours): try container.encode(hours, forKey: .hours)
        case .assignAgent(let agent): try container.encode(agent, forKey: .agentId)
        case .assignTeam(let team): try container.encode(team, forKey: .teamId)
        case .replyWithMacro(let macro): try container.encode(macro, forKey: .macroId)
        case .addNote(let text): try container.encode(text, forKey: .text)
        case .webhook(let url): try container.encode(url, forKey: .url)
        case let .notify(audience, message, outside):
            try container.encode(audience, forKey: .audience)
            try container.encode(message, forKey: .message)
            try container.encode(outside, forKey: .outsideBusinessHours)
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
        case .addNote(let text):
            guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw .invalid(field: field, "The note is empty.") }
            do { _ = try Template(text) } catch { throw .invalid(field: field, "The note's template: \(error)") }
        case .webhook(let url):
            guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme?.lowercased() ?? ""), parsed.host != nil else {
                throw .invalid(field: field, "The webhook needs an http(s) URL.")
            }
        case .notify(let audience, _, _):
            guard Self.audiences.contains(audience) else {
                throw .invalid(field: field, "Notify one of: \(Self.audiences.joined(separator: ", ")).")
            }
        case .setPriority, .setStatus, .assignAgent, .assignTeam, .replyWithMacro:
            break
        }
    }
}
