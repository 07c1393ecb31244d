import Foundation
import ShopdeskCore
import SQLKit

/// Everything Shopdesk holds about one customer, for a data request (GDPR art. 15, Shopify's
/// `customers/data_request`): who they are, how they reached the shop, what they and the agents
/// wrote, the files' names, their field values, orders and returns. Read in one transaction.
public struct CustomerExport: Encodable, Sendable {
    public struct Conversation: Encodable, Sendable {
        var number: Int64
        var subject: String?
        var status: String
        var createdAt: Date
        var messages: [Message]
        /// The timeline: status changes, assignments, tags, order actions… as recorded.
        var events: [Event]
        var survey: Survey?
    }
    public struct Event: Encodable, Sendable { var kind: String; var at: Date; var details: String }
    public struct Survey: Encodable, Sendable { var kind: String; var sentAt: Date?; var answeredAt: Date?; var score: Int64?; var comment: String? }
    /// A file of the customer's conversations, and where the archive keeps its bytes.
    public struct File: Encodable, Sendable {
        public var name: String
        public var contentType: String
        public var size: Int64
        public var sha256: String
        public var path: String
    }
    /// An email the customer sent, as it arrived.
    public struct Email: Encodable, Sendable {
        public var id: Int64
        public var sha256: String
        public var path: String
    }
    public struct Message: Encodable, Sendable {
        var direction: String
        var text: String
        var attachments: [String]
        var createdAt: Date
    }
    public struct Order: Encodable, Sendable { var number: String; var placedAt: Date; var total: Int64; var currency: String }
    public struct Return: Encodable, Sendable {
        var number: String
        var state: String
        var items: [String]
        var trackingNumber: String?
        var createdAt: Date
    }

    var customerId: Int64
    var name: String?
    var email: String?
    var phone: String?
    var identities: [String: [String]]
    var fields: [String: String]
    var conversations: [Conversation]
    var orders: [Order]
    var returns: [Return]
    public var files: [File]
    public var emails: [Email]
    var exportedAt: Date

