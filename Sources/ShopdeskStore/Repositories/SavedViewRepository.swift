import Foundation
import ShopdeskCore
import SQLKit

/// A named filter of the conversation list an agent keeps in the sidebar: their own, or shared
/// with the whole workspace (`agentID` nil). The filter is kept in its written form (the list
/// API's field names and values) and read into a `ConversationFilter` for the agent looking, so
/// `assignee: me` in a shared view is each agent's own.
public struct SavedView: Sendable, Equatable {
    public enum Layout: String, Sendable, CaseIterable, Codable {
        /// The ordinary list; `board`: columns by status, cards moved between them.
        case list, board
    }

    public var id: Int64
    public var workspaceID: WorkspaceID
    public var agentID: AgentID?
    public var name: String
    public var fields: [String: [String]]
    public var sort: ConversationSort
    public var layout: Layout
    /// For a board: the conversation custom field (its key) whose options are the columns;
    /// nil: columns by status.
    public var boardField: String? = nil
    public var position: Int
    public var createdAt: Date
    public var updatedAt: Date

    public var isShared: Bool { agentID == nil }

    /// Checks a view's name and filter before it is stored.
    public static func validate(name: String, fields: [String: [String]], me: AgentID) throws(ShopdeskError) -> String {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw ShopdeskError.invalid(field: "name", "A view needs a name.").because("view_name_missing") }
        guard trimmed.count <= 80 else { throw .invalid(field: "name", "A view's name can be at most 80 characters long.") }
        _ = try ConversationFilter(fields: fields, me: me)
        return trimmed
    }
}

public enum SavedViewRepository {
    /// How many views one agent may keep, and how many a workspace may share.
    public static let personalLimit = 50
    public static let sharedLimit = 100

    /// The views an agent sees: the shared ones, then their own, each in the order they were put.
    public static func list(workspaceID: WorkspaceID, agentID: AgentID, in sql: any SQLDatabase) async throws -> [SavedView] {
        try await sql.raw("""
            SELECT * FROM saved_views WHERE workspace_id = \(bind: workspaceID.rawValue)
              AND (agent_id IS NULL OR agent_id = \(bind: agentID.rawValue))
            ORDER BY CASE WHEN agent_id IS NULL THEN 0 ELSE 1 END, position, id
            """).all().map(decode)
    }

    /// One view, if the agent can see it.
    public static func find(workspaceID: WorkspaceID, agentID: AgentID, id: Int64, in sql: any SQLDatabase) async throws -> SavedView? {
        try await sql.raw("""
            SELECT * FROM saved_views WHERE workspace_id = \(bind: workspaceID.rawValue) AND id = \(bind: id)
              AND (agent_id IS NULL OR agent_id = \(bind: agentID.rawValue))
            """).first().map(decode)
    }

    public static func create(
        workspaceID: WorkspaceID, owner: AgentID?, name: String, fields: [String: [String]], sort: ConversationSort,
        layout: SavedView.Layout, boardField: String? = nil, now: Date, in sql: any SQLDatabase
    ) async throws -> SavedView {
        let ownerClause: SQLQueryString = owner.map { "agent_id = \(bind: $0.rawValue)" } ?? "agent_id IS NULL"
        let existing = try await sql.raw("""
            SELECT COUNT(*) AS n, COALESCE(MAX(position), 0) AS last FROM saved_views
            WHERE workspace_id = \(bind: workspaceID.rawValue) AND \(ownerClause)
            """).first()
        let count = try existing?.int("n") ?? 0
        let limit = owner == nil ? sharedLimit : personalLimit
        guard count < limit else {
            throw ShopdeskError.conflict("There can be at most \(limit) \(owner == nil ? "shared views" : "views of your own"); delete one first.")
                .because("view_limit", ["limit": String(limit)])
        }
        let position = (try existing?.int("last") ?? 0) + 1
        guard let row = try await sql.raw("""
            INSERT INTO saved_views (workspace_id, agent_id, name, filters, sort, layout, board_field, position, created_at, updated_at)
            VALUES (\(bind: workspaceID.rawValue), \(bind: owner?.rawValue), \(bind: name), \(bind: try JSONCoding.string(fields)),
                    \(bind: sort.rawValue), \(bind: layout.rawValue), \(bind: boardField), \(bind: position), \(bind: now.millis), \(bind: now.millis))
            RETURNING *
            """).first() else { throw StoredValueError(column: "saved_views.id", value: "missing") }
        return try decode(row)
    }

