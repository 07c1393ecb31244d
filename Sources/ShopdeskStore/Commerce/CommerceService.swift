import Foundation
import ShopdeskCommerce
import ShopdeskCore
import SQLKit

/// Orders beside conversations: reading them from the shops, acting on them once and safely,
/// keeping snapshots fresh from webhooks, and crediting revenue to support.
public struct CommerceService: Sendable {
    public let database: Database
    let publisher: (any EventPublisher)?
    let now: @Sendable () -> Date
    /// The live connector for a connection (credentials opened by the server), nil for snapshot platforms.
    let connector: @Sendable (StoreConnection) throws -> (any StoreConnector)?
    /// The workspaces' rules, for the order triggers (the conversations' own cache, so a rule
    /// changed is seen here at once); nil runs none.
    let automation: AutomationCache?

    /// A live read is skipped when the customer's orders were read this recently (webhooks keep them fresh).
    public static let freshFor: TimeInterval = 120

    public init(database: Database, publisher: (any EventPublisher)?, now: @escaping @Sendable () -> Date = Date.init,
                automation: AutomationCache? = nil, connector: @escaping @Sendable (StoreConnection) throws -> (any StoreConnector)?) {
        self.database = database
        self.publisher = publisher
        self.now = now
        self.automation = automation
        self.connector = connector
    }

    public struct CustomerOrders: Sendable {
        public var orders: [OrderRecord]
        /// Shops that could not be read just now (the stored snapshots are shown instead).
        public var problems: [String]
    }

    /// The customer's orders from every connected shop, newest first. Live shops are asked again
    /// unless they were asked in the last two minutes (or `refresh` says to ask anyway).
    public func orders(workspaceID: WorkspaceID, customerID: CustomerID, refresh: Bool = false, limit: Int = 20) async throws -> CustomerOrders {
        let time = now()
        let (customer, connections) = try await database.read { sql in
            (try await CustomerRepository.find(workspaceID: workspaceID, id: customerID, in: sql),
             try await StoreConnectionRepository.list(workspaceID: workspaceID, in: sql))
        }
        guard let customer else { throw ShopdeskError.notFound("Customer") }
        let syncedAt = try await database.read { sql in
            try await sql.raw("SELECT orders_synced_at FROM customers WHERE id = \(bind: customerID.rawValue)").first()
                .flatMap { try $0.dateOrNil("orders_synced_at") }
        }
        var problems: [String] = []
        let stale = refresh || syncedAt.map { time.timeIntervalSince($0) > Self.freshFor } ?? true
        if stale {
            var fetched: [(StoreConnection, [StoreOrder])] = []
            for connection in connections {
                guard let live = try connector(connection) else { continue }
                do {
                    fetched.append((connection, try await live.orders(email: customer.email, phone: customer.phone, limit: limit)))
                } catch {
                    problems.append("\(connection.name): \(error)")
                }
            }
            let fetchedNow = fetched
            let complete = problems.isEmpty
            try await database.write { sql in
                if let email = customer.email { try await OrderRepository.claim(email: email, for: customerID, workspaceID: workspaceID, in: sql) }
                for (connection, orders) in fetchedNow {
                    for order in orders {
                        let (record, isNew) = try await OrderRepository.upsert(order, connection: connection, customerID: customerID, now: time, in: sql)
                        if isNew { try await credit(record, connection: connection, in: sql) }
                    }
                }
                try await OrderRepository.refreshSummary(customerID: customerID, workspaceID: workspaceID, in: sql)
                if complete {
                    try await sql.raw("""
                        UPDATE customers SET orders_synced_at = \(bind: time.millis)
                        WHERE workspace_id = \(bind: workspaceID.rawValue) AND id = \(bind: customerID.rawValue)
                        """).run()
                }
            }
        }
        let records = try await database.read { try await OrderRepository.forCustomer(customerID, workspaceID: workspaceID, limit: limit, in: $0) }
        return CustomerOrders(orders: records, problems: problems)
    }

