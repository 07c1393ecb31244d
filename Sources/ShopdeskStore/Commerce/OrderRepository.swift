import Foundation
import ShopdeskCommerce
import ShopdeskCore
import SQLKit

/// A stored order snapshot with the ids Shopdesk gave it.
public struct OrderRecord: Equatable, Sendable {
    public var id: OrderID
    public var workspaceID: WorkspaceID
    public var connectionID: StoreConnectionID
    public var customerID: CustomerID?
    public var order: StoreOrder
    public var syncedAt: Date
}

public enum OrderRepository {
    /// Inserts or refreshes the snapshot; links it to the customer it belongs to (given, or found
    /// by the order's email). Returns the record and whether the order is new to Shopdesk.
    @discardableResult
    public static func upsert(_ order: StoreOrder, connection: StoreConnection, customerID: CustomerID?, now: Date,
                              in sql: any SQLDatabase) async throws -> (record: OrderRecord, isNew: Bool) {
        let ws = connection.workspaceID.rawValue
        var owner = customerID
        if owner == nil, let email = order.email?.lowercased(), !email.isEmpty {
            owner = try await sql.raw("""
                SELECT customer_id FROM customer_identities WHERE workspace_id = \(bind: ws) AND kind = 'email' AND value = \(bind: email)
                """).first().map { try $0.id("customer_id") }
        }
        let stored = try await sql.raw("""
            SELECT * FROM orders WHERE workspace_id = \(bind: ws) AND connection_id = \(bind: connection.id.rawValue) AND external_id = \(bind: order.id)
            """).first()
        let existing = try stored.map { try $0.int64("id") }
        // Never backwards in time: an older snapshot (a replayed or late webhook body) than the one
        // stored changes nothing, whatever its delivery id.
        if let stored, let newer = try stored.dateOrNil("shop_updated_at"), let incoming = order.updatedAt, incoming < newer {
            return (try decode(stored), false)
        }
        let snapshot = try JSONCoding.string(order)
        let id: Int64
        if let existing {
            try await sql.raw("""
                UPDATE orders SET number = \(bind: order.number), plain_number = \(bind: order.plainNumber),
                  customer_id = COALESCE(\(bind: owner?.rawValue), customer_id), email = \(bind: order.email?.lowercased()),
                  placed_at = \(bind: order.createdAt.millis), financial_status = \(bind: order.financialStatus.rawValue),
                  fulfillment_status = \(bind: order.fulfillmentStatus.rawValue), cancelled = \(bind: order.isCancelled ? 1 : 0),
                  total_minor = \(bind: order.total.minor), refunded_minor = \(bind: order.refunded.minor), currency = \(bind: order.total.currency),
                  snapshot = \(bind: snapshot), synced_at = \(bind: now.millis),
                  shop_updated_at = COALESCE(\(bind: order.updatedAt?.millis), shop_updated_at)
                WHERE workspace_id = \(bind: ws) AND id = \(bind: existing)
                """).run()
            id = existing
        } else {
            guard let row = try await sql.raw("""
                INSERT INTO orders (workspace_id, connection_id, external_id, number, plain_number, customer_id, email, placed_at,
                  financial_status, fulfillment_status, cancelled, total_minor, refunded_minor, currency, snapshot, synced_at, shop_updated_at)
                VALUES (\(bind: ws), \(bind: connection.id.rawValue), \(bind: order.id), \(bind: order.number), \(bind: order.plainNumber),
                  \(bind: owner?.rawValue), \(bind: order.email?.lowercased()), \(bind: order.createdAt.millis),
                  \(bind: order.financialStatus.rawValue), \(bind: order.fulfillmentStatus.rawValue), \(bind: order.isCancelled ? 1 : 0),
                  \(bind: order.total.minor), \(bind: order.refunded.minor), \(bind: order.total.currency), \(bind: snapshot), \(bind: now.millis),
                  \(bind: order.updatedAt?.millis))
                RETURNING id
                """).first() else { throw StoredValueError(column: "orders.id", value: "missing") }
            id = try row.int64("id")
        }
        let linked = try await sql.raw("SELECT customer_id FROM orders WHERE id = \(bind: id)").first().flatMap { try $0.idOrNil("customer_id") as CustomerID? }
        return (OrderRecord(id: OrderID(id), workspaceID: connection.workspaceID, connectionID: connection.id, customerID: linked,
                            order: order, syncedAt: now), existing == nil)
    }

