import Foundation
import ShopdeskCore
@testable import ShopdeskServer
import ShopdeskStore
import ShopdeskTestSupport
import Testing

/// Replies suggested from the team's own answers, in the customer's language, with this
/// customer's name filled in; in the API and in a browser.
@Suite("Suggested replies", .serialized)
struct ReplySuggestionsTests {
    /// Two resolved conversations (a Croatian and an English one, both about a late order) and
    /// a new Croatian question from another customer; returns the ids of the Croatian source and the question.
    static func setUp(_ harness: Harness) async throws -> (source: Int64, question: Int64) {
        func inbound(_ name: String, _ email: String, _ text: String) async throws -> Int64 {
            let body = try JSONSerialization.data(withJSONObject: ["customer": ["email": email, "name": name], "text": text])
            let answer = try await harness.client.json(.post, "/api/v1/inboxes/\(harness.inboxID)/messages", headers: ["X-Inbox-Token": harness.inboxToken],
                                                       body: String(decoding: body, as: UTF8.self))
            return try answer.int("conversation_id")
        }
        func answer(_ id: Int64, _ text: String) async throws {
            let body = String(decoding: try JSONSerialization.data(withJSONObject: ["text": text]), as: UTF8.self)
            #expect(try await harness.client.json(.post, "/api/v1/conversations/\(id)/messages", token: harness.ownerToken, body: body).status == .created)
            #expect(try await harness.client.json(.patch, "/api/v1/conversations/\(id)", token: harness.ownerToken, body: #"{"status":"resolved"}"#).status == .ok)
        }
        let source = try await inbound("Ana Horvat", "ana@example.hr", "Bok, gdje je moja narudžba? Još nije stigla.")
        try await answer(source, "Bok Ana, vaša narudžba je poslana jučer i stiže za dva dana. Lijep pozdrav, Olivia")
        let english = try await inbound("John Smith", "john@example.com", "Hi, where is my order? It has not arrived yet.")
        try await answer(english, "Hi John, your order shipped yesterday.")
        let question = try await inbound("Marko Kovač", "marko@example.hr", "Pozdrav, gdje je moja narudžba? Nije još stigla.")
        return (source, question)
    }

    @Test(arguments: TestDatabase.kinds)
    func aCroatianQuestionGetsTheTeamsCroatianAnswerForThisCustomer(kind: DatabaseKind) async throws {
        try await Harness.run(kind, mode: .live) { harness in
            let (source, question) = try await Self.setUp(harness)
            let answer = try await harness.client.json(.get, "/api/v1/conversations/\(question)/replies", token: harness.ownerToken)
            #expect(answer.status == .ok, "\(answer.text)")
            let first = try #require(answer.items.first, "\(answer.text)")
            #expect(first["text"] as? String == "Bok Marko, vaša narudžba je poslana jučer i stiže za dva dana. Lijep pozdrav, Olivia", "\(answer.text)")
            #expect(first["source_conversation_id"] as? Int == Int(source))
            #expect(!answer.text.contains("John") && !answer.text.contains("shipped"), "no English answer to a Croatian customer: \(answer.text)")
            // Another workspace cannot ask for this conversation's suggestions.
            let stranger = try await harness.stranger()
            #expect(try await harness.client.json(.get, "/api/v1/conversations/\(question)/replies", token: stranger.token).status == .notFound)
        }
    }

    /// An agent who may not see an inbox gets no suggestion from its conversations: a reply
    /// suggested is another customer's conversation shown.
    @Test(arguments: TestDatabase.kinds)
    func suggestionsComeOnlyFromInboxesTheAgentSees(kind: DatabaseKind) async throws {
        try await Harness.run(kind, mode: .live) { harness in
            _ = try await Self.setUp(harness)
            let created = try await harness.client.json(.post, "/api/v1/inboxes", token: harness.ownerToken, body: #"{"name":"Wholesale"}"#)
            let wholesale = try created.object("inbox").int("id")
            let agent = try await harness.agent(role: .agent)
            _ = try await harness.client.json(.put, "/api/v1/inboxes/\(harness.inboxID)/members", token: harness.ownerToken,
                                              body: #"{"member_ids":[\#(harness.owner.id)]}"#)
            _ = try await harness.client.json(.put, "/api/v1/inboxes/\(wholesale)/members", token: harness.ownerToken,
                                              body: #"{"member_ids":[\#(harness.owner.id),\#(agent.id)]}"#)
            let body = try JSONSerialization.data(withJSONObject: ["customer": ["email": "iva@example.hr", "name": "Iva Babić"],
                                                                   "text": "Dobar dan, gdje je moja narudžba? Nije stigla."])
            let asked = try await harness.client.json(.post, "/api/v1/inboxes/\(wholesale)/messages",
                                                      headers: ["X-Inbox-Token": try created.string("token")], body: String(decoding: body, as: UTF8.self))
            let question = try asked.int("conversation_id")
            let forAgent = try await harness.client.json(.get, "/api/v1/conversations/\(question)/replies", token: agent.token)
            #expect(forAgent.status == .ok && forAgent.items.isEmpty, "the answer lives in an inbox the agent does not see: \(forAgent.text)")
            let forOwner = try await harness.client.json(.get, "/api/v1/conversations/\(question)/replies", token: harness.ownerToken)
            #expect((forOwner.items.first?["text"] as? String)?.hasPrefix("Bok Iva,") == true, "\(forOwner.text)")
        }
    }

    @Test(.enabled(if: Browser.shouldRun), .timeLimit(.minutes(10)))
    func anAgentPutsTheSuggestionIntoTheComposerWithOneKey() async throws {
        try await Harness.run(.sqlite, mode: .live) { harness in
            let port = try #require(harness.client.port)
            let (source, question) = try await Self.setUp(harness)
            try await Browser.with { page in
                try await WebAppTests.signIn(page, harness, "http://127.0.0.1:\(port)/#/open/\(question)")
                try await page.waitFor("document.querySelector('#replies-panel li')?.innerText.includes('Bok Marko')", "the suggested reply")
                let link = try await page.evaluate("document.querySelector('#replies-panel li a').getAttribute('href')") as? String
                #expect(link?.hasSuffix("/\(source)") == true, "\(link ?? "")")
                _ = try await page.evaluate("document.activeElement?.blur()")
                try await page.press("s")
                try await page.waitFor("document.querySelector('#composer-text')?.value.startsWith('Bok Marko, vaša narudžba')", "the reply in the composer")
            }
        }
    }
}
