import Foundation
import ShopdeskCore
import SQLKit

public enum ConversationSort: String, Sendable, CaseIterable, Codable {
    /// `sla`: the earliest SLA due time first; conversations without a running clock last.
    case newest, oldest, priority, sla
}

/// Reads and writes conversation rows. State changes go through `ConversationService`.
public enum ConversationRepository {
    /// The columns `decode` reads: named rather than `*`, so a statement keeps its shape when a
    /// newer node adds a column (PostgreSQL refuses a prepared statement whose result changed),
    /// and the search vector is not sent along.
    static let columns: SQLQueryString = """
        id, workspace_id, number, inbox_id, customer_id, subject, status, snoozed_until, priority, assignee_id, team_id, \
        merged_into, language, last_message_at, last_message_preview, last_message_direction, message_count, \
        first_response_at, resolved_at, created_at, updated_at, intent, sentiment, urgent, sla_state, channel_thread, channel_post
        """

    /// The conversation with its tags, in one statement (a reply reads its conversation three
    /// times: to check access, to change it, to send; on PostgreSQL each statement is a round trip).
    public static func find(workspaceID: WorkspaceID, id: ConversationID, in sql: any SQLDatabase) async throws -> Conversation? {
        // Tag names never hold a line break (`TagName.normalize` collapses whitespace).
        let joined: SQLQueryString = sql.dialect.name == "sqlite" ? "group_concat(t.name, char(10))" : "string_agg(t.name, chr(10))"
        guard let row = try await sql.raw("""
            SELECT \(columns), (SELECT \(joined) FROM conversation_tags ct JOIN tags t ON t.id = ct.tag_id
              WHERE ct.conversation_id = conversations.id) AS tag_names
            FROM conversations WHERE workspace_id = \(bind: workspaceID.rawValue) AND id = \(bind: id.rawValue)
            """).first() else { return nil }
        var conversation = try decode(row)
        conversation.state.tags = Set(try row.stringOrNil("tag_names")?.split(separator: "\n").map(String.init) ?? [])
        return conversation
    }

    /// Several conversations by id, in the order of `ids` (search results), with their tags.
    /// The customer's most recent conversation that is not resolved (nor merged away), if any.
    public static func latestOpen(workspaceID: WorkspaceID, customerID: CustomerID, in sql: any SQLDatabase) async throws -> Conversation? {
        guard let row = try await sql.raw("""
            SELECT id FROM conversations WHERE workspace_id = \(bind: workspaceID.rawValue) AND customer_id = \(bind: customerID.rawValue)
              AND status <> 'resolved' AND merged_into IS NULL
            ORDER BY last_message_at DESC, id DESC LIMIT 1
            """).first() else { return nil }
        return try await find(workspaceID: workspaceID, id: try row.id("id"), in: sql)
    }

    public static func findMany(workspaceID: WorkspaceID, ids: [ConversationID], in sql: any SQLDatabase) async throws -> [Conversation] {
        guard !ids.isEmpty else { return [] }
        var byID: [ConversationID: Conversation] = [:]
        // `+workspace_id` keeps the planner off the indexes that start with workspace_id: without
        // statistics SQLite took one of them and walked every conversation of the workspace
        // (15 ms at 200,000) instead of fetching the few ids by primary key (0.01 ms).
        for row in try await sql.raw("""
            SELECT \(columns) FROM conversations WHERE +workspace_id = \(bind: workspaceID.rawValue) AND id IN (\(binds: ids.map(\.rawValue)))
            """).all() {
            let conversation = try decode(row)
            byID[conversation.id] = conversation
        }
        let tagMap = try await tags(of: Array(byID.keys), in: sql)
        return ids.compactMap { id in
            guard var conversation = byID[id] else { return nil }
            conversation.state.tags = tagMap[id] ?? []
            return conversation
        }
    }

    /// Follows merge pointers to the conversation that now holds the messages.
    public static func survivor(of conversation: Conversation, in sql: any SQLDatabase) async throws -> Conversation {
        var current = conversation
        for _ in 0..<8 {
            guard let next = current.state.mergedInto,
                  let found = try await find(workspaceID: current.workspaceID, id: next, in: sql) else { return current }
            current = found
        }
        return current
    }

