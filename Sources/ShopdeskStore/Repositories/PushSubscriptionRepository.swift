import Foundation
import ShopdeskCore
import SQLKit

/// A browser an agent turned notifications on in: its push service address and the keys a
/// message to it is encrypted for (base64url, as the browser gave them).
public struct PushSubscriptionRecord: Sendable, Equatable {
    public var id: Int64
    public var agentID: AgentID
    public var endpoint: String
    public var p256dh: String
    public var auth: String
    public var userAgent: String?
    public var createdAt: Date
    public var lastSuccessAt: Date?
    public var failures: Int
    public var lastError: String?
}

public enum PushSubscriptionRepository {
    /// Browsers kept per agent; subscribing one more forgets the oldest.
    public static let perAgent = 10
    /// Failures in a row after which a browser is forgotten (a push service that keeps refusing).
    public static let failuresToForget = 10

    /// Adds the browser, or renews its keys when the agent subscribed it before.
    public static func save(
        workspaceID: WorkspaceID, agentID: AgentID, endpoint: String, p256dh: String, auth: String, userAgent: String?, now: Date,
        in sql: any SQLDatabase
    ) async throws -> PushSubscriptionRecord {
        guard let row = try await sql.raw("""
            INSERT INTO push_subscriptions (workspace_id, agent_id, endpoint, p256dh, auth, user_agent, created_at)
            VALUES (\(bind: workspaceID.rawValue), \(bind: agentID.rawValue), \(bind: endpoint), \(bind: p256dh), \(bind: auth),
                    \(bind: userAgent), \(bind: now.millis))
            ON CONFLICT (agent_id, endpoint) DO UPDATE SET p256dh = excluded.p256dh, auth = excluded.auth,
              user_agent = excluded.user_agent, failures = 0, last_error = NULL
            RETURNING *
            """).first() else { throw StoredValueError(column: "push_subscriptions.id", value: "missing") }
        let saved = try decode(row)
        try await sql.raw("""
            DELETE FROM push_subscriptions WHERE workspace_id = \(bind: workspaceID.rawValue) AND agent_id = \(bind: agentID.rawValue)
              AND id NOT IN (SELECT id FROM push_subscriptions WHERE workspace_id = \(bind: workspaceID.rawValue)
                             AND agent_id = \(bind: agentID.rawValue) ORDER BY id DESC LIMIT \(bind: perAgent))
            """).run()
        return saved
    }

    public static func list(workspaceID: WorkspaceID, agentID: AgentID, in sql: any SQLDatabase) async throws -> [PushSubscriptionRecord] {
        try await sql.raw("""
            SELECT * FROM push_subscriptions WHERE workspace_id = \(bind: workspaceID.rawValue) AND agent_id = \(bind: agentID.rawValue)
            ORDER BY id
            """).all().map(decode)
    }

    static func any(workspaceID: WorkspaceID, agentID: AgentID, in sql: any SQLDatabase) async throws -> Bool {
        try await sql.raw("""
            SELECT 1 AS one FROM push_subscriptions WHERE workspace_id = \(bind: workspaceID.rawValue)
              AND agent_id = \(bind: agentID.rawValue) LIMIT 1
            """).first() != nil
    }

    /// Forgets one browser of the agent's (signed out there, or turned off); true if it was known.
    @discardableResult
    public static func delete(workspaceID: WorkspaceID, agentID: AgentID, endpoint: String, in sql: any SQLDatabase) async throws -> Bool {
        try await sql.raw("""
            DELETE FROM push_subscriptions WHERE workspace_id = \(bind: workspaceID.rawValue) AND agent_id = \(bind: agentID.rawValue)
              AND endpoint = \(bind: endpoint) RETURNING id
            """).first() != nil
    }

    /// Forgets a browser the push service says is gone (404 or 410).
    public static func forget(workspaceID: WorkspaceID, id: Int64, in sql: any SQLDatabase) async throws {
        try await sql.raw("DELETE FROM push_subscriptions WHERE workspace_id = \(bind: workspaceID.rawValue) AND id = \(bind: id)").run()
    }

    /// Records how a push went; after `failuresToForget` failures in a row the browser is forgotten.
    public static func record(workspaceID: WorkspaceID, id: Int64, error: String?, now: Date, in sql: any SQLDatabase) async throws {
        if let error {
            try await sql.raw("""
                UPDATE push_subscriptions SET failures = failures + 1, last_error = \(bind: String(error.prefix(300)))
                WHERE workspace_id = \(bind: workspaceID.rawValue) AND id = \(bind: id)
                """).run()
            try await sql.raw("""
                DELETE FROM push_subscriptions WHERE workspace_id = \(bind: workspaceID.rawValue) AND id = \(bind: id)
                  AND failures >= \(bind: failuresToForget)
                """).run()
        } else {
            try await sql.raw("""
                UPDATE push_subscriptions SET failures = 0, last_error = NULL, last_success_at = \(bind: now.millis)
                WHERE workspace_id = \(bind: workspaceID.rawValue) AND id = \(bind: id)
                """).run()
        }
    }

    static func decode(_ row: any SQLRow) throws -> PushSubscriptionRecord {
        PushSubscriptionRecord(
            id: try row.int64("id"), agentID: try row.id("agent_id"), endpoint: try row.string("endpoint"),
            p256dh: try row.string("p256dh"), auth: try row.string("auth"), userAgent: try row.stringOrNil("user_agent"),
            createdAt: try row.date("created_at"), lastSuccessAt: try row.dateOrNil("last_success_at"),
            failures: try row.int("failures"), lastError: try row.stringOrNil("last_error"))
    }
}
