import Foundation
import ShopdeskCore
import SQLKit

/// Filters for the conversation list and saved views. Fields combine with AND; the values of one
/// field with OR ("email or chat, and tagged vip"). Every one is optional.
public struct ConversationFilter: Sendable, Equatable {
    public var statuses: [ConversationStatus] = []
    public var assignees: [AssigneeFilter] = []
    public var teamIDs: [TeamID] = []
    public var inboxIDs: [InboxID] = []
    /// The kind of the conversation's inbox (email, chat, telegram…).
    public var channels: [InboxKind] = []
    public var tags: [String] = []
    public var priorities: [Priority] = []
    /// Classified by the models or corrected by an agent.
    public var intents: [String] = []
    public var sentiments: [String] = []
    public var languages: [String] = []
    public var sla: SLAFilter?
    public var urgent: Bool?
    public var customerID: CustomerID?
    /// Tags on the customer (not the conversation), and whether the customer is a VIP.
    public var customerTags: [String] = []
    public var customerVIP: Bool?
    /// Conversations these agents were mentioned in (a note named them), or that they follow.
    public var mentioned: [AgentID] = []
    public var following: [AgentID] = []
    /// Custom conversation fields by key (`custom.order_number` in the written form) → any of these values.
    public var custom: [String: [String]] = [:]
    /// Limits the list to these inboxes (agents and viewers see only inboxes they belong to).
    public var visibleInboxes: [InboxID]?

    public enum AssigneeFilter: Sendable, Equatable, Hashable {
        case agent(AgentID)
        case unassigned
    }

    /// Where the conversation's running SLA clock stands.
    public enum SLAFilter: String, Sendable, CaseIterable {
        /// A clock is running; `due_soon`: it falls due within the hour; `overdue`: it is past due;
        /// `none`: no clock is running.
        case running, dueSoon = "due_soon", overdue, noClock = "none"
    }

    public init() {}

    /// The names a filter is written with, in the list API's query and in saved views.
    public static let fieldNames = [
        "status", "assignee", "team", "inbox", "channel", "tag", "priority", "intent", "sentiment", "language", "sla",
        "urgent", "customer", "customer_tag", "vip", "mentioned", "following",
    ]
    // And `custom.<key>` for each custom conversation field.

    /// A filter from its written form: field name → values (`assignee`: an agent id, `me` or
    /// `none`; `me` is the agent looking, so one shared view shows each agent their own).
    public init(fields: [String: [String]], me: AgentID) throws(ShopdeskError) {
        for (name, values) in fields {
            let values = values.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            guard values.count <= 50 else { throw .invalid(field: name, "A filter takes at most 50 values per field.") }
            switch name {
            case "status": statuses = try Self.each(values, name) { ConversationStatus(rawValue: $0) }
            case "assignee":
                assignees = try Self.each(values, name) { value in
                    switch value {
                    case "me": .agent(me)
                    case "none": .unassigned
                    default: Int64(value).flatMap { $0 > 0 ? .agent(AgentID($0)) : nil }
                    }
                }
            case "mentioned", "following":
                let agents: [AgentID] = try Self.each(values, name) { value in
                    value == "me" ? me : Int64(value).flatMap { $0 > 0 ? AgentID($0) : nil }
                }
                if name == "mentioned" { mentioned = agents } else { following = agents }
            case "team": teamIDs = try Self.each(values, name) { Int64($0).map(TeamID.init) }
            case "inbox": inboxIDs = try Self.each(values, name) { Int64($0).map(InboxID.init) }
            case "channel": channels = try Self.each(values, name) { InboxKind(rawValue: $0) }
            case "tag": tags = try values.map { value throws(ShopdeskError) in try TagName.normalize(value) }
            case "customer_tag": customerTags = try values.map { value throws(ShopdeskError) in try TagName.normalize(value) }
            case "priority": priorities = try Self.each(values, name) { Priority(rawValue: $0) }
            case "intent": intents = try Self.each(values, name, Self.label)
            case "sentiment": sentiments = try Self.each(values, name, Self.label)
            case "language": languages = try Self.each(values, name, Self.label)
            case "sla": sla = try Self.one(values, name) { SLAFilter(rawValue: $0) }
            case "urgent": urgent = try Self.one(values, name, Self.bool)
            case "vip": customerVIP = try Self.one(values, name, Self.bool)
            case "customer": customerID = try Self.one(values, name) { Int64($0).map(CustomerID.init) }
            case let field where field.hasPrefix("custom."):
                let key = String(field.dropFirst("custom.".count))
                guard (1...40).contains(key.count), key.allSatisfy({ ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "_" }) else {
                    throw .invalid(field: name, "\"\(key.prefix(40))\" is not a custom field's key.")
                }
                guard values.allSatisfy({ $0.count <= CustomField.maxTextLength }) else {
                    throw .invalid(field: name, "A value can be at most \(CustomField.maxTextLength) characters long.")
                }
                if !values.isEmpty { custom[key] = values }
            default:
                throw .invalid(field: name, "Unknown filter \"\(name)\"; filters are \(Self.fieldNames.joined(separator: ", ")).")
            }
        }
    }

    private static func each<T>(_ values: [String], _ name: String, _ parse: (String) -> T?) throws(ShopdeskError) -> [T] {
        var result: [T] = []
        for value in values {
            guard let parsed = parse(value) else {
                throw .invalid(field: name, "\"\(value.prefix(64))\" is not a value of the \(name) filter.")
            }
            result.append(parsed)
        }
        return result
    }

    private static func one<T>(_ values: [String], _ name: String, _ parse: (String) -> T?) throws(ShopdeskError) -> T? {
        guard values.count <= 1 else { throw .invalid(field: name, "The \(name) filter takes one value.") }
        return try each(values, name, parse).first
    }

