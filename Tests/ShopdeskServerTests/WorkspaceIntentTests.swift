import Foundation
import ShopdeskCore
@testable import ShopdeskServer
import ShopdeskStore
import ShopdeskTestSupport
import Testing

/// What customers ask that no intent fits, seen as clusters, made an intent of the workspace by
/// an admin with a few examples, and learnt by the workspace's model.
@Suite("Workspace intents from unmatched topics")
struct WorkspaceIntentTests {
    static let giftWrapping = [
        "Can you gift wrap my order with a card?", "Please add gift wrapping to the parcel", "Could you do gift wrapping for my mum's present?",
        "Gift wrapping for order 1234 possible?", "I need gift wrapping and a small card", "Is there gift wrapping for the scarf?",
    ]

    @Test(arguments: TestDatabase.kinds)
    func anAdminTurnsAClusterIntoAnIntentAndTheModelLearnsIt(kind: DatabaseKind) async throws {
        try await Harness.run(kind, mode: .live) { harness in
            for (index, text) in Self.giftWrapping.enumerated() { try await harness.inbound(email: "g\(index)@example.com", text: text) }
            try await harness.inbound(email: "x@example.com", text: "Where is my order #1234?")
            let badDay = try await harness.client.json(.get, "/api/v1/reports/topics/unmatched?from=yesterday", token: harness.ownerToken)
            #expect(badDay.status == .badRequest && badDay.text.contains("2026-11-30"), "\(badDay.text)")
            let unmatched = try await harness.client.json(.get, "/api/v1/reports/topics/unmatched", token: harness.ownerToken)
            #expect(unmatched.status == .ok, "\(unmatched.text)")
            let cluster = try #require(unmatched.items.first { ($0["terms"] as? [String])?.contains("gift wrapping") == true }, "\(unmatched.text)")
            let ids = try #require(cluster["conversation_ids"] as? [Int])
            #expect(ids.count >= 4 && (cluster["examples"] as? [[String: Any]])?.first?["text"] as? String != nil, "\(cluster)")

            // Only admins make intents; a name of Shopdesk's own or a bad one is refused.
            let agent = try await harness.agent(role: .agent)
            let body = #"{"name":"gift_wrapping","label":"Gift wrapping","conversation_ids":\#(ids)}"#
            #expect(try await harness.client.json(.post, "/api/v1/intelligence/intents", token: agent.token, body: body).status == .forbidden)
            let shipped = try await harness.client.json(.post, "/api/v1/intelligence/intents", token: harness.ownerToken,
                                                        body: #"{"name":"order_status","label":"x","conversation_ids":\#(ids)}"#)
            #expect(shipped.status == .conflict, "\(shipped.text)")
            let bad = try await harness.client.json(.post, "/api/v1/intelligence/intents", token: harness.ownerToken,
                                                    body: #"{"name":"Gift Wrapping!","label":"x","conversation_ids":\#(ids)}"#)
            #expect(bad.status == .unprocessableContent, "\(bad.text)")
            let created = try await harness.client.json(.post, "/api/v1/intelligence/intents", token: harness.ownerToken, body: body)
            #expect(created.status == .created, "\(created.text)")
            #expect(try await harness.client.json(.post, "/api/v1/intelligence/intents", token: harness.ownerToken, body: body).status == .conflict)

            // It is one of the workspace's intents now: listed, in the rules' schema, and agents may label with it.
            let intents = try await harness.client.json(.get, "/api/v1/intelligence/intents", token: harness.ownerToken).items
            #expect(intents.contains { $0["name"] as? String == "gift_wrapping" && $0["label"] as? String == "Gift wrapping" && $0["built_in"] as? Bool == false })
            let schema = try await harness.client.json(.get, "/api/v1/rules/schema", token: harness.ownerToken)
            let field = (schema.fields["fields"] as? [[String: Any]])?.first { $0["name"] as? String == "intent" }
            #expect((field?["values"] as? [String])?.contains("gift_wrapping") == true, "\(schema.text.prefix(300))")
            let labelled = try await harness.client.json(.get, "/api/v1/conversations/\(ids[0])", token: harness.ownerToken)
            #expect(try labelled.string("intent") == "gift_wrapping")

            // The training was moved to now; run it as the job runner would, then a new message is classified with the intent.
            try await harness.runJobs(at: Date().addingTimeInterval(60))
            let models = try await harness.client.json(.get, "/api/v1/intelligence/models", token: harness.ownerToken)
            let report = try #require(models.items.first { ($0["report"] as? [String: Any])?["task"] as? String == "intent" }?["report"] as? [String: Any])
            #expect(report["adopted"] as? Bool == true, "\(report)")
            let next = try await harness.inbound(email: "new@example.com", text: "Do you do gift wrapping? It is for my sister")
            let messages = try await harness.client.json(.get, "/api/v1/conversations/\(try next.int("conversation_id"))/messages", token: harness.ownerToken)
            #expect((messages.items.first?["classification"] as? [String: Any])?["intent"] as? String == "gift_wrapping", "\(messages.text.prefix(400))")

            // Removed, it is no longer accepted, and the next training forgets it.
            #expect(try await harness.client.json(.delete, "/api/v1/intelligence/intents/gift_wrapping", token: harness.ownerToken).status == .noContent)
            let refused = try await harness.client.json(.patch, "/api/v1/conversations/\(ids[1])", token: harness.ownerToken, body: #"{"intent":"gift_wrapping"}"#)
            #expect(refused.status == .unprocessableContent)
        }
    }

    @Test(.enabled(if: Browser.shouldRun), .timeLimit(.minutes(10)))
    func anAdminMakesAnIntentFromTheReportsAndAnAgentCorrectsWithIt() async throws {
        try await Harness.run(.sqlite, mode: .live) { harness in
            var ids: [Int64] = []
            for (index, text) in Self.giftWrapping.enumerated() {
                ids.append(try await harness.inbound(email: "g\(index)@example.com", text: text).int("conversation_id"))
            }
            let port = try #require(harness.client.port)
            let first = ids[0]
            try await Browser.with { page in
                try await WebAppTests.signIn(page, harness, "http://127.0.0.1:\(port)/#/reports")
                let cluster = "document.querySelector('#report-unmatched li[data-terms^=\"gift wrapping\"]')"
                try await page.waitFor(cluster, "the gift-wrapping cluster")
                _ = try await page.evaluate("\(cluster).querySelector('.make-intent').click()")
                try await page.waitFor("\(cluster).querySelector('.intent-name')?.value === 'gift_wrapping'", "the form with a name")
                _ = try await page.evaluate("\(cluster).querySelector('.intent-label').value = 'Gift wrapping'")
                _ = try await page.evaluate("\(cluster).querySelector('form.intent-form').requestSubmit()")
                try await page.waitFor("\(cluster).querySelector('[role=status]')?.textContent.includes('Intent created from')", "the intent made")

                // An agent sees it on the conversation, by its label, and corrects another with it.
                try await page.navigate("http://127.0.0.1:\(port)/#/open/\(first)")
                try await page.waitFor("document.querySelector('#correct-intent')?.selectedOptions[0]?.textContent === 'Gift wrapping'", "the intent's label")
                let other = try await harness.inbound(email: "z@example.com", text: "Hello, I have a question").int("conversation_id")
                try await page.navigate("http://127.0.0.1:\(port)/#/open/\(other)")
                // The other conversation's panel (its intent is "other"), with the workspace's intent to choose.
                try await page.waitFor("document.querySelector('#correct-intent')?.value === 'other' && document.querySelector('#correct-intent option[value=gift_wrapping]')",
                                       "the other conversation's intent")
                _ = try await page.evaluate("""
                    (() => { const s = document.querySelector('#correct-intent'); s.value = 'gift_wrapping'; s.dispatchEvent(new Event('change')); return true })()
                    """)
                // The page stays open while the correction is saved.
                var intent: String?
                for _ in 0..<50 {
                    intent = try? await harness.client.json(.get, "/api/v1/conversations/\(other)", token: harness.ownerToken).string("intent")
                    if intent == "gift_wrapping" { break }
                    try await Task.sleep(for: .milliseconds(100))
                }
                #expect(intent == "gift_wrapping")
            }
        }
    }
}
