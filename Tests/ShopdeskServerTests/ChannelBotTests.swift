import Foundation
import ShopdeskCore
@testable import ShopdeskServer
import ShopdeskStore
import ShopdeskTestSupport
import Testing

/// The chat bot on a messaging channel (Telegram here; every channel takes the same path): it
/// answers through the channel's send job, hands over with a note, answers each message once,
/// and stays quiet where the inbox's bot is off or a person has written.
@Suite("Bot on messaging channels")
struct ChannelBotTests {
    /// Runs the bot's job, then the send job it queued (due a moment after the runner's clock).
    static func settle(_ harness: Harness) async throws {
        _ = try await harness.runJobs()
        _ = try await harness.runJobs(at: Date().addingTimeInterval(1))
    }

    static func texts(_ setup: TelegramChannelTests.Setup) async -> [String] {
        await setup.bot.sent.compactMap(\.text)
    }

    @Test(arguments: TestDatabase.kinds)
    func theBotAsksForTheOrderThenHandsOverOnTelegram(kind: DatabaseKind) async throws {
        try await TelegramChannelTests.withBot(kind) { setup in
            let harness = setup.harness
            let patched = try await harness.client.json(.patch, "/api/v1/inboxes/\(setup.inbox)", token: harness.ownerToken, body: #"{"bot":"always"}"#)
            #expect(patched.status == .ok && (try? patched.string("bot")) == "always", "\(patched.text)")

            #expect(try await TelegramChannelTests.post(setup, TelegramChannelTests.update(1, text: "Where is my order?"), secret: setup.secret).status == .ok)
            try await Self.settle(harness)
            let first = await Self.texts(setup)
            #expect(first.count == 1 && first[0].contains("(a bot)") && first[0].contains("order number"), "\(first)")
            // The bot's choice is a button under its message.
            #expect(await setup.bot.keyboards == [[["Talk to a person"]]])
            // Run again (a job repeated after a crash): the message is not answered twice.
            let conversation = try #require(try await TelegramChannelTests.conversations(setup).first?["id"] as? Int)
            let messages = try await harness.client.json(.get, "/api/v1/conversations/\(conversation)/messages", token: harness.ownerToken).items
            let inboundID = try #require(messages.first { $0["direction"] as? String == "inbound" }?["id"] as? Int)
            try await ChatBotRunner(services: harness.services).respond(toMessage: MessageID(Int64(inboundID)),
                                                                        conversationID: ConversationID(Int64(conversation)), workspaceID: harness.workspaceID)
            try await Self.settle(harness)
            #expect(await Self.texts(setup).count == 1)

            // Tapping it sends its label, which the bot reads as asking for a person.
            #expect(try await TelegramChannelTests.post(setup, TelegramChannelTests.update(2, text: "Talk to a person"), secret: setup.secret).status == .ok)
            try await Self.settle(harness)
            let second = await Self.texts(setup)
            #expect(second.count == 2 && second[1].contains("passing you to a person"), "\(second)")
            let after = try await harness.client.json(.get, "/api/v1/conversations/\(conversation)/messages", token: harness.ownerToken).items
            let note = after.first { $0["direction"] as? String == "note" }?["text"] as? String
            #expect(note?.contains("The customer asked for a person") == true, "\(after)")
            // The bot's messages went out like any reply: sent, with Telegram's id.
            let botReplies = after.filter { $0["direction"] as? String == "outbound" }
            #expect(botReplies.count == 2 && botReplies.allSatisfy { $0["delivery_status"] as? String == "sent" }, "\(botReplies.map { ($0["delivery_status"], $0["delivery_error"]) })")

            // After the handover the bot is quiet.
            #expect(try await TelegramChannelTests.post(setup, TelegramChannelTests.update(3, text: "Hello?"), secret: setup.secret).status == .ok)
            try await Self.settle(harness)
            #expect(await Self.texts(setup).count == 2)
        }
    }

    @Test func theBotsChoiceIsAReplyButtonOnWhatsAppAndATapHandsOver() async throws {
        try await WhatsAppChannelTests.withNumber(.sqlite) { setup in
            let harness = setup.harness
            _ = try await harness.client.json(.patch, "/api/v1/inboxes/\(setup.inbox)", token: harness.ownerToken, body: #"{"bot":"always"}"#)
            #expect(try await WhatsAppChannelTests.notify(setup, WhatsAppChannelTests.text("wamid.B1", "Gdje je moja narudžba?")).status == .ok)
            try await Self.settle(harness)
            let first = try #require(await setup.graph.sent.first)
            // In the customer's language (Croatian here), within WhatsApp's 20 characters.
            #expect(first.type == "interactive" && first.buttons == ["Razgovarati s osobom"], "\(first)")
            let tap = #""contacts":[{"profile":{"name":"Ana Horvat"},"wa_id":"385911234567"}],"messages":[{"from":"385911234567","id":"wamid.B2","timestamp":"\#(Int(Date().timeIntervalSince1970))","type":"interactive","interactive":{"type":"button_reply","button_reply":{"id":"choice-1","title":"Razgovarati s osobom"}}}]"#
            #expect(try await WhatsAppChannelTests.notify(setup, tap).status == .ok)
            try await Self.settle(harness)
            let sent = await setup.graph.sent
            #expect(sent.count == 2 && sent[1].type == "text" && sent[1].buttons.isEmpty, "\(sent)")
            let conversation = try #require(try await harness.client.json(.get, "/api/v1/conversations?view=all", token: harness.ownerToken).items.first?["id"] as? Int)
            let messages = try await harness.client.json(.get, "/api/v1/conversations/\(conversation)/messages", token: harness.ownerToken).items
            #expect(messages.contains { $0["direction"] as? String == "note" && ($0["text"] as? String)?.contains("asked for a person") == true }, "\(messages)")
        }
    }

    @Test func theBotIsQuietWhereItIsOffAndOnlyTakesNewConversations() async throws {
        try await TelegramChannelTests.withBot(.sqlite) { setup in
            let harness = setup.harness
            #expect(try await TelegramChannelTests.post(setup, TelegramChannelTests.update(1, text: "Where is my order?"), secret: setup.secret).status == .ok)
            try await Self.settle(harness)
            #expect(await Self.texts(setup).isEmpty)
            // Switched on mid-conversation: it does not jump into a conversation already under way.
            _ = try await harness.client.json(.patch, "/api/v1/inboxes/\(setup.inbox)", token: harness.ownerToken, body: #"{"bot":"always"}"#)
            #expect(try await TelegramChannelTests.post(setup, TelegramChannelTests.update(2, text: "Hello?"), secret: setup.secret).status == .ok)
            try await Self.settle(harness)
            #expect(await Self.texts(setup).isEmpty)
            // A chat inbox's bot setting lives in chat.bot; bot on an API inbox is refused in words.
            let api = try await harness.client.json(.post, "/api/v1/inboxes", token: harness.ownerToken, body: #"{"name":"API","kind":"api","bot":"always"}"#)
            #expect(api.status == .unprocessableContent && api.detail.contains("messaging inboxes"), "\(api.text)")
        }
    }
}