    /// Stores orders that arrive by import or from the demo shop, linking and crediting them.
    public func importOrders(_ orders: [StoreOrder], connection: StoreConnection) async throws {
        let time = now()
        try await database.write { sql in
            var customers = Set<CustomerID>()
            for order in orders {
                let (record, isNew) = try await OrderRepository.upsert(order, connection: connection, customerID: nil, now: time, in: sql)
                if isNew { try await credit(record, connection: connection, in: sql) }
                if let customer = record.customerID { customers.insert(customer) }
            }
            for customer in customers {
                try await OrderRepository.refreshSummary(customerID: customer, workspaceID: connection.workspaceID, in: sql)
            }
        }
    }

    /// Credits a new order to the latest agent reply to its customer within the window before it,
    /// and to the campaign display that brought it, if one did.
    func credit(_ record: OrderRecord, connection: StoreConnection, in sql: any SQLDatabase) async throws {
        try await CampaignRepository.credit(record, in: sql)
        guard let customerID = record.customerID, !record.order.isCancelled else { return }
        let placed = record.order.createdAt
        let start = placed.addingTimeInterval(-Double(connection.settings.attributionDays) * 86_400)
        let replies = try await sql.raw("""
            SELECT m.conversation_id, m.author_agent_id, m.created_at FROM messages m JOIN conversations c ON c.id = m.conversation_id
            WHERE c.workspace_id = \(bind: record.workspaceID.rawValue) AND c.customer_id = \(bind: customerID.rawValue)
              AND m.direction = 'outbound' AND m.author_agent_id IS NOT NULL
              AND m.created_at >= \(bind: start.millis) AND m.created_at <= \(bind: placed.millis)
            ORDER BY m.created_at DESC LIMIT 1
            """).all().map {
                RevenueAttribution.Reply(conversationID: try $0.id("conversation_id"), agentID: try $0.idOrNil("author_agent_id"), sentAt: try $0.date("created_at"))
            }
        guard let reply = RevenueAttribution.credit(orderPlacedAt: placed, replies: replies, windowDays: connection.settings.attributionDays) else { return }
        try await sql.raw("""
            INSERT INTO revenue_credits (order_id, workspace_id, conversation_id, agent_id, amount_minor, currency, placed_at)
            VALUES (\(bind: record.id.rawValue), \(bind: record.workspaceID.rawValue), \(bind: reply.conversationID.rawValue),
              \(bind: reply.agentID?.rawValue), \(bind: record.order.total.minor), \(bind: record.order.total.currency), \(bind: placed.millis))
            ON CONFLICT (order_id) DO NOTHING
            """).run()
    }
}

extension CommerceService {
    /// Customers from a CSV file: found by email or phone, or created; their tags and VIP flag added.
    public func importCustomers(_ rows: [CSVImport.CustomerRow], workspaceID: WorkspaceID) async throws -> (created: Int, updated: Int) {
        let time = now()
        let kind = database.kind
        return try await database.write { sql in
            var created = 0
            var updated = 0
            for row in rows {
                let identity = try CustomerIdentity(name: row.name, email: row.email, phone: row.phone, externalID: nil).normalized()
                var (customer, isNew) = try await CustomerRepository.findOrCreate(identity, workspaceID: workspaceID, now: time, kind: kind, in: sql)
                if isNew { created += 1 } else { updated += 1 }
                let tags = customer.tags.union(row.tags.compactMap { try? TagName.normalize($0) })
                if tags != customer.tags || (row.vip && !customer.vip) {
                    customer.tags = tags
                    customer.vip = customer.vip || row.vip
                    customer.updatedAt = time
                    try await CustomerRepository.update(customer, kind: kind, in: sql)
                }
                if let email = customer.email { try await OrderRepository.claim(email: email, for: customer.id, workspaceID: workspaceID, in: sql) }
                try await OrderRepository.refreshSummary(customerID: customer.id, workspaceID: workspaceID, in: sql)
            }
            return (created, updated)
        }
    }
}