    private static func label(_ value: String) -> String? {
        value.count <= 64 && value.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" } ? value : nil
    }

    private static func bool(_ value: String) -> Bool? { value == "true" ? true : value == "false" ? false : nil }

    /// The SQL conditions on `conversations c`, AND-ed by the caller.
    func clauses(now: Date) throws -> [SQLQueryString] {
        var clauses: [SQLQueryString] = []
        if !statuses.isEmpty { clauses.append("c.status IN (\(binds: statuses.map(\.rawValue)))") }
        if !assignees.isEmpty {
            var alternatives: [SQLQueryString] = []
            let ids = assignees.compactMap { if case .agent(let id) = $0 { id.rawValue } else { nil } }
            if !ids.isEmpty { alternatives.append("c.assignee_id IN (\(binds: ids))") }
            if assignees.contains(.unassigned) { alternatives.append("c.assignee_id IS NULL") }
            clauses.append("(\(alternatives.joined(separator: " OR ")))")
        }
        if !teamIDs.isEmpty { clauses.append("c.team_id IN (\(binds: teamIDs.map(\.rawValue)))") }
        if !inboxIDs.isEmpty { clauses.append("c.inbox_id IN (\(binds: inboxIDs.map(\.rawValue)))") }
        if !channels.isEmpty {
            clauses.append("""
                c.inbox_id IN (SELECT i.id FROM inboxes i WHERE i.workspace_id = c.workspace_id AND i.kind IN (\(binds: channels.map(\.rawValue))))
                """)
        }
        if !priorities.isEmpty { clauses.append("c.priority IN (\(binds: priorities.map(\.rank)))") }
        if !intents.isEmpty { clauses.append("c.intent IN (\(binds: intents))") }
        if !sentiments.isEmpty { clauses.append("c.sentiment IN (\(binds: sentiments))") }
        if !languages.isEmpty { clauses.append("c.language IN (\(binds: languages))") }
        if let urgent { clauses.append("c.urgent = \(bind: urgent ? 1 : 0)") }
        if let customerID { clauses.append("c.customer_id = \(bind: customerID.rawValue)") }
        if !tags.isEmpty {
            clauses.append("""
                c.id IN (SELECT ct.conversation_id FROM conversation_tags ct JOIN tags t ON t.id = ct.tag_id
                  WHERE t.workspace_id = c.workspace_id AND t.name IN (\(binds: tags)))
                """)
        }
        switch sla {
        case nil: break
        case .running: clauses.append("c.sla_due_at IS NOT NULL")
        case .noClock: clauses.append("c.sla_due_at IS NULL")
        case .overdue: clauses.append("c.sla_due_at <= \(bind: now.millis)")
        case .dueSoon: clauses.append("c.sla_due_at > \(bind: now.millis) AND c.sla_due_at <= \(bind: now.addingTimeInterval(3600).millis)")
        }
        if let customer = try Self.customerClause(alias: "c", tags: customerTags, vip: customerVIP) { clauses.append(customer) }
        if !mentioned.isEmpty {
            clauses.append("""
                c.id IN (SELECT n.conversation_id FROM notifications n WHERE n.workspace_id = c.workspace_id
                  AND n.agent_id IN (\(binds: mentioned.map(\.rawValue))) AND n.kind = 'mention')
                """)
        }
        if !following.isEmpty {
            clauses.append("""
                c.id IN (SELECT f.conversation_id FROM conversation_followers f WHERE f.workspace_id = c.workspace_id
                  AND f.agent_id IN (\(binds: following.map(\.rawValue))))
                """)
        }
        for (key, values) in custom.sorted(by: { $0.key < $1.key }) {
            clauses.append("""
                c.id IN (SELECT v.entity_id FROM custom_values v JOIN custom_fields f ON f.id = v.field_id
                  WHERE f.workspace_id = c.workspace_id AND f.entity = 'conversation' AND f.key = \(bind: key) AND v.value IN (\(binds: values)))
                """)
        }
        if let inboxes = visibleInboxes {
            clauses.append(inboxes.isEmpty ? "1 = 0" : "c.inbox_id IN (\(binds: inboxes.map(\.rawValue)))")
        }
        return clauses
    }

    private static func likeEscaped(_ text: String) -> String {
        var result = ""
        for character in text {
            if character == "%" || character == "_" || character == "!" { result.append("!") }
            result.append(character)
        }
        return result
    }
}

extension ConversationFilter {
    /// `<alias>.customer_id IN (…)` for customers with any of `tags` and (when given) VIP or not;
    /// nil when neither is asked. Shared by the lists and the reports.
    static func customerClause(alias: String, tags: [String], vip: Bool?) throws -> SQLQueryString? {
        guard !tags.isEmpty || vip != nil else { return nil }
        var customer: [SQLQueryString] = ["cu.workspace_id = \(unsafeRaw: alias).workspace_id"]
        if !tags.isEmpty {
            // Customer tags are a sorted JSON array of strings; inside a JSON string every `"` is
            // escaped, so `["tag"` or `,"tag"` can only be the start of an element.
            var any: [SQLQueryString] = []
            for tag in tags {
                let element = likeEscaped(try JSONCoding.string(tag))
                any.append("cu.tags LIKE \(bind: "[" + element + "%") ESCAPE '!' OR cu.tags LIKE \(bind: "%," + element + "%") ESCAPE '!'")
            }
            customer.append("(\(any.joined(separator: " OR ")))")
        }
        if let vip { customer.append(vip ? "cu.vip_since IS NOT NULL" : "cu.vip_since IS NULL") }
        return "\(unsafeRaw: alias).customer_id IN (SELECT cu.id FROM customers cu WHERE \(customer.joined(separator: " AND ")))"
    }
}
