import Foundation
import ShopdeskCore
import SQLKit

/// What an erasure removed, and the stored files it left without a row (the server deletes
/// those that nothing else refers to).
public struct ErasureSummary: Equatable, Sendable {
    public var customers: Int
    public var conversations: Int
    public var messages: Int
    public var attachments: Int
    public var orders: Int
    /// Content hashes of attachments and original emails whose rows were deleted.
    public var files: [String]
}

/// A customer's right to be forgotten (GDPR art. 17, Shopify's `customers/redact`): everything
/// that says who they are or what they wrote is erased, in one transaction that names the
/// workspace in every statement. What support did stays countable: conversations keep their
/// status, times, channel, assignee and intent, so reports and the agents' history still add
/// up, but their subject, messages, notes, attachments, original emails, field values, survey
/// comments, timeline texts and search entries are gone, and so are the customer's name,
/// addresses and identities (a new message from the same address starts a new customer). Order
/// snapshots lose the email and the shipping address. Opt-outs stay: they are what keeps
/// Shopdesk from writing to that address again.
public struct CustomerErasure: Sendable {
    let database: Database

    public init(database: Database) { self.database = database }

    /// Keys of event payloads that carry what a person wrote or who they are.
    static let personalKeys: Set<String> = ["text", "preview", "body", "subject", "email", "phone", "name", "comment", "html",
                                            "address", "shipping_address", "note", "staff_note", "file_name", "from", "to_address"]

    public func erase(workspaceID: WorkspaceID, customerID: CustomerID, actor: EventActor, reason: String,
                      now: Date = Date()) async throws -> ErasureSummary? {
        let kind = database.kind
        return try await database.write { sql -> ErasureSummary? in
            let ws = workspaceID.rawValue
            guard try await sql.raw("SELECT id FROM customers WHERE workspace_id = \(bind: ws) AND id = \(bind: customerID.rawValue)").first() != nil else {
                return nil
            }
            // The customer and those merged into them (their conversations already moved over).
            let customers = try await sql.raw("""
                SELECT id FROM customers WHERE workspace_id = \(bind: ws) AND (id = \(bind: customerID.rawValue) OR merged_into = \(bind: customerID.rawValue))
                """).all().map { try $0.int64("id") }
            let conversations = try await Self.ids("SELECT id FROM conversations WHERE workspace_id = \(bind: ws) AND customer_id IN ", customers, in: sql)
            let erased = try await Self.eraseConversations(conversations, workspaceID: ws, kind: kind, in: sql)
            let customerList = Self.list(customers)
            try await sql.raw("""
                DELETE FROM custom_values WHERE workspace_id = \(bind: ws) AND entity_id IN \(customerList)
                  AND field_id IN (SELECT id FROM custom_fields WHERE workspace_id = \(bind: ws) AND entity = 'customer')
                """).run()
            try await sql.raw("""
                UPDATE chat_visitors SET name = NULL, email = NULL, identifier = NULL, context = '{}'
                WHERE workspace_id = \(bind: ws) AND customer_id IN \(customerList)
                """).run()
            try await sql.raw("DELETE FROM customer_identities WHERE workspace_id = \(bind: ws) AND customer_id IN \(customerList)").run()
            let orders = try await eraseOrders(workspaceID: ws, customers: customerList, in: sql)
            try await ReturnRepository.eraseCustomerText(workspaceID: workspaceID, customers: customers, in: sql)
            try await sql.raw("""
                UPDATE customers SET name = NULL, email = NULL, phone = NULL, external_id = NULL, tags = NULL, updated_at = \(bind: now.millis)
                  \(unsafeRaw: kind == .postgres ? ", search_vector = NULL" : "")
                WHERE workspace_id = \(bind: ws) AND id IN \(customerList)
                """).run()
            for id in customers { try await SearchIndex.remove(.customer, id: id, kind: kind, in: sql) }
            // The timeline says that it happened, who asked and why, and nothing about whom.
            let events = conversations.map {
                DomainEvent(workspaceID: workspaceID, conversationID: ConversationID($0), kind: .customerErased, actor: actor,
                            payload: ["reason": .string(reason)], occurredAt: now)
            } + [DomainEvent(workspaceID: workspaceID, conversationID: nil, kind: .customerErased, actor: actor,
                             payload: ["customer_id": .id(customerID), "reason": .string(reason)], occurredAt: now)]
            _ = try await EventLog.record(events, in: sql)
            return ErasureSummary(customers: customers.count, conversations: conversations.count, messages: erased.messages,
                                  attachments: erased.attachments, orders: orders, files: erased.files)
        }
    }


