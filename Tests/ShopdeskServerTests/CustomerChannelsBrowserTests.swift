import Foundation
import ShopdeskCore
@testable import ShopdeskServer
import ShopdeskStore
import ShopdeskTestSupport
import Testing

/// A customer who wrote by email and then on Telegram is two customers until an agent says they
/// are one: the panel shows every channel a customer is known on and past conversations with
/// their channel, and "Same person as…" merges them.
@Suite("Customers across channels in a browser", .enabled(if: Browser.shouldRun), .serialized, .timeLimit(.minutes(10)))
struct CustomerChannelsBrowserTests {
    @Test func anAgentMergesTheTelegramCustomerIntoTheEmailOne() async throws {
        try await FakeTelegram.run { bot, base in
            try await Harness.run(.sqlite, mode: .live, configure: { $0.allowPrivateWebhookTargets = true; $0.publicURL = "https://help.example.com" }) { harness in
                let port = try #require(harness.client.port)
                let created = try await harness.client.json(.post, "/api/v1/inboxes", token: harness.ownerToken, body: """
                    {"name":"Telegram","kind":"telegram","channel":{"bot_token":"\(FakeTelegram.token)","api_base":"\(base)"}}
                    """)
                let inbox = try created.object("inbox").int("id")
                let secret = try #require(await bot.webhook?.secret)
                try await harness.inbound(email: "ana.kovac@example.com", text: "Pitanje o narudžbi 1001", subject: "Narudžba 1001")
                let posted = try await harness.client.json(.post, "/api/v1/channels/telegram/\(inbox)/webhook",
                                                           headers: ["Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": secret],
                                                           body: TelegramChannelTests.update(1, chat: 4242, text: "Je li paket poslan?"))
                #expect(posted.status == .ok)
                let list = try await harness.client.json(.get, "/api/v1/conversations?view=all", token: harness.ownerToken).items
                let telegram = try #require(list.first { $0["inbox_id"] as? Int == Int(inbox) })
                let telegramID = try #require(telegram["id"] as? Int)
                let emailCustomer = try #require(list.first { $0["inbox_id"] as? Int != Int(inbox) }?["customer_id"] as? Int)

                try await Browser.with { page in
                    try await WebAppTests.signIn(page, harness, "http://127.0.0.1:\(port)/#/open/\(telegramID)")
                    try await page.waitFor("document.querySelector('#customer-identities')?.innerText.includes('Telegram: 4242')", "the Telegram identity")
                    _ = try await page.evaluate("document.querySelector('#customer-merge').open = true")
                    try await WebAppTests.fill(page, ["#customer-merge-search": "ana.kovac"])
                    try await page.waitFor("document.querySelector('#customer-merge-results button[data-customer=\"\(emailCustomer)\"]')", "the email customer found")
                    _ = try await page.evaluate("document.querySelector('#customer-merge-results button[data-customer=\"\(emailCustomer)\"]').click()")
                    // The first click asks; only the second merges.
                    #expect(try await harness.client.json(.get, "/api/v1/customers/\(emailCustomer)", token: harness.ownerToken).text.contains("4242") == false)
                    _ = try await page.evaluate("document.querySelector('#customer-merge-results button[data-customer=\"\(emailCustomer)\"]').click()")
                    try await page.waitFor("document.querySelector('#customer-identities')?.innerText.includes('ana.kovac@example.com')",
                                           "the merged customer's email beside the Telegram conversation")
                    try await page.waitFor("document.querySelectorAll('.past li').length === 2 && document.querySelector('.past .channel-telegram') !== null",
                                           "both conversations, with their channels")
                }
                // The Telegram name filled the email customer's missing name; replies still go to Telegram.
                let merged = try await harness.client.json(.get, "/api/v1/customers/\(emailCustomer)", token: harness.ownerToken)
                #expect(merged.text.contains("4242") && merged.text.contains("ana.kovac@example.com"), "\(merged.text)")
                _ = try await harness.client.json(.post, "/api/v1/conversations/\(telegramID)/messages", token: harness.ownerToken, body: #"{"text":"Poslan je jučer."}"#)
                _ = try await harness.runJobs()
                #expect(await bot.sent.map(\.chatID) == ["4242"])
            }
        }
    }
}
