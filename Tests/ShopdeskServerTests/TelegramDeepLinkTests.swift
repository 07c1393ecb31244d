import Foundation
import ShopdeskCore
@testable import ShopdeskServer
import ShopdeskStore
import ShopdeskTestSupport
import Testing

/// A shop's order page links to its Telegram bot with a signed payload: a customer who opens the
/// chat from it is the shop's known customer (an earlier Telegram-only customer of the same chat
/// merged in); a payload nobody signed changes nothing.
@Suite("Telegram deep links")
struct TelegramDeepLinkTests {
    @Test(arguments: TestDatabase.kinds)
    func aChatOpenedFromTheShopsLinkIsTheKnownCustomers(kind: DatabaseKind) async throws {
        try await TelegramChannelTests.withBot(kind) { setup in
            let harness = setup.harness
            try await harness.inbound(email: "ana.kovac@example.com", text: "Narudžba 1001?", subject: "Narudžba 1001")
            let known = try #require(try await harness.client.json(.get, "/api/v1/conversations?view=all", token: harness.ownerToken)
                .items.first?["customer_id"] as? Int)
            let links = try await harness.client.json(.post, "/api/v1/customers/\(known)/channel-links", token: harness.ownerToken).items
            let start = try #require(links.first?["start"] as? String)
            #expect(start.count <= 64 && links.first?["link"] as? String == "https://t.me/shop_help_bot?start=\(start)", "\(links)")

            // She wrote on Telegram before, as an unknown customer; then opens the chat from the order page.
            #expect(try await TelegramChannelTests.post(setup, TelegramChannelTests.update(1, chat: 4242, text: "Bok!"), secret: setup.secret).status == .ok)
            var forged = start
            forged.removeLast()
            forged += start.hasSuffix("a") ? "b" : "a"
            #expect(try await TelegramChannelTests.post(setup, TelegramChannelTests.update(2, chat: 4242, text: "/start \(forged)"), secret: setup.secret).status == .ok)
            let before = try await TelegramChannelTests.conversations(setup).filter { $0["inbox_id"] as? Int == Int(setup.inbox) }
            #expect(before.first?["customer_id"] as? Int != known)

            #expect(try await TelegramChannelTests.post(setup, TelegramChannelTests.update(3, chat: 4242, text: "/start \(start)"), secret: setup.secret).status == .ok)
            let after = try await TelegramChannelTests.conversations(setup).filter { $0["inbox_id"] as? Int == Int(setup.inbox) }
            #expect(after.count == 1 && after.first?["customer_id"] as? Int == known, "\(after)")
            let customer = try await harness.client.json(.get, "/api/v1/customers/\(known)", token: harness.ownerToken)
            #expect(customer.text.contains("4242") && customer.text.contains("ana.kovac@example.com"), "\(customer.text)")
            // Later messages come to her too, and replies still go to the chat.
            #expect(try await TelegramChannelTests.post(setup, TelegramChannelTests.update(4, chat: 4242, text: "Hvala"), secret: setup.secret).status == .ok)
            let conversation = try #require(after.first?["id"] as? Int)
            _ = try await harness.client.json(.post, "/api/v1/conversations/\(conversation)/messages", token: harness.ownerToken, body: #"{"text":"Šaljemo danas."}"#)
            _ = try await harness.runJobs()
            #expect(await setup.bot.sent.map(\.chatID) == ["4242"])
        }
    }
}