    public static func read(workspaceID: WorkspaceID, customerID: CustomerID, in database: Database) async throws -> CustomerExport? {
        let ws = workspaceID.rawValue, id = customerID.rawValue
        return try await database.read { sql -> CustomerExport? in
            guard let customer = try await sql.raw("SELECT name, email, phone FROM customers WHERE workspace_id = \(bind: ws) AND id = \(bind: id)").first() else {
                return nil
            }
            var identities: [String: [String]] = [:]
            for row in try await sql.raw("SELECT kind, value FROM customer_identities WHERE workspace_id = \(bind: ws) AND customer_id = \(bind: id)").all() {
                identities[try row.string("kind"), default: []].append(try row.string("value"))
            }
            var fields: [String: String] = [:]
            for row in try await sql.raw("""
                SELECT f.key AS field, v.value AS value FROM custom_values v JOIN custom_fields f ON f.id = v.field_id
                WHERE v.workspace_id = \(bind: ws) AND f.workspace_id = \(bind: ws) AND f.entity = 'customer' AND v.entity_id = \(bind: id)
                """).all() { fields[try row.string("field")] = try row.string("value") }
            var conversations: [Conversation] = []
            var archived: [File] = []
            for row in try await sql.raw("""
                SELECT id, number, subject, status, created_at FROM conversations WHERE workspace_id = \(bind: ws) AND customer_id = \(bind: id) ORDER BY id
                """).all() {
                let conversation = try row.int64("id")
                let events = try await sql.raw("""
                    SELECT kind, created_at, payload FROM events WHERE workspace_id = \(bind: ws) AND conversation_id = \(bind: conversation) ORDER BY id
                    """).all().map { Event(kind: try $0.string("kind"), at: try $0.date("created_at"), details: try $0.string("payload")) }
                let survey = try await sql.raw("""
                    SELECT kind, sent_at, answered_at, score, comment FROM surveys WHERE workspace_id = \(bind: ws) AND conversation_id = \(bind: conversation)
                    """).first().map { Survey(kind: try $0.string("kind"), sentAt: try $0.dateOrNil("sent_at"), answeredAt: try $0.dateOrNil("answered_at"),
                                             score: try $0.int64OrNil("score"), comment: try $0.stringOrNil("comment")) }
                var messages: [Message] = []
                for message in try await sql.raw("""
                    SELECT m.id AS id, m.direction AS direction, m.text AS text, m.created_at AS created_at FROM messages m
                    WHERE m.workspace_id = \(bind: ws) AND m.conversation_id = \(bind: conversation) ORDER BY m.id
                    """).all() {
                    let stored = try await sql.raw("""
                        SELECT id, file_name, content_type, size, sha256 FROM attachments
                        WHERE workspace_id = \(bind: ws) AND message_id = \(bind: try message.int64("id")) ORDER BY id
                        """).all()
                    let files = try stored.map { try $0.string("file_name") }
                    for file in stored {
                        let name = try file.string("file_name")
                        archived.append(File(name: name, contentType: try file.string("content_type"), size: try file.int64("size"),
                                             sha256: try file.string("sha256"), path: "attachments/\(try file.int64("id"))-\(Self.safeName(name))"))
                    }
                    messages.append(Message(direction: try message.string("direction"), text: try message.string("text"), attachments: files,
                                            createdAt: try message.date("created_at")))
                }
                conversations.append(Conversation(number: try row.int64("number"), subject: try row.stringOrNil("subject"), status: try row.string("status"),
                                                  createdAt: try row.date("created_at"), messages: messages, events: events, survey: survey))
            }
            let orders = try await sql.raw("""
                SELECT number, placed_at, total_minor, currency FROM orders WHERE workspace_id = \(bind: ws) AND customer_id = \(bind: id) ORDER BY placed_at
                """).all().map { Order(number: try $0.string("number"), placedAt: try $0.date("placed_at"), total: try $0.int64("total_minor"),
                                       currency: try $0.string("currency")) }
            let returns = try await ReturnRepository.forCustomer(customerID, workspaceID: workspaceID, limit: 1_000, in: sql).reversed().map { record in
                Return(number: "\(record.orderNumber)-R\(record.id.rawValue)", state: record.state.rawValue,
                       items: record.lines.map { "\($0.quantity) × \($0.title) (\($0.reason.rawValue))\($0.note.map { ": \($0)" } ?? "")" },
                       trackingNumber: record.trackingNumber, createdAt: record.createdAt)
            }
            let emails = try await sql.raw("""
                SELECT e.id AS id, e.sha256 AS sha256 FROM inbound_emails e JOIN messages m ON m.id = e.message_row
                JOIN conversations c ON c.id = m.conversation_id
                WHERE e.workspace_id = \(bind: ws) AND m.workspace_id = \(bind: ws) AND c.workspace_id = \(bind: ws) AND c.customer_id = \(bind: id)
                ORDER BY e.id
                """).all().map { Email(id: try $0.int64("id"), sha256: try $0.string("sha256"), path: "emails/\(try $0.int64("id")).eml") }
            return CustomerExport(customerId: id, name: try customer.stringOrNil("name"), email: try customer.stringOrNil("email"),
                                  phone: try customer.stringOrNil("phone"), identities: identities, fields: fields, conversations: conversations,
                                  orders: orders, returns: returns, files: archived, emails: emails, exportedAt: Date())
        }
    }

    /// A file name safe in an archive: no directories, no control characters, at most 100 characters.
    static func safeName(_ name: String) -> String {
        let cleaned = name.unicodeScalars.map { $0.value < 0x20 || "/\\:*?\"<>|".unicodeScalars.contains($0) ? "_" : String($0) }.joined()
        let trimmed = cleaned.trimmingCharacters(in: CharacterSet(charactersIn: ". "))
        return trimmed.isEmpty ? "file" : String(trimmed.prefix(100))
    }
}
