import Foundation
import HTTPTypes
import NIOCore
import ShopdeskCore
@testable import ShopdeskServer
import ShopdeskStore
import ShopdeskTestSupport
import Testing

/// A workspace's retention policy: closed conversations quiet for longer than it lose their words
/// and files; open ones, recent ones and other workspaces' are untouched; the reports still count.
@Suite("Retention policies")
struct RetentionTests {
    @Test(arguments: TestDatabase.kinds)
    func oldClosedConversationsAreAnonymisedAndNothingElse(kind: DatabaseKind) async throws {
        try await Harness.run(kind) { harness in
            let old = try await harness.inbound(email: "ana@example.com", text: "Moja adresa je Ilica 1").int("conversation_id")
            let recent = try await harness.inbound(email: "ivo@example.com", text: "Where is my order 1001?").int("conversation_id")
            let open = try await harness.inbound(email: "eva@example.com", text: "Please call me on 091 555 1234").int("conversation_id")
            for id in [old, recent] {
                _ = try await harness.client.json(.patch, "/api/v1/conversations/\(id)", token: harness.ownerToken, body: #"{"status":"resolved"}"#)
            }
            let other = try await harness.stranger()
            // Seven months ago: the old one and the open one.
            let past = Int64(Calendar(identifier: .gregorian).date(byAdding: .month, value: -7, to: Date())!.timeIntervalSince1970 * 1000)
            try await harness.database.write { sql in
                for id in [old, open] {
                    try await sql.raw("UPDATE conversations SET last_message_at = \(bind: past) WHERE workspace_id = \(bind: harness.workspaceID.rawValue) AND id = \(bind: id)").run()
                }
            }
            let agent = try await harness.agent(role: .agent)
            #expect(try await harness.client.json(.put, "/api/v1/workspace/retention", token: agent.token, body: #"{"months":6}"#).status == .forbidden)
            let wrong = try await harness.client.json(.put, "/api/v1/workspace/retention", token: harness.ownerToken, body: #"{"months":500}"#)
            #expect(wrong.status == .unprocessableContent && wrong.text.contains("months"))
            #expect(try await harness.client.json(.put, "/api/v1/workspace/retention", token: harness.ownerToken, body: #"{"months":6}"#).status == .ok)
            _ = try await harness.runJobs()

            let oldMessages = try await harness.client.json(.get, "/api/v1/conversations/\(old)/messages", token: harness.ownerToken)
            #expect(!oldMessages.text.contains("Ilica") && oldMessages.items.count == 1, "\(oldMessages.text)")
            let timeline = try await harness.client.json(.get, "/api/v1/conversations/\(old)/timeline", token: harness.ownerToken)
            #expect(timeline.text.contains("conversation.anonymised"))
            let oldConversation = try await harness.client.json(.get, "/api/v1/conversations/\(old)", token: harness.ownerToken)
            #expect(try oldConversation.string("status") == "resolved", "what reports count stays")
            for (id, text) in [(recent, "order 1001"), (open, "091 555 1234")] {
                let messages = try await harness.client.json(.get, "/api/v1/conversations/\(id)/messages", token: harness.ownerToken)
                #expect(messages.text.contains(text), "\(id) is recent or still open: untouched")
            }
            let policy = try await harness.client.json(.get, "/api/v1/workspace/retention", token: harness.ownerToken)
            #expect(try policy.int("months") == 6 && policy.int("anonymised") == 1)
            // The sweep comes back in a day, and another workspace has no policy of its own.
            let next = try await harness.database.read { sql in
                try await sql.raw("SELECT run_at FROM jobs WHERE dedupe_key = \(bind: "retention:\(harness.workspaceID.rawValue)") AND status = 'queued'")
                    .first()?.decode(column: "run_at", as: Int64.self)
            }
            #expect((next ?? 0) > Int64(Date().addingTimeInterval(23 * 3600).timeIntervalSince1970 * 1000))
            let theirs = try await harness.client.json(.get, "/api/v1/workspace/retention", token: other.token)
            #expect(try theirs.int("months") == 0)
            // The change is in the audit log.
            #expect(try await harness.client.json(.get, "/api/v1/audit-log", token: harness.ownerToken).text.contains("/workspace/retention"))
        }
    }

    /// With `delete`, a due conversation goes whole (messages, files, tags, timeline, report rows)
    /// and leaves the views' counts; one that brought revenue is only anonymised; the sweep is in
    /// the audit log.
    @Test(arguments: TestDatabase.kinds)
    func deletingTakesTheConversationWholeButKeepsMoneyRecords(kind: DatabaseKind) async throws {
        try await Harness.run(kind) { harness in
            let ws = harness.workspaceID.rawValue
            let gone = try await harness.inbound(email: "ana@example.com", text: "Moja adresa je Ilica 1").int("conversation_id")
            let sold = try await harness.inbound(email: "ivo@example.com", text: "I will take the blue one").int("conversation_id")
            let bytes = Array("%PDF-1.4 Ana's invoice".utf8)
            let file = try await harness.client.execute(
                uri: "/api/v1/attachments", method: .post,
                headers: [.authorization: "Bearer \(harness.ownerToken)", .contentType: "application/pdf", HTTPField.Name("X-File-Name")!: "invoice.pdf"],
                body: ByteBuffer(bytes: bytes)) { try JSONSerialization.jsonObject(with: Data(String(buffer: $0.body).utf8)) as? [String: Any] }
            let fileID = try #require(file?["id"] as? Int)
            _ = try await harness.client.json(.post, "/api/v1/conversations/\(gone)/messages", token: harness.ownerToken,
                                              body: #"{"text":"Sent.","attachment_ids":[\#(fileID)]}"#)
            _ = try await harness.client.json(.post, "/api/v1/conversations/\(gone)/tags", token: harness.ownerToken, body: #"{"tags":["address"]}"#)
            for id in [gone, sold] {
                _ = try await harness.client.json(.patch, "/api/v1/conversations/\(id)", token: harness.ownerToken, body: #"{"status":"resolved"}"#)
            }
            let past = Int64(Calendar(identifier: .gregorian).date(byAdding: .month, value: -13, to: Date())!.timeIntervalSince1970 * 1000)
            try await harness.database.write { sql in
                try await sql.raw("UPDATE conversations SET last_message_at = \(bind: past) WHERE workspace_id = \(bind: ws)").run()
                // The second conversation is credited with an order.
                let connection = try await sql.raw("""
                    INSERT INTO store_connections (workspace_id, platform, name, shop_url, settings, created_at, updated_at)
                    VALUES (\(bind: ws), 'csv', 'Shop', 'https://shop.example.com', '{}', 0, 0) RETURNING id
                    """).first()!.decode(column: "id", as: Int64.self)
                let order = try await sql.raw("""
                    INSERT INTO orders (workspace_id, connection_id, external_id, number, plain_number, placed_at, financial_status,
                      fulfillment_status, cancelled, total_minor, refunded_minor, currency, snapshot, synced_at)
                    VALUES (\(bind: ws), \(bind: connection), '1', '#1', '1', 0, 'paid', 'unfulfilled', 0, 1000, 0, 'EUR', '{}', 0) RETURNING id
                    """).first()!.decode(column: "id", as: Int64.self)
                try await sql.raw("""
                    INSERT INTO revenue_credits (order_id, workspace_id, conversation_id, amount_minor, currency, placed_at)
                    VALUES (\(bind: order), \(bind: ws), \(bind: sold), 1000, 'EUR', 0)
                    """).run()
            }
            let counts = { () async throws -> String in try await harness.client.json(.get, "/api/v1/conversations?status=resolved", token: harness.ownerToken).text }
            #expect(try await counts().contains("\"id\":\(gone)"))
            let wrong = try await harness.client.json(.put, "/api/v1/workspace/retention", token: harness.ownerToken, body: #"{"months":12,"action":"shred"}"#)
            #expect(wrong.status == .unprocessableContent && wrong.text.contains("action"))
            let set = try await harness.client.json(.put, "/api/v1/workspace/retention", token: harness.ownerToken, body: #"{"months":12,"action":"delete"}"#)
            #expect(try set.string("action") == "delete")
            _ = try await harness.runJobs()

            #expect(try await harness.client.json(.get, "/api/v1/conversations/\(gone)", token: harness.ownerToken).status == .notFound)
            #expect(try await harness.client.json(.get, "/api/v1/attachments/\(fileID)", token: harness.ownerToken).status == .notFound)
            #expect(try await harness.services.files.store.exists(sha256: CustomerErasureTests.sha256(bytes)) == false, "the file's bytes are gone")
            let leftovers = try await harness.database.read { sql in
                var found: [String: Int] = [:]
                for table in ["messages", "events", "conversation_tags", "report_facts"] {
                    found[table] = try await sql.raw("SELECT COUNT(*) AS n FROM \(unsafeRaw: table) WHERE conversation_id = \(bind: gone)").first()?
                        .decode(column: "n", as: Int.self) ?? -1
                }
                return found
            }
            let strays = try await harness.database.read { sql in
                try await sql.raw("SELECT kind, payload FROM events WHERE conversation_id = \(bind: gone)").all()
                    .map { "\(try $0.decode(column: "kind", as: String.self)) \(try $0.decode(column: "payload", as: String.self))" }
            }
            #expect(leftovers.values.allSatisfy { $0 == 0 }, "\(leftovers) \(strays)")
            #expect(try await !counts().contains("\"id\":\(gone)"))
            // The one that brought revenue stays, without its words.
            let kept = try await harness.client.json(.get, "/api/v1/conversations/\(sold)/messages", token: harness.ownerToken)
            #expect(kept.status == .ok && !kept.text.contains("blue") && kept.items.count == 1, "\(kept.text)")
            // The views' counts no longer hold the deleted conversation.
            let views = try await harness.database.read { sql in
                try await sql.raw("SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) AS n FROM conversation_counts WHERE workspace_id = \(bind: ws) AND status = 'resolved'")
                    .first()?.decode(column: "n", as: Int.self) ?? -1
            }
            #expect(views == 1, "one resolved conversation is left")
            let log = try await harness.client.json(.get, "/api/v1/audit-log", token: harness.ownerToken).text
            #expect(log.contains("retention.deleted") && log.contains("Deleted 1 conversations"), "\(log)")
        }
    }
}
