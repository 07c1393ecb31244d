import Foundation
import ShopdeskCore
import SQLKit

/// What rules and SLA policies share: rows of one workspace kept in an order the admin sets,
/// where the first that applies wins. `table` is one of our own table names, never input.
enum OrderedRows {
    static func nextPosition(_ table: String, workspaceID: WorkspaceID, in sql: any SQLDatabase) async throws -> Int64 {
        try await sql.raw("SELECT MAX(position) AS last FROM \(unsafeRaw: table) WHERE workspace_id = \(bind: workspaceID.rawValue)")
            .first()?.int64OrNil("last").map { $0 + 1 } ?? 1
    }

    /// Puts the rows in the given order; every row of the workspace must be named once.
    static func reorder(_ table: String, what: String, workspaceID: WorkspaceID, ids: [Int64], in sql: any SQLDatabase) async throws {
        let existing = Set(try await sql.raw("SELECT id FROM \(unsafeRaw: table) WHERE workspace_id = \(bind: workspaceID.rawValue)")
            .all().map { try $0.int64("id") })
        guard Set(ids) == existing, ids.count == existing.count else {
            throw ShopdeskError.invalid(field: "ids", "Name every \(what) of the workspace exactly once, in the new order.")
        }
        for (position, id) in ids.enumerated() {
            try await sql.raw("""
                UPDATE \(unsafeRaw: table) SET position = \(bind: Int64(position + 1)) WHERE workspace_id = \(bind: workspaceID.rawValue) AND id = \(bind: id)
                """).run()
        }
    }

    static func delete(_ table: String, workspaceID: WorkspaceID, id: Int64, in sql: any SQLDatabase) async throws -> Bool {
        try await sql.raw("""
            DELETE FROM \(unsafeRaw: table) WHERE workspace_id = \(bind: workspaceID.rawValue) AND id = \(bind: id) RETURNING id
            """).first() != nil
    }
}
