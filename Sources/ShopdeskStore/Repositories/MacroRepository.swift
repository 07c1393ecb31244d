import Foundation
import ShopdeskCore
import SQLKit

public struct MacroRecord: Sendable, Equatable {
    public var id: Int64
    public var definition: MacroDefinition
    public var usageCount: Int
    public var updatedAt: Date
}

/// A workspace's macros, most used first.
public enum MacroRepository {
    public static func list(workspaceID: WorkspaceID, query: String? = nil, in sql: any SQLDatabase) async throws -> [MacroRecord] {
        let macros = try await sql.raw("""
            SELECT id, definition, usage_count, updated_at FROM macros WHERE workspace_id = \(bind: workspaceID.rawValue)
            ORDER BY usage_count DESC, name
            """).all().map(decode)
        guard let query = query.map(SearchText.fold), !query.isEmpty else { return macros }
        let words = query.split(separator: " ")
        return macros.filter { macro in
            let haystack = SearchText.fold(macro.definition.name + " " + macro.definition.body)
            return words.allSatisfy { haystack.contains($0) }
        }
    }

    public static func find(workspaceID: WorkspaceID, id: Int64, in sql: any SQLDatabase) async throws -> MacroRecord? {
        try await sql.raw("""
            SELECT id, definition, usage_count, updated_at FROM macros WHERE workspace_id = \(bind: workspaceID.rawValue) AND id = \(bind: id)
            """).first().map(decode)
    }

    public static func create(workspaceID: WorkspaceID, _ definition: MacroDefinition, now: Date, in sql: any SQLDatabase) async throws -> MacroRecord {
        var definition = definition
        definition.actions = try await CustomFieldsInAutomation.checked(definition.actions, workspaceID: workspaceID, in: sql)
        try await guardUniqueName(workspaceID: workspaceID, definition.name, except: nil, in: sql)
        guard let row = try await sql.raw("""
            INSERT INTO macros (workspace_id, name, definition, created_at, updated_at)
            VALUES (\(bind: workspaceID.rawValue), \(bind: definition.name), \(bind: try JSONCoding.string(definition)),
              \(bind: now.millis), \(bind: now.millis))
            RETURNING id, definition, usage_count, updated_at
            """).first() else { throw StoredValueError(column: "macros.id", value: "missing") }
        return try decode(row)
    }

    public static func update(workspaceID: WorkspaceID, id: Int64, _ definition: MacroDefinition, now: Date,
                              in sql: any SQLDatabase) async throws -> MacroRecord? {
        var definition = definition
        definition.actions = try await CustomFieldsInAutomation.checked(definition.actions, workspaceID: workspaceID, in: sql)
        try await guardUniqueName(workspaceID: workspaceID, definition.name, except: id, in: sql)
        return try await sql.raw("""
            UPDATE macros SET name = \(bind: definition.name), definition = \(bind: try JSONCoding.string(definition)),
              updated_at = \(bind: now.millis)
            WHERE workspace_id = \(bind: workspaceID.rawValue) AND id = \(bind: id)
            RETURNING id, definition, usage_count, updated_at
            """).first().map(decode)
    }

    public static func delete(workspaceID: WorkspaceID, id: Int64, in sql: any SQLDatabase) async throws -> Bool {
        try await sql.raw("DELETE FROM macros WHERE workspace_id = \(bind: workspaceID.rawValue) AND id = \(bind: id) RETURNING id")
            .first() != nil
    }

    static func countUse(_ id: Int64, workspaceID: WorkspaceID, in sql: any SQLDatabase) async throws {
        try await sql.raw("UPDATE macros SET usage_count = usage_count + 1 WHERE workspace_id = \(bind: workspaceID.rawValue) AND id = \(bind: id)").run()
    }

    private static func guardUniqueName(workspaceID: WorkspaceID, _ name: String, except id: Int64?, in sql: any SQLDatabase) async throws {
        if let row = try await sql.raw("""
            SELECT id FROM macros WHERE workspace_id = \(bind: workspaceID.rawValue) AND name = \(bind: name)
            """).first(), try row.int64("id") != id {
            throw ShopdeskError.conflict("A macro named \(name) already exists; choose another name.").because("macro_name_taken", ["name": name])
        }
    }

    static func decode(_ row: any SQLRow) throws -> MacroRecord {
        MacroRecord(id: try row.int64("id"), definition: try JSONCoding.decode(MacroDefinition.self, from: try row.string("definition")),
                    usageCount: try row.int("usage_count"), updatedAt: try row.date("updated_at"))
    }
}