    /// One page of conversations; `cursor` is the opaque value returned with the previous page.
    public static func list(
        workspaceID: WorkspaceID, filter: ConversationFilter, sort: ConversationSort, cursor: String?, limit: Int,
        now: Date = Date(), in sql: any SQLDatabase
    ) async throws -> (conversations: [Conversation], nextCursor: String?) {
        var conditions: [SQLQueryString] = ["c.workspace_id = \(bind: workspaceID.rawValue)", "c.merged_into IS NULL"]
        conditions += try filter.clauses(now: now)
        let order: SQLQueryString
        if let cursor, let position = ListCursor(cursor) {
            switch sort {
            case .newest:
                conditions.append("(c.last_message_at < \(bind: position.time) OR (c.last_message_at = \(bind: position.time) AND c.id < \(bind: position.id)))")
            case .oldest:
                conditions.append("(c.last_message_at > \(bind: position.time) OR (c.last_message_at = \(bind: position.time) AND c.id > \(bind: position.id)))")
            case .priority:
                conditions.append("""
                    (c.priority < \(bind: position.rank) OR (c.priority = \(bind: position.rank) AND (c.last_message_at < \(bind: position.time)
                      OR (c.last_message_at = \(bind: position.time) AND c.id < \(bind: position.id)))))
                    """)
            case .sla:
                // `rank` carries the due time; conversations without one come after all that have one.
                let due = Self.noDue
                conditions.append("""
                    (COALESCE(c.sla_due_at, \(bind: due)) > \(bind: position.rank) OR (COALESCE(c.sla_due_at, \(bind: due)) = \(bind: position.rank)
                      AND c.id > \(bind: position.id)))
                    """)
            }
        }
        switch sort {
        case .newest: order = "c.last_message_at DESC, c.id DESC"
        case .oldest: order = "c.last_message_at ASC, c.id ASC"
        case .priority: order = "c.priority DESC, c.last_message_at DESC, c.id DESC"
        case .sla: order = "COALESCE(c.sla_due_at, \(bind: Self.noDue)) ASC, c.id ASC"
        }
        let rows = try await sql.raw("""
            SELECT \(columns) FROM conversations c WHERE \(conditions.joined(separator: " AND ")) ORDER BY \(order) LIMIT \(bind: limit + 1)
            """).all()
        var conversations = try rows.prefix(limit).map(decode)
        let tagMap = try await tags(of: conversations.map(\.id), in: sql)
        for index in conversations.indices { conversations[index].state.tags = tagMap[conversations[index].id] ?? [] }
        let next = rows.count > limit ? conversations.last.map {
            ListCursor(time: $0.lastMessageAt.millis, id: $0.id.rawValue,
                       rank: sort == .sla ? ($0.sla?.dueAt?.millis ?? Self.noDue) : Int64($0.state.priority.rank)).encoded
        } : nil
        return (conversations, next)
    }

    /// Counts for the inbox views, from the counters the write paths keep (see `adjustCounts`);
    /// a counter may have several rows (stripes), which add up.
    public static func viewCounts(
        workspaceID: WorkspaceID, agentID: AgentID, visibleInboxes: [InboxID]?, in sql: any SQLDatabase
    ) async throws -> [String: Int] {
        var inboxFilter: SQLQueryString = ""
        if let visibleInboxes {
            inboxFilter = visibleInboxes.isEmpty ? " AND 1 = 0" : " AND inbox_id IN (\(binds: visibleInboxes.map(\.rawValue)))"
        }
        let rows = try await sql.raw("""
            SELECT assignee_key, status, n FROM conversation_counts WHERE workspace_id = \(bind: workspaceID.rawValue)\(inboxFilter)
            """).all()
        var counts = ["mine": 0, "unassigned": 0, "open": 0, "pending": 0, "snoozed": 0, "resolved": 0, "spam": 0]
        for row in rows {
            let status = try row.string("status")
            let assignee = try row.int64("assignee_key")
            let n = try row.int("n")
            counts[status, default: 0] += n
            if status == ConversationStatus.open.rawValue {
                if assignee == 0 { counts["unassigned", default: 0] += n }
                if assignee == agentID.rawValue { counts["mine", default: 0] += n }
            }
        }
        return counts
    }

    /// The same counts computed from the conversation rows; tests compare it with `viewCounts`.
    public static func recountViews(
        workspaceID: WorkspaceID, agentID: AgentID, in sql: any SQLDatabase
    ) async throws -> [String: Int] {
        let row = try await sql.raw("""
            SELECT
              SUM(CASE WHEN status = 'open' AND assignee_id = \(bind: agentID.rawValue) THEN 1 ELSE 0 END) AS mine,
              SUM(CASE WHEN status = 'open' AND assignee_id IS NULL THEN 1 ELSE 0 END) AS unassigned,
              SUM(CASE WHEN status = 'open' THEN 1 ELSE 0 END) AS open,
              SUM(CASE WHEN status = 'pending' THEN 1 ELSE 0 END) AS pending,
              SUM(CASE WHEN status = 'snoozed' THEN 1 ELSE 0 END) AS snoozed,
              SUM(CASE WHEN status = 'resolved' THEN 1 ELSE 0 END) AS resolved,
              SUM(CASE WHEN status = 'spam' THEN 1 ELSE 0 END) AS spam
            FROM conversations WHERE workspace_id = \(bind: workspaceID.rawValue) AND merged_into IS NULL
            """).first()
        var counts: [String: Int] = [:]
        for view in ["mine", "unassigned", "open", "pending", "snoozed", "resolved", "spam"] {
            counts[view] = try row.flatMap { try $0.int64OrNil(view) }.map(Int.init) ?? 0
        }
        return counts
    }