    /// Orders that arrived before their customer existed in Shopdesk, claimed by email.
    public static func claim(email: String, for customerID: CustomerID, workspaceID: WorkspaceID, in sql: any SQLDatabase) async throws {
        try await sql.raw("""
            UPDATE orders SET customer_id = \(bind: customerID.rawValue)
            WHERE workspace_id = \(bind: workspaceID.rawValue) AND email = \(bind: email.lowercased()) AND customer_id IS NULL
            """).run()
    }

    public static func forCustomer(_ customerID: CustomerID, workspaceID: WorkspaceID, limit: Int, in sql: any SQLDatabase) async throws -> [OrderRecord] {
        try await sql.raw("""
            SELECT * FROM orders WHERE workspace_id = \(bind: workspaceID.rawValue) AND customer_id = \(bind: customerID.rawValue)
            ORDER BY placed_at DESC, id DESC LIMIT \(bind: limit)
            """).all().map(decode)
    }

    public static func find(workspaceID: WorkspaceID, id: OrderID, in sql: any SQLDatabase) async throws -> OrderRecord? {
        try await sql.raw("SELECT * FROM orders WHERE workspace_id = \(bind: workspaceID.rawValue) AND id = \(bind: id.rawValue)").first().map(decode)
    }

    public static func find(connectionID: StoreConnectionID, externalID: String, in sql: any SQLDatabase) async throws -> OrderRecord? {
        try await sql.raw("SELECT * FROM orders WHERE connection_id = \(bind: connectionID.rawValue) AND external_id = \(bind: externalID)")
            .first().map(decode)
    }

    /// "#1001", "1001": the order with that number in the workspace (newest if several shops share it).
    public static func find(workspaceID: WorkspaceID, number: String, in sql: any SQLDatabase) async throws -> OrderRecord? {
        try await sql.raw("""
            SELECT * FROM orders WHERE workspace_id = \(bind: workspaceID.rawValue) AND plain_number = \(bind: OrderNumber.plain(number))
            ORDER BY placed_at DESC LIMIT 1
            """).first().map(decode)
    }

    /// Recomputes the order summary kept on the customer row (for rules and the panel).
    public static func refreshSummary(customerID: CustomerID, workspaceID: WorkspaceID, in sql: any SQLDatabase) async throws {
        let orders = try await forCustomer(customerID, workspaceID: workspaceID, limit: 1_000, in: sql).map(\.order)
        let summary = CustomerOrderSummary(orders: orders)
        try await sql.raw("""
            UPDATE customers SET order_count = \(bind: summary.orderCount), spent_minor = \(bind: summary.spent.minor),
              spent_currency = \(bind: orders.isEmpty ? nil : summary.spent.currency), last_order_at = \(bind: summary.lastOrderAt?.millis),
              last_order_financial = \(bind: summary.lastFinancialStatus?.rawValue),
              last_order_fulfillment = \(bind: summary.lastFulfillmentStatus?.rawValue),
              last_order_total_minor = \(bind: summary.lastOrderTotal?.minor)
            WHERE workspace_id = \(bind: workspaceID.rawValue) AND id = \(bind: customerID.rawValue)
            """).run()
    }

    static func decode(_ row: any SQLRow) throws -> OrderRecord {
        OrderRecord(id: try row.id("id"), workspaceID: try row.id("workspace_id"), connectionID: try row.id("connection_id"),
                    customerID: try row.idOrNil("customer_id"), order: try JSONCoding.decode(StoreOrder.self, from: try row.string("snapshot")),
                    syncedAt: try row.date("synced_at"))
    }
}
