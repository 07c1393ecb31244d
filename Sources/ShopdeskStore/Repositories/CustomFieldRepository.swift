import Foundation
import ShopdeskCore
import SQLKit

/// The workspace's custom fields and their values on conversations and customers.
public enum CustomFieldRepository {
    /// How many fields each of conversations and customers may have.
    public static let limit = 100

    public static func list(workspaceID: WorkspaceID, entity: CustomField.Entity? = nil, in sql: any SQLDatabase) async throws -> [CustomField] {
        let only: SQLQueryString = entity.map { " AND entity = \(bind: $0.rawValue)" } ?? ""
        return try await sql.raw("""
            SELECT * FROM custom_fields WHERE workspace_id = \(bind: workspaceID.rawValue)\(only) ORDER BY entity, position, id
            """).all().map(decode)
    }

    public static func find(workspaceID: WorkspaceID, id: Int64, in sql: any SQLDatabase) async throws -> CustomField? {
        try await sql.raw("SELECT * FROM custom_fields WHERE workspace_id = \(bind: workspaceID.rawValue) AND id = \(bind: id)").first().map(decode)
    }

    public static func create(
        workspaceID: WorkspaceID, entity: CustomField.Entity, key: String, label: String, kind: CustomField.Kind, options: [String],
        requiredToResolve: Bool, now: Date, in sql: any SQLDatabase
    ) async throws -> CustomField {
        let checked = try CustomField.validated(key: key, label: label, kind: kind, options: options)
        let existing = try await list(workspaceID: workspaceID, entity: entity, in: sql)
        guard existing.count < limit else { throw ShopdeskError.conflict("There can be at most \(limit) \(entity.rawValue) fields.") }
        guard !existing.contains(where: { $0.key == checked.key }) else {
            throw ShopdeskError(.conflict, "There is already a \(entity.rawValue) field with the key \(checked.key).", field: "key")
                .because("field_key_taken", ["key": checked.key])
        }
        guard let row = try await sql.raw("""
            INSERT INTO custom_fields (workspace_id, entity, key, label, kind, options, required_to_resolve, position, created_at)
            VALUES (\(bind: workspaceID.rawValue), \(bind: entity.rawValue), \(bind: checked.key), \(bind: checked.label), \(bind: kind.rawValue),
                    \(bind: try JSONCoding.string(checked.options)), \(bind: requiredToResolve && entity == .conversation ? 1 : 0),
                    \(bind: (existing.map(\.position).max() ?? 0) + 1), \(bind: now.millis))
            RETURNING *
            """).first() else { throw StoredValueError(column: "custom_fields.id", value: "missing") }
        return try decode(row)
    }

    /// Changes what may change: the label, a dropdown's options, whether resolving needs it, its
    /// place. The key and kind stay (values already stored depend on them).
    public static func update(_ field: CustomField, workspaceID: WorkspaceID, in sql: any SQLDatabase) async throws {
        let checked = try CustomField.validated(key: field.key, label: field.label, kind: field.kind, options: field.options)
        try await sql.raw("""
            UPDATE custom_fields SET label = \(bind: checked.label), options = \(bind: try JSONCoding.string(checked.options)),
              required_to_resolve = \(bind: field.requiredToResolve && field.entity == .conversation ? 1 : 0), position = \(bind: field.position)
            WHERE workspace_id = \(bind: workspaceID.rawValue) AND id = \(bind: field.id)
            """).run()
    }

    public static func delete(workspaceID: WorkspaceID, id: Int64, in sql: any SQLDatabase) async throws {
        try await sql.raw("DELETE FROM custom_values WHERE workspace_id = \(bind: workspaceID.rawValue) AND field_id = \(bind: id)").run()
        try await sql.raw("DELETE FROM custom_fields WHERE workspace_id = \(bind: workspaceID.rawValue) AND id = \(bind: id)").run()
    }

    /// A conversation's or customer's values by field key.
    public static func values(
        workspaceID: WorkspaceID, entity: CustomField.Entity, id: Int64, in sql: any SQLDatabase
    ) async throws -> [String: String] {
        var values: [String: String] = [:]
        for row in try await sql.raw("""
            SELECT f.key, v.value FROM custom_values v JOIN custom_fields f ON f.id = v.field_id
            WHERE v.workspace_id = \(bind: workspaceID.rawValue) AND v.entity_id = \(bind: id) AND f.entity = \(bind: entity.rawValue)
            """).all() {
            values[try row.string("key")] = try row.string("value")
        }
        return values
    }

