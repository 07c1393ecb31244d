import Foundation
import HTTPTypes
import HummingbirdTesting
import ShopdeskCore
@testable import ShopdeskServer
import ShopdeskStore
import ShopdeskTestSupport
import Testing

@Suite("Conversations over the API")
struct ConversationAPITests {
    @Test(arguments: TestDatabase.kinds)
    func inboundMessagesAreIdempotentByExternalID(kind: DatabaseKind) async throws {
        try await Harness.run(kind) { harness in
            let first = try await harness.inbound(externalID: "shop-42")
            #expect(first.status == .created)
            let again = try await harness.inbound(externalID: "shop-42")
            #expect(again.status == .ok)
            #expect(try again.int("message_id") == first.int("message_id"))
            #expect(try again.int("conversation_id") == first.int("conversation_id"))
            let messages = try await harness.client.json(.get, "/api/v1/conversations/\(try first.int("conversation_id"))/messages",
                                                         token: harness.ownerToken)
            #expect(messages.items.count == 1)
        }
    }

    @Test("the timeline leaves out the kinds of event asked to, on both databases", arguments: TestDatabase.kinds)
    func theTimelineLeavesOutKindsOfEvent(kind: DatabaseKind) async throws {
        try await Harness.run(kind) { harness in
            let id = try await harness.inbound().int("conversation_id")
            try await harness.inbound(text: "And another thing")
            _ = try await harness.client.json(.patch, "/api/v1/conversations/\(id)", token: harness.ownerToken, body: #"{"priority":"high"}"#)
            let everything = try await harness.client.json(.get, "/api/v1/conversations/\(id)/timeline", token: harness.ownerToken).items
            #expect(everything.filter { $0["kind"] as? String == "message.created" }.count == 2)
            let path = "/api/v1/conversations/\(id)/timeline?without=message.created,conversation.classified"
            let thread = try await harness.client.json(.get, path, token: harness.ownerToken).items.compactMap { $0["kind"] as? String }
            #expect(!thread.contains("message.created") && !thread.contains("conversation.classified"))
            #expect(thread.contains("conversation.updated") || thread.contains("conversation.priority_changed"), "\(thread)")
            #expect(thread.count < everything.count)
            let unknown = try await harness.client.json(.get, "/api/v1/conversations/\(id)/timeline?without=message.sent", token: harness.ownerToken)
            #expect(unknown.status == .badRequest && unknown.detail.contains("message.sent"), "\(unknown.text)")
        }
    }

    @Test func anEmptyChangeIsRefusedInWordsWithACodeTheAppTranslates() async throws {
        try await Harness.run(.sqlite) { harness in
            let id = try await harness.inbound().int("conversation_id")
            let empty = try await harness.client.json(.patch, "/api/v1/conversations/\(id)", token: harness.ownerToken, body: "{}")
            #expect(empty.status == .unprocessableContent && (try? empty.string("code")) == "nothing_to_change", "\(empty.text)")
            // Words for the agent reading the banner, not the API's field names.
            #expect(!empty.detail.contains("_id") && !empty.detail.contains("snooze_until"), "\(empty.detail)")
            let snooze = try await harness.client.json(.patch, "/api/v1/conversations/\(id)", token: harness.ownerToken, body: #"{"status":"snoozed"}"#)
            #expect(snooze.status == .unprocessableContent && !snooze.detail.contains("snooze_until") && (try? snooze.string("field")) == "snooze_until",
                    "\(snooze.text)")
        }
    }

    @Test func badInboundInputGetsAnActionableProblem() async throws {
        try await Harness.run(.sqlite) { harness in
            let path = "/api/v1/inboxes/\(harness.inboxID)/messages"
            let headers = ["X-Inbox-Token": harness.inboxToken]
            let notJSON = try await harness.client.json(.post, path, headers: headers, body: "{nope")
            #expect(notJSON.status == .badRequest)
            #expect(notJSON.headers[.contentType] == "application/problem+json")
            let missing = try await harness.client.json(.post, path, headers: headers, body: #"{"customer":{"email":"a@example.com"}}"#)
            #expect(missing.status == .badRequest)
            #expect(missing.detail.contains("`text`"))
            let anonymous = try await harness.client.json(.post, path, headers: headers, body: #"{"customer":{"name":"Nobody"},"text":"hi"}"#)
            #expect(anonymous.status == .unprocessableContent)
            let badEmail = try await harness.client.json(.post, path, headers: headers, body: #"{"customer":{"email":"not-an-email"},"text":"hi"}"#)
            #expect(badEmail.status == .unprocessableContent)
            #expect(badEmail.detail.contains("not an email"))
            let wrongToken = try await harness.client.json(.post, path, headers: ["X-Inbox-Token": "sdi_wrong"],
                                                           body: #"{"customer":{"email":"a@example.com"},"text":"hi"}"#)
            #expect(wrongToken.status == .unauthorized)
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func agentWorkflowFromInboxToResolution(kind: DatabaseKind) async throws {
        try await Harness.run(kind) { harness in
            let id = try await harness.inbound(text: "Paket je stigao oštećen").int("conversation_id")
            let token = harness.ownerToken
            let patched = try await harness.client.json(.patch, "/api/v1/conversations/\(id)", token: token, body: """
                {"assignee_id":\(harness.owner.id),"priority":"urgent","add_tags":["Damaged"]}
                """)
            #expect(patched.status == .ok)
            #expect(try patched.int("assignee_id") == harness.owner.id.rawValue)
            #expect(try patched.string("priority") == "urgent")

            let reply = try await harness.client.json(.post, "/api/v1/conversations/\(id)/messages", token: token,
                                                      body: #"{"text":"Žao nam je! Šaljemo novi."}"#)
            #expect(reply.status == .created)
            #expect(try reply.string("delivery_status") == "queued")
            let note = try await harness.client.json(.post, "/api/v1/conversations/\(id)/messages", token: token,
                                                     body: #"{"text":"Check with the courier","private":true}"#)
            #expect(try note.string("direction") == "note")
            #expect((note.body as? [String: Any])?["delivery_status"] == nil)

            #expect(try await harness.runJobs() == 1)
            let messages = try await harness.client.json(.get, "/api/v1/conversations/\(id)/messages", token: token)
            #expect(messages.items.compactMap { $0["delivery_status"] as? String } == ["sent"])

            let snoozeInPast = try await harness.client.json(.patch, "/api/v1/conversations/\(id)", token: token,
                                                             body: #"{"status":"snoozed","snooze_until":"2001-01-01T00:00:00Z"}"#)
            #expect(snoozeInPast.status == .unprocessableContent)
            let until = Timestamps.iso8601(Date().addingTimeInterval(3600))
            let snoozed = try await harness.client.json(.patch, "/api/v1/conversations/\(id)", token: token, body: #"{"snooze_until":"\#(until)"}"#)
            #expect(try snoozed.string("status") == "snoozed")
            // The timer is a job: it does nothing before its time and reopens after.
            #expect(try await harness.runJobs(at: Date()) == 0)
            #expect(try await harness.runJobs(at: Date().addingTimeInterval(3601)) == 1)
            let woken = try await harness.client.json(.get, "/api/v1/conversations/\(id)", token: token)
            #expect(try woken.string("status") == "open")

            let resolved = try await harness.client.json(.patch, "/api/v1/conversations/\(id)", token: token, body: #"{"status":"resolved"}"#)
            #expect(try resolved.string("status") == "resolved")
            let timeline = try await harness.client.json(.get, "/api/v1/conversations/\(id)/timeline", token: token)
            let kinds = timeline.items.compactMap { $0["kind"] as? String }
            #expect(kinds.first == "conversation.created")
            #expect(kinds.contains("conversation.assignee_changed"))
            #expect(kinds.filter { $0 == "conversation.status_changed" }.count == 3)
            let statusBy = timeline.items.last { ($0["kind"] as? String) == "conversation.status_changed" }?["actor"] as? [String: Any]
            #expect((statusBy?["id"] as? NSNumber)?.int64Value == harness.owner.id.rawValue)
        }
    }

    @Test func listFiltersViewsAndCursor() async throws {
        try await Harness.run(.sqlite) { harness in
            var ids: [Int64] = []
            for index in 0..<5 { ids.append(try await harness.inbound(email: "c\(index)@example.com").int("conversation_id")) }
            _ = try await harness.client.json(.patch, "/api/v1/conversations/\(ids[0])", token: harness.ownerToken,
                                              body: #"{"assignee_id":\#(harness.owner.id)}"#)
            _ = try await harness.client.json(.patch, "/api/v1/conversations/\(ids[1])", token: harness.ownerToken, body: #"{"status":"pending"}"#)
            let mine = try await harness.client.json(.get, "/api/v1/conversations?view=mine", token: harness.ownerToken)
            #expect(mine.items.compactMap { ($0["id"] as? NSNumber)?.int64Value } == [ids[0]])
            let counts = try mine.object("counts")
            #expect(try counts.int("open") == 4)
            #expect(try counts.int("pending") == 1)
            #expect(try counts.int("unassigned") == 3)

            var seen: [Int64] = []
            var cursor: String?
            repeat {
                let path = "/api/v1/conversations?limit=2" + (cursor.map { "&cursor=\($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)" } ?? "")
                let page = try await harness.client.json(.get, path, token: harness.ownerToken)
                seen += page.items.compactMap { ($0["id"] as? NSNumber)?.int64Value }
                cursor = (page.body as? [String: Any])?["next_cursor"] as? String
            } while cursor != nil
            #expect(seen == ids.reversed())

            let badView = try await harness.client.json(.get, "/api/v1/conversations?view=everything", token: harness.ownerToken)
            #expect(badView.status == .badRequest)
            #expect(badView.detail.contains("mine"))
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func mergeAndSearchOverTheAPI(kind: DatabaseKind) async throws {
        try await Harness.run(kind) { harness in
            let a = try await harness.inbound(email: "a@example.com", text: "Где мой заказ?").int("conversation_id")
            let b = try await harness.inbound(email: "b@example.com", text: "Promjena adrese za narudžbu").int("conversation_id")
            let merged = try await harness.client.json(.post, "/api/v1/conversations/\(a)/merge", token: harness.ownerToken, body: #"{"into":\#(b)}"#)
            #expect(merged.status == .ok)
            #expect(try merged.int("message_count") == 2)
            let source = try await harness.client.json(.get, "/api/v1/conversations/\(a)", token: harness.ownerToken)
            #expect(try source.int("merged_into") == b)
            let search = try await harness.client.json(.get, "/api/v1/search?q=заказ", token: harness.ownerToken)
            #expect(search.items.compactMap { ($0["id"] as? NSNumber)?.int64Value } == [b])
            let narudzba = try await harness.client.json(.get, "/api/v1/search?q=NARUDZBU", token: harness.ownerToken)
            #expect(narudzba.items.count == 1)
            #expect(try await harness.client.json(.get, "/api/v1/search?q=", token: harness.ownerToken).status == .badRequest)
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func bulkChangesApplyToEachVisibleConversationAndReportTheRest(kind: DatabaseKind) async throws {
        try await Harness.run(kind) { harness in
            let a = try await harness.inbound(email: "a@example.com").int("conversation_id")
            let b = try await harness.inbound(email: "b@example.com").int("conversation_id")
            let c = try await harness.inbound(email: "c@example.com").int("conversation_id")
            let body = #"{"ids":[\#(a),\#(b),999999,\#(a)],"changes":{"status":"resolved","assignee_id":\#(harness.owner.id.rawValue),"add_tags":["bulk"]}}"#
            let answer = try await harness.client.json(.post, "/api/v1/conversations/bulk", token: harness.ownerToken, body: body)
            #expect(answer.status == .ok)
            let object = try #require(answer.body as? [String: Any])
            #expect((object["updated"] as? [NSNumber])?.map(\.int64Value) == [a, b])
            let failed = try #require(object["failed"] as? [[String: Any]])
            #expect(failed.count == 1)
            #expect((failed.first?["id"] as? NSNumber)?.int64Value == 999999)
            #expect((failed.first?["detail"] as? String)?.contains("not found") == true)
            for id in [a, b] {
                let conversation = try await harness.client.json(.get, "/api/v1/conversations/\(id)", token: harness.ownerToken)
                #expect(try conversation.string("status") == "resolved")
                #expect(((conversation.body as? [String: Any])?["tags"] as? [String]) == ["bulk"])
            }
            let untouched = try await harness.client.json(.get, "/api/v1/conversations/\(c)", token: harness.ownerToken)
            #expect(try untouched.string("status") == "open")
            let list = try await harness.client.json(.get, "/api/v1/conversations?view=open", token: harness.ownerToken)
            #expect(((list.body as? [String: Any])?["counts"] as? [String: Any])?["resolved"] as? Int == 2)

            // Viewers cannot, and nonsense is refused with a reason.
            let viewer = try await harness.agent(role: .viewer)
            #expect(try await harness.client.json(.post, "/api/v1/conversations/bulk", token: viewer.token, body: body).status == .forbidden)
            let empty = try await harness.client.json(.post, "/api/v1/conversations/bulk", token: harness.ownerToken,
                                                      body: #"{"ids":[],"changes":{"status":"resolved"}}"#)
            #expect(empty.status == .unprocessableContent)
            #expect(empty.detail.contains("between 1 and 500"))
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func conversationsAreUnreadPerAgentUntilOpenedAndAgainWhenTheCustomerWrites(kind: DatabaseKind) async throws {
        try await Harness.run(kind) { harness in
            let id = try await harness.inbound(email: "u@example.com", text: "First").int("conversation_id")
            let colleague = try await harness.agent(role: .admin)
            func unread(_ token: String) async throws -> Bool? {
                let list = try await harness.client.json(.get, "/api/v1/conversations?view=open", token: token)
                return list.items.first { ($0["id"] as? NSNumber)?.int64Value == id }?["unread"] as? Bool
            }
            #expect(try await unread(harness.ownerToken) == true)
            let read = try await harness.client.json(.post, "/api/v1/conversations/\(id)/read", token: harness.ownerToken)
            #expect(read.status == .noContent)
            #expect(try await unread(harness.ownerToken) == false)
            #expect(try await unread(colleague.token) == true)   // read markers are per agent

            try await harness.inbound(email: "u@example.com", text: "Second")
            #expect(try await unread(harness.ownerToken) == true)
            _ = try await harness.client.json(.post, "/api/v1/conversations/\(id)/messages", token: harness.ownerToken, body: #"{"text":"On it"}"#)
            #expect(try await unread(harness.ownerToken) == false)   // the agent wrote last
            #expect(try await harness.client.json(.post, "/api/v1/conversations/999999/read", token: harness.ownerToken).status == .notFound)
        }
    }
}
