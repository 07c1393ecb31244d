import Foundation
import ShopdeskCore
import SQLKit

/// Writes domain events to the audit trail, and queues a delivery job for each outgoing webhook
/// subscribed to them, in the caller's transaction: an event is never recorded without its
/// webhooks being queued, nor the other way round (a transactional outbox).
public enum EventLog {
    static func record(_ events: [DomainEvent], in sql: any SQLDatabase) async throws -> [DomainEvent] {
        guard let workspaceID = events.first?.workspaceID else { return [] }
        // One statement for all of them; ids of one INSERT are assigned in row order.
        let rows = events.map { event -> SQLQueryString in
            """
            (\(bind: event.workspaceID.rawValue), \(bind: event.conversationID?.rawValue), \(bind: event.kind.rawValue),
              \(bind: event.actor.kind), \(bind: event.actor.rawID), \(bind: JSONCoding.string(event.payload)), \(bind: event.occurredAt.millis))
            """
        }
        // The same statement says whether the workspace has a webhook at all, so that the common
        // case (none) costs no second round trip.
        let inserted = try await sql.raw("""
            INSERT INTO events (workspace_id, conversation_id, kind, actor_kind, actor_id, payload, created_at)
            VALUES \(rows.joined(separator: ", "))
            RETURNING id, (SELECT COUNT(*) FROM webhooks WHERE workspace_id = \(bind: workspaceID.rawValue) AND disabled_at IS NULL) AS hooks
            """).all()
        let ids = try inserted.map { try $0.int64("id") }.sorted()
        guard ids.count == events.count else { throw StoredValueError(column: "events.id", value: "\(ids.count) of \(events.count)") }
        var stored = events
        for index in stored.indices { stored[index].id = EventID(ids[index]) }
        guard try inserted.first?.int64("hooks") ?? 0 > 0 else { return stored }
        let hooks = try await sql.raw("""
            SELECT id, events FROM webhooks WHERE workspace_id = \(bind: workspaceID.rawValue) AND disabled_at IS NULL
            """).all()
        for hook in hooks {
            let webhookID: WebhookID = try hook.id("id")
            let subscribed = Set(try JSONCoding.decode([String].self, from: hook.string("events")))
            for event in stored where subscribed.contains(event.kind.rawValue) || subscribed.contains("*") {
                guard let eventID = event.id else { continue }
                try await JobQueue.enqueue(
                    kind: JobKind.webhookDelivery,
                    payload: ["webhook_id": .id(webhookID), "event_id": .id(eventID)],
                    workspaceID: workspaceID, runAt: event.occurredAt, maxAttempts: 8, in: sql
                )
            }
        }
        return stored
    }

    /// The workspace's events after `id`, oldest first, at most `limit` (a reconnecting socket's catch-up).
    public static func since(workspaceID: WorkspaceID, after id: Int64, limit: Int, in sql: any SQLDatabase) async throws -> [DomainEvent] {
        try await sql.raw("""
            SELECT * FROM events WHERE workspace_id = \(bind: workspaceID.rawValue) AND id > \(bind: id) ORDER BY id LIMIT \(bind: limit)
            """).all().map(decode)
    }

    /// The id of the workspace's newest event (nil before its first).
    public static func newestID(workspaceID: WorkspaceID, in sql: any SQLDatabase) async throws -> Int64? {
        // Newest first along the primary key, stopping at the first of this workspace (MAX with a
        // WHERE would read every event of the table in SQLite).
        try await sql.raw("SELECT id FROM events WHERE workspace_id = \(bind: workspaceID.rawValue) ORDER BY id DESC LIMIT 1")
            .first()?.int64("id")
    }

    /// A conversation's timeline, oldest first.
    /// The conversation's events in order, without those of the kinds in `without`.
    public static func timeline(
        workspaceID: WorkspaceID, conversationID: ConversationID, without: Set<DomainEventKind> = [], in sql: any SQLDatabase
    ) async throws -> [DomainEvent] {
        var query = SQLQueryString("""
            SELECT * FROM events WHERE workspace_id = \(bind: workspaceID.rawValue) AND conversation_id = \(bind: conversationID.rawValue)
            """)
        if !without.isEmpty {
            query.appendLiteral(" AND kind NOT IN (")
            for (index, kind) in without.sorted(by: { $0.rawValue < $1.rawValue }).enumerated() {
                if index > 0 { query.appendLiteral(", ") }
                query.appendInterpolation(bind: kind.rawValue)
            }
            query.appendLiteral(")")
        }
        query.appendLiteral(" ORDER BY id")
        return try await sql.raw(query).all().map(decode)
    }

    public static func find(workspaceID: WorkspaceID, id: EventID, in sql: any SQLDatabase) async throws -> DomainEvent? {
        try await sql.raw("""
            SELECT * FROM events WHERE workspace_id = \(bind: workspaceID.rawValue) AND id = \(bind: id.rawValue)
            """).first().map(decode)
    }

    static func decode(_ row: any SQLRow) throws -> DomainEvent {
        DomainEvent(
            id: try row.id("id"),
            workspaceID: try row.id("workspace_id"),
            conversationID: try row.idOrNil("conversation_id"),
            kind: try row.enumValue("kind"),
            actor: EventActor(kind: try row.string("actor_kind"), rawID: try row.int64OrNil("actor_id")),
            payload: try JSONCoding.decode([String: JSONValue].self, from: row.string("payload")),
            occurredAt: try row.date("created_at")
        )
    }
}

/// JSON stored in TEXT columns.
enum JSONCoding {
    static func string<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// Payloads (`[String: JSONValue]`) skip `JSONEncoder`; the text is the same document.
    static func string(_ value: [String: JSONValue]) -> String {
        JSONValue.text(value)
    }

    static func decode<T: Decodable>(_ type: T.Type, from text: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(text.utf8))
    }
}
