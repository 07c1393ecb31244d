import Foundation
import HTTPTypes
import ShopdeskCore
@testable import ShopdeskServer
import ShopdeskStore
import ShopdeskTestSupport
import Testing

/// A Telegram bot inbox against a local Bot API server that answers as Telegram documents it:
/// connecting sets the webhook with a secret token, updates are taken only with that token and
/// only once, files are fetched with getFile, replies go out once — even when a send is cut off.
@Suite("Telegram channel")
struct TelegramChannelTests {
    struct Setup: Sendable {
        let harness: Harness
        let bot: FakeTelegram
        let inbox: Int64
        let secret: String
    }

    static func withBot(_ kind: DatabaseKind, _ body: @Sendable (Setup) async throws -> Void) async throws {
        try await FakeTelegram.run { bot, base in
            try await Harness.run(kind, configure: { $0.allowPrivateWebhookTargets = true; $0.publicURL = "https://help.example.com/" }) { harness in
                let created = try await harness.client.json(.post, "/api/v1/inboxes", token: harness.ownerToken, body: """
                    {"name":"Telegram","kind":"telegram","channel":{"bot_token":"\(FakeTelegram.token)","api_base":"\(base)"}}
                    """)
                #expect(created.status == .created, "\(created.text)")
                let inbox = try created.object("inbox")
                let id = try inbox.int("id")
                let hook = try #require(await bot.webhook)
                #expect(hook.url == "https://help.example.com/api/v1/channels/telegram/\(id)/webhook")
                #expect(hook.secret.count >= 32)
                // The token is never shown again; the webhook secret not at all.
                #expect(try inbox.object("channel").string("bot_token") == "********")
                #expect(!created.text.contains(FakeTelegram.token) && !created.text.contains(hook.secret))
                try await body(Setup(harness: harness, bot: bot, inbox: id, secret: hook.secret))
            }
        }
    }

    static func update(_ id: Int, chat: Int64 = 777, text: String, extra: String = "") -> String {
        """
        {"update_id":\(id),"message":{"message_id":\(id),"from":{"id":\(chat),"is_bot":false,"first_name":"Ana","last_name":"Kovač",
        "language_code":"hr"},"chat":{"id":\(chat),"first_name":"Ana","type":"private"},"date":1764750000,"text":"\(text)"\(extra)}}
        """
    }

    static func post(_ setup: Setup, _ body: String, secret: String?) async throws -> JSONResponse {
        var headers = ["Content-Type": "application/json"]
        if let secret { headers["X-Telegram-Bot-Api-Secret-Token"] = secret }
        return try await setup.harness.client.json(.post, "/api/v1/channels/telegram/\(setup.inbox)/webhook", headers: headers, body: body)
    }

    static func conversations(_ setup: Setup) async throws -> [[String: Any]] {
        try await setup.harness.client.json(.get, "/api/v1/conversations?view=all", token: setup.harness.ownerToken).items
    }

