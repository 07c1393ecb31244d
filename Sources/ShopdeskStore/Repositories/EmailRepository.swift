import Foundation
import ShopdeskCore
import SQLKit

/// A received email as kept: its raw bytes are in the row (`EmailRepository.raw`) or, for rows
/// from before schema 23 and very large mail, in the file store under `sha256`.
public struct InboundEmailRecord: Sendable, Equatable {
    /// `bounce`: a delivery report that marked one of our messages failed.
    public enum Status: String, Sendable {
        case stored, quarantined, replayed, bounce
        /// A report that needs nobody (a delivery delay, a read receipt): kept, never a conversation.
        case report
    }
    public var id: Int64
    public var workspaceID: WorkspaceID
    public var inboxID: InboxID
    public var sha256: String
    public var size: Int64
    public var receivedAt: Date
    public var status: Status
    /// Why a quarantined message could not be taken in.
    public var error: String?
    public var messageID: MessageID?
}

public enum EmailRepository {
    /// The conversation that the first known id in `ids` (newest reference first) belongs to.
    public static func conversation(referencedBy ids: [String], inbox: InboxID, in sql: any SQLDatabase) async throws -> ConversationID? {
        for id in ids.reversed().prefix(50) {
            if let row = try await sql.raw("""
                SELECT conversation_id FROM email_message_ids WHERE inbox_id = \(bind: inbox.rawValue) AND message_id = \(bind: id)
                """).first() {
                return try row.id("conversation_id")
            }
        }
        return nil
    }

    /// The Message-IDs of a conversation's mail, oldest first (for References).
    public static func messageIDs(of conversation: ConversationID, inbox: InboxID, in sql: any SQLDatabase) async throws -> [String] {
        try await sql.raw("""
            SELECT message_id FROM email_message_ids WHERE inbox_id = \(bind: inbox.rawValue) AND conversation_id = \(bind: conversation.rawValue)
            ORDER BY message_row
            """).all().map { try $0.string("message_id") }
    }

    /// The Message-ID of the customer's latest mail before `message` (our In-Reply-To).
    public static func lastInboundMessageID(in conversation: ConversationID, before message: MessageID,
                                            in sql: any SQLDatabase) async throws -> String? {
        try await sql.raw("""
            SELECT channel_message_id FROM messages WHERE conversation_id = \(bind: conversation.rawValue) AND direction = 'inbound'
              AND channel_message_id IS NOT NULL AND id < \(bind: message.rawValue) ORDER BY id DESC LIMIT 1
            """).first().flatMap { try $0.stringOrNil("channel_message_id") }
    }

    /// Remembers that `messageID` (a Message-ID header, ours or the customer's) is part of a
    /// conversation; the first writer wins.
    /// The message we sent (or received) under `messageID` in this inbox.
    public static func message(withID messageID: String, inbox: InboxID, in sql: any SQLDatabase) async throws -> MessageID? {
        try await sql.raw("""
            SELECT message_row FROM email_message_ids WHERE inbox_id = \(bind: inbox.rawValue) AND message_id = \(bind: messageID)
            """).first()?.int64OrNil("message_row").map(MessageID.init)
    }

    public static func remember(messageID: String, inbox: InboxID, conversation: ConversationID, message: MessageID?,
                                in sql: any SQLDatabase) async throws {
        guard try await sql.raw("""
            SELECT 1 AS found FROM email_message_ids WHERE inbox_id = \(bind: inbox.rawValue) AND message_id = \(bind: messageID)
            """).first() == nil else { return }
        try await sql.raw("""
            INSERT INTO email_message_ids (inbox_id, message_id, conversation_id, message_row)
            VALUES (\(bind: inbox.rawValue), \(bind: messageID), \(bind: conversation.rawValue), \(bind: message?.rawValue))
            """).run()
    }

    /// Every column but the raw bytes, which only `raw(of:)` reads.
    private static let columns = "id, workspace_id, inbox_id, sha256, size, received_at, status, error, message_row"

    /// Records a received email; `raw` keeps its bytes in the row (nil when the caller put them
    /// in the file store).
    public static func record(
        workspaceID: WorkspaceID, inbox: InboxID, sha256: String, size: Int, raw: Data?, status: InboundEmailRecord.Status,
        error: String?, message: MessageID?, now: Date, in sql: any SQLDatabase
    ) async throws -> InboundEmailRecord {
        guard let row = try await sql.raw("""
            INSERT INTO inbound_emails (workspace_id, inbox_id, sha256, size, raw, received_at, status, error, message_row)
            VALUES (\(bind: workspaceID.rawValue), \(bind: inbox.rawValue), \(bind: sha256), \(bind: Int64(size)), \(bind: raw),
              \(bind: now.millis), \(bind: status.rawValue), \(bind: error), \(bind: message?.rawValue)) RETURNING \(unsafeRaw: columns)
            """).first() else { throw StoredValueError(column: "inbound_emails.id", value: "missing") }
        return try decode(row)
    }

    /// The received email a stored message came from (the first, if it was replayed).
    public static func received(message: MessageID, in sql: any SQLDatabase) async throws -> InboundEmailRecord? {
        try await sql.raw("""
            SELECT \(unsafeRaw: columns) FROM inbound_emails WHERE message_row = \(bind: message.rawValue)
              AND status IN ('stored', 'replayed') ORDER BY id LIMIT 1
            """).first().map(decode)
    }

    /// The raw bytes kept in the row, or nil when they are in the file store.
    public static func raw(of id: Int64, in sql: any SQLDatabase) async throws -> Data? {
        guard let row = try await sql.raw("SELECT raw FROM inbound_emails WHERE id = \(bind: id)").first(),
              try !row.decodeNil(column: "raw") else { return nil }
        return try row.decode(column: "raw", as: Data.self)
    }

    public static func find(id: Int64, workspaceID: WorkspaceID, in sql: any SQLDatabase) async throws -> InboundEmailRecord? {
        try await sql.raw("""
            SELECT \(unsafeRaw: columns) FROM inbound_emails WHERE id = \(bind: id) AND workspace_id = \(bind: workspaceID.rawValue)
            """).first().map(decode)
    }

    public static func quarantined(inbox: InboxID, in sql: any SQLDatabase) async throws -> [InboundEmailRecord] {
        try await sql.raw("""
            SELECT \(unsafeRaw: columns) FROM inbound_emails WHERE inbox_id = \(bind: inbox.rawValue) AND status = 'quarantined'
            ORDER BY id DESC LIMIT 200
            """).all().map(decode)
    }

    public static func markReplayed(_ id: Int64, workspaceID: WorkspaceID, message: MessageID, in sql: any SQLDatabase) async throws {
        try await sql.raw("""
            UPDATE inbound_emails SET status = 'replayed', message_row = \(bind: message.rawValue)
            WHERE workspace_id = \(bind: workspaceID.rawValue) AND id = \(bind: id)
            """).run()
    }

    static func decode(_ row: any SQLRow) throws -> InboundEmailRecord {
        InboundEmailRecord(id: try row.int64("id"), workspaceID: try row.id("workspace_id"), inboxID: try row.id("inbox_id"),
                           sha256: try row.string("sha256"), size: try row.int64("size"), receivedAt: try row.date("received_at"),
                           status: try row.enumValue("status"), error: try row.stringOrNil("error"),
                           messageID: try row.idOrNil("message_row"))
    }
}
