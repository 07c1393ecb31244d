import Foundation
import ShopdeskCore
import SQLKit

public struct TagRecord: Sendable, Equatable {
    public var id: TagID
    public var name: String
    public var conversationCount: Int
}

/// Workspace tags; conversations reference them by name through the lifecycle.
public enum TagRepository {
    public static func list(workspaceID: WorkspaceID, in sql: any SQLDatabase) async throws -> [TagRecord] {
        try await sql.raw("""
            SELECT t.id, t.name, (SELECT COUNT(*) FROM conversation_tags ct WHERE ct.tag_id = t.id) AS uses
            FROM tags t WHERE t.workspace_id = \(bind: workspaceID.rawValue) ORDER BY t.name
            """).all().map { TagRecord(id: try $0.id("id"), name: try $0.string("name"), conversationCount: try $0.int("uses")) }
    }

    public static func create(workspaceID: WorkspaceID, name: String, now: Date, in sql: any SQLDatabase) async throws -> TagRecord {
        let normalized = try TagName.normalize(name)
        let id = try await ensure(workspaceID: workspaceID, name: normalized, now: now, in: sql)
        return TagRecord(id: id, name: normalized, conversationCount: 0)
    }

    public static func delete(workspaceID: WorkspaceID, id: TagID, in sql: any SQLDatabase) async throws -> Bool {
        try await sql.raw("""
            DELETE FROM tags WHERE workspace_id = \(bind: workspaceID.rawValue) AND id = \(bind: id.rawValue) RETURNING id
            """).first() != nil
    }

    static func ensure(workspaceID: WorkspaceID, name: String, now: Date, in sql: any SQLDatabase) async throws -> TagID {
        try await sql.raw("""
            INSERT INTO tags (workspace_id, name, created_at) VALUES (\(bind: workspaceID.rawValue), \(bind: name), \(bind: now.millis))
            ON CONFLICT (workspace_id, name) DO NOTHING
            """).run()
        guard let row = try await sql.raw("""
            SELECT id FROM tags WHERE workspace_id = \(bind: workspaceID.rawValue) AND name = \(bind: name)
            """).first() else { throw StoredValueError(column: "tags.id", value: name) }
        return try row.id("id")
    }

    static func replaceTags(of conversation: Conversation, with names: Set<String>, now: Date, in sql: any SQLDatabase) async throws {
        try await sql.raw("""
            DELETE FROM conversation_tags WHERE conversation_id = \(bind: conversation.id.rawValue)
              AND conversation_id IN (SELECT id FROM conversations WHERE workspace_id = \(bind: conversation.workspaceID.rawValue))
            """).run()
        for name in names.sorted() {
            let tag = try await ensure(workspaceID: conversation.workspaceID, name: name, now: now, in: sql)
            try await sql.raw("""
                INSERT INTO conversation_tags (conversation_id, tag_id) VALUES (\(bind: conversation.id.rawValue), \(bind: tag.rawValue))
                """).run()
        }
    }
}