    @Test(arguments: TestDatabase.kinds)
    func updatesAreTakenOnlyWithTheSecretAndOnlyOnce(kind: DatabaseKind) async throws {
        try await Self.withBot(kind) { setup in
            #expect(try await Self.post(setup, Self.update(1, text: "Gdje je moja narudžba?"), secret: nil).status == .unauthorized)
            #expect(try await Self.post(setup, Self.update(1, text: "Gdje je moja narudžba?"), secret: "wrong").status == .unauthorized)
            #expect(try await Self.conversations(setup).isEmpty)

            #expect(try await Self.post(setup, Self.update(1, text: "Gdje je moja narudžba?"), secret: setup.secret).status == .ok)
            #expect(try await Self.post(setup, Self.update(1, text: "Gdje je moja narudžba?"), secret: setup.secret).status == .ok)
            let list = try await Self.conversations(setup)
            #expect(list.count == 1)
            let id = try #require(list.first?["id"] as? Int)
            let messages = try await setup.harness.client.json(.get, "/api/v1/conversations/\(id)/messages", token: setup.harness.ownerToken).items
            #expect(messages.map { $0["text"] as? String } == ["Gdje je moja narudžba?"])

            // An edit arrives as a message of its own, marked; a group message and an unknown
            // update are acknowledged and change nothing.
            let edit = #"{"update_id":2,"edited_message":{"message_id":1,"from":{"id":777,"is_bot":false,"first_name":"Ana"},"chat":{"id":777,"type":"private"},"date":1764750000,"edit_date":1764750060,"text":"Gdje je narudžba 1001?"}}"#
            #expect(try await Self.post(setup, edit, secret: setup.secret).status == .ok)
            let group = #"{"update_id":3,"message":{"message_id":9,"from":{"id":5,"is_bot":false,"first_name":"X"},"chat":{"id":-100,"type":"group"},"date":1764750000,"text":"hi"}}"#
            #expect(try await Self.post(setup, group, secret: setup.secret).status == .ok)
            #expect(try await Self.post(setup, #"{"update_id":4,"poll":{"id":"1"}}"#, secret: setup.secret).status == .ok)
            #expect(try await Self.post(setup, "not json", secret: setup.secret).status == .ok)
            let after = try await setup.harness.client.json(.get, "/api/v1/conversations/\(id)/messages", token: setup.harness.ownerToken).items
            #expect(after.map { $0["text"] as? String } == ["Gdje je moja narudžba?", "✎ Gdje je narudžba 1001?"])
            #expect(try await Self.conversations(setup).count == 1)
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func aPhotoIsFetchedAndTheReplyGoesOutOnce(kind: DatabaseKind) async throws {
        try await Self.withBot(kind) { setup in
            let jpeg = Data([0xFF, 0xD8, 0xFF, 0xE0] + Array(repeating: 0x42, count: 2000))
            await setup.bot.addFile(id: "AgACbig", path: "photos/file_7.jpg", data: jpeg)
            let photo = #","photo":[{"file_id":"AgACsmall","file_unique_id":"s","width":90,"height":90},{"file_id":"AgACbig","file_unique_id":"b","width":1280,"height":960,"file_size":2004}],"caption":"Broken on arrival""#
            let update = Self.update(10, text: "", extra: photo).replacingOccurrences(of: #","text":"""#, with: "")
            #expect(try await Self.post(setup, update, secret: setup.secret).status == .ok)
            let conversation = try #require(try await Self.conversations(setup).first?["id"] as? Int)
            let messages = try await setup.harness.client.json(.get, "/api/v1/conversations/\(conversation)/messages", token: setup.harness.ownerToken).items
            #expect(messages.first?["text"] as? String == "Broken on arrival")
            let files = try #require(messages.first?["attachment_ids"] as? [Int])
            #expect(files.count == 1, "\(messages)")
            let record = try #require(try await setup.harness.database.read {
                try await AttachmentRepository.find(workspaceID: setup.harness.workspaceID, id: AttachmentID(Int64(files[0])), in: $0)
            })
            #expect(record.contentType == "image/jpeg" && record.size == 2004 && record.fileName == "photo.jpg")

            let reply = try await setup.harness.client.json(.post, "/api/v1/conversations/\(conversation)/messages", token: setup.harness.ownerToken,
                                                            body: #"{"text":"Žao nam je! Šaljemo novi."}"#)
            #expect(reply.status == .created, "\(reply.text)")
            _ = try await setup.harness.runJobs()
            _ = try await setup.harness.runJobs()
            #expect(await setup.bot.sent == [.init(method: "sendMessage", chatID: "777", text: "Žao nam je! Šaljemo novi.", fileName: nil)])
            let stored = try await setup.harness.client.json(.get, "/api/v1/conversations/\(conversation)/messages", token: setup.harness.ownerToken).items
            #expect(stored.last?["delivery_status"] as? String == "sent", "\(stored.last ?? [:])")
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func rateLimitsWaitBlocksStopAndACutOffSendIsNotRepeated(kind: DatabaseKind) async throws {
        try await Self.withBot(kind) { setup in
            #expect(try await Self.post(setup, Self.update(20, text: "Hello"), secret: setup.secret).status == .ok)
            let conversation = try #require(try await Self.conversations(setup).first?["id"] as? Int)
            func reply(_ text: String) async throws -> Int64 {
                try await setup.harness.client.json(.post, "/api/v1/conversations/\(conversation)/messages", token: setup.harness.ownerToken,
                                                    body: #"{"text":"\#(text)"}"#).int("id")
            }
            func status(_ id: Int64) async throws -> (String?, String?) {
                let message = try await setup.harness.database.read {
                    try await MessageRepository.find(workspaceID: setup.harness.workspaceID, id: MessageID(id), in: $0)
                }
                return (message?.deliveryStatus?.rawValue, message?.deliveryError)
            }

            // 429: back in the queue with Telegram's words, then sent on a later run.
            await setup.bot.fail(429, "Too Many Requests: retry after 1", retryAfter: 1)
            let limited = try await reply("First")
            _ = try await setup.harness.runJobs()
            #expect(try await status(limited).0 == "queued")
            _ = try await setup.harness.runJobs(at: Date().addingTimeInterval(3600))
            #expect(try await status(limited).0 == "sent")

            // A send cut off after the mark (a kill -9 between the call and the answer): never again.
            let cut = try await reply("Second")
            try await setup.harness.database.write { sql in
                try await sql.raw("UPDATE messages SET delivery_status = 'sending' WHERE id = \(bind: cut)").run()
            }
            _ = try await setup.harness.runJobs(at: Date().addingTimeInterval(7200))
            let (cutStatus, cutError) = try await status(cut)
            #expect(cutStatus == "failed" && cutError?.contains("may have it") == true, "\(cutError ?? "")")

            // Blocked: failed with Telegram's words, and nothing more is sent until Ana writes again.
            await setup.bot.fail(403, "Forbidden: bot was blocked by the user")
            let blocked = try await reply("Third")
            _ = try await setup.harness.runJobs(at: Date().addingTimeInterval(10800))
            #expect(try await status(blocked).1?.contains("bot was blocked by the user") == true)
            let after = try await reply("Fourth")
            _ = try await setup.harness.runJobs(at: Date().addingTimeInterval(14400))
            #expect(try await status(after).0 == "failed")
            #expect(await setup.bot.sent.map(\.text) == ["First"])

            #expect(try await Self.post(setup, Self.update(21, text: "I unblocked you"), secret: setup.secret).status == .ok)
            let again = try await reply("Welcome back")
            _ = try await setup.harness.runJobs(at: Date().addingTimeInterval(18000))
            #expect(try await status(again).0 == "sent")
            #expect(await setup.bot.sent.map(\.text) == ["First", "Welcome back"])
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func theConnectionTestSaysWhatTelegramAnswered(kind: DatabaseKind) async throws {
        try await Self.withBot(kind) { setup in
            let test = try await setup.harness.client.json(.post, "/api/v1/inboxes/\(setup.inbox)/channel/test", token: setup.harness.ownerToken)
            #expect(try test.string("message") == "Connected as @shop_help_bot.", "\(test.text)")
            let wrong = try await setup.harness.client.json(.patch, "/api/v1/inboxes/\(setup.inbox)", token: setup.harness.ownerToken,
                                                            body: #"{"channel":{"bot_token":"999:wrong"}}"#)
            #expect(wrong.status == .ok)
            let refused = try await setup.harness.client.json(.post, "/api/v1/inboxes/\(setup.inbox)/channel/test", token: setup.harness.ownerToken)
            #expect(refused.text.contains("Unauthorized"), "\(refused.text)")
            // A reply longer than Telegram carries is refused before it is stored.
            #expect(try await Self.post(setup, Self.update(30, text: "Hi"), secret: setup.secret).status == .ok)
            let conversation = try #require(try await Self.conversations(setup).first?["id"] as? Int)
            let long = try await setup.harness.client.json(.post, "/api/v1/conversations/\(conversation)/messages", token: setup.harness.ownerToken,
                                                           body: #"{"text":"\#(String(repeating: "ä", count: 4097))"}"#)
            #expect(long.status == .unprocessableContent && long.detail.contains("4096"), "\(long.detail)")
            let note = try await setup.harness.client.json(.post, "/api/v1/conversations/\(conversation)/messages", token: setup.harness.ownerToken,
                                                           body: #"{"text":"\#(String(repeating: "ä", count: 4097))","private":true}"#)
            #expect(note.status == .created)
            let channels = try await setup.harness.client.json(.get, "/api/v1/channels", token: setup.harness.ownerToken).items
            #expect(channels.contains { $0["kind"] as? String == "telegram" })
            // Another workspace cannot test or change this inbox.
            let stranger = try await setup.harness.stranger()
            #expect(try await setup.harness.client.json(.post, "/api/v1/inboxes/\(setup.inbox)/channel/test", token: stranger.token).status == .notFound)
        }
    }
}

@Suite("Telegram channel in a browser", .enabled(if: Browser.shouldRun), .serialized, .timeLimit(.minutes(10)))
struct TelegramChannelBrowserTests {
    @Test func anAdminConnectsABotAndAnAgentAnswersOnTelegram() async throws {
        try await FakeTelegram.run { bot, base in
            try await Harness.run(.sqlite, mode: .live, configure: { $0.allowPrivateWebhookTargets = true; $0.publicURL = "https://help.example.com" }) { harness in
                let port = try #require(harness.client.port)
                try await Browser.with { page in
                    try await WebAppTests.signIn(page, harness, "http://127.0.0.1:\(port)/#/admin/channels")
                    try await page.waitFor("document.querySelector('#inbox-kind option[value=telegram]')", "Telegram among the inbox kinds")
                    try await WebAppTests.fill(page, ["#inbox-name": "Telegram"])
                    _ = try await page.evaluate("""
                        (() => { const kind = document.querySelector('#inbox-kind'); kind.value = 'telegram';
                          kind.dispatchEvent(new Event('change')); return true })()
                        """)
                    try await page.waitFor("document.querySelector('#new-inbox-bot_token')", "the bot token field")
                    try await WebAppTests.fill(page, ["#new-inbox-bot_token": FakeTelegram.token, "#new-inbox-api_base": base])
                    _ = try await page.evaluate("document.querySelector('#add-inbox').requestSubmit()")
                    try await page.waitFor("document.querySelector('#admin-inboxes > div')?.innerText.includes('Receiving at https://help.example.com/api/v1/channels/telegram/')",
                                           "the webhook set")
                    let inbox = try #require(try await harness.client.json(.get, "/api/v1/inboxes", token: harness.ownerToken).items
                        .first { $0["kind"] as? String == "telegram" }?["id"] as? Int)
                    // The settings never show the token; the test asks Telegram and shows its answer.
                    #expect(try await page.evaluate("document.body.innerHTML.includes(\(DevToolsPage.quoted(FakeTelegram.token)))") as? Bool == false)
                    try await page.waitFor("document.querySelector('#channel-\(inbox)-test')", "the test button")
                    _ = try await page.evaluate("document.querySelector('#channel-\(inbox)-test').click()")
                    try await page.waitFor("document.querySelector('#channel-\(inbox)-status').textContent.includes('Connected as @shop_help_bot')",
                                           "Telegram's answer")

                    // Ana writes on Telegram; the agent answers from the conversation.
                    let secret = try #require(await bot.webhook?.secret)
                    let update = TelegramChannelTests.update(1, chat: 4242, text: "Olá, onde está o meu pedido?")
                    let posted = try await harness.client.json(.post, "/api/v1/channels/telegram/\(inbox)/webhook",
                                                               headers: ["Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": secret], body: update)
                    #expect(posted.status == .ok)
                    let conversation = try #require(try await harness.client.json(.get, "/api/v1/conversations?view=all", token: harness.ownerToken)
                        .items.first?["id"] as? Int)
                    try await page.navigate("http://127.0.0.1:\(port)/#/open/\(conversation)")
                    try await page.waitFor("document.querySelector('#thread')?.innerText.includes('onde está o meu pedido')", "Ana's message")
                    try await page.press("r")
                    try await page.waitFor("document.activeElement?.id === 'composer-text'", "the reply box")
                    try await page.type("Já foi enviado!")
                    try await page.press("Enter", modifiers: 2, code: "Enter", keyCode: 13)
                    try await page.waitFor("document.querySelector('#thread')?.innerText.includes('Já foi enviado!')", "the reply in the thread")
                    _ = try await harness.runJobs()
                    #expect(await bot.sent.map(\.text) == ["Já foi enviado!"])
                    #expect(await bot.sent.map(\.chatID) == ["4242"])
                    try await page.waitFor("document.querySelector('#thread .delivery.sent')", "the reply marked sent")
                }
            }
        }
    }
}
