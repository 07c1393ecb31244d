import Foundation
import ShopdeskCore
import SQLKit

/// Rows for measuring at scale (`shopdesk bench api --scale`), written straight into the tables
/// as the ingest path leaves them, many to a statement: customers with their email identity,
/// one open conversation each with its messages, everything in the search index, and the view
/// counters. The ingest path itself does this at a few hundred messages a second on PostgreSQL
/// (a dozen statements each); a million would take over an hour.
///
/// Not written: the events, the classification and the automation an ingest also runs (lists
/// and searches do not read them; the reports' loader is `bench reports`).
public enum ScaleLoad {
    /// What a batch of the load is made of: one customer's conversation and its messages.
    public struct Conversation: Sendable {
        public var customerName: String
        public var customerEmail: String
        public var subject: String
        public var messages: [String]

        public init(customerName: String, customerEmail: String, subject: String, messages: [String]) {
            self.customerName = customerName
            self.customerEmail = customerEmail
            self.subject = subject
            self.messages = messages
        }
    }

    /// Writes `conversations` in one transaction, their messages a second apart ending at `lastAt`.
    public static func write(_ conversations: [Conversation], workspaceID: WorkspaceID, inboxID: InboxID, lastAt: Date,
                             in database: Database) async throws {
        let kind = database.kind
        try await database.write { sql in
            let ws = workspaceID.rawValue
            guard var number = try await sql.raw("SELECT conversation_counter FROM workspaces WHERE id = \(bind: ws)").first()?
                .decode(column: "conversation_counter", as: Int64.self) else { throw ShopdeskError.notFound("Workspace \(workspaceID)") }
            var at = lastAt.millis - Int64(conversations.reduce(0) { $0 + $1.messages.count }) * 1000
            let vectorColumn = SearchIndex.insertedVector("", kind: kind).column
            for part in stride(from: 0, to: conversations.count, by: 250) {
                let batch = Array(conversations[part..<min(part + 250, conversations.count)])
                // Customers, keyed back by their (unique) email.
                var customerIDs: [String: Int64] = [:]
                let customerRows = batch.map { conversation -> SQLQueryString in
                    let text = SearchIndex.customerText(name: conversation.customerName, email: conversation.customerEmail, phone: nil)
                    return "(\(bind: ws), \(bind: conversation.customerName), \(bind: conversation.customerEmail), \(bind: at), \(bind: at)\(SearchIndex.insertedVector(text, kind: kind).value))"
                }
                for row in try await sql.raw("""
                    INSERT INTO customers (workspace_id, name, email, created_at, updated_at\(vectorColumn))
                    VALUES \(customerRows.joined(separator: ", ")) RETURNING id, name, email
                    """).all() {
                    let id = try row.decode(column: "id", as: Int64.self), email = try row.decode(column: "email", as: String.self)
                    customerIDs[email] = id
                    let text = SearchIndex.customerText(name: try row.decode(column: "name", as: String?.self), email: email, phone: nil)
                    try await SearchIndex.indexInserted(.customer, id: id, workspaceID: workspaceID, text: text, kind: kind, in: sql)
                }
                try await sql.raw("""
                    INSERT INTO customer_identities (workspace_id, kind, value, customer_id)
                    VALUES \(batch.map { "(\(bind: ws), 'email', \(bind: $0.customerEmail), \(bind: customerIDs[$0.customerEmail]))" as SQLQueryString }.joined(separator: ", "))
                    """).run()
                // Conversations, keyed back by their number.
                var conversationRows: [SQLQueryString] = []
                var planned: [Int64: (conversation: Conversation, times: [Int64])] = [:]
                for conversation in batch {
                    // Numbered as the ingest numbers: PostgreSQL from the workspace's sequence
                    // (see `nextConversationNumber`), SQLite from the workspace's counter.
                    number += 1
                    let numbered: SQLQueryString = kind == .postgres ? "shopdesk_next_conversation_number(\(bind: ws))" : "\(bind: number)"
                    let times = conversation.messages.indices.map { at + Int64($0) * 1000 }
                    at += Int64(conversation.messages.count) * 1000
                    let customerID = customerIDs[conversation.customerEmail] ?? 0
                    planned[customerID] = (conversation, times)
                    conversationRows.append("""
                        (\(bind: ws), \(numbered), \(bind: inboxID.rawValue), \(bind: customerID), \(bind: conversation.subject), 'open',
                         \(bind: Priority.normal.rank), \(bind: times.last ?? at), \(bind: Text.preview(conversation.messages.last ?? "")), 'inbound',
                         \(bind: conversation.messages.count), \(bind: times.first ?? at), \(bind: times.last ?? at)\(SearchIndex.insertedVector(conversation.subject, kind: kind).value))
                        """)
                }
                var messageRows: [SQLQueryString] = []
                for row in try await sql.raw("""
                    INSERT INTO conversations (workspace_id, number, inbox_id, customer_id, subject, status, priority, last_message_at,
                      last_message_preview, last_message_direction, message_count, created_at, updated_at\(vectorColumn))
                    VALUES \(conversationRows.joined(separator: ", ")) RETURNING id, customer_id
                    """).all() {
                    let id = try row.decode(column: "id", as: Int64.self), customerID = try row.decode(column: "customer_id", as: Int64.self)
                    guard let plan = planned[customerID] else { continue }
                    try await SearchIndex.indexInserted(.conversation, id: id, workspaceID: workspaceID, text: plan.conversation.subject,
                                                        kind: kind, in: sql)
                    for (text, sentAt) in zip(plan.conversation.messages, plan.times) {
                        messageRows.append("""
                            (\(bind: ws), \(bind: id), \(bind: inboxID.rawValue), 'inbound', \(bind: customerID), \(bind: text),
                             \(bind: sentAt)\(SearchIndex.insertedVector(text, kind: kind).value))
                            """)
                    }
                }
                for start in stride(from: 0, to: messageRows.count, by: 500) {
                    for row in try await sql.raw("""
                        INSERT INTO messages (workspace_id, conversation_id, inbox_id, direction, author_customer_id, text, created_at\(vectorColumn))
                        VALUES \(messageRows[start..<min(start + 500, messageRows.count)].joined(separator: ", ")) RETURNING id, text
                        """).all() {
                        try await SearchIndex.indexInserted(.message, id: try row.decode(column: "id", as: Int64.self), workspaceID: workspaceID,
                                                            text: try row.decode(column: "text", as: String.self), kind: kind, in: sql)
                    }
                }
            }
            // SQLite's counter after these numbers, and the open view's counter.
            if kind == .sqlite {
                // workspace: the workspace's own row, by its id.
                try await sql.raw("UPDATE workspaces SET conversation_counter = \(bind: number) WHERE id = \(bind: ws)").run()
            }
            try await sql.raw("""
                INSERT INTO conversation_counts (workspace_id, inbox_id, assignee_key, status, stripe, n)
                VALUES (\(bind: ws), \(bind: inboxID.rawValue), 0, 'open', 0, \(bind: conversations.count))
                ON CONFLICT (workspace_id, inbox_id, assignee_key, status, stripe) DO UPDATE SET n = conversation_counts.n + excluded.n
                """).run()
        }
    }
}
