import Foundation
import ShopdeskCore
@testable import ShopdeskServer
import ShopdeskStore
import ShopdeskTestSupport
import Testing

/// The summary at the top of a long conversation: the customer's own words, what was done, what is open.
@Suite("Conversation summary", .serialized)
struct ConversationSummaryTests {
    /// A conversation of six messages (four from the customer) whose last one, a new question, is unanswered.
    static func longConversation(_ harness: Harness) async throws -> Int64 {
        let first = try await harness.inbound(email: "lena@example.com",
                                              text: "Hi. The jacket I ordered arrived torn at the sleeve. Can I get a refund for the jacket?")
        let id = try first.int("conversation_id")
        try await harness.inbound(email: "lena@example.com", text: "It was the blue one, size M.")
        for (reply, customer) in [("Sorry to hear that! Could you send a photo?", "Here is the photo of the torn sleeve."),
                                  ("Thank you, we will refund the jacket today.", "Will the refund go to my card or to store credit?")] {
            let body = String(decoding: try JSONSerialization.data(withJSONObject: ["text": reply]), as: UTF8.self)
            #expect(try await harness.client.json(.post, "/api/v1/conversations/\(id)/messages", token: harness.ownerToken, body: body).status == .created)
            try await harness.inbound(email: "lena@example.com", text: customer)
        }
        return id
    }

    @Test(arguments: TestDatabase.kinds)
    func wantsDoneAndOpen(kind: DatabaseKind) async throws {
        try await Harness.run(kind, mode: .live) { harness in
            let id = try await Self.longConversation(harness)
            let summary = try await harness.client.json(.get, "/api/v1/conversations/\(id)/summary", token: harness.ownerToken)
            #expect(summary.status == .ok, "\(summary.text)")
            #expect(try summary.bool("worth_showing"))
            let wants = (summary.body as? [String: Any])?["wants"] as? [String] ?? []
            #expect(wants == ["The jacket I ordered arrived torn at the sleeve.", "Can I get a refund for the jacket?"], "\(summary.text)")
            let done = try summary.list("done")
            #expect(done.first?["kind"] as? String == "replied" && (done.first?["detail"] as? [String: String])?["count"] == "2", "\(summary.text)")
            let open = try #require(try summary.list("open").first { $0["kind"] as? String == "awaiting_reply" }, "\(summary.text)")
            #expect((open["detail"] as? [String: String])?["question"] == "Will the refund go to my card or to store credit?", "\(summary.text)")

            // A short conversation is not worth a summary of its own; another workspace cannot read one.
            let short = try await harness.inbound(email: "short@example.com", text: "Do you ship to Iceland?")
            let brief = try await harness.client.json(.get, "/api/v1/conversations/\(try short.int("conversation_id"))/summary", token: harness.ownerToken)
            #expect(try brief.bool("worth_showing") == false)
            let stranger = try await harness.stranger()
            #expect(try await harness.client.json(.get, "/api/v1/conversations/\(id)/summary", token: stranger.token).status == .notFound)
        }
    }

    @Test(.enabled(if: Browser.shouldRun), .timeLimit(.minutes(10)))
    func theAgentReadsItAtTheTop() async throws {
        try await Harness.run(.sqlite, mode: .live) { harness in
            let port = try #require(harness.client.port)
            let id = try await Self.longConversation(harness)
            try await Browser.with { page in
                try await WebAppTests.signIn(page, harness, "http://127.0.0.1:\(port)/#/open/\(id)")
                try await page.waitFor("document.querySelector('#summary-card')?.innerText.includes('Can I get a refund for the jacket?')", "the summary")
                let text = try await page.evaluate("document.querySelector('#summary-card').innerText") as? String ?? ""
                #expect(text.contains("The customer wants") && text.contains("2 replies from agents") && text.contains("store credit"), "\(text)")
            }
        }
    }
}
