import Foundation
import ShopdeskCommerce
import ShopdeskCore
import SQLKit

/// Where reading a shop whole has got to (`store_syncs`).
public struct StoreSyncState: Equatable, Sendable {
    public enum Phase: String, Sendable { case customers, orders, done }
    public var phase: Phase
    public var cursor: String?
    /// Orders changed since then are read (the first pass: the shop's recent orders).
    public var since: Date
    public var customers: Int
    public var orders: Int
    public var customersTotal: Int?
    public var ordersTotal: Int?
    public var startedAt: Date
    public var finishedAt: Date?
    public var error: String?
}

/// The backfill of a shop's customers and recent orders on connect, and the reconciliation of
/// its orders afterwards: a few pages per job run, the cursor saved after each, so a node that
/// dies leaves the next run to go on where it stopped. Customers are imported as CSV rows are
/// (found by email or phone, or created); orders are upserted like webhook orders.
public struct StoreSync: Sendable {
    let commerce: CommerceService
    let database: Database
    /// How far back the first pass reads orders (Shopify's default order access is 60 days).
    public static let firstPassDays = 60
    /// How often the orders are read again after the first pass.
    public static let reconcileInterval: TimeInterval = 6 * 3600
    static let pagesPerRun = 5

    public init(commerce: CommerceService, database: Database) { self.commerce = commerce; self.database = database }

    public static func state(workspaceID: WorkspaceID, connectionID: StoreConnectionID, in sql: any SQLDatabase) async throws -> StoreSyncState? {
        try await sql.raw("""
            SELECT * FROM store_syncs WHERE workspace_id = \(bind: workspaceID.rawValue) AND connection_id = \(bind: connectionID.rawValue)
            """).first().map { row in
            StoreSyncState(phase: StoreSyncState.Phase(rawValue: try row.string("phase")) ?? .done, cursor: try row.stringOrNil("cursor"),
                           since: try row.date("since"), customers: try row.int("customers"), orders: try row.int("orders"),
                           customersTotal: try row.int64OrNil("customers_total").map(Int.init), ordersTotal: try row.int64OrNil("orders_total").map(Int.init),
                           startedAt: try row.date("started_at"), finishedAt: try row.dateOrNil("finished_at"), error: try row.stringOrNil("error"))
        }
    }

    /// Starts (or starts again) reading the shop from the beginning, and queues the first run.
    public func start(_ connection: StoreConnection, now: Date = Date()) async throws {
        let ws = connection.workspaceID.rawValue, id = connection.id.rawValue
        let since = now.addingTimeInterval(-Double(Self.firstPassDays) * 86_400)
        try await database.write { sql in
            try await sql.raw("DELETE FROM store_syncs WHERE workspace_id = \(bind: ws) AND connection_id = \(bind: id)").run()
            try await sql.raw("""
                INSERT INTO store_syncs (connection_id, workspace_id, phase, since, started_at, updated_at)
                SELECT id, workspace_id, 'customers', \(bind: since.millis), \(bind: now.millis), \(bind: now.millis)
                FROM store_connections WHERE workspace_id = \(bind: ws) AND id = \(bind: id)
                """).run()
            try await Self.queue(connection, at: now, in: sql)
        }
    }

    static func queue(_ connection: StoreConnection, at time: Date, in sql: any SQLDatabase) async throws {
        try await JobQueue.enqueue(kind: JobKind.storeBackfill, payload: ["connection_id": .id(connection.id)], workspaceID: connection.workspaceID,
                                   runAt: time, dedupeKey: "store-backfill:\(connection.id)", in: sql)
    }

    /// One job run: a few pages, then the next run queued (now while pages remain; after the
    /// reconcile interval once the pass is done, for the orders changed since it began).
    public func run(workspaceID: WorkspaceID, connectionID: StoreConnectionID, now: Date = Date()) async throws {
        guard let connection = try await database.read({ try await StoreConnectionRepository.find(workspaceID: workspaceID, id: connectionID, in: $0) }),
              var state = try await database.read({ try await Self.state(workspaceID: workspaceID, connectionID: connectionID, in: $0) }) else { return }
        let shop: any StoreBackfilling
        do {
            guard let live = try commerce.connector(connection) as? any StoreBackfilling else { return }
            shop = live
        } catch {
            // Credentials that cannot be opened: said in Settings, and the job tries again later.
            state.error = "\(error)"
            try await save(state, connection: connection, now: now)
            throw error
        }
        if state.phase == .done {
            // A reconciliation: the orders changed since the last pass began (an hour's overlap).
            state = StoreSyncState(phase: .orders, cursor: nil, since: state.startedAt.addingTimeInterval(-3600), customers: state.customers,
                                   orders: 0, customersTotal: state.customersTotal, ordersTotal: nil, startedAt: now)
        }
        do {
            if state.customersTotal == nil && state.ordersTotal == nil {
                let counts = try await shop.counts(ordersUpdatedSince: state.since)
                state.customersTotal = counts.customers
                state.ordersTotal = counts.orders
            }
            for _ in 0..<Self.pagesPerRun where state.phase != .done {
                switch state.phase {
                case .customers:
                    let page = try await shop.customers(after: state.cursor)
                    _ = try await commerce.importCustomers(page.items, workspaceID: workspaceID)
                    state.customers += page.items.count
                    state.cursor = page.next
                    if page.next == nil { state.phase = .orders }
                case .orders:
                    let page = try await shop.orders(updatedSince: state.since, after: state.cursor)
                    try await commerce.importOrders(page.items, connection: connection)
                    state.orders += page.items.count
                    state.cursor = page.next
                    if page.next == nil { state.phase = .done; state.finishedAt = now }
                case .done:
                    break
                }
                try await save(state, connection: connection, now: now)
            }
            state.error = nil
        } catch {
            // Kept for Settings; the job retries with backoff from the saved cursor.
            state.error = "\(error)"
            try await save(state, connection: connection, now: now)
            throw error
        }
        let finished = state
        try await database.write { sql in
            try await save(finished, connection: connection, now: now, in: sql)
            try await Self.queue(connection, at: finished.phase == .done ? now.addingTimeInterval(Self.reconcileInterval) : now, in: sql)
        }
    }

    private func save(_ state: StoreSyncState, connection: StoreConnection, now: Date) async throws {
        try await database.write { try await save(state, connection: connection, now: now, in: $0) }
    }

    private func save(_ state: StoreSyncState, connection: StoreConnection, now: Date, in sql: any SQLDatabase) async throws {
        try await sql.raw("""
            UPDATE store_syncs SET phase = \(bind: state.phase.rawValue), cursor = \(bind: state.cursor), since = \(bind: state.since.millis),
              customers = \(bind: state.customers), orders = \(bind: state.orders), customers_total = \(bind: state.customersTotal),
              orders_total = \(bind: state.ordersTotal), started_at = \(bind: state.startedAt.millis), finished_at = \(bind: state.finishedAt?.millis),
              error = \(bind: state.error), updated_at = \(bind: now.millis)
            WHERE workspace_id = \(bind: connection.workspaceID.rawValue) AND connection_id = \(bind: connection.id.rawValue)
            """).run()
    }
}
