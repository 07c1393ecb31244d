import Foundation
import HTTPTypes
import HummingbirdTesting
import ShopdeskCore
@testable import ShopdeskServer
import ShopdeskStore
import ShopdeskTestSupport
import Testing

@Suite("SLA over the API")
struct SLAAPITests {
    func due(_ response: JSONResponse) throws -> Date? {
        guard let text = (response.body as? [String: Any])?["sla_due_at"] as? String else { return nil }
        return Timestamps.parse(text)
    }

    @Test("policies by condition set due times; replies stop them; the timer raises warnings and breaches rules act on",
          arguments: TestDatabase.kinds)
    func clocksWarningsAndBreaches(kind: DatabaseKind) async throws {
        try await Harness.run(kind) { harness in
            let token = harness.ownerToken
            let vip = try await harness.client.json(.post, "/api/v1/sla-policies", token: token, body: #"""
                {"name":"VIP","conditions":{"field":"customer.email_domain","op":"is","value":"vip.example"},
                 "first_response_minutes":15,"resolution_minutes":240,"business_hours":false,"warn_minutes":5}
                """#)
            #expect(vip.status == .created)
            _ = try await harness.client.json(.post, "/api/v1/sla-policies", token: token, body: #"""
                {"name":"Everyone","first_response_minutes":120,"next_response_minutes":60,"business_hours":false}
                """#)
            let invalid = try await harness.client.json(.post, "/api/v1/sla-policies", token: token, body: #"{"name":"Nothing"}"#)
            #expect(invalid.status == .unprocessableContent)
            _ = try await harness.client.json(.post, "/api/v1/rules", token: token, body: #"""
                {"name":"Breach escalates","triggers":["sla.breach"],"actions":[{"type":"set_priority","priority":"urgent"}]}
                """#)

            // Due times count from when each message arrived, somewhere between these two moments
            // (on a loaded CI machine the two requests have taken seconds).
            let before = Date().addingTimeInterval(-1)
            let vipID = try await harness.inbound(email: "ana@vip.example", text: "Hello?").int("conversation_id")
            let normalID = try await harness.inbound(email: "bo@example.com", text: "Hi there").int("conversation_id")
            let after = Date().addingTimeInterval(1)
            let vipConversation = try await harness.client.json(.get, "/api/v1/conversations/\(vipID)", token: token)
            let vipDue = try #require(try due(vipConversation))
            #expect(vipDue >= before.addingTimeInterval(15 * 60) && vipDue <= after.addingTimeInterval(15 * 60))
            let normalDue = try #require(try due(try await harness.client.json(.get, "/api/v1/conversations/\(normalID)", token: token)))
            #expect(normalDue >= before.addingTimeInterval(120 * 60) && normalDue <= after.addingTimeInterval(120 * 60))

            // The inbox sorted by SLA shows the VIP first.
            let sorted = try await harness.client.json(.get, "/api/v1/conversations?view=open&sort=sla", token: token).items
            #expect(sorted.compactMap { $0["id"] as? Int64 ?? ($0["id"] as? Int).map(Int64.init) } == [vipID, normalID])

            // A warning five minutes before, then the breach; the rule on breaches escalates.
            #expect(try await harness.runJobs(at: vipDue.addingTimeInterval(-4 * 60)) >= 1)
            var kinds = try await harness.client.json(.get, "/api/v1/conversations/\(vipID)/timeline", token: token).items.compactMap { $0["kind"] as? String }
            #expect(kinds.contains("sla.warning"))
            #expect(!kinds.contains("sla.breached"))
            #expect(try await harness.runJobs(at: vipDue.addingTimeInterval(60)) >= 1)
            kinds = try await harness.client.json(.get, "/api/v1/conversations/\(vipID)/timeline", token: token).items.compactMap { $0["kind"] as? String }
            #expect(kinds.filter { $0 == "sla.breached" }.count == 1)
            let escalated = try await harness.client.json(.get, "/api/v1/conversations/\(vipID)", token: token)
            #expect(try escalated.string("priority") == "urgent")
            #expect((escalated.body as? [String: Any])?["sla_breached"] as? Bool == true)
            // The resolution clock still runs.
            #expect(try due(escalated) != nil)

            // Replying stops the first-response clock; the customer's answer starts the next-response one.
            _ = try await harness.client.json(.post, "/api/v1/conversations/\(normalID)/messages", token: token, body: #"{"text":"On it!"}"#)
            #expect(try due(try await harness.client.json(.get, "/api/v1/conversations/\(normalID)", token: token)) == nil)
            let asked = Date().addingTimeInterval(-1)
            _ = try await harness.inbound(email: "bo@example.com", text: "Thanks, any news?")
            let answered = Date().addingTimeInterval(1)
            let waiting = try #require(try due(try await harness.client.json(.get, "/api/v1/conversations/\(normalID)", token: token)))
            #expect(waiting >= asked.addingTimeInterval(60 * 60) && waiting <= answered.addingTimeInterval(60 * 60))
            // Resolving stops everything.
            _ = try await harness.client.json(.patch, "/api/v1/conversations/\(vipID)", token: token, body: #"{"status":"resolved"}"#)
            #expect(try due(try await harness.client.json(.get, "/api/v1/conversations/\(vipID)", token: token)) == nil)
            let policies = try await harness.client.json(.get, "/api/v1/sla-policies", token: token).items
            #expect(policies.map { $0["name"] as? String } == ["VIP", "Everyone"])
        }
    }

    /// A rule's automatic acknowledgement is not a response: the first-response clock keeps
    /// running (and the conversation has no first response) until an agent writes.
    @Test(arguments: TestDatabase.kinds)
    func anAutomaticAcknowledgementDoesNotMeetTheFirstResponseTarget(kind: DatabaseKind) async throws {
        try await Harness.run(kind) { harness in
            let token = harness.ownerToken
            _ = try await harness.client.json(.post, "/api/v1/sla-policies", token: token,
                                              body: #"{"name":"Everyone","first_response_minutes":60,"business_hours":false}"#)
            let macro = try await harness.client.json(.post, "/api/v1/macros", token: token,
                                                      body: #"{"name":"Got it","body":"Thanks, we got your message and will answer soon."}"#).int("id")
            _ = try await harness.client.json(.post, "/api/v1/rules", token: token, body: """
                {"name":"Acknowledge","triggers":["conversation.created"],"actions":[{"type":"reply_with_macro","macro_id":\(macro)}]}
                """)
            let id = try await harness.inbound(email: "ana@example.com", text: "Where is my order?").int("conversation_id")
            let messages = try await harness.client.json(.get, "/api/v1/conversations/\(id)/messages", token: token).items
            #expect(messages.contains { $0["direction"] as? String == "outbound" && !($0["author_agent_id"] is Int) }, "the rule answered: \(messages)")
            let acknowledged = try await harness.client.json(.get, "/api/v1/conversations/\(id)", token: token)
            #expect(!((acknowledged.body as? [String: Any])?["first_response_at"] is String), "\(acknowledged.text)")
            #expect(try due(acknowledged) != nil, "the first-response clock still runs")

            _ = try await harness.client.json(.post, "/api/v1/conversations/\(id)/messages", token: token, body: #"{"text":"It ships today."}"#)
            let answered = try await harness.client.json(.get, "/api/v1/conversations/\(id)", token: token)
            #expect((answered.body as? [String: Any])?["first_response_at"] is String)
            #expect(try due(answered) == nil)
        }
    }

    @Test("a new policy reaches conversations that were already open, through the refresh job")
    func newPoliciesReachOpenConversations() async throws {
        try await Harness.run(.sqlite) { harness in
            let token = harness.ownerToken
            let id = try await harness.inbound(text: "Before any policy").int("conversation_id")
            _ = try await harness.client.json(.post, "/api/v1/sla-policies", token: token,
                                              body: #"{"name":"All","first_response_minutes":30,"business_hours":false}"#)
            #expect(try due(try await harness.client.json(.get, "/api/v1/conversations/\(id)", token: token)) == nil)
            #expect(try await harness.runJobs() >= 1)
            #expect(try due(try await harness.client.json(.get, "/api/v1/conversations/\(id)", token: token)) != nil)
        }
    }
}