    /// What is erased of each conversation (a customer's, or one past the workspace's retention):
    /// every message's text, HTML and files, the original emails, the subject and preview, search
    /// entries, notification previews, the reports' words, survey comments, scheduled texts,
    /// field values, the personal keys of timeline payloads and addresses in order actions.
    /// Returns how many messages and attachments, and the content hashes whose rows went.
    static func eraseConversations(_ conversations: [Int64], workspaceID ws: Int64, kind: DatabaseKind,
                                   in sql: any SQLDatabase) async throws -> (messages: Int, attachments: Int, files: [String]) {
        let messages = try await Self.ids("SELECT id FROM messages WHERE workspace_id = \(bind: ws) AND conversation_id IN ", conversations, in: sql)
        var files: [String] = []
        var attachments = 0
        for chunk in Self.chunks(messages) {
            let rows = try await sql.raw("SELECT sha256 FROM attachments WHERE workspace_id = \(bind: ws) AND message_id IN \(Self.list(chunk))").all()
            attachments += rows.count
            files += try rows.map { try $0.string("sha256") }
            try await sql.raw("DELETE FROM attachments WHERE workspace_id = \(bind: ws) AND message_id IN \(Self.list(chunk))").run()
            files += try await sql.raw("SELECT sha256 FROM inbound_emails WHERE workspace_id = \(bind: ws) AND message_row IN \(Self.list(chunk))")
                .all().map { try $0.string("sha256") }
            try await sql.raw("DELETE FROM inbound_emails WHERE workspace_id = \(bind: ws) AND message_row IN \(Self.list(chunk))").run()
            try await sql.raw("""
                UPDATE messages SET text = '', html = NULL, comment_reply = NULL, delivery_error = NULL, mail_auth = NULL\(unsafeRaw: kind == .postgres ? ", search_vector = NULL" : "")
                WHERE workspace_id = \(bind: ws) AND id IN \(Self.list(chunk))
                """).run()
            for id in chunk { try await SearchIndex.remove(.message, id: id, kind: kind, in: sql) }
        }
        for chunk in Self.chunks(conversations) {
            let inList = Self.list(chunk)
            try await sql.raw("""
                UPDATE conversations SET subject = NULL, last_message_preview = NULL\(unsafeRaw: kind == .postgres ? ", search_vector = NULL" : "")
                WHERE workspace_id = \(bind: ws) AND id IN \(inList)
                """).run()
            for id in chunk { try await SearchIndex.remove(.conversation, id: id, kind: kind, in: sql) }
            try await sql.raw("UPDATE notifications SET preview = NULL WHERE workspace_id = \(bind: ws) AND conversation_id IN \(inList)").run()
            // The reports' words of these conversations go now; their days' counts are made again at the next catch-up.
            try await sql.raw("""
                INSERT INTO report_dirty_days (workspace_id, day)
                SELECT DISTINCT workspace_id, created_day FROM report_facts WHERE workspace_id = \(bind: ws) AND conversation_id IN \(inList)
                ON CONFLICT (workspace_id, day) DO NOTHING
                """).run()
            try await sql.raw("UPDATE report_facts SET terms = NULL WHERE workspace_id = \(bind: ws) AND conversation_id IN \(inList)").run()
            try await sql.raw("UPDATE surveys SET comment = NULL WHERE workspace_id = \(bind: ws) AND conversation_id IN \(inList)").run()
            try await sql.raw("UPDATE scheduled_replies SET text = '' WHERE workspace_id = \(bind: ws) AND conversation_id IN \(inList)").run()
            try await sql.raw("""
                DELETE FROM custom_values WHERE workspace_id = \(bind: ws) AND entity_id IN \(inList)
                  AND field_id IN (SELECT id FROM custom_fields WHERE workspace_id = \(bind: ws) AND entity = 'conversation')
                """).run()
            try await Self.erasePayloads(workspaceID: ws, conversations: inList, in: sql)
            // Agents' address changes keep their kind and outcome, not the address.
            try await sql.raw("""
                UPDATE order_actions SET summary = 'Change the shipping address (erased)', request = '{"kind":"update_address"}'
                WHERE workspace_id = \(bind: ws) AND conversation_id IN \(inList) AND kind = 'update_address'
                """).run()
        }
        return (messages.count, attachments, Array(Set(files)).sorted())
    }

