import Foundation
import ShopdeskCore
import SQLKit

/// Returns as stored. Every statement names the workspace.
public enum ReturnRepository {
    static func insert(_ record: ReturnRecord, in sql: any SQLDatabase) async throws -> ReturnRecord {
        guard let row = try await sql.raw("""
            INSERT INTO returns (workspace_id, connection_id, order_id, order_number, customer_id, conversation_id, state, lines, photos, origin,
              agent_id, external_id, tracking_number, decline_reason, refund_action_id, created_at, updated_at)
            VALUES (\(bind: record.workspaceID.rawValue), \(bind: record.connectionID.rawValue), \(bind: record.orderID.rawValue),
              \(bind: record.orderNumber), \(bind: record.customerID?.rawValue), \(bind: record.conversationID?.rawValue), \(bind: record.state.rawValue),
              \(bind: try JSONCoding.string(record.lines)), \(bind: try JSONCoding.string(record.photos.map(\.rawValue))), \(bind: record.origin.rawValue),
              \(bind: record.agentID?.rawValue), \(bind: record.externalID), \(bind: record.trackingNumber), \(bind: record.declineReason),
              \(bind: record.refundActionID?.rawValue), \(bind: record.createdAt.millis), \(bind: record.updatedAt.millis))
            RETURNING *
            """).first() else { throw StoredValueError(column: "returns.id", value: "missing") }
        return try decode(row)
    }

    public static func find(workspaceID: WorkspaceID, id: ReturnID, in sql: any SQLDatabase) async throws -> ReturnRecord? {
        try await sql.raw("SELECT * FROM returns WHERE workspace_id = \(bind: workspaceID.rawValue) AND id = \(bind: id.rawValue)").first().map(decode)
    }

    public static func forOrder(_ orderID: OrderID, workspaceID: WorkspaceID, in sql: any SQLDatabase) async throws -> [ReturnRecord] {
        try await sql.raw("""
            SELECT * FROM returns WHERE workspace_id = \(bind: workspaceID.rawValue) AND order_id = \(bind: orderID.rawValue)
            ORDER BY created_at DESC, id DESC LIMIT 50
            """).all().map(decode)
    }

    /// The customer's latest returns, newest first (ten for templates; all of them for an export).
    static func forCustomer(_ customerID: CustomerID, workspaceID: WorkspaceID, limit: Int = 10, in sql: any SQLDatabase) async throws -> [ReturnRecord] {
        try await sql.raw("""
            SELECT * FROM returns WHERE workspace_id = \(bind: workspaceID.rawValue) AND customer_id = \(bind: customerID.rawValue)
            ORDER BY created_at DESC, id DESC LIMIT \(unsafeRaw: String(max(1, min(limit, 1_000))))
            """).all().map(decode)
    }

    /// The workspace's returns, newest first, optionally in one state; `before` pages by id.
    public static func list(workspaceID: WorkspaceID, state: ReturnState?, before: ReturnID?, limit: Int, in sql: any SQLDatabase) async throws -> [ReturnRecord] {
        let stateFilter: SQLQueryString = state.map { " AND state = \(bind: $0.rawValue)" } ?? ""
        let pageFilter: SQLQueryString = before.map { " AND id < \(bind: $0.rawValue)" } ?? ""
        return try await sql.raw("""
            SELECT * FROM returns WHERE workspace_id = \(bind: workspaceID.rawValue)\(stateFilter)\(pageFilter)
            ORDER BY id DESC LIMIT \(unsafeRaw: String(max(1, min(limit, 200))))
            """).all().map(decode)
    }

    /// How many of each order line other returns of the order hold (those not declined or cancelled).
    static func held(orderID: OrderID, workspaceID: WorkspaceID, except: ReturnID? = nil, in sql: any SQLDatabase) async throws -> [String: Int] {
        var held: [String: Int] = [:]
        for record in try await forOrder(orderID, workspaceID: workspaceID, in: sql) where record.state.holdsItems && record.id != except {
            for line in record.lines { held[line.lineItemID, default: 0] += line.quantity }
        }
        return held
    }

