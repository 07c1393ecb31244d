import Foundation
import ShopdeskCore
import SQLKit

/// Something an agent should look at: they were mentioned in a note, a conversation was assigned
/// to them, or a customer answered in a conversation they follow.
public struct AgentNotification: Sendable, Equatable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case mention, assigned
        case customerReplied = "customer_replied"
    }

    public var id: Int64
    public var workspaceID: WorkspaceID
    public var agentID: AgentID
    public var conversationID: ConversationID
    public var messageID: MessageID?
    public var kind: Kind
    /// The agent whose action it was (nil: the customer, a rule, automatic assignment).
    public var actorAgentID: AgentID?
    /// The first words of the note or message, or the conversation's subject.
    public var preview: String?
    public var createdAt: Date
    public var readAt: Date?
}

public enum NotificationRepository {
    /// How long a notification waits unread before it is emailed (the agent may be looking).
    public static let emailDelay: TimeInterval = 5 * 60

    /// One notification per agent, the actor left out (nobody is told of their own action); each
    /// is emailed later if still unread. Returns the events that push them to their agents.
    static func notify(
        _ agents: [AgentID], kind: AgentNotification.Kind, conversation: Conversation, messageID: MessageID? = nil,
        actor: AgentID?, preview: String?, now: Date, in sql: any SQLDatabase
    ) async throws -> [DomainEvent] {
        var seen = Set<AgentID>()
        let recipients = agents.filter { $0 != actor && seen.insert($0).inserted }
        guard !recipients.isEmpty else { return [] }
        let shortPreview = preview.map { Self.shortened($0) }
        var events: [DomainEvent] = []
        for agent in recipients {
            guard let row = try await sql.raw("""
                INSERT INTO notifications (workspace_id, agent_id, conversation_id, message_id, kind, actor_agent_id, preview, created_at)
                VALUES (\(bind: conversation.workspaceID.rawValue), \(bind: agent.rawValue), \(bind: conversation.id.rawValue),
                        \(bind: messageID?.rawValue), \(bind: kind.rawValue), \(bind: actor?.rawValue), \(bind: shortPreview), \(bind: now.millis))
                RETURNING id
                """).first() else { throw StoredValueError(column: "notifications.id", value: "missing") }
            let id = try row.int64("id")
            try await JobQueue.enqueue(kind: JobKind.notificationEmail, payload: ["notification_id": .number(Double(id))],
                                       workspaceID: conversation.workspaceID, runAt: now.addingTimeInterval(emailDelay), maxAttempts: 5, in: sql)
            if try await PushSubscriptionRepository.any(workspaceID: conversation.workspaceID, agentID: agent, in: sql) {
                // Best effort and at once: a push that arrives late is noise, so it is not retried.
                try await JobQueue.enqueue(kind: JobKind.notificationPush, payload: ["notification_id": .number(Double(id))],
                                           workspaceID: conversation.workspaceID, runAt: now, maxAttempts: 1, in: sql)
            }
            events.append(DomainEvent(
                workspaceID: conversation.workspaceID, conversationID: nil, kind: .notificationCreated,
                actor: actor.map { .agent($0) } ?? .system,
                payload: ["agent_id": .id(agent), "notification_id": .number(Double(id)), "kind": .string(kind.rawValue),
                          "conversation_id": .id(conversation.id)],
                occurredAt: now))
        }
        return events
    }

    /// An agent's notifications, newest first; `before` pages back by id.
    public static func list(
        workspaceID: WorkspaceID, agentID: AgentID, unreadOnly: Bool, before: Int64?, limit: Int, in sql: any SQLDatabase
    ) async throws -> [AgentNotification] {
        var conditions: [SQLQueryString] = ["workspace_id = \(bind: workspaceID.rawValue)", "agent_id = \(bind: agentID.rawValue)"]
        if unreadOnly { conditions.append("read_at IS NULL") }
        if let before { conditions.append("id < \(bind: before)") }
        return try await sql.raw("""
            SELECT * FROM notifications WHERE \(conditions.joined(separator: " AND ")) ORDER BY id DESC LIMIT \(bind: limit)
            """).all().map(decode)
    }

    public static func unreadCount(workspaceID: WorkspaceID, agentID: AgentID, in sql: any SQLDatabase) async throws -> Int {
        try await sql.raw("""
            SELECT COUNT(*) AS n FROM notifications WHERE workspace_id = \(bind: workspaceID.rawValue)
              AND agent_id = \(bind: agentID.rawValue) AND read_at IS NULL
            """).first()?.int("n") ?? 0
    }

    public static func find(workspaceID: WorkspaceID, id: Int64, in sql: any SQLDatabase) async throws -> AgentNotification? {
        try await sql.raw("SELECT * FROM notifications WHERE workspace_id = \(bind: workspaceID.rawValue) AND id = \(bind: id)")
            .first().map(decode)
    }

