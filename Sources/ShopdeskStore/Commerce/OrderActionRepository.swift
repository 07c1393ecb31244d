import Foundation
import ShopdeskCommerce
import ShopdeskCore
import SQLKit

/// An order action as Shopdesk tracks it: asked, maybe waiting for an admin, running, done or failed.
public struct OrderActionRecord: Equatable, Sendable {
    public enum State: String, Codable, Sendable {
        /// Above the approval threshold; waits for an admin.
        case awaitingApproval = "awaiting_approval"
        case running, done, failed, rejected
        /// The shop may or may not have acted (the answer was lost). Never sent again before the
        /// order is read back from the shop; see `CommerceService.reconcile`.
        case outcomeUnknown = "outcome_unknown"

        /// States whose amount counts against the approval threshold.
        static let committing: [State] = [.awaitingApproval, .running, .done, .outcomeUnknown]
    }

    public var id: OrderActionID
    public var workspaceID: WorkspaceID
    public var orderID: OrderID
    public var conversationID: ConversationID?
    /// The agent who asked; nil when a rule did (`ruleID`) or the bot (neither).
    public var agentID: AgentID?
    public var ruleID: Int64?
    public var byBot: Bool { agentID == nil && ruleID == nil }
    public var idempotencyKey: String
    public var kind: String
    /// The request as the API received it (JSON), replayed when an admin approves.
    public var request: String
    public var summary: String
    public var amount: Amount?
    public var state: State
    public var result: [String: String]
    public var error: String?
    public var decidedBy: AgentID?
    public var createdAt: Date
    public var updatedAt: Date
}

/// Who asks for an order action: an agent (with their role, which decides whether it waits for
/// an admin), or a rule, which is held to an agent's limits.
public enum OrderActionRequester: Sendable, Equatable {
    case agent(AgentID, Role)
    case rule(Int64)
    /// The chat bot, for a customer it verified (stored with neither an agent nor a rule).
    case bot

    public var agentID: AgentID? { if case .agent(let id, _) = self { id } else { nil } }
    public var ruleID: Int64? { if case .rule(let id) = self { id } else { nil } }
    var isAdmin: Bool { if case .agent(_, let role) = self { role >= .admin } else { false } }
    var actor: EventActor {
        switch self {
        case .agent(let id, _): .agent(id)
        case .rule(let id): .rule(id)
        case .bot: .system
        }
    }
}

public enum OrderActionRepository {
    /// Inserts the action, or returns the one already stored under the same key (a double click,
    /// a retried request). `inserted` says which.
    static func insertOnce(workspaceID: WorkspaceID, orderID: OrderID, conversationID: ConversationID?, requester: OrderActionRequester, key: String,
                           kind: String, request: String, summary: String, amount: Amount?, state: OrderActionRecord.State, now: Date,
                           in sql: any SQLDatabase) async throws -> (record: OrderActionRecord, inserted: Bool) {
        let rows = try await sql.raw("""
            INSERT INTO order_actions (workspace_id, order_id, conversation_id, agent_id, rule_id, idempotency_key, kind, request, summary,
              amount_minor, currency, state, created_at, updated_at)
            VALUES (\(bind: workspaceID.rawValue), \(bind: orderID.rawValue), \(bind: conversationID?.rawValue), \(bind: requester.agentID?.rawValue),
              \(bind: requester.ruleID),
              \(bind: key), \(bind: kind), \(bind: request), \(bind: summary), \(bind: amount?.minor), \(bind: amount?.currency),
              \(bind: state.rawValue), \(bind: now.millis), \(bind: now.millis))
            ON CONFLICT (workspace_id, idempotency_key) DO NOTHING
            RETURNING *
            """).all()
        if let row = rows.first { return (try decode(row), true) }
        guard let existing = try await find(workspaceID: workspaceID, key: key, in: sql) else {
            throw StoredValueError(column: "order_actions.idempotency_key", value: key)
        }
        return (existing, false)
    }

    public static func find(workspaceID: WorkspaceID, key: String, in sql: any SQLDatabase) async throws -> OrderActionRecord? {
        try await sql.raw("SELECT * FROM order_actions WHERE workspace_id = \(bind: workspaceID.rawValue) AND idempotency_key = \(bind: key)")
            .first().map(decode)
    }

    public static func find(workspaceID: WorkspaceID, id: OrderActionID, in sql: any SQLDatabase) async throws -> OrderActionRecord? {
        try await sql.raw("SELECT * FROM order_actions WHERE workspace_id = \(bind: workspaceID.rawValue) AND id = \(bind: id.rawValue)")
            .first().map(decode)
    }

