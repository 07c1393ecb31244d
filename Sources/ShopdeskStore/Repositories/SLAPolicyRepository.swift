import Foundation
import ShopdeskCore
import SQLKit

public struct SLAPolicyRecord: Sendable, Equatable {
    public var id: Int64
    public var position: Int64
    public var policy: SLAPolicy
}

/// A workspace's SLA policies in order (the first that matches applies). Changes bump the
/// automation version, like rules.
public enum SLAPolicyRepository {
    public static func list(workspaceID: WorkspaceID, in sql: any SQLDatabase) async throws -> [SLAPolicyRecord] {
        try await sql.raw("""
            SELECT id, position, definition FROM sla_policies WHERE workspace_id = \(bind: workspaceID.rawValue) ORDER BY position, id
            """).all().map(decode)
    }

    public static func create(workspaceID: WorkspaceID, _ policy: SLAPolicy, now: Date, in sql: any SQLDatabase) async throws -> SLAPolicyRecord {
        let position = try await OrderedRows.nextPosition("sla_policies", workspaceID: workspaceID, in: sql)
        guard let row = try await sql.raw("""
            INSERT INTO sla_policies (workspace_id, position, definition, created_at, updated_at)
            VALUES (\(bind: workspaceID.rawValue), \(bind: position), \(bind: try JSONCoding.string(policy)), \(bind: now.millis), \(bind: now.millis))
            RETURNING id, position, definition
            """).first() else { throw StoredValueError(column: "sla_policies.id", value: "missing") }
        try await policiesChanged(workspaceID, in: sql)
        return try decode(row)
    }

    public static func update(workspaceID: WorkspaceID, id: Int64, _ policy: SLAPolicy, now: Date,
                              in sql: any SQLDatabase) async throws -> SLAPolicyRecord? {
        let row = try await sql.raw("""
            UPDATE sla_policies SET definition = \(bind: try JSONCoding.string(policy)), updated_at = \(bind: now.millis)
            WHERE workspace_id = \(bind: workspaceID.rawValue) AND id = \(bind: id) RETURNING id, position, definition
            """).first()
        try await policiesChanged(workspaceID, in: sql)
        return try row.map(decode)
    }

    public static func delete(workspaceID: WorkspaceID, id: Int64, in sql: any SQLDatabase) async throws -> Bool {
        let deleted = try await OrderedRows.delete("sla_policies", workspaceID: workspaceID, id: id, in: sql)
        try await policiesChanged(workspaceID, in: sql)
        return deleted
    }

    public static func reorder(workspaceID: WorkspaceID, ids: [Int64], in sql: any SQLDatabase) async throws {
        try await OrderedRows.reorder("sla_policies", what: "SLA policy", workspaceID: workspaceID, ids: ids, in: sql)
        try await policiesChanged(workspaceID, in: sql)
    }

    /// Compiled copies are stale, and conversations already open get their clocks from the
    /// new policies in the background (`ConversationService.refreshSLA`), not at their next change.
    static func policiesChanged(_ workspaceID: WorkspaceID, in sql: any SQLDatabase) async throws {
        try await RuleRepository.bumpVersion(workspaceID, in: sql)
        try await JobQueue.enqueue(kind: JobKind.slaRefresh, payload: [:], workspaceID: workspaceID, runAt: Date(),
                                   dedupeKey: "sla-refresh:\(workspaceID)", in: sql)
    }

    static func decode(_ row: any SQLRow) throws -> SLAPolicyRecord {
        SLAPolicyRecord(id: try row.int64("id"), position: try row.int64("position"),
                        policy: try JSONCoding.decode(SLAPolicy.self, from: try row.string("definition")))
    }
}
