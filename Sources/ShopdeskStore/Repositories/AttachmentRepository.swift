import Foundation
import ShopdeskCore
import SQLKit

public struct AttachmentRecord: Sendable, Equatable {
    public var id: AttachmentID
    public var workspaceID: WorkspaceID
    public var messageID: MessageID?
    public var sha256: String
    public var fileName: String
    public var contentType: String
    public var size: Int64
    public var createdAt: Date
    /// The chat visitor who uploaded it (nil: an agent or a channel).
    public var visitorID: Int64? = nil
}

/// Attachment metadata; the bytes live in a content-addressed file store keyed by SHA-256.
public enum AttachmentRepository {
    public static func create(
        workspaceID: WorkspaceID, sha256: String, fileName: String, contentType: String, size: Int64, uploadedBy: AgentID?,
        visitorID: Int64? = nil, now: Date, in sql: any SQLDatabase
    ) async throws -> AttachmentRecord {
        guard let row = try await sql.raw("""
            INSERT INTO attachments (workspace_id, sha256, file_name, content_type, size, uploaded_by, visitor_id, created_at)
            VALUES (\(bind: workspaceID.rawValue), \(bind: sha256), \(bind: fileName), \(bind: contentType), \(bind: size),
              \(bind: uploadedBy?.rawValue), \(bind: visitorID), \(bind: now.millis)) RETURNING *
            """).first() else { throw StoredValueError(column: "attachments.id", value: "missing") }
        return try decode(row)
    }

    public static func find(workspaceID: WorkspaceID, id: AttachmentID, in sql: any SQLDatabase) async throws -> AttachmentRecord? {
        try await sql.raw("""
            SELECT * FROM attachments WHERE workspace_id = \(bind: workspaceID.rawValue) AND id = \(bind: id.rawValue)
            """).first().map(decode)
    }

    static func findUnattached(workspaceID: WorkspaceID, id: AttachmentID, in sql: any SQLDatabase) async throws -> AttachmentRecord? {
        try await find(workspaceID: workspaceID, id: id, in: sql).flatMap { $0.messageID == nil ? $0 : nil }
    }

    static func decode(_ row: any SQLRow) throws -> AttachmentRecord {
        AttachmentRecord(id: try row.id("id"), workspaceID: try row.id("workspace_id"), messageID: try row.idOrNil("message_id"),
                         sha256: try row.string("sha256"), fileName: try row.string("file_name"),
                         contentType: try row.string("content_type"), size: try row.int64("size"), createdAt: try row.date("created_at"),
                         visitorID: try row.int64OrNil("visitor_id"))
    }

    /// The attachments of some messages, by message.
    public static func list(messages: [MessageID], in sql: any SQLDatabase) async throws -> [AttachmentRecord] {
        guard !messages.isEmpty else { return [] }
        return try await sql.raw("SELECT * FROM attachments WHERE message_id IN (\(binds: messages.map(\.rawValue))) ORDER BY id")
            .all().map(decode)
    }
}

public struct WebhookRecord: Sendable, Equatable {
    public var id: WebhookID
    public var workspaceID: WorkspaceID
    public var url: String
    public var secret: String
    public var events: [String]
    public var disabled: Bool
    public var createdAt: Date
}

/// Outgoing webhook subscriptions.
public enum WebhookRepository {
    public static func create(
        workspaceID: WorkspaceID, url: String, secret: String, events: [String], now: Date, in sql: any SQLDatabase
    ) async throws -> WebhookRecord {
        guard let row = try await sql.raw("""
            INSERT INTO webhooks (workspace_id, url, secret, events, created_at)
            VALUES (\(bind: workspaceID.rawValue), \(bind: url), \(bind: secret), \(bind: try JSONCoding.string(events)), \(bind: now.millis))
            RETURNING *
            """).first() else { throw StoredValueError(column: "webhooks.id", value: "missing") }
        return try decode(row)
    }

    public static func find(workspaceID: WorkspaceID, id: WebhookID, in sql: any SQLDatabase) async throws -> WebhookRecord? {
        try await sql.raw("""
            SELECT * FROM webhooks WHERE workspace_id = \(bind: workspaceID.rawValue) AND id = \(bind: id.rawValue)
            """).first().map(decode)
    }

    public static func list(workspaceID: WorkspaceID, in sql: any SQLDatabase) async throws -> [WebhookRecord] {
        try await sql.raw("SELECT * FROM webhooks WHERE workspace_id = \(bind: workspaceID.rawValue) ORDER BY id").all().map(decode)
    }

    public static func delete(workspaceID: WorkspaceID, id: WebhookID, in sql: any SQLDatabase) async throws -> Bool {
        try await sql.raw("""
            UPDATE webhooks SET disabled_at = \(bind: Date().millis)
            WHERE workspace_id = \(bind: workspaceID.rawValue) AND id = \(bind: id.rawValue) AND disabled_at IS NULL RETURNING id
            """).first() != nil
    }

    static func decode(_ row: any SQLRow) throws -> WebhookRecord {
        WebhookRecord(id: try row.id("id"), workspaceID: try row.id("workspace_id"), url: try row.string("url"),
                      secret: try row.string("secret"), events: try JSONCoding.decode([String].self, from: row.string("events")),
                      disabled: try row.int64OrNil("disabled_at") != nil, createdAt: try row.date("created_at"))
    }
}