    /// Marks an agent's notifications read: those named, those about one conversation, or all.
    /// Returns how many changed.
    @discardableResult
    public static func markRead(
        workspaceID: WorkspaceID, agentID: AgentID, ids: [Int64]? = nil, conversationID: ConversationID? = nil, now: Date,
        in sql: any SQLDatabase
    ) async throws -> Int {
        var conditions: [SQLQueryString] = ["agent_id = \(bind: agentID.rawValue)", "read_at IS NULL"]
        if let ids {
            guard !ids.isEmpty else { return 0 }
            conditions.append("id IN (\(binds: ids))")
        }
        if let conversationID { conditions.append("conversation_id = \(bind: conversationID.rawValue)") }
        return try await sql.raw("""
            UPDATE notifications SET read_at = \(bind: now.millis)
            WHERE workspace_id = \(bind: workspaceID.rawValue) AND \(conditions.joined(separator: " AND ")) RETURNING id
            """).all().count
    }

    /// Claims a notification for its email: true once, while it is unread and not yet emailed.
    public static func claimForEmail(workspaceID: WorkspaceID, id: Int64, now: Date, in sql: any SQLDatabase) async throws -> Bool {
        try await sql.raw("""
            UPDATE notifications SET emailed_at = \(bind: now.millis)
            WHERE workspace_id = \(bind: workspaceID.rawValue) AND id = \(bind: id) AND read_at IS NULL AND emailed_at IS NULL
            RETURNING id
            """).first() != nil
    }

    /// Whether the agent wants notifications by email (Settings → Your account).
    public static func emailsWanted(workspaceID: WorkspaceID, agentID: AgentID, in sql: any SQLDatabase) async throws -> Bool {
        try await sql.raw("""
            SELECT notify_by_email FROM agents WHERE workspace_id = \(bind: workspaceID.rawValue) AND id = \(bind: agentID.rawValue)
            """).first()?.int64("notify_by_email") == 1
    }

    public static func setEmailsWanted(_ wanted: Bool, workspaceID: WorkspaceID, agentID: AgentID, in sql: any SQLDatabase) async throws {
        try await sql.raw("""
            UPDATE agents SET notify_by_email = \(bind: wanted ? 1 : 0)
            WHERE workspace_id = \(bind: workspaceID.rawValue) AND id = \(bind: agentID.rawValue)
            """).run()
    }

    static func shortened(_ text: String) -> String {
        let line = text.split(whereSeparator: \.isNewline).joined(separator: " ")
        return line.count <= 160 ? line : String(line.prefix(159)) + "…"
    }

    static func decode(_ row: any SQLRow) throws -> AgentNotification {
        AgentNotification(
            id: try row.int64("id"), workspaceID: try row.id("workspace_id"), agentID: try row.id("agent_id"),
            conversationID: try row.id("conversation_id"), messageID: try row.idOrNil("message_id"), kind: try row.enumValue("kind"),
            actorAgentID: try row.idOrNil("actor_agent_id"), preview: try row.stringOrNil("preview"),
            createdAt: try row.date("created_at"), readAt: try row.dateOrNil("read_at"))
    }
}

/// Who follows a conversation: they are told when its customer writes. Agents follow by choice,
/// and are made followers when mentioned in one of its notes.
public enum FollowerRepository {
    public static func follow(_ agents: [AgentID], workspaceID: WorkspaceID, conversationID: ConversationID, now: Date,
                              in sql: any SQLDatabase) async throws {
        for agent in Set(agents) {
            try await sql.raw("""
                INSERT INTO conversation_followers (workspace_id, conversation_id, agent_id, created_at)
                VALUES (\(bind: workspaceID.rawValue), \(bind: conversationID.rawValue), \(bind: agent.rawValue), \(bind: now.millis))
                ON CONFLICT (conversation_id, agent_id) DO NOTHING
                """).run()
        }
    }

    public static func unfollow(workspaceID: WorkspaceID, conversationID: ConversationID, agentID: AgentID, in sql: any SQLDatabase) async throws {
        try await sql.raw("""
            DELETE FROM conversation_followers WHERE workspace_id = \(bind: workspaceID.rawValue)
              AND conversation_id = \(bind: conversationID.rawValue) AND agent_id = \(bind: agentID.rawValue)
            """).run()
    }

    public static func followers(workspaceID: WorkspaceID, conversationID: ConversationID, in sql: any SQLDatabase) async throws -> [AgentID] {
        try await sql.raw("""
            SELECT agent_id FROM conversation_followers WHERE workspace_id = \(bind: workspaceID.rawValue)
              AND conversation_id = \(bind: conversationID.rawValue) ORDER BY created_at, agent_id
            """).all().map { try $0.id("agent_id") }
    }
}