    /// Moves one conversation between counters: out of `from` (if it was counted) and into `to`
    /// (if it still counts; a merged conversation does not).
    static func adjustCounts(
        workspaceID: WorkspaceID, inboxID: InboxID, from: (AgentID?, ConversationStatus)?, to: (AgentID?, ConversationStatus)?,
        in sql: any SQLDatabase
    ) async throws {
        if let from, let to, from.0 == to.0, from.1 == to.1 { return }
        try await sql.raw(countChange(workspaceID: workspaceID, inboxID: inboxID, from: from, to: to,
                                      kind: sql.dialect.name == "sqlite" ? .sqlite : .postgres)).run()
    }

    /// The statement `adjustCounts` runs (at least one of `from` and `to` given).
    static func countChange(
        workspaceID: WorkspaceID, inboxID: InboxID, from: (AgentID?, ConversationStatus)?, to: (AgentID?, ConversationStatus)?,
        kind: DatabaseKind
    ) -> SQLQueryString {
        // PostgreSQL: the connection's own stripe of each counter, so that concurrent
        // transactions seldom wait for each other's row (schema 25; the counts add up the
        // stripes, so their number is free to change). SQLite: stripe 0.
        let stripe: SQLQueryString = kind == .sqlite ? "0" : "pg_backend_pid() % 32"
        var rows: [SQLQueryString] = []
        if let from {
            rows.append("(\(bind: workspaceID.rawValue), \(bind: inboxID.rawValue), \(bind: from.0?.rawValue ?? 0), \(bind: from.1.rawValue), \(stripe), -1)")
        }
        if let to {
            rows.append("(\(bind: workspaceID.rawValue), \(bind: inboxID.rawValue), \(bind: to.0?.rawValue ?? 0), \(bind: to.1.rawValue), \(stripe), 1)")
        }
        return """
            INSERT INTO conversation_counts (workspace_id, inbox_id, assignee_key, status, stripe, n) VALUES \(rows.joined(separator: ", "))
            ON CONFLICT (workspace_id, inbox_id, assignee_key, status, stripe) DO UPDATE SET n = conversation_counts.n + excluded.n
            """
    }

    static func tags(of ids: [ConversationID], in sql: any SQLDatabase) async throws -> [ConversationID: Set<String>] {
        guard !ids.isEmpty else { return [:] }
        let rows = try await sql.raw("""
            SELECT ct.conversation_id, t.name FROM conversation_tags ct JOIN tags t ON t.id = ct.tag_id
            WHERE ct.conversation_id IN (\(binds: ids.map(\.rawValue)))
            """).all()
        var result: [ConversationID: Set<String>] = [:]
        for row in rows {
            result[try row.id("conversation_id"), default: []].insert(try row.string("name"))
        }
        return result
    }

    /// Sorts after every real due time.
    static let noDue = Int64.max / 2

    static func decode(_ row: any SQLRow) throws -> Conversation {
        let status: ConversationStatus = try row.enumValue("status")
        guard let priority = Priority(rank: try row.int("priority")) else {
            throw StoredValueError(column: "priority", value: String(try row.int("priority")))
        }
        var conversation = Conversation(
            id: try row.id("id"), workspaceID: try row.id("workspace_id"), number: try row.int64("number"),
            inboxID: try row.id("inbox_id"), customerID: try row.id("customer_id"), subject: try row.stringOrNil("subject"),
            state: ConversationState(
                status: status, snoozedUntil: try row.dateOrNil("snoozed_until"), priority: priority,
                assigneeID: try row.idOrNil("assignee_id"), teamID: try row.idOrNil("team_id"), tags: [],
                mergedInto: try row.idOrNil("merged_into")
            ),
            language: try row.stringOrNil("language"), lastMessageAt: try row.date("last_message_at"),
            lastMessagePreview: try row.stringOrNil("last_message_preview"),
            lastMessageDirection: try row.stringOrNil("last_message_direction").flatMap(MessageDirection.init(rawValue:)),
            messageCount: try row.int("message_count"), firstResponseAt: try row.dateOrNil("first_response_at"),
            resolvedAt: try row.dateOrNil("resolved_at"), createdAt: try row.date("created_at"),
            updatedAt: try row.date("updated_at")
        )
        conversation.intent = try row.stringOrNil("intent")
        conversation.sentiment = try row.stringOrNil("sentiment")
        conversation.urgent = try row.int64("urgent") != 0
        conversation.sla = try row.stringOrNil("sla_state").map { try JSONCoding.decode(SLAClock.self, from: $0) }
        conversation.channelThread = try row.stringOrNil("channel_thread")
        conversation.channelPost = try row.stringOrNil("channel_post")
        return conversation
    }
}

/// Position in a sorted list, handed to clients as an opaque string.
struct ListCursor {
    var time: Int64
    var id: Int64
    var rank: Int64

    init(time: Int64, id: Int64, rank: Int64) {
        self.time = time
        self.id = id
        self.rank = rank
    }

    init?(_ encoded: String) {
        guard let data = Data(base64Encoded: encoded), let text = String(data: data, encoding: .utf8) else { return nil }
        let parts = text.split(separator: ":").compactMap { Int64($0) }
        guard parts.count == 3 else { return nil }
        (time, id, rank) = (parts[0], parts[1], parts[2])
    }

    var encoded: String { Data("\(time):\(id):\(rank)".utf8).base64EncodedString() }
}
