import Foundation
import ShopdeskCore
@testable import ShopdeskServer
import ShopdeskStore
import ShopdeskTestSupport
import Testing

/// The chat bot in a chat inbox: answers from the help center, looks orders up, hands over.
@Suite("Chat bot")
struct ChatBotAPITests {
    /// A chat inbox with the bot always on, the demo help center and a CSV shop; returns the widget key and inbox id.
    static func setUp(_ harness: Harness, bot: String = "always") async throws -> (key: String, inbox: Int64) {
        try await DemoHelpCenter.install(workspaceID: harness.workspaceID, database: harness.database, now: Date())
        let store = try await harness.client.json(.post, "/api/v1/stores", token: harness.ownerToken, body: #"{"platform":"csv"}"#)
        _ = try await harness.client.json(.post, "/api/v1/stores/\(try store.int("id"))/import?kind=orders", token: harness.ownerToken,
                                          headers: ["Content-Type": "text/csv"], body: OrderTrackingTests.orders)
        let chat = try await harness.client.json(.post, "/api/v1/inboxes", token: harness.ownerToken,
                                                 body: #"{"name":"Chat","kind":"chat","chat":{"bot":"\#(bot)"}}"#)
        #expect(chat.status == .created, "\(chat.text)")
        return (try chat.object("inbox").string("widget_key"), try chat.object("inbox").int("id"))
    }

    static func visitor(_ harness: Harness, _ key: String) async throws -> (String) async throws -> [[String: Any]] {
        let session = try await harness.client.json(.post, "/api/v1/widget/\(key)/sessions", body: "{}")
        let token = try session.string("token")
        return { text in
            let sent = try await harness.client.json(.post, "/api/v1/widget/messages", headers: ["X-Visitor-Token": token],
                                                     body: #"{"client_id":"\#(UUID().uuidString)","text":"\#(text)"}"#)
            #expect(sent.status == .created, "\(sent.text)")
            let messages = try await harness.client.json(.get, "/api/v1/widget/messages", headers: ["X-Visitor-Token": token])
            return (messages.body as? [String: Any])?["messages"] as? [[String: Any]] ?? []
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func theBotAnswersFromTheHelpCenterAndCountsADeflection(kind: DatabaseKind) async throws {
        try await Harness.run(kind, mode: .live) { harness in
            let (key, _) = try await Self.setUp(harness)
            let say = try await Self.visitor(harness, key)
            let afterQuestion = try await say("How do I return something I bought?")
            let answer = try #require(afterQuestion.last)
            #expect(answer["from"] as? String == "bot" && (answer["text"] as? String)?.contains("Returns and refunds") == true, "\(afterQuestion)")
            #expect((answer["text"] as? String)?.contains("(a bot)") == true, "the bot says what it is")
            #expect(answer["choices"] as? [String] == ["helped", "person"])
            let afterThanks = try await say("That answered it")
            #expect(afterThanks.last?["from"] as? String == "bot")
            let conversation = try #require(try await harness.client.json(.get, "/api/v1/conversations?status=resolved", token: harness.ownerToken).items.first)
            #expect((conversation["tags"] as? [String])?.contains("deflected") == true, "\(conversation)")
            let report = try await harness.client.json(.get, "/api/v1/reports/bot", token: harness.ownerToken)
            #expect(try report.int("answered") == 1 && (try report.int("resolved")) == 1 && (try report.int("handed_over")) == 0, "\(report.text)")
        }
    }

    @Test func theBotLooksOrdersUpAndHandsOverWithContext() async throws {
        try await Harness.run(.sqlite, mode: .live) { harness in
            let (key, _) = try await Self.setUp(harness)
            let say = try await Self.visitor(harness, key)
            let asked = try await say("Where is my order?")
            #expect((asked.last?["text"] as? String)?.contains("order number") == true, "\(asked)")
            let found = try await say("It is #55001 and my email is marta@example.com")
            let status = try #require(found.last?["text"] as? String)
            #expect(status.contains("#55001") && status.contains("shipped") && status.contains("JJD0099"), "\(status)")
            let handed = try await say("Talk to a person")
            #expect((handed.last?["text"] as? String)?.contains("person from our team") == true)
            // The agent sees the bot's note: what the customer wants and what the bot did.
            let conversation = try #require(try await harness.client.json(.get, "/api/v1/conversations", token: harness.ownerToken).items.first)
            let id = try #require(conversation["id"] as? Int)
            let messages = try await harness.client.json(.get, "/api/v1/conversations/\(id)/messages", token: harness.ownerToken)
            let note = messages.items.first { $0["private"] as? Bool == true }?["text"] as? String ?? ""
            #expect(note.contains("order status") && note.contains("looked up"), "\(note)")
            #expect(note.contains("The customer wants: “Where is my order?”"), "the customer's own words: \(note)")
            // The summary at the top: shown because the bot handed over, with what the bot did.
            let summary = try await harness.client.json(.get, "/api/v1/conversations/\(id)/summary", token: harness.ownerToken)
            #expect(try summary.bool("worth_showing"), "\(summary.text)")
            let done = try summary.list("done").compactMap { $0["kind"] as? String }
            #expect(done.contains("bot_order") && done.contains("bot_handover"), "\(summary.text)")
            #expect(messages.items.contains { $0["bot"] as? Bool == true })
            #expect((conversation["tags"] as? [String])?.contains("bot-handover") == true)
            // The order number and email matched: the visitor is the shop's customer with that email, orders and all.
            let customer = try #require(conversation["customer"] as? [String: Any])
            #expect(customer["email"] as? String == "marta@example.com", "\(conversation)")
            let orders = try await harness.client.json(.get, "/api/v1/customers/\(customer["id"] as? Int ?? 0)/orders", token: harness.ownerToken).items
            #expect(orders.contains { ($0["order"] as? [String: Any])?["number"] as? String == "#55001" }, "\(orders)")
            // After the handover the bot stays quiet.
            let later = try await say("Hello?")
            #expect(later.last?["from"] as? String == "visitor")
        }
    }

    @Test func aRulesAutomaticReplyDoesNotKeepTheBotAway() async throws {
        try await Harness.run(.sqlite, mode: .live) { harness in
            let (key, _) = try await Self.setUp(harness)
            let macro = try await harness.client.json(.post, "/api/v1/macros", token: harness.ownerToken,
                                                      body: #"{"name":"Away","body":"Our team is away right now."}"#).int("id")
            _ = try await harness.client.json(.post, "/api/v1/rules", token: harness.ownerToken, body: #"""
                {"name":"Say when we are closed","triggers":["conversation.created"],"actions":[{"type":"reply_with_macro","macro_id":\#(macro)}]}
                """#)
            let say = try await Self.visitor(harness, key)
            let messages = try await say("How do I return something I bought?")
            #expect(messages.contains { ($0["text"] as? String)?.contains("away right now") == true }, "\(messages)")
            #expect(messages.last?["from"] as? String == "bot" && (messages.last?["text"] as? String)?.contains("Returns and refunds") == true, "\(messages)")
        }
    }

    @Test func theBotStaysOutWhenItIsOff() async throws {
        try await Harness.run(.sqlite, mode: .live) { harness in
            let (key, _) = try await Self.setUp(harness, bot: "off")
            let say = try await Self.visitor(harness, key)
            let messages = try await say("How do I return something I bought?")
            #expect(messages.allSatisfy { $0["from"] as? String == "visitor" })
        }
    }

    @Test(.enabled(if: Browser.shouldRun), .timeLimit(.minutes(10)))
    func theWidgetShowsTheBotAndItsQuickReplies() async throws {
        try await Harness.run(.sqlite, mode: .live) { harness in
            let (key, _) = try await Self.setUp(harness)
            let port = try #require(harness.client.port)
            let widget = WidgetPage.root
            try await Browser.with { page in
                try await WidgetPage.open(page, port: port, key: key)
                try await page.waitFor("\(widget).querySelector('textarea')", "the composer")
                _ = try await page.evaluate("(() => { const t = \(widget).querySelector('textarea'); t.value = 'How do I return something I bought?'; \(widget).querySelector('form.composer').requestSubmit(); return true })()")
                try await page.waitFor("\(widget).querySelector('.msg.bot')?.textContent.includes('Returns and refunds')", "the bot's answer")
                #expect(try await page.evaluate("\(widget).querySelector('.msg.bot .who').textContent") as? String == "🤖 Bot")
                _ = try await page.evaluate("\(widget).querySelector('.choices [data-choice=person]').click()")
                try await page.waitFor("[...\(widget).querySelectorAll('.msg.bot')].pop()?.textContent.includes('person from our team')", "the handover")
                try await page.waitFor("!\(widget).querySelector('.choices')", "no more quick replies")
            }
        }
    }
}
