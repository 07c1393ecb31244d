import Foundation
import ShopdeskCore
import ShopdeskMail
@testable import ShopdeskServer
import ShopdeskStore
import ShopdeskTestSupport
import Testing

/// The chat bot acting on orders for a verified customer, under the shop's bot policy, through
/// the agents' order-action path.
@Suite("Chat bot: acting on orders")
struct ChatBotActionAPITests {
    static func euros(_ minor: Int64) -> Amount { Amount(minor: minor, currency: "EUR") }

    /// A chat inbox with the bot, a sandbox shop (approval above 100 EUR) whose bot may do
    /// everything, and three orders of ana@example.pt: #8001 (59.90, not shipped), #8002 (300.00,
    /// not shipped) and #8003 (two lines, delivered, with tracking). Returns the widget key.
    static func setUp(_ harness: Harness, policy: String = #"{"actions":["cancel","change_address","start_return","resend_tracking"],"verification":"order_email"}"#)
        async throws -> String {
        let (key, _) = try await ChatBotAPITests.setUp(harness)
        let store = try await harness.client.json(.post, "/api/v1/stores", token: harness.ownerToken,
                                                  body: #"{"platform":"sandbox","currency":"EUR","approval_threshold":"100.00"}"#)
        let storeID = try store.int("id")
        let set = try await harness.client.json(.put, "/api/v1/stores/\(storeID)/bot-policy", token: harness.ownerToken, body: policy)
        #expect(set.status == .ok, "\(set.text)")
        let connection = try #require(try await harness.services.database.read {
            try await StoreConnectionRepository.find(workspaceID: harness.workspaceID, id: StoreConnectionID(storeID), in: $0)
        })
        let lisbon = PostalAddress(name: "Ana Sousa", address1: "Rua Augusta 10", city: "Lisboa", zip: "1100-053", countryCode: "PT", phone: "+351910000000")
        let placed = Date().addingTimeInterval(-2 * 86_400)
        let small = StoreOrder(id: "sandbox-8001", number: "#8001", email: "ana@example.pt", createdAt: placed, financialStatus: .paid,
                               fulfillmentStatus: .unfulfilled, total: euros(5_990),
                               lineItems: [OrderLineItem(id: "l-8001", title: "Linen shirt", variant: "M", quantity: 1, unitPrice: euros(5_990))],
                               shippingAddress: lisbon)
        var large = small
        large.id = "sandbox-8002"; large.number = "#8002"; large.total = euros(30_000)
        large.lineItems = [OrderLineItem(id: "l-8002", title: "Wool coat", quantity: 1, unitPrice: euros(30_000))]
        var delivered = small
        delivered.id = "sandbox-8003"; delivered.number = "#8003"; delivered.fulfillmentStatus = .fulfilled; delivered.total = euros(8_800)
        delivered.lineItems = [OrderLineItem(id: "l-8003-a", title: "Trail runner 2", variant: "42", quantity: 1, unitPrice: euros(6_900)),
                               OrderLineItem(id: "l-8003-b", title: "Cotton socks", quantity: 1, unitPrice: euros(1_900))]
        delivered.fulfillments = [OrderFulfillment(status: "success", createdAt: placed.addingTimeInterval(3_600), carrier: "CTT", trackingNumber: "RR123456785PT",
                                                   trackingURL: "https://track.example/RR123456785PT", deliveredAt: Date().addingTimeInterval(-86_400))]
        try await harness.services.commerce.importOrders([small, large, delivered], connection: connection)
        return key
    }

    /// The order with the actions taken on it.
    static func order(_ harness: Harness, _ number: String) async throws -> JSONResponse {
        let id = try await harness.client.json(.get, "/api/v1/orders?number=\(number)", token: harness.ownerToken).int("id")
        return try await harness.client.json(.get, "/api/v1/orders/\(id)", token: harness.ownerToken)
    }

    static func lastBot(_ messages: [[String: Any]]) -> String {
        messages.last { $0["from"] as? String == "bot" }?["text"] as? String ?? ""
    }

