import Foundation
import ShopdeskCore
import SQLKit

/// A shop's privacy request as the workspace's audit log keeps it.
public struct PrivacyRequestRecord: Sendable {
    public var topic: String
    public var shopDomain: String
    public var customerIDs: [CustomerID]
    public var outcome: String
    public var at: Date
}

/// Finding the customers a shop's privacy request means, and keeping each request in the audit log.
public enum PrivacyRequests {
    /// The customers the request names: by email and phone identity, and by the orders it lists;
    /// a customer merged into another counts as that other one.
    public static func customers(workspaceID: WorkspaceID, connectionID: StoreConnectionID, email: String?, phone: String?,
                                 orderIDs: [String], in database: Database) async throws -> [CustomerID] {
        let ws = workspaceID.rawValue
        var identities: [(String, String)] = []
        if let email, let value = try? Identities.email(email) { identities.append(("email", value)) }
        if let phone, let value = try? Identities.phone(phone) { identities.append(("phone", value)) }
        let wanted = identities
        return try await database.read { sql in
            var ids: Set<Int64> = []
            for (kind, value) in wanted {
                let rows = try await sql.raw("""
                    SELECT customer_id FROM customer_identities WHERE workspace_id = \(bind: ws) AND kind = \(bind: kind) AND value = \(bind: value)
                    """).all()
                for row in rows { ids.insert(try row.int64("customer_id")) }
            }
            for order in orderIDs.prefix(500) {
                if let row = try await sql.raw("""
                    SELECT customer_id FROM orders WHERE workspace_id = \(bind: ws) AND connection_id = \(bind: connectionID.rawValue)
                      AND external_id = \(bind: order) AND customer_id IS NOT NULL
                    """).first() { ids.insert(try row.int64("customer_id")) }
            }
            var canonical: Set<Int64> = []
            for id in ids {
                if let row = try await sql.raw("SELECT id, merged_into FROM customers WHERE workspace_id = \(bind: ws) AND id = \(bind: id)").first() {
                    canonical.insert(try row.int64OrNil("merged_into") ?? row.int64("id"))
                }
            }
            return canonical.sorted().map(CustomerID.init)
        }
    }

    public static func record(workspaceID: WorkspaceID, topic: String, shop: String, customers: [CustomerID], outcome: String,
                              now: Date = Date(), in database: Database) async throws {
        let event = DomainEvent(workspaceID: workspaceID, conversationID: nil, kind: .shopPrivacyRequest, actor: .system, payload: [
            "topic": .string(topic), "shop_domain": .string(shop), "customer_ids": .array(customers.map { .id($0) }), "outcome": .string(outcome),
        ], occurredAt: now)
        _ = try await database.write { try await EventLog.record([event], in: $0) }
    }

    /// The workspace's latest requests, newest first.
    public static func recent(workspaceID: WorkspaceID, limit: Int = 50, in database: Database) async throws -> [PrivacyRequestRecord] {
        try await database.read { sql in
            try await sql.raw("""
                SELECT payload, created_at FROM events WHERE workspace_id = \(bind: workspaceID.rawValue) AND conversation_id IS NULL
                  AND kind = \(bind: DomainEventKind.shopPrivacyRequest.rawValue)
                ORDER BY id DESC LIMIT \(bind: limit)
                """).all().map { row in
                let payload = try JSONCoding.decode([String: JSONValue].self, from: try row.string("payload"))
                let ids: [CustomerID] = if case .array(let items)? = payload["customer_ids"] {
                    items.compactMap { if case .number(let raw) = $0 { CustomerID(Int64(raw)) } else { nil } }
                } else { [] }
                return PrivacyRequestRecord(topic: payload["topic"]?.stringValue ?? "", shopDomain: payload["shop_domain"]?.stringValue ?? "",
                                            customerIDs: ids, outcome: payload["outcome"]?.stringValue ?? "", at: try row.date("created_at"))
            }
        }
    }
}
