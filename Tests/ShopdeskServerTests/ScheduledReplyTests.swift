import Foundation
import HTTPTypes
import HummingbirdTesting
import ShopdeskCore
@testable import ShopdeskServer
import ShopdeskStore
import ShopdeskTestSupport
import Testing

/// "Send later": a reply written now leaves once, at its time, through the ordinary reply path;
/// taken back before, it never leaves; bad times are refused in words.
@Suite("Send later")
struct ScheduledReplyTests {
    static func outbound(_ harness: Harness, _ id: Int64) async throws -> [[String: Any]] {
        try await harness.client.json(.get, "/api/v1/conversations/\(id)/messages", token: harness.ownerToken).items
            .filter { $0["direction"] as? String == "outbound" }
    }

    @Test(arguments: TestDatabase.kinds)
    func aScheduledReplyLeavesOnceAtItsTimeAndCanBeTakenBackBefore(kind: DatabaseKind) async throws {
        try await Harness.run(kind) { harness in
            let token = harness.ownerToken
            let id = try await harness.inbound(text: "When does my parcel ship?").int("conversation_id")
            let at = Date().addingTimeInterval(3600)
            let iso = { (date: Date) in ISO8601DateFormatter().string(from: date) }
            let created = try await harness.client.json(.post, "/api/v1/conversations/\(id)/scheduled-replies", token: token,
                                                        body: #"{"text":"It ships tomorrow morning.","send_at":"\#(iso(at))"}"#)
            #expect(created.status == .created && (try? created.string("status")) == "scheduled", "\(created.text)")
            let replyID = try created.int("id")
            #expect(try await Self.outbound(harness, id).isEmpty, "nothing reaches the customer before its time")
            #expect(try await harness.client.json(.get, "/api/v1/conversations/\(id)/scheduled-replies", token: token).items.count == 1)

            // Its time comes: it leaves as the agent's reply, once, however often the job runs.
            try await harness.runJobs(at: at.addingTimeInterval(1))
            try await harness.services.conversations.sendScheduledReply(workspaceID: harness.workspaceID, id: replyID)
            let sent = try await Self.outbound(harness, id)
            #expect(sent.count == 1 && sent.first?["text"] as? String == "It ships tomorrow morning.")
            #expect(sent.first?["author_agent_id"] as? Int == Int(harness.owner.id.rawValue))
            #expect(try await harness.client.json(.get, "/api/v1/conversations/\(id)/scheduled-replies", token: token).items.isEmpty)
            let late = try await harness.client.json(.delete, "/api/v1/scheduled-replies/\(replyID)", token: token)
            #expect(late.status == .conflict && (try? late.string("code")) == "already_sent", "\(late.text)")

            // Taken back before its time: it never leaves.
            let second = try await harness.client.json(.post, "/api/v1/conversations/\(id)/scheduled-replies", token: token,
                                                       body: #"{"text":"Actually, today.","send_at":"\#(iso(at.addingTimeInterval(3600)))"}"#)
            let cancelled = try await harness.client.json(.delete, "/api/v1/scheduled-replies/\(try second.int("id"))", token: token)
            #expect(cancelled.status == .noContent)
            try await harness.runJobs(at: at.addingTimeInterval(7200))
            #expect(try await Self.outbound(harness, id).count == 1)

            // Times that cannot be: in the past, more than a year ahead; and an empty reply.
            for (body, field, code) in [(#"{"text":"Hi","send_at":"\#(iso(Date().addingTimeInterval(-60)))"}"#, "send_at", "schedule_in_past"),
                                        (#"{"text":"Hi","send_at":"\#(iso(Date().addingTimeInterval(400 * 86_400)))"}"#, "send_at", "schedule_too_far"),
                                        (#"{"text":" ","send_at":"\#(iso(at))"}"#, "text", "message_empty")] {
                let refused = try await harness.client.json(.post, "/api/v1/conversations/\(id)/scheduled-replies", token: token, body: body)
                #expect(refused.status == .unprocessableContent && (try? refused.string("field")) == field, "\(refused.text)")
                #expect((try? refused.string("code")) == code, "a code the app words in the agent's language: \(refused.text)")
            }
        }
    }

    @Test func aReplyThatCanNoLongerLeaveSaysWhyAndAViewerCannotSchedule() async throws {
        try await Harness.run(.sqlite) { harness in
            let id = try await harness.inbound().int("conversation_id")
            let at = Date().addingTimeInterval(600)
            let created = try await harness.client.json(.post, "/api/v1/conversations/\(id)/scheduled-replies", token: harness.ownerToken,
                                                        body: #"{"text":"See the file.","send_at":"\#(ISO8601DateFormatter().string(from: at))","attachment_ids":[]}"#)
            // By the time it is due, a file it names is gone.
            _ = try await harness.database.write { sql in
                try await sql.raw("UPDATE scheduled_replies SET attachment_ids = '[999999]' WHERE id = \(bind: try created.int("id"))").run()
            }
            try await harness.runJobs(at: at.addingTimeInterval(1))
            let listed = try await harness.client.json(.get, "/api/v1/conversations/\(id)/scheduled-replies", token: harness.ownerToken).items
            #expect(listed.first?["status"] as? String == "failed" && (listed.first?["error"] as? String)?.contains("999999") == true, "\(listed)")
            #expect(try await Self.outbound(harness, id).isEmpty)
            let viewer = try await harness.agent(role: .viewer)
            let refused = try await harness.client.json(.post, "/api/v1/conversations/\(id)/scheduled-replies", token: viewer.token,
                                                        body: #"{"text":"Hi","send_at":"\#(ISO8601DateFormatter().string(from: at))"}"#)
            #expect(refused.status == .forbidden)
        }
    }
}