    @Test(arguments: TestDatabase.kinds)
    func theBotCancelsAnOrderInPortugueseAfterVerifyingTheCustomer(kind: DatabaseKind) async throws {
        try await Harness.run(kind, mode: .live) { harness in
            let key = try await Self.setUp(harness)
            let say = try await ChatBotAPITests.visitor(harness, key)
            let asked = Self.lastBot(try await say("Olá, quero cancelar o meu pedido"))
            #expect(asked.contains("número do pedido"), "\(asked)")
            let proposed = try await say("É o #8001, ana@example.pt")
            #expect(Self.lastBot(proposed).contains("Posso cancelar o pedido #8001?") && Self.lastBot(proposed).contains("59.90 EUR"), "\(proposed)")
            #expect(proposed.last?["choices"] as? [String] == ["yes", "no", "person"])
            let done = Self.lastBot(try await say("Sim"))
            #expect(done.contains("Feito: o pedido #8001 está cancelado"), "\(done)")

            // The shop's order is cancelled and refunded through the agents' path, asked by the bot.
            let order = try await Self.order(harness, "8001")
            let snapshot = try #require(order.fields["order"] as? [String: Any])
            #expect(snapshot["cancelled_at"] != nil && (snapshot["refunded"] as? [String: Any])?["minor"] as? Int == 5_990, "\(order.text)")
            let action = try #require((order.fields["actions"] as? [[String: Any]])?.first)
            #expect(action["kind"] as? String == "cancel" && action["state"] as? String == "done" && action["agent_id"] == nil && action["rule_id"] == nil, "\(action)")

            // Agents see it: resolved by the bot's action, in the timeline, counted in the bot's report.
            let conversation = try #require(try await harness.client.json(.get, "/api/v1/conversations?status=resolved", token: harness.ownerToken).items.first)
            #expect((conversation["tags"] as? [String])?.contains("bot-action") == true, "\(conversation)")
            let id = try #require(conversation["id"] as? Int)
            let timeline = try await harness.client.json(.get, "/api/v1/conversations/\(id)/timeline", token: harness.ownerToken).items
            let acted = try #require(timeline.first { $0["kind"] as? String == "bot.acted" })
            #expect((acted["payload"] as? [String: Any])?["action"] as? String == "cancel", "\(acted)")
            #expect(timeline.contains { $0["kind"] as? String == "order.action_succeeded" && ($0["payload"] as? [String: Any])?["by_bot"] as? Bool == true })
            let report = try await harness.client.json(.get, "/api/v1/reports/bot", token: harness.ownerToken)
            #expect(try report.int("resolved_by_action") == 1 && (report.fields["actions"] as? [String: Any])?["cancel"] as? Int == 1, "\(report.text)")
        }
    }

    @Test func theBotChangesTheAddressAfterReadingItBack() async throws {
        try await Harness.run(.sqlite, mode: .live) { harness in
            let key = try await Self.setUp(harness)
            let say = try await ChatBotAPITests.visitor(harness, key)
            _ = try await say("Preciso mudar o endereço de entrega")
            let asked = Self.lastBot(try await say("8001 ana@example.pt"))
            #expect(asked.contains("novo endereço") && asked.contains("Rua Augusta 10"), "\(asked)")
            let unclear = Self.lastBot(try await say("para a casa da minha mãe"))
            #expect(unclear.contains("Não consegui ler"), "\(unclear)")
            let proposed = Self.lastBot(try await say("Avenida da Liberdade 100, 1250-146 Lisboa"))
            #expect(proposed.contains("Avenida da Liberdade 100, 1250-146 Lisboa, PT"), "\(proposed)")
            _ = try await say("sim")
            let order = try #require(try await Self.order(harness, "8001").fields["order"] as? [String: Any])
            let address = try #require(order["shipping_address"] as? [String: Any])
            #expect(address["address1"] as? String == "Avenida da Liberdade 100" && address["name"] as? String == "Ana Sousa", "\(address)")
        }
    }