    /// Moves a return from one of `from` to `to` with the given changes; false when another
    /// request moved it first.
    static func transition(_ id: ReturnID, workspaceID: WorkspaceID, from: [ReturnState], to: ReturnState, now: Date,
                           trackingNumber: String? = nil, declineReason: String? = nil, externalID: String? = nil,
                           in sql: any SQLDatabase) async throws -> Bool {
        try await !sql.raw("""
            UPDATE returns SET state = \(bind: to.rawValue), updated_at = \(bind: now.millis),
              tracking_number = COALESCE(\(bind: trackingNumber), tracking_number), decline_reason = COALESCE(\(bind: declineReason), decline_reason),
              external_id = COALESCE(\(bind: externalID), external_id)
            WHERE workspace_id = \(bind: workspaceID.rawValue) AND id = \(bind: id.rawValue) AND state IN (\(binds: from.map(\.rawValue)))
            RETURNING id
            """).all().isEmpty
    }

    /// The exchange went out: the return is exchanged, with what it became.
    static func exchanged(_ id: ReturnID, workspaceID: WorkspaceID, ref: String, now: Date, in sql: any SQLDatabase) async throws -> ReturnRecord? {
        try await sql.raw("""
            UPDATE returns SET state = 'exchanged', exchange_ref = \(bind: ref), updated_at = \(bind: now.millis)
            WHERE workspace_id = \(bind: workspaceID.rawValue) AND id = \(bind: id.rawValue) AND state = 'received'
            RETURNING *
            """).first().map(decode)
    }

    static func setRefundAction(_ id: ReturnID, workspaceID: WorkspaceID, actionID: OrderActionID, now: Date, in sql: any SQLDatabase) async throws {
        try await sql.raw("""
            UPDATE returns SET refund_action_id = \(bind: actionID.rawValue), updated_at = \(bind: now.millis)
            WHERE workspace_id = \(bind: workspaceID.rawValue) AND id = \(bind: id.rawValue)
            """).run()
    }

    /// The refund of a received return went through: the return is refunded. Returns the
    /// return it closed, if any.
    static func refunded(byAction actionID: OrderActionID, workspaceID: WorkspaceID, now: Date, in sql: any SQLDatabase) async throws -> ReturnRecord? {
        try await sql.raw("""
            UPDATE returns SET state = 'refunded', updated_at = \(bind: now.millis)
            WHERE workspace_id = \(bind: workspaceID.rawValue) AND refund_action_id = \(bind: actionID.rawValue) AND state = 'received'
            RETURNING *
            """).first().map(decode)
    }

    /// A customer's words in their returns (the notes of the lines and the parcel's number),
    /// for erasure.
    static func eraseCustomerText(workspaceID: WorkspaceID, customers: [Int64], in sql: any SQLDatabase) async throws {
        guard !customers.isEmpty else { return }
        let rows = try await sql.raw("""
            SELECT * FROM returns WHERE workspace_id = \(bind: workspaceID.rawValue) AND customer_id IN (\(binds: customers))
            """).all().map(decode)
        for record in rows {
            let lines = record.lines.map { line -> ReturnLine in var line = line; line.note = nil; return line }
            try await sql.raw("""
                UPDATE returns SET lines = \(bind: try JSONCoding.string(lines)), tracking_number = NULL
                WHERE workspace_id = \(bind: workspaceID.rawValue) AND id = \(bind: record.id.rawValue)
                """).run()
        }
    }

    static func decode(_ row: any SQLRow) throws -> ReturnRecord {
        ReturnRecord(
            id: try row.id("id"), workspaceID: try row.id("workspace_id"), connectionID: try row.id("connection_id"), orderID: try row.id("order_id"),
            orderNumber: try row.string("order_number"), customerID: try row.idOrNil("customer_id"), conversationID: try row.idOrNil("conversation_id"),
            state: try row.enumValue("state"), lines: try JSONCoding.decode([ReturnLine].self, from: try row.string("lines")),
            photos: try JSONCoding.decode([Int64].self, from: try row.string("photos")).map(AttachmentID.init),
            origin: try row.enumValue("origin"), agentID: try row.idOrNil("agent_id"), externalID: try row.stringOrNil("external_id"),
            trackingNumber: try row.stringOrNil("tracking_number"), declineReason: try row.stringOrNil("decline_reason"),
            refundActionID: try row.idOrNil("refund_action_id"), createdAt: try row.date("created_at"), updatedAt: try row.date("updated_at"),
            exchangeRef: try row.stringOrNil("exchange_ref"))
    }
}
