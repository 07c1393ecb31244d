import Foundation
import ShopdeskCore
import SQLKit

/// A reply written now to leave at `sendAt` ("send later").
public struct ScheduledReply: Sendable, Equatable {
    public enum Status: String, Sendable, Codable { case scheduled, sent, cancelled, failed }

    public var id: Int64
    public var workspaceID: WorkspaceID
    public var conversationID: ConversationID
    public var agentID: AgentID
    public var text: String
    public var attachmentIDs: [AttachmentID]
    public var sendAt: Date
    public var status: Status
    /// The message it became, once sent.
    public var messageID: MessageID?
    /// Why it could not be sent (the conversation was merged away, its history locked…).
    public var error: String?
    public var createdAt: Date
}

public enum ScheduledReplyRepository {
    static func create(
        workspaceID: WorkspaceID, conversationID: ConversationID, agentID: AgentID, text: String, attachmentIDs: [AttachmentID],
        sendAt: Date, now: Date, in sql: any SQLDatabase
    ) async throws -> ScheduledReply {
        let files = try JSONCoding.string(attachmentIDs.map(\.rawValue))
        guard let row = try await sql.raw("""
            INSERT INTO scheduled_replies (workspace_id, conversation_id, agent_id, text, attachment_ids, send_at, status, created_at)
            VALUES (\(bind: workspaceID.rawValue), \(bind: conversationID.rawValue), \(bind: agentID.rawValue), \(bind: text), \(bind: files),
                    \(bind: sendAt.millis), 'scheduled', \(bind: now.millis))
            RETURNING *
            """).first() else { throw StoredValueError(column: "scheduled_replies.id", value: "missing") }
        return try decode(row)
    }

    /// A conversation's replies still waiting, and those that could not be sent, by when they leave.
    public static func list(workspaceID: WorkspaceID, conversationID: ConversationID, in sql: any SQLDatabase) async throws -> [ScheduledReply] {
        try await sql.raw("""
            SELECT * FROM scheduled_replies WHERE workspace_id = \(bind: workspaceID.rawValue)
              AND conversation_id = \(bind: conversationID.rawValue) AND status IN ('scheduled', 'failed') ORDER BY send_at, id
            """).all().map(decode)
    }

    public static func find(workspaceID: WorkspaceID, id: Int64, in sql: any SQLDatabase) async throws -> ScheduledReply? {
        try await sql.raw("""
            SELECT * FROM scheduled_replies WHERE workspace_id = \(bind: workspaceID.rawValue) AND id = \(bind: id)
            """).first().map(decode)
    }

    /// Moves a waiting reply on (sent, cancelled, failed); false when it no longer waits (it left,
    /// or was cancelled, first): whichever of the send and a cancel commits first wins.
    static func settle(
        workspaceID: WorkspaceID, id: Int64, as status: ScheduledReply.Status, messageID: MessageID? = nil, error: String? = nil,
        in sql: any SQLDatabase
    ) async throws -> Bool {
        try await sql.raw("""
            UPDATE scheduled_replies SET status = \(bind: status.rawValue), message_id = \(bind: messageID?.rawValue), error = \(bind: error)
            WHERE workspace_id = \(bind: workspaceID.rawValue) AND id = \(bind: id) AND status = 'scheduled'
            RETURNING id
            """).first() != nil
    }

    /// Forgets a reply that failed, once the agent has seen why.
    static func dismiss(workspaceID: WorkspaceID, id: Int64, in sql: any SQLDatabase) async throws -> Bool {
        try await sql.raw("""
            UPDATE scheduled_replies SET status = 'cancelled'
            WHERE workspace_id = \(bind: workspaceID.rawValue) AND id = \(bind: id) AND status = 'failed'
            RETURNING id
            """).first() != nil
    }

    static func decode(_ row: any SQLRow) throws -> ScheduledReply {
        let files: [Int64] = try JSONCoding.decode([Int64].self, from: try row.string("attachment_ids"))
        return ScheduledReply(
            id: try row.int64("id"), workspaceID: try row.id("workspace_id"), conversationID: try row.id("conversation_id"),
            agentID: try row.id("agent_id"), text: try row.string("text"), attachmentIDs: files.map(AttachmentID.init),
            sendAt: try row.date("send_at"), status: try row.enumValue("status"), messageID: try row.int64OrNil("message_id").map(MessageID.init),
            error: try row.stringOrNil("error"), createdAt: try row.date("created_at"))
    }
}