    public static func forOrder(_ orderID: OrderID, workspaceID: WorkspaceID, in sql: any SQLDatabase) async throws -> [OrderActionRecord] {
        try await sql.raw("""
            SELECT * FROM order_actions WHERE workspace_id = \(bind: workspaceID.rawValue) AND order_id = \(bind: orderID.rawValue)
            ORDER BY created_at DESC, id DESC LIMIT 50
            """).all().map(decode)
    }

    public static func awaitingApproval(workspaceID: WorkspaceID, in sql: any SQLDatabase) async throws -> [OrderActionRecord] {
        try await sql.raw("""
            SELECT * FROM order_actions WHERE workspace_id = \(bind: workspaceID.rawValue) AND state = 'awaiting_approval'
            ORDER BY created_at LIMIT 200
            """).all().map(decode)
    }

    /// What earlier actions on the order moved, or may yet move, since `since` (minor units).
    static func committedMinor(workspaceID: WorkspaceID, orderID: OrderID, since: Date, in sql: any SQLDatabase) async throws -> Int64 {
        let states = OrderActionRecord.State.committing.map(\.rawValue)
        return try await sql.raw("""
            SELECT CAST(COALESCE(SUM(amount_minor), 0) AS BIGINT) AS total FROM order_actions
            WHERE workspace_id = \(bind: workspaceID.rawValue) AND order_id = \(bind: orderID.rawValue)
              AND state IN (\(binds: states)) AND created_at >= \(bind: since.millis)
            """).first()?.int64OrNil("total") ?? 0
    }

    /// Serializes actions on one order until the transaction ends, so two requests at once cannot
    /// both see the other's amount missing. SQLite's single writer already does.
    static func lockOrder(_ orderID: OrderID, workspaceID: WorkspaceID, kind: DatabaseKind, in sql: any SQLDatabase) async throws {
        guard kind == .postgres else { return }
        _ = try await sql.raw("""
            SELECT id FROM orders WHERE workspace_id = \(bind: workspaceID.rawValue) AND id = \(bind: orderID.rawValue) FOR UPDATE
            """).all()
    }

    /// Moves the action from `from` to `to`; false when another request moved it first.
    static func transition(_ id: OrderActionID, workspaceID: WorkspaceID, from: OrderActionRecord.State, to: OrderActionRecord.State,
                           decidedBy: AgentID?, now: Date, in sql: any SQLDatabase) async throws -> Bool {
        try await !sql.raw("""
            UPDATE order_actions SET state = \(bind: to.rawValue), decided_by = COALESCE(\(bind: decidedBy?.rawValue), decided_by),
              updated_at = \(bind: now.millis)
            WHERE workspace_id = \(bind: workspaceID.rawValue) AND id = \(bind: id.rawValue) AND state = \(bind: from.rawValue) RETURNING id
            """).all().isEmpty
    }

    static func finish(_ id: OrderActionID, workspaceID: WorkspaceID, state: OrderActionRecord.State, result: [String: String], error: String?,
                       now: Date, in sql: any SQLDatabase) async throws {
        try await sql.raw("""
            UPDATE order_actions SET state = \(bind: state.rawValue), result = \(bind: result.isEmpty ? nil : try JSONCoding.string(result)),
              error = \(bind: error), updated_at = \(bind: now.millis)
            WHERE workspace_id = \(bind: workspaceID.rawValue) AND id = \(bind: id.rawValue)
            """).run()
    }

    static func decode(_ row: any SQLRow) throws -> OrderActionRecord {
        let currency = try row.stringOrNil("currency")
        return OrderActionRecord(
            id: try row.id("id"), workspaceID: try row.id("workspace_id"), orderID: try row.id("order_id"),
            conversationID: try row.idOrNil("conversation_id"), agentID: try row.idOrNil("agent_id"), ruleID: try row.int64OrNil("rule_id"),
            idempotencyKey: try row.string("idempotency_key"),
            kind: try row.string("kind"), request: try row.string("request"), summary: try row.string("summary"),
            amount: try row.int64OrNil("amount_minor").flatMap { minor in currency.map { Amount(minor: minor, currency: $0) } },
            state: try row.enumValue("state"),
            result: try row.stringOrNil("result").map { try JSONCoding.decode([String: String].self, from: $0) } ?? [:],
            error: try row.stringOrNil("error"), decidedBy: try row.idOrNil("decided_by"),
            createdAt: try row.date("created_at"), updatedAt: try row.date("updated_at"))
    }
}
