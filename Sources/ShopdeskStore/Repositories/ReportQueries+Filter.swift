import Foundation
import ShopdeskCore
import SQLKit

/// What narrows a report, and how: the slice of `report_days` it can read, or SQL on the facts.
extension ReportQueries {
    /// What narrows the conversations a figure is computed on (AND across, OR within one).
    public struct Filter: Sendable, Equatable {
        public var channels: [String] = []
        public var inboxIDs: [Int64] = []
        public var teamIDs: [Int64] = []
        public var agentIDs: [Int64] = []
        public var intents: [String] = []
        public var languages: [String] = []
        public var priorities: [Priority] = []
        public var tags: [String] = []
        /// The customer's own tags (any of them), and VIP or not.
        public var customerTags: [String] = []
        public var customerVIP: Bool?
        /// A conversation custom field's id and the values it may hold.
        public var fields: [(id: Int64, values: [String])] = []

        public init() {}

        /// The slice of `report_days` this filter reads — `("", [""])` for none, or one
        /// dimension's values — or nil when it narrows otherwise (two dimensions, tags, the
        /// customer, custom fields) and the figures are computed from the facts.
        var slice: (dimension: String, values: [String])? {
            guard tags.isEmpty, customerTags.isEmpty, customerVIP == nil, fields.isEmpty else { return nil }
            let narrowed = [("channel", channels), ("inbox", inboxIDs.map(String.init)), ("intent", intents), ("language", languages),
                            ("team", teamIDs.map(String.init)), ("agent", agentIDs.map(String.init)),
                            ("priority", priorities.map { String($0.rank) })].filter { !$0.1.isEmpty }
            switch narrowed.count {
            case 0: return ("", [""])
            case 1: return (narrowed[0].0, narrowed[0].1)
            default: return nil
            }
        }

        public static func == (a: Filter, b: Filter) -> Bool {
            a.channels == b.channels && a.inboxIDs == b.inboxIDs && a.teamIDs == b.teamIDs && a.agentIDs == b.agentIDs
                && a.intents == b.intents && a.languages == b.languages && a.priorities == b.priorities && a.tags == b.tags
                && a.customerTags == b.customerTags && a.customerVIP == b.customerVIP
                && a.fields.map(\.id) == b.fields.map(\.id) && a.fields.map(\.values) == b.fields.map(\.values)
        }
    }


    /// The filter as SQL on `report_facts f` (empty when nothing narrows).
    static func where_(_ filter: Filter) throws -> SQLQueryString {
        var query = SQLQueryString("")
        if !filter.channels.isEmpty { query.appendLiteral(" AND f.channel IN ("); query.appendInterpolation(binds: filter.channels); query.appendLiteral(")") }
        if !filter.inboxIDs.isEmpty { query.appendLiteral(" AND f.inbox_id IN ("); query.appendInterpolation(binds: filter.inboxIDs); query.appendLiteral(")") }
        if !filter.teamIDs.isEmpty { query.appendLiteral(" AND f.team_id IN ("); query.appendInterpolation(binds: filter.teamIDs); query.appendLiteral(")") }
        if !filter.agentIDs.isEmpty { query.appendLiteral(" AND f.assignee_id IN ("); query.appendInterpolation(binds: filter.agentIDs); query.appendLiteral(")") }
        if !filter.intents.isEmpty { query.appendLiteral(" AND f.intent IN ("); query.appendInterpolation(binds: filter.intents); query.appendLiteral(")") }
        if !filter.languages.isEmpty { query.appendLiteral(" AND f.language IN ("); query.appendInterpolation(binds: filter.languages); query.appendLiteral(")") }
        if !filter.priorities.isEmpty {
            query.appendLiteral(" AND f.priority IN ("); query.appendInterpolation(binds: filter.priorities.map(\.rank)); query.appendLiteral(")")
        }
        if !filter.tags.isEmpty {
            query.appendLiteral("""
                 AND EXISTS (SELECT 1 FROM conversation_tags ct JOIN tags t ON t.id = ct.tag_id
                   WHERE ct.conversation_id = f.conversation_id AND t.workspace_id = f.workspace_id AND t.name IN (
                """)
            query.appendInterpolation(binds: filter.tags)
            query.appendLiteral("))")
        }
        if let customer = try ConversationFilter.customerClause(alias: "f", tags: filter.customerTags, vip: filter.customerVIP) {
            query.appendLiteral(" AND ")
            query.appendInterpolation(customer)
        }
        for field in filter.fields {
            query.appendLiteral(" AND EXISTS (SELECT 1 FROM custom_values v WHERE v.field_id = ")
            query.appendInterpolation(bind: field.id)
            query.appendLiteral(" AND v.entity_id = f.conversation_id AND v.value IN (")
            query.appendInterpolation(binds: field.values)
            query.appendLiteral("))")
        }
        return query
    }
}