    /// Some fields' values for a page of conversations or customers: id → key → value.
    public static func values(
        workspaceID: WorkspaceID, entity: CustomField.Entity, ids: [Int64], keys: [String], in sql: any SQLDatabase
    ) async throws -> [Int64: [String: String]] {
        guard !ids.isEmpty, !keys.isEmpty else { return [:] }
        var values: [Int64: [String: String]] = [:]
        for row in try await sql.raw("""
            SELECT v.entity_id, f.key, v.value FROM custom_values v JOIN custom_fields f ON f.id = v.field_id
            WHERE v.workspace_id = \(bind: workspaceID.rawValue) AND f.workspace_id = \(bind: workspaceID.rawValue)
              AND f.entity = \(bind: entity.rawValue) AND f.key IN (\(binds: keys)) AND v.entity_id IN (\(binds: ids))
            """).all() {
            values[try row.int64("entity_id"), default: [:]][try row.string("key")] = try row.string("value")
        }
        return values
    }

    /// Sets values by key (nil or empty clears one), each checked against its field. Returns what
    /// changed: key → (before, after).
    static func set(
        _ changes: [String: String?], workspaceID: WorkspaceID, entity: CustomField.Entity, id: Int64, now: Date, in sql: any SQLDatabase
    ) async throws -> [String: (from: String?, to: String?)] {
        let fields = Dictionary(try await list(workspaceID: workspaceID, entity: entity, in: sql).map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        let before = try await values(workspaceID: workspaceID, entity: entity, id: id, in: sql)
        var changed: [String: (from: String?, to: String?)] = [:]
        for (key, raw) in changes.sorted(by: { $0.key < $1.key }) {
            guard let field = fields[key] else {
                throw ShopdeskError(.invalid, "There is no \(entity.rawValue) field \"\(key.prefix(40))\".", field: key).because("field_unknown", ["key": key])
            }
            let value = try raw.flatMap { $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : try field.normalized($0) }
            guard value != before[key] else { continue }
            if let value {
                try await sql.raw("""
                    INSERT INTO custom_values (workspace_id, field_id, entity_id, value, updated_at)
                    VALUES (\(bind: workspaceID.rawValue), \(bind: field.id), \(bind: id), \(bind: value), \(bind: now.millis))
                    ON CONFLICT (field_id, entity_id) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at
                    """).run()
            } else {
                try await sql.raw("""
                    DELETE FROM custom_values WHERE workspace_id = \(bind: workspaceID.rawValue) AND field_id = \(bind: field.id) AND entity_id = \(bind: id)
                    """).run()
            }
            changed[key] = (before[key], value)
        }
        return changed
    }

    /// The conversation fields that must be filled before it is resolved and are not.
    public static func missingToResolve(workspaceID: WorkspaceID, conversationID: ConversationID, in sql: any SQLDatabase) async throws -> [CustomField] {
        try await sql.raw("""
            SELECT f.* FROM custom_fields f WHERE f.workspace_id = \(bind: workspaceID.rawValue) AND f.entity = 'conversation'
              AND f.required_to_resolve = 1
              AND NOT EXISTS (SELECT 1 FROM custom_values v WHERE v.field_id = f.id AND v.entity_id = \(bind: conversationID.rawValue))
            ORDER BY f.position, f.id
            """).all().map(decode)
    }

    /// A merged customer's values pass to the customer they became, where that one has none of
    /// the same field (what the surviving customer says wins).
    static func moveCustomerValues(workspaceID: WorkspaceID, from source: CustomerID, to target: CustomerID, now: Date,
                                   in sql: any SQLDatabase) async throws {
        try await sql.raw("""
            INSERT INTO custom_values (workspace_id, field_id, entity_id, value, updated_at)
            SELECT v.workspace_id, v.field_id, \(bind: target.rawValue), v.value, \(bind: now.millis) FROM custom_values v
            JOIN custom_fields f ON f.id = v.field_id
            WHERE v.workspace_id = \(bind: workspaceID.rawValue) AND v.entity_id = \(bind: source.rawValue) AND f.entity = 'customer'
            ON CONFLICT (field_id, entity_id) DO NOTHING
            """).run()
        try await deleteValues(workspaceID: workspaceID, entity: .customer, id: source.rawValue, in: sql)
    }

    /// A customer's values go with them.
    static func deleteValues(workspaceID: WorkspaceID, entity: CustomField.Entity, id: Int64, in sql: any SQLDatabase) async throws {
        try await sql.raw("""
            DELETE FROM custom_values WHERE workspace_id = \(bind: workspaceID.rawValue) AND entity_id = \(bind: id)
              AND field_id IN (SELECT f.id FROM custom_fields f WHERE f.workspace_id = \(bind: workspaceID.rawValue) AND f.entity = \(bind: entity.rawValue))
            """).run()
    }

    static func decode(_ row: any SQLRow) throws -> CustomField {
        CustomField(
            id: try row.int64("id"), entity: try row.enumValue("entity"), key: try row.string("key"), label: try row.string("label"),
            kind: try row.enumValue("kind"), options: try JSONCoding.decode([String].self, from: try row.string("options")),
            requiredToResolve: try row.int64("required_to_resolve") != 0, position: try row.int("position"))
    }
}

/// Rules and macros name custom fields by key: each must exist, and the values they compare or
/// set are written as the field stores them (59.90 as 59.9, a dropdown's option exactly), so a
/// condition means what the person saving it meant. Checked when a rule or macro is saved.
enum CustomFieldsInAutomation {
    static func checked(_ conditions: RuleCondition, workspaceID: WorkspaceID, in sql: any SQLDatabase) async throws -> RuleCondition {
        let names = conditions.fields.filter { name in RuleCondition.customFieldPrefixes.contains { name.hasPrefix($0) } }
        guard !names.isEmpty else { return conditions }
        let fields = try await CustomFieldRepository.list(workspaceID: workspaceID, in: sql)
        return try normalize(conditions, fields: fields, path: "conditions")
    }