    @Test func aCancellationAboveTheApprovalThresholdWaitsForAnAdminAndGoesToAPerson() async throws {
        try await Harness.run(.sqlite, mode: .live) { harness in
            let key = try await Self.setUp(harness)
            let say = try await ChatBotAPITests.visitor(harness, key)
            _ = try await say("I want to cancel order #8002, my email is ana@example.pt")
            let waiting = Self.lastBot(try await say("yes"))
            #expect(waiting.contains("has to confirm"), "\(waiting)")
            let pending = try await harness.client.json(.get, "/api/v1/order-actions", token: harness.ownerToken).items
            #expect(pending.count == 1 && pending.first?["state"] as? String == "awaiting_approval", "\(pending)")
            let conversation = try #require(try await harness.client.json(.get, "/api/v1/conversations", token: harness.ownerToken).items.first)
            #expect((conversation["tags"] as? [String])?.contains("bot-handover") == true)
            let messages = try await harness.client.json(.get, "/api/v1/conversations/\(conversation["id"] as? Int ?? 0)/messages", token: harness.ownerToken)
            let note = messages.items.first { $0["private"] as? Bool == true }?["text"] as? String ?? ""
            #expect(note.contains("waits for an admin's approval") && note.contains("proved the order theirs"), "\(note)")
            // The order is untouched until an admin approves.
            let order = try #require(try await Self.order(harness, "8002").fields["order"] as? [String: Any])
            #expect(order["cancelled_at"] == nil)
        }
    }

    @Test func theBotStartsAReturnOfTheItemsChosenAndResendsTracking() async throws {
        try await Harness.run(.sqlite, mode: .live) { harness in
            let key = try await Self.setUp(harness)
            let say = try await ChatBotAPITests.visitor(harness, key)
            _ = try await say("I would like to return something from my order")
            let list = Self.lastBot(try await say("#8003 ana@example.pt"))
            #expect(list.contains("1. Trail runner 2 (42)") && list.contains("2. Cotton socks"), "\(list)")
            let proposed = Self.lastBot(try await say("2"))
            #expect(proposed.contains("Cotton socks") && !proposed.contains("Trail runner"), "\(proposed)")
            _ = try await say("yes")
            let returns = try await harness.client.json(.get, "/api/v1/returns", token: harness.ownerToken).items
            let opened = try #require(returns.first)
            #expect(opened["state"] as? String == "requested" && opened["conversation_id"] != nil, "\(returns)")
            #expect((opened["lines"] as? [[String: Any]])?.map { $0["line_item_id"] as? String } == ["l-8003-b"])

            // Another visitor asks for the tracking of the same order. Verifying the email merges this
            // visitor into the customer who already has it; the widget still shows the conversation.
            let other = try await ChatBotAPITests.visitor(harness, key)
            let trackingMessages = try await other("I never got the tracking number for #8003, ana@example.pt")
            let tracking = Self.lastBot(trackingMessages)
            #expect(tracking.contains("RR123456785PT"), "\(tracking)")
            // The shop (here the sandbox) sends its own shipping confirmation, as an order action in the timeline.
            #expect(tracking.contains("The shop has sent its shipping confirmation for #8003 to a•••@example.pt again"), "\(tracking)")
            var timelines = ""
            for conversation in try await harness.client.json(.get, "/api/v1/conversations", token: harness.ownerToken).items {
                timelines += try await harness.client.json(.get, "/api/v1/conversations/\(conversation["id"] as? Int ?? 0)/timeline",
                                                           token: harness.ownerToken).text
            }
            #expect(timelines.contains("Send the shipping confirmation of #8003 again"), "\(timelines)")
        }
    }