    public static func update(_ view: SavedView, in sql: any SQLDatabase) async throws {
        try await sql.raw("""
            UPDATE saved_views SET name = \(bind: view.name), filters = \(bind: try JSONCoding.string(view.fields)),
              sort = \(bind: view.sort.rawValue), layout = \(bind: view.layout.rawValue), board_field = \(bind: view.boardField),
              position = \(bind: view.position),
              updated_at = \(bind: view.updatedAt.millis)
            WHERE workspace_id = \(bind: view.workspaceID.rawValue) AND id = \(bind: view.id)
            """).run()
    }

    public static func delete(workspaceID: WorkspaceID, id: Int64, in sql: any SQLDatabase) async throws {
        try await sql.raw("DELETE FROM saved_views WHERE workspace_id = \(bind: workspaceID.rawValue) AND id = \(bind: id)").run()
    }

    static func decode(_ row: any SQLRow) throws -> SavedView {
        SavedView(
            id: try row.int64("id"), workspaceID: try row.id("workspace_id"), agentID: try row.idOrNil("agent_id"),
            name: try row.string("name"), fields: try JSONCoding.decode([String: [String]].self, from: try row.string("filters")),
            sort: try row.enumValue("sort"), layout: try row.enumValue("layout"), boardField: try row.stringOrNil("board_field"),
            position: try row.int("position"),
            createdAt: try row.date("created_at"), updatedAt: try row.date("updated_at")
        )
    }
}

extension ConversationRepository {
    /// How many conversations a filter finds, counting no further than `cap` (a view's badge says
    /// "999+" rather than walking a million rows on every refresh). A filter of only status,
    /// assignee and inbox — "my open", "unassigned in Returns" — is read from the counters the
    /// write paths keep, whatever the workspace's size.
    public static func count(
        workspaceID: WorkspaceID, filter: ConversationFilter, cap: Int, now: Date = Date(), in sql: any SQLDatabase
    ) async throws -> Int {
        if let counted = try await countFromCounters(workspaceID: workspaceID, filter: filter, in: sql) { return min(counted, cap) }
        return try await countRows(workspaceID: workspaceID, filter: filter, cap: cap, now: now, in: sql)
    }

    /// The same count read from the conversation rows, stopping at `cap`.
    static func countRows(
        workspaceID: WorkspaceID, filter: ConversationFilter, cap: Int, now: Date = Date(), in sql: any SQLDatabase
    ) async throws -> Int {
        var conditions: [SQLQueryString] = ["c.workspace_id = \(bind: workspaceID.rawValue)", "c.merged_into IS NULL"]
        conditions += try filter.clauses(now: now)
        let row = try await sql.raw("""
            SELECT COUNT(*) AS n FROM (SELECT 1 FROM conversations c WHERE \(conditions.joined(separator: " AND ")) LIMIT \(bind: cap)) found
            """).first()
        return try row?.int("n") ?? 0
    }
}

extension ConversationRepository {
    /// The count of a status/assignee/inbox filter from `conversation_counts`; nil for any other filter.
    static func countFromCounters(workspaceID: WorkspaceID, filter: ConversationFilter, in sql: any SQLDatabase) async throws -> Int? {
        var plain = ConversationFilter()
        plain.statuses = filter.statuses
        plain.assignees = filter.assignees
        plain.inboxIDs = filter.inboxIDs
        plain.visibleInboxes = filter.visibleInboxes
        guard plain == filter else { return nil }
        var conditions: [SQLQueryString] = ["workspace_id = \(bind: workspaceID.rawValue)"]
        // Merged conversations are not counted by the counters (nor listed); every status is.
        if !filter.statuses.isEmpty { conditions.append("status IN (\(binds: filter.statuses.map(\.rawValue)))") }
        if !filter.assignees.isEmpty {
            let keys = filter.assignees.map { if case .agent(let id) = $0 { id.rawValue } else { Int64(0) } }
            conditions.append("assignee_key IN (\(binds: keys))")
        }
        if !filter.inboxIDs.isEmpty { conditions.append("inbox_id IN (\(binds: filter.inboxIDs.map(\.rawValue)))") }
        if let visible = filter.visibleInboxes {
            conditions.append(visible.isEmpty ? "1 = 0" : "inbox_id IN (\(binds: visible.map(\.rawValue)))")
        }
        // The counter rows (stripes) add up; summed here, as PostgreSQL's SUM of a BIGINT is a NUMERIC.
        return try await sql.raw("SELECT n FROM conversation_counts WHERE \(conditions.joined(separator: " AND "))")
            .all().reduce(0) { $0 + (try $1.int("n")) }
    }
}
