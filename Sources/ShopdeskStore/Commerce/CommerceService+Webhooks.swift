import Foundation
import ShopdeskCommerce
import ShopdeskCore
import SQLKit

extension CommerceService {
    public enum WebhookReceipt: String, Sendable { case accepted, duplicate }

    /// Takes a verified shop webhook. The receipt (for deduplication) and the work it implies (the
    /// snapshot itself, or a job that reads the order again) commit together before we answer 200,
    /// so a delivery is never lost and a redelivery never counts twice.
    public func receiveWebhook(connection: StoreConnection, notice: StoreWebhookNotice) async throws -> WebhookReceipt {
        let time = now()
        let (receipt, events) = try await database.write { sql -> (WebhookReceipt, [DomainEvent]) in
            let fresh = try await sql.raw("""
                INSERT INTO store_webhook_receipts (connection_id, event_id, received_at)
                VALUES (\(bind: connection.id.rawValue), \(bind: notice.eventID), \(bind: time.millis))
                ON CONFLICT (connection_id, event_id) DO NOTHING RETURNING event_id
                """).all()
            guard !fresh.isEmpty else { return (.duplicate, []) }
            var events: [DomainEvent] = []
            if let privacy = notice.privacy {
                // Durable before Shopify hears "received": the job does it, and again after a failure.
                var payload: [String: JSONValue] = ["connection_id": .id(connection.id), "topic": .string(privacy.topic),
                                                    "order_ids": .array(privacy.orderIDs.map(JSONValue.string))]
                if let email = privacy.email { payload["email"] = .string(email) }
                if let phone = privacy.phone { payload["phone"] = .string(phone) }
                if let shop = privacy.shopDomain { payload["shop_domain"] = .string(shop) }
                try await JobQueue.enqueue(kind: JobKind.shopPrivacy, payload: payload, workspaceID: connection.workspaceID, runAt: time,
                                           dedupeKey: "shop-privacy:\(connection.id):\(notice.eventID)", in: sql)
            } else if notice.topic == "app/uninstalled" {
                // The merchant removed the app: its token no longer works, and Settings says why.
                try await StoreTokenRepository.clear(workspaceID: connection.workspaceID, connectionID: connection.id, in: sql)
                try await StoreConnectionRepository.setLastError(workspaceID: connection.workspaceID, id: connection.id,
                    "Shopdesk was uninstalled from the shop in Shopify on \(time.formatted(.iso8601)); install it again to see and act on orders.", in: sql)
            } else if let order = notice.order {
                events = try await store(order, connection: connection, time: time, rules: true, in: sql)
            } else if let orderID = notice.orderID {
                try await JobQueue.enqueue(kind: JobKind.orderSync, payload: ["connection_id": .id(connection.id), "order_id": .string(orderID)],
                                           workspaceID: connection.workspaceID, runAt: time, dedupeKey: "order-sync:\(connection.id):\(orderID)", in: sql)
            }
            return (.accepted, events)
        }
        await publisher?.publish(events)
        return receipt
    }

    /// The `order.sync` job: read the order from the shop and store it; what changed about it
    /// runs the order rules.
    public func syncOrder(workspaceID: WorkspaceID, connectionID: StoreConnectionID, orderID: String) async throws {
        guard let connection = try await database.read({ try await StoreConnectionRepository.find(workspaceID: workspaceID, id: connectionID, in: $0) }),
              let live = try connector(connection) else { return }
        guard let order = try await live.order(id: orderID) else { return }
        let time = now()
        let events = try await database.write { sql in try await store(order, connection: connection, time: time, rules: true, in: sql) }
        await publisher?.publish(events)
    }

    /// Stores a shop's order. With `rules` (an order the shop told us about just now, not one
    /// read back in bulk), its changes run the order triggers on the customer's latest open
    /// conversation, in this transaction; the events that made are returned to publish.
    @discardableResult
    private func store(_ order: StoreOrder, connection: StoreConnection, time: Date, rules: Bool = false,
                       in sql: any SQLDatabase) async throws -> [DomainEvent] {
        let before = rules ? try await OrderRepository.find(connectionID: connection.id, externalID: order.id, in: sql)?.order : nil
        let (record, isNew) = try await OrderRepository.upsert(order, connection: connection, customerID: nil, now: time, in: sql)
        if isNew { try await credit(record, connection: connection, in: sql) }
        guard let customer = record.customerID else { return [] }
        try await OrderRepository.refreshSummary(customerID: customer, workspaceID: connection.workspaceID, in: sql)
        guard rules, let automation else { return [] }
        let triggers = RuleTrigger.orderChanges(from: isNew ? nil : before, to: record.order)
        guard !triggers.isEmpty, var conversation = try await ConversationRepository.latestOpen(workspaceID: connection.workspaceID,
                                                                                             customerID: customer, in: sql) else { return [] }
        let recorded = try await ConversationService.automate(triggers.map { RuleRunner.Event(trigger: $0) }, on: &conversation,
                                                              automation: automation, time: time, kind: database.kind, in: sql)
        return try await EventLog.record(recorded, in: sql)
    }
}

