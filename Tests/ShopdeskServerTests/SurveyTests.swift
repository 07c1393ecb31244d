import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import ShopdeskCore
@testable import ShopdeskServer
import ShopdeskStore
import ShopdeskTestSupport
import Testing

@Suite("Surveys after resolution")
struct SurveyTests {
    /// Resolves the conversation, runs the survey job and returns the link's path from the message.
    func surveyLink(_ harness: Harness, _ id: Int64) async throws -> String {
        _ = try await harness.client.json(.patch, "/api/v1/conversations/\(id)", token: harness.ownerToken, body: #"{"status":"resolved"}"#)
        _ = try await harness.runJobs()
        let messages = try await harness.client.json(.get, "/api/v1/conversations/\(id)/messages", token: harness.ownerToken).items
        let text = try #require(messages.compactMap { $0["text"] as? String }.first { $0.contains("/survey/sds_") })
        let range = try #require(text.range(of: "/survey/sds_"))
        return String(text[range.lowerBound...]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func post(_ harness: Harness, _ path: String, _ form: String) async throws -> String {
        try await harness.client.execute(uri: path, method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                                         body: ByteBuffer(string: form)) { String(buffer: $0.body) }
    }

    @Test("a CSAT survey goes out on the channel once; the first score counts; a detractor reopens and escalates",
          arguments: TestDatabase.kinds)
    func csatWithDetractorRule(kind: DatabaseKind) async throws {
        try await Harness.run(kind) { harness in
            let token = harness.ownerToken
            let bad = try await harness.client.json(.put, "/api/v1/surveys/settings", token: token,
                                                    body: #"{"settings":{"kind":"csat","review_url":"ftp://x"}}"#)
            #expect(bad.status == .unprocessableContent)
            _ = try await harness.client.json(.put, "/api/v1/surveys/settings", token: token, body: #"{"settings":{"kind":"csat"}}"#)
            _ = try await harness.client.json(.post, "/api/v1/rules", token: token, body: #"""
                {"name":"Unhappy customers","triggers":["survey.answered"],"conditions":{"field":"survey_score","op":"lte","value":2},
                 "actions":[{"type":"set_status","status":"open"},{"type":"set_priority","priority":"urgent"}]}
                """#)
            let id = try await harness.inbound(text: "My order never came").int("conversation_id")
            let path = try await surveyLink(harness, id)
            let page = try await harness.client.execute(uri: path, method: .get) { String(buffer: $0.body) }
            #expect(page.contains("How did we do?"))
            #expect(page.contains(#"value="5""#))
            #expect(!page.contains(#"value="0""#))
            let invalid = try await post(harness, path, "score=9")
            #expect(invalid.contains("Choose a score from 1 to 5"))
            let answered = try await post(harness, path, "score=1&comment=Nobody+answered+%3Cscript%3E")
            #expect(answered.contains("Thank you"))
            #expect(answered.contains("&lt;script&gt;"))
            #expect(!answered.contains("<script>"))
            let changed = try await post(harness, path, "score=5")
            #expect(changed.contains("already answered"))
            let conversation = try await harness.client.json(.get, "/api/v1/conversations/\(id)", token: token)
            #expect(try conversation.string("status") == "open")
            #expect(try conversation.string("priority") == "urgent")
            let timeline = try await harness.client.json(.get, "/api/v1/conversations/\(id)/timeline", token: token).items
            #expect(timeline.filter { $0["kind"] as? String == "survey.answered" }.count == 1)
            // Resolved again: no second survey.
            _ = try await harness.client.json(.patch, "/api/v1/conversations/\(id)", token: token, body: #"{"status":"resolved"}"#)
            _ = try await harness.runJobs()
            let messages = try await harness.client.json(.get, "/api/v1/conversations/\(id)/messages", token: token).items
            #expect(messages.filter { ($0["text"] as? String)?.contains("/survey/") == true }.count == 1)
            let summary = try await harness.client.json(.get, "/api/v1/surveys", token: token)
            #expect(try summary.int("answered") == 1)
            #expect((summary.body as? [String: Any])?["csat_average"] as? Double == 1)
            let wrong = try await harness.client.execute(uri: "/survey/sds_nonsense", method: .get) { $0.status }
            #expect(wrong == .notFound)
        }
    }

    @Test("an NPS promoter gets a review request with the shop's review link; a quick reopen withdraws the survey",
          arguments: TestDatabase.kinds)
    func npsPromoterAndWithdrawal(kind: DatabaseKind) async throws {
        try await Harness.run(kind) { harness in
            let token = harness.ownerToken
            _ = try await harness.client.json(.put, "/api/v1/surveys/settings", token: token,
                                              body: #"{"settings":{"kind":"nps","review_url":"https://reviews.example/shop"}}"#)
            let macro = try await harness.client.json(.post, "/api/v1/macros", token: token, body: #"""
                {"name":"Review request","body":"Thank you! Would you tell others? {{workspace.review_url}}"}
                """#).int("id")
            _ = try await harness.client.json(.post, "/api/v1/rules", token: token, body: #"""
                {"name":"Promoters","triggers":["survey.answered"],"conditions":{"field":"survey_score","op":"gte","value":9},
                 "actions":[{"type":"reply_with_macro","macro_id":\#(macro)}]}
                """#)
            let id = try await harness.inbound(text: "Thanks for the help").int("conversation_id")
            let path = try await surveyLink(harness, id)
            #expect(try await post(harness, path, "score=10").contains("Thank you"))
            let messages = try await harness.client.json(.get, "/api/v1/conversations/\(id)/messages", token: token).items
            #expect(messages.contains { $0["text"] as? String == "Thank you! Would you tell others? https://reviews.example/shop" })
            #expect(try await harness.client.json(.get, "/api/v1/surveys", token: token).int("answered") == 1)

            // A delay, and the customer writes again before it passes: no survey.
            _ = try await harness.client.json(.put, "/api/v1/surveys/settings", token: token,
                                              body: #"{"settings":{"kind":"nps","delay_minutes":60}}"#)
            let other = try await harness.inbound(email: "again@example.com", text: "Question").int("conversation_id")
            _ = try await harness.client.json(.patch, "/api/v1/conversations/\(other)", token: token, body: #"{"status":"resolved"}"#)
            let reply = #"{"customer":{"email":"again@example.com"},"text":"One more thing","conversation_id":\#(other)}"#
            _ = try await harness.client.json(.post, "/api/v1/inboxes/\(harness.inboxID)/messages",
                                              headers: ["X-Inbox-Token": harness.inboxToken], body: reply)
            #expect(try await harness.client.json(.get, "/api/v1/conversations/\(other)", token: token).string("status") == "open")
            _ = try await harness.runJobs(at: Date().addingTimeInterval(2 * 3600))
            let otherMessages = try await harness.client.json(.get, "/api/v1/conversations/\(other)/messages", token: token).items
            #expect(!otherMessages.contains { ($0["text"] as? String)?.contains("/survey/") == true })
        }
    }
}

@Suite("Surveys in the chat widget")
struct WidgetSurveyTests {
    @Test func aChatVisitorAnswersInline() async throws {
        try await Harness.run(.sqlite) { harness in
            let chat = try await ChatFixture.make(harness)
            _ = try await harness.client.json(.put, "/api/v1/surveys/settings", token: harness.ownerToken, body: #"{"settings":{"kind":"csat"}}"#)
            let visitor = try await chat.visitorToken()
            let id = try await chat.send(visitor, "Do you ship to Split?").int("conversation_id")
            let none = try await harness.client.json(.get, "/api/v1/widget/survey", headers: ["X-Visitor-Token": visitor])
            #expect(none.status == .ok)
            #expect((none.body as? [String: Any]).map { $0["survey"] == nil || $0["survey"] is NSNull } == true)
            _ = try await harness.client.json(.patch, "/api/v1/conversations/\(id)", token: harness.ownerToken, body: #"{"status":"resolved"}"#)
            _ = try await harness.runJobs()
            let offered = try await harness.client.json(.get, "/api/v1/widget/survey", headers: ["X-Visitor-Token": visitor])
            #expect(try offered.object("survey").string("kind") == "csat")
            let answered = try await harness.client.json(.post, "/api/v1/widget/survey", headers: ["X-Visitor-Token": visitor],
                                                         body: #"{"score":4}"#)
            #expect(try answered.object("survey").int("score") == 4)
            let stranger = try await harness.client.json(.get, "/api/v1/widget/survey", headers: ["X-Visitor-Token": "sdv_guess"])
            #expect(stranger.status == .unauthorized)
        }
    }
}