    static func checked(_ actions: [RuleAction], workspaceID: WorkspaceID, in sql: any SQLDatabase) async throws -> [RuleAction] {
        guard actions.contains(where: { if case .setField = $0 { true } else { false } }) else { return actions }
        let fields = try await CustomFieldRepository.list(workspaceID: workspaceID, entity: .conversation, in: sql)
        return try actions.enumerated().map { index, action in
            guard case let .setField(key, value) = action else { return action }
            guard let field = fields.first(where: { $0.key == key }) else {
                throw ShopdeskError(.invalid, "There is no conversation field \"\(key.prefix(40))\".", field: "actions[\(index)].key")
                    .because("field_unknown", ["key": key])
            }
            return .setField(key: key, value: try value.flatMap { $0.isEmpty ? nil : try field.normalized($0) })
        }
    }

    private static func normalize(_ condition: RuleCondition, fields: [CustomField], path: String) throws -> RuleCondition {
        switch condition {
        case .all(let children):
            return .all(try children.enumerated().map { try normalize($1, fields: fields, path: "\(path).all[\($0)]") })
        case .any(let children):
            return .any(try children.enumerated().map { try normalize($1, fields: fields, path: "\(path).any[\($0)]") })
        case let .compare(name, op, value):
            let entity: CustomField.Entity
            if name.hasPrefix("customer.custom.") { entity = .customer } else if name.hasPrefix("custom.") { entity = .conversation } else { return condition }
            let key = String(name.dropFirst(entity == .customer ? "customer.custom.".count : "custom.".count))
            guard let field = fields.first(where: { $0.entity == entity && $0.key == key }) else {
                throw ShopdeskError(.invalid, "There is no \(entity.rawValue) field \"\(key.prefix(40))\".", field: path)
                    .because("field_unknown", ["key": key])
            }
            // Only equality compares a written value; contains, ordering and set-or-not keep theirs.
            guard ["is", "is_not", "in", "not_in"].contains(op) else { return condition }
            func one(_ item: JSONValue) throws -> JSONValue {
                switch item {
                case .string(let text): .string(try field.normalized(text))
                case .number(let number): .string(try field.normalized(CustomField.numberText(number)))
                case .bool(let flag): .string(try field.normalized(flag ? "true" : "false"))
                default: item
                }
            }
            let normalized: JSONValue = if case .array(let items) = value { .array(try items.map(one)) } else { try one(value) }
            return .compare(field: name, op: op, value: normalized)
        }
    }
}
