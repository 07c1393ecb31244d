import Foundation
import ShopdeskCore
import SQLKit

public struct RuleRecord: Sendable, Equatable {
    public var id: Int64
    public var position: Int64
    public var definition: RuleDefinition
    public var firedCount: Int
    public var updatedAt: Date
}

/// A workspace's rules in order. Every change bumps the workspace's automation version, so
/// each node's compiled copy (`AutomationCache`) is replaced on its next write.
public enum RuleRepository {
    public static func list(workspaceID: WorkspaceID, in sql: any SQLDatabase) async throws -> [RuleRecord] {
        try await sql.raw("""
            SELECT id, position, definition, fired_count, updated_at FROM rules WHERE workspace_id = \(bind: workspaceID.rawValue)
            ORDER BY position, id
            """).all().map(decode)
    }

    public static func find(workspaceID: WorkspaceID, id: Int64, in sql: any SQLDatabase) async throws -> RuleRecord? {
        try await sql.raw("""
            SELECT id, position, definition, fired_count, updated_at FROM rules
            WHERE workspace_id = \(bind: workspaceID.rawValue) AND id = \(bind: id)
            """).first().map(decode)
    }

    /// Adds a rule at the end of the list.
    public static func create(workspaceID: WorkspaceID, _ definition: RuleDefinition, now: Date, in sql: any SQLDatabase) async throws -> RuleRecord {
        let definition = try await checkedFields(definition, workspaceID: workspaceID, in: sql)
        let position = try await OrderedRows.nextPosition("rules", workspaceID: workspaceID, in: sql)
        guard let row = try await sql.raw("""
            INSERT INTO rules (workspace_id, position, definition, created_at, updated_at)
            VALUES (\(bind: workspaceID.rawValue), \(bind: position), \(bind: try JSONCoding.string(definition)),
              \(bind: now.millis), \(bind: now.millis))
            RETURNING id, position, definition, fired_count, updated_at
            """).first() else { throw StoredValueError(column: "rules.id", value: "missing") }
        try await bumpVersion(workspaceID, in: sql)
        return try decode(row)
    }

    public static func update(workspaceID: WorkspaceID, id: Int64, _ definition: RuleDefinition, now: Date,
                              in sql: any SQLDatabase) async throws -> RuleRecord? {
        let definition = try await checkedFields(definition, workspaceID: workspaceID, in: sql)
        let row = try await sql.raw("""
            UPDATE rules SET definition = \(bind: try JSONCoding.string(definition)), updated_at = \(bind: now.millis)
            WHERE workspace_id = \(bind: workspaceID.rawValue) AND id = \(bind: id)
            RETURNING id, position, definition, fired_count, updated_at
            """).first()
        try await bumpVersion(workspaceID, in: sql)
        return try row.map(decode)
    }

    /// The custom fields it names exist, and its values are written as they store them.
    private static func checkedFields(_ definition: RuleDefinition, workspaceID: WorkspaceID, in sql: any SQLDatabase) async throws -> RuleDefinition {
        var checked = definition
        checked.conditions = try await CustomFieldsInAutomation.checked(definition.conditions, workspaceID: workspaceID, in: sql)
        checked.actions = try await CustomFieldsInAutomation.checked(definition.actions, workspaceID: workspaceID, in: sql)
        return checked
    }

    public static func delete(workspaceID: WorkspaceID, id: Int64, in sql: any SQLDatabase) async throws -> Bool {
        let deleted = try await OrderedRows.delete("rules", workspaceID: workspaceID, id: id, in: sql)
        try await bumpVersion(workspaceID, in: sql)
        return deleted
    }

    /// Puts the rules in the given order; every rule of the workspace must be named once.
    public static func reorder(workspaceID: WorkspaceID, ids: [Int64], in sql: any SQLDatabase) async throws {
        try await OrderedRows.reorder("rules", what: "rule", workspaceID: workspaceID, ids: ids, in: sql)
        try await bumpVersion(workspaceID, in: sql)
    }

    /// Replaces all rules (JSON import) in one transaction.
    public static func replaceAll(workspaceID: WorkspaceID, with definitions: [RuleDefinition], now: Date,
                                  in sql: any SQLDatabase) async throws -> [RuleRecord] {
        try await sql.raw("DELETE FROM rules WHERE workspace_id = \(bind: workspaceID.rawValue)").run()
        var records: [RuleRecord] = []
        for definition in definitions { records.append(try await create(workspaceID: workspaceID, definition, now: now, in: sql)) }
        try await bumpVersion(workspaceID, in: sql)
        return records
    }

    static func countFired(_ ids: [Int64], workspaceID: WorkspaceID, in sql: any SQLDatabase) async throws {
        for id in ids {
            try await sql.raw("UPDATE rules SET fired_count = fired_count + 1 WHERE workspace_id = \(bind: workspaceID.rawValue) AND id = \(bind: id)").run()
        }
    }

    static func bumpVersion(_ workspaceID: WorkspaceID, in sql: any SQLDatabase) async throws {
        try await sql.raw("""
            UPDATE workspaces SET automation_version = automation_version + 1 WHERE id = \(bind: workspaceID.rawValue)
            """).run()
        // Time-based rules need their sweep; a sweep that finds none does not come back.
        try await JobQueue.enqueue(kind: JobKind.rulesSweep, payload: [:], workspaceID: workspaceID, runAt: Date(),
                                   dedupeKey: "rules-sweep:\(workspaceID)", in: sql)
    }

    static func decode(_ row: any SQLRow) throws -> RuleRecord {
        RuleRecord(id: try row.int64("id"), position: try row.int64("position"),
                   definition: try JSONCoding.decode(RuleDefinition.self, from: try row.string("definition")),
                   firedCount: try row.int("fired_count"), updatedAt: try row.date("updated_at"))
    }
}

/// The workspace's business hours (one calendar for SLA, rules and notifications).
public enum BusinessHoursRepository {
    public static func find(workspaceID: WorkspaceID, in sql: any SQLDatabase) async throws -> BusinessCalendar? {
        guard let text = try await sql.raw("SELECT business_hours FROM workspaces WHERE id = \(bind: workspaceID.rawValue)")
            .first()?.stringOrNil("business_hours") else { return nil }
        return try JSONCoding.decode(BusinessCalendar.self, from: text)
    }

    public static func save(workspaceID: WorkspaceID, _ calendar: BusinessCalendar?, in sql: any SQLDatabase) async throws {
        try await sql.raw("""
            UPDATE workspaces SET business_hours = \(bind: try calendar.map(JSONCoding.string)) WHERE id = \(bind: workspaceID.rawValue)
            """).run()
        try await RuleRepository.bumpVersion(workspaceID, in: sql)
    }
}