    @Test func whatThePolicyDoesNotAllowGoesToAPerson() async throws {
        try await Harness.run(.sqlite, mode: .live) { harness in
            let key = try await Self.setUp(harness, policy: #"{"actions":["cancel"],"verification":"order_email","max_refund":"50.00"}"#)
            let say = try await ChatBotAPITests.visitor(harness, key)
            _ = try await say("Please cancel my order 8001, ana@example.pt")
            let conversation = try #require(try await harness.client.json(.get, "/api/v1/conversations", token: harness.ownerToken).items.first)
            let messages = try await harness.client.json(.get, "/api/v1/conversations/\(conversation["id"] as? Int ?? 0)/messages", token: harness.ownerToken)
            let note = messages.items.first { $0["private"] as? Bool == true }?["text"] as? String ?? ""
            #expect(note.contains("above the 50.00 EUR the bot may refund"), "\(note)")
            // A wrong email is not the customer's order: nothing is proposed.
            let stranger = try await ChatBotAPITests.visitor(harness, key)
            _ = try await stranger("Cancel my order please")
            let refused = Self.lastBot(try await stranger("#8001 someone@example.com"))
            #expect(refused.contains("couldn't find"), "\(refused)")

            // The policy's own checks.
            let store = try #require(try await harness.client.json(.get, "/api/v1/stores", token: harness.ownerToken).items.first { $0["platform"] as? String == "sandbox" })
            let path = "/api/v1/stores/\(store["id"] as? Int ?? 0)/bot-policy"
            let unknown = try await harness.client.json(.put, path, token: harness.ownerToken, body: #"{"actions":["refund"]}"#)
            #expect(unknown.status == .unprocessableContent && unknown.text.contains("not a bot action"), "\(unknown.text)")
            let noMail = try await harness.client.json(.put, path, token: harness.ownerToken, body: #"{"verification":"code"}"#)
            #expect(noMail.status == .unprocessableContent && noMail.text.contains("add SMTP to an email inbox"), "\(noMail.text)")
        }
    }

    @Test func aOneTimeCodeIsEmailedToTheOrdersAddressBeforeTheBotActs() async throws {
        guard let sink = try await SMTPSink.start() else { return }
        defer { sink.stop() }
        try await Harness.run(.sqlite, mode: .live, configure: Harness.localServers) { harness in
            _ = try await EmailSendingTests.sendingInbox(harness, sink)
            let key = try await Self.setUp(harness, policy: #"{"actions":["cancel"],"verification":"code"}"#)
            let say = try await ChatBotAPITests.visitor(harness, key)
            _ = try await say("Želim otkazati narudžbu")
            let sent = Self.lastBot(try await say("#8001 ana@example.pt"))
            #expect(sent.contains("a•••@example.pt"), "\(sent)")
            let mail = ParsedEmail.parse(try #require(try sink.messages().first))
            #expect(mail.to.first?.address == "ana@example.pt", "the code goes to the order's address")
            let code = try #require(ChatBot.oneTimeCode(in: mail.subject ?? ""))
            let wrong = Self.lastBot(try await say(code == "000000" ? "111111" : "000000"))
            #expect(wrong.contains("nije ispravan"), "\(wrong)")
            let proposed = Self.lastBot(try await say(code))
            #expect(proposed.contains("Da otkažem narudžbu #8001?"), "\(proposed)")
            _ = try await say("da")
            let order = try #require(try await Self.order(harness, "8001").fields["order"] as? [String: Any])
            #expect(order["cancelled_at"] != nil)
            // The code is not kept in the clear anywhere a person or the API can read it.
            let stored = try await harness.database.read { try await $0.raw("SELECT bot_state FROM conversations").all() }
                .compactMap { try? $0.decode(column: "bot_state", as: String?.self) }.joined()
            #expect(!stored.contains(code))
        }
    }

    @Test(.enabled(if: Browser.shouldRun), .timeLimit(.minutes(10)))
    func aPortugueseCustomerCancelsThroughTheWidgetAndTheAgentSeesWhatTheBotDid() async throws {
        try await Harness.run(.sqlite, mode: .live) { harness in
            let key = try await Self.setUp(harness)
            let port = try #require(harness.client.port)
            let widget = WidgetPage.root
            let write: @Sendable (DevToolsPage, String) async throws -> Void = { page, text in
                _ = try await page.evaluate("""
                    (() => { const t = \(widget).querySelector('textarea'); t.value = \(DevToolsPage.quoted(text));
                      \(widget).querySelector('form.composer').requestSubmit(); return true })()
                    """)
            }
            let lastBot = "[...\(widget).querySelectorAll('.msg.bot')].pop()?.textContent"
            try await Browser.with { page in
                // A visitor whose browser speaks Portuguese.
                let agent = try await page.evaluate("navigator.userAgent") as? String ?? "Mozilla/5.0"
                _ = try await page.send("Emulation.setUserAgentOverride", ["userAgent": agent, "acceptLanguage": "pt-BR,pt"])
                try await WidgetPage.open(page, port: port, key: key)
                try await page.waitFor("\(widget).querySelector('textarea')", "the composer")
                try await write(page, "Olá, quero cancelar o meu pedido")
                try await page.waitFor("\(lastBot)?.includes('número do pedido')", "the bot asking for the order")
                try await write(page, "É o #8001, ana@example.pt")
                try await page.waitFor("\(lastBot)?.includes('Posso cancelar o pedido #8001?')", "the bot proposing the cancellation")
                #expect(try await page.evaluate("\(widget).querySelector('.choices [data-choice=yes]')?.textContent") as? String == "Sim")
                _ = try await page.evaluate("\(widget).querySelector('.choices [data-choice=yes]').click()")
                try await page.waitFor("\(lastBot)?.includes('está cancelado')", "the cancellation done")
            }
            let resolved = try #require(try await harness.client.json(.get, "/api/v1/conversations?status=resolved", token: harness.ownerToken).items.first)
            let id = resolved["id"] as? Int ?? 0
            try await Browser.with { page in
                try await WebAppTests.signIn(page, harness, "http://127.0.0.1:\(port)/#/open/\(id)")
                try await page.waitFor("document.body.innerText.includes('The bot did it: Cancel #8001')", "the bot's action in the timeline")
                try await page.waitFor("document.body.innerText.includes('🤖 Bot: Cancel #8001')", "the order action credited to the bot")
            }
        }
    }

    @Test(.enabled(if: Browser.shouldRun), .timeLimit(.minutes(10)))
    func anAdminSetsWhatTheBotMayDoInTheShopsSettings() async throws {
        try await Harness.run(.sqlite, mode: .live) { harness in
            let store = try await harness.client.json(.post, "/api/v1/stores", token: harness.ownerToken, body: #"{"platform":"sandbox","currency":"EUR"}"#)
            let id = try store.int("id")
            let port = try #require(harness.client.port)
            try await Browser.with { page in
                try await WebAppTests.signIn(page, harness, "http://127.0.0.1:\(port)/#/admin/commerce")
                let rules = "document.querySelector('details.bot-rules[data-shop=\"\(id)\"]')"
                try await page.waitFor(rules, "the bot's settings")
                _ = try await page.evaluate("\(rules).open = true")
                try await page.waitFor("\(rules).querySelector('.bot-rules-form input[value=cancel]')", "the form, read when opened")
                // No inbox sends mail here: the emailed code cannot be chosen.
                #expect(try await page.evaluate("\(rules).querySelector('select option[value=code]').disabled") as? Bool == true)
                _ = try await page.evaluate("""
                    (() => { const r = \(rules); r.querySelector('input[value=cancel]').checked = true; r.querySelector('select').value = 'order_email';
                      r.querySelector('input[inputmode=decimal]').value = '50.00'; r.querySelector('form').requestSubmit(); return true })()
                    """)
                try await page.waitFor("\(rules).querySelector('[role=status]')?.textContent === 'Saved.'", "saved")
                // The return rules fold the same way.
                let returns = "document.querySelector('details.return-rules[data-shop=\"\(id)\"]')"
                _ = try await page.evaluate("\(returns).open = true")
                try await page.waitFor("\(returns).querySelector('.return-rules-form')", "the return rules, read when opened")
            }
            let policy = try await harness.client.json(.get, "/api/v1/stores/\(id)/bot-policy", token: harness.ownerToken)
            let (limit, verification) = (try policy.string("max_refund"), try policy.string("verification"))
            #expect(policy.fields["actions"] as? [String] == ["cancel"] && limit == "50.00" && verification == "order_email", "\(policy.text)")
        }
    }
}