    /// Timeline payloads keep their structure (statuses, ids, amounts) and lose the personal keys.
    private static func erasePayloads(workspaceID ws: Int64, conversations inList: SQLQueryString, in sql: any SQLDatabase) async throws {
        let rows = try await sql.raw("SELECT id, payload FROM events WHERE workspace_id = \(bind: ws) AND conversation_id IN \(inList)").all()
        for row in rows {
            let id = try row.int64("id")
            let text = try row.string("payload")
            guard var payload = try? JSONCoding.decode([String: JSONValue].self, from: text) else { continue }
            let original = payload
            // An address change's summary names the address.
            if payload["kind"]?.stringValue == "update_address" { payload["summary"] = nil }
            guard case .object(let cleaned) = Self.strip(.object(payload)), cleaned != original else { continue }
            try await sql.raw("UPDATE events SET payload = \(bind: JSONCoding.string(cleaned)) WHERE workspace_id = \(bind: ws) AND id = \(bind: id)").run()
        }
    }

    static func strip(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let fields):
            var kept: [String: JSONValue] = [:]
            for (key, field) in fields where !personalKeys.contains(key) { kept[key] = strip(field) }
            return .object(kept)
        case .array(let items):
            return .array(items.map(strip))
        default:
            return value
        }
    }

    /// Order snapshots of these customers keep what was bought and paid, not where it went or to whom.
    private func eraseOrders(workspaceID ws: Int64, customers: SQLQueryString, in sql: any SQLDatabase) async throws -> Int {
        let rows = try await sql.raw("SELECT id, snapshot FROM orders WHERE workspace_id = \(bind: ws) AND customer_id IN \(customers)").all()
        for row in rows {
            let id = try row.int64("id")
            var order = try JSONCoding.decode(StoreOrder.self, from: try row.string("snapshot"))
            order.email = nil
            order.phone = nil
            order.shippingAddress = nil
            order.note = nil
            try await sql.raw("""
                UPDATE orders SET email = NULL, customer_id = NULL, snapshot = \(bind: try JSONCoding.string(order))
                WHERE workspace_id = \(bind: ws) AND id = \(bind: id)
                """).run()
        }
        return rows.count
    }

    static func ids(_ prefix: SQLQueryString, _ values: [Int64], in sql: any SQLDatabase) async throws -> [Int64] {
        var found: [Int64] = []
        for chunk in chunks(values) {
            var query = prefix
            query.appendInterpolation(list(chunk))
            found += try await sql.raw(query).all().map { try $0.int64("id") }
        }
        return found
    }

    static func chunks(_ values: [Int64]) -> [[Int64]] {
        stride(from: 0, to: values.count, by: 500).map { Array(values[$0..<min($0 + 500, values.count)]) }
    }

    /// `(1, 2, 3)` with each value bound; `(NULL)` for none, which matches nothing.
    static func list(_ values: [Int64]) -> SQLQueryString {
        guard !values.isEmpty else { return "(NULL)" }
        var query: SQLQueryString = "("
        for (index, value) in values.enumerated() {
            if index > 0 { query.appendLiteral(", ") }
            query.appendInterpolation(bind: value)
        }
        query.appendLiteral(")")
        return query
    }
}