/// Revenue that support influenced: orders credited to conversations and agents.
public struct RevenueReport: Sendable {
    public struct Line: Sendable {
        public var agentID: AgentID?
        public var currency: String
        public var orders: Int
        public var amountMinor: Int64
    }
    public var lines: [Line]
    public var recent: [(orderID: OrderID, number: String, conversationID: ConversationID, agentID: AgentID?, amount: Amount, placedAt: Date)]
}

extension CommerceService {
    public func revenue(workspaceID: WorkspaceID, from: Date, to: Date) async throws -> RevenueReport {
        try await database.read { sql in
            let lines = try await sql.raw("""
                SELECT agent_id, currency, COUNT(*) AS n, CAST(SUM(amount_minor) AS BIGINT) AS total FROM revenue_credits
                WHERE workspace_id = \(bind: workspaceID.rawValue) AND placed_at >= \(bind: from.millis) AND placed_at < \(bind: to.millis)
                GROUP BY agent_id, currency ORDER BY total DESC
                """).all().map {
                    RevenueReport.Line(agentID: try $0.idOrNil("agent_id"), currency: try $0.string("currency"), orders: try $0.int("n"),
                                       amountMinor: try $0.int64("total"))
                }
            let recent = try await sql.raw("""
                SELECT r.order_id, o.number, r.conversation_id, r.agent_id, r.amount_minor, r.currency, r.placed_at
                FROM revenue_credits r JOIN orders o ON o.id = r.order_id
                WHERE r.workspace_id = \(bind: workspaceID.rawValue) AND r.placed_at >= \(bind: from.millis) AND r.placed_at < \(bind: to.millis)
                ORDER BY r.placed_at DESC LIMIT 50
                """).all().map {
                    (orderID: try $0.id("order_id") as OrderID, number: try $0.string("number"), conversationID: try $0.id("conversation_id") as ConversationID,
                     agentID: try $0.idOrNil("agent_id") as AgentID?, amount: Amount(minor: try $0.int64("amount_minor"), currency: try $0.string("currency")),
                     placedAt: try $0.date("placed_at"))
                }
            return RevenueReport(lines: lines, recent: recent)
        }
    }
}

extension CommerceService {
    /// Self-service tracking: the order with this number whose email is `email`, or nil (the
    /// same nil for a wrong number and a wrong email, so the answer reveals nothing). A live
    /// shop's order is read again when its snapshot is older than five minutes.
    public func track(workspaceID: WorkspaceID, number: String, email: String) async throws -> StoreOrder? {
        let wanted = email.trimmingCharacters(in: .whitespaces).lowercased()
        guard !wanted.isEmpty, !OrderNumber.plain(number).isEmpty else { return nil }
        guard let record = try await database.read({ try await OrderRepository.find(workspaceID: workspaceID, number: number, in: $0) }) else {
            return try await lookUpInShops(workspaceID: workspaceID, number: number, email: wanted)
        }
        guard record.order.email?.lowercased() == wanted else { return nil }
        guard now().timeIntervalSince(record.syncedAt) > 300,
              let connection = try await database.read({ try await StoreConnectionRepository.find(workspaceID: workspaceID, id: record.connectionID, in: $0) }),
              let live = try? connector(connection), let fresh = try? await live.order(id: record.order.id) else { return record.order }
        let time = now()
        try await database.write { sql in _ = try await OrderRepository.upsert(fresh, connection: connection, customerID: nil, now: time, in: sql) }
        return fresh
    }

    /// An order Shopdesk never received (placed before the shop was connected, or its webhook
    /// lost): asked of each live shop by the email, kept when its number matches. A shop that
    /// cannot be reached counts as "not found" rather than failing the customer's lookup.
    private func lookUpInShops(workspaceID: WorkspaceID, number: String, email: String) async throws -> StoreOrder? {
        let wanted = OrderNumber.plain(number)
        for connection in try await database.read({ try await StoreConnectionRepository.list(workspaceID: workspaceID, in: $0) })
        where connection.platform.isLive {
            guard let live = try? connector(connection), let orders = try? await live.orders(email: email, phone: nil, limit: 50),
                  let found = orders.first(where: { OrderNumber.plain($0.number) == wanted && $0.email?.lowercased() == email }) else { continue }
            let time = now()
            _ = try await database.write { sql in try await store(found, connection: connection, time: time, in: sql) }
            return found
        }
        return nil
    }
}
