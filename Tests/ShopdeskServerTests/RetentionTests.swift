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
}
