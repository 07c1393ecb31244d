import Foundation
import ShopdeskCore
import SQLKit

/// One line of the audit log: who (an agent, by id and as they were named then), how (the web
/// app's session, an API token, or the sign-in page), what (an action name such as
/// `auth.signed_in` or the route, `PUT /stores/{id}/bot-policy`), on what (the path's ids) and from where.
public struct AuditEntry: Sendable, Equatable {
    public enum Via: String, Sendable { case session, token, signIn = "sign_in", system }

    public var id: Int64 = 0
    public var workspaceID: WorkspaceID
    public var at: Date
    public var agentID: AgentID?
    /// The actor as named when it happened (their email), kept if the agent is later removed.
    public var actor: String
    public var via: Via
    public var action: String
    public var target: String?
    public var summary: String
    public var address: String?

    public init(workspaceID: WorkspaceID, at: Date, agentID: AgentID?, actor: String, via: Via, action: String, target: String?, summary: String,
                address: String?) {
        self.workspaceID = workspaceID; self.at = at; self.agentID = agentID; self.actor = actor; self.via = via
        self.action = action; self.target = target; self.summary = summary; self.address = address
    }
}

/// Append-only: rows are inserted and read; the database refuses to update one (v48's trigger).
public enum AuditLogRepository {
    public static func append(_ entry: AuditEntry, in sql: any SQLDatabase) async throws {
        try await sql.raw("""
            INSERT INTO audit_log (workspace_id, at, agent_id, actor, via, action, target, summary, address)
            VALUES (\(bind: entry.workspaceID.rawValue), \(bind: entry.at.millis), \(bind: entry.agentID?.rawValue), \(bind: String(entry.actor.prefix(320))),
              \(bind: entry.via.rawValue), \(bind: String(entry.action.prefix(200))), \(bind: entry.target.map { String($0.prefix(200)) }),
              \(bind: String(entry.summary.prefix(500))), \(bind: entry.address.map { String($0.prefix(64)) }))
            """).run()
    }

    public struct Filter: Sendable {
        public var agentID: AgentID?
        /// Actions starting with this (`auth.`, `PUT /stores`).
        public var action: String?
        /// Words in the summary, action or target.
        public var text: String?
        public var from: Date?
        public var to: Date?
        public init(agentID: AgentID? = nil, action: String? = nil, text: String? = nil, from: Date? = nil, to: Date? = nil) {
            self.agentID = agentID; self.action = action; self.text = text; self.from = from; self.to = to
        }
    }

    /// Newest first, `limit` at a time, before the id `before` (the page's cursor).
    public static func search(workspaceID: WorkspaceID, filter: Filter, before: Int64?, limit: Int, in sql: any SQLDatabase) async throws -> [AuditEntry] {
        var query = SQLQueryString("SELECT * FROM audit_log WHERE workspace_id = \(bind: workspaceID.rawValue)")
        if let before { query.appendInterpolation(unsafeRaw: " AND id < "); query.appendInterpolation(bind: before) }
        if let agent = filter.agentID { query.appendInterpolation(unsafeRaw: " AND agent_id = "); query.appendInterpolation(bind: agent.rawValue) }
        if let action = filter.action {
            query.appendInterpolation(unsafeRaw: " AND substr(action, 1, \(action.count)) = ")
            query.appendInterpolation(bind: action)
        }
        if let text = filter.text?.lowercased() {
            let pattern = "%" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_") + "%"
            query.appendInterpolation(unsafeRaw: " AND (lower(summary) LIKE ")
            query.appendInterpolation(bind: pattern)
            query.appendInterpolation(unsafeRaw: " ESCAPE '\\' OR lower(action) LIKE ")
            query.appendInterpolation(bind: pattern)
            query.appendInterpolation(unsafeRaw: " ESCAPE '\\' OR lower(actor) LIKE ")
            query.appendInterpolation(bind: pattern)
            query.appendInterpolation(unsafeRaw: " ESCAPE '\\')")
        }
        if let from = filter.from { query.appendInterpolation(unsafeRaw: " AND at >= "); query.appendInterpolation(bind: from.millis) }
        if let to = filter.to { query.appendInterpolation(unsafeRaw: " AND at < "); query.appendInterpolation(bind: to.millis) }
        query.appendInterpolation(unsafeRaw: " ORDER BY id DESC LIMIT \(max(1, min(limit, 10_000)))")
        return try await sql.raw(query).all().map { row in
            var entry = AuditEntry(workspaceID: WorkspaceID(try row.int64("workspace_id")), at: try row.date("at"),
                                   agentID: try row.int64OrNil("agent_id").map(AgentID.init), actor: try row.string("actor"),
                                   via: AuditEntry.Via(rawValue: try row.string("via")) ?? .session, action: try row.string("action"),
                                   target: try row.stringOrNil("target"), summary: try row.string("summary"), address: try row.stringOrNil("address"))
            entry.id = try row.int64("id")
            return entry
        }
    }
}
