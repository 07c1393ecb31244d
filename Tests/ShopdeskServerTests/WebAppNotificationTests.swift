import Foundation
import HummingbirdTesting
@testable import ShopdeskServer
import ShopdeskStore
import ShopdeskTestSupport
import Testing

/// Mentions, the bell and following in the app, in Croatian: a colleague's mention arrives live,
/// opening it reads it, an `@` in a note offers colleagues by name, and Follow is a button.
@Suite("Mentions, notifications and splitting in a browser", .enabled(if: Browser.shouldRun), .serialized, .timeLimit(.minutes(10)))
struct WebAppNotificationTests {
    @Test func aMentionArrivesLiveIsReadByOpeningItAndIsAnsweredWithOne() async throws {
        try await Harness.run(.sqlite, mode: .live) { harness in
            let port = try #require(harness.client.port)
            let token = harness.ownerToken
            let rita = try await harness.agent(role: .agent, email: "rita@example.com")
            _ = try await harness.client.json(.put, "/api/v1/inboxes/\(harness.inboxID)/members", token: token,
                                              body: #"{"member_ids":[\#(rita.id)]}"#)
            _ = try await harness.client.json(.patch, "/api/v1/auth/me", token: rita.token, body: #"{"locale":"hr","name":"Rita Kovač"}"#)
            let id = try await harness.inbound(email: "ana@example.hr", text: "Paket nije stigao.").int("conversation_id")
            try await Browser.with { page in
                try await page.navigate("http://127.0.0.1:\(port)/#/open")
                try await page.waitFor("document.querySelector('#signin-email')", "the sign-in form")
                try await WebAppTests.fill(page, ["#signin-email": "rita@example.com", "#signin-password": Harness.password])
                try await page.press("Enter", code: "Enter", keyCode: 13)
                try await page.waitFor("document.querySelector('#notifications-button')", "the bell")
                #expect(try await page.evaluate("document.querySelector('#notifications-count').hidden") as? Bool == true)

                // The owner mentions her in a note: the bell counts it without a reload.
                let note = try await harness.client.json(.post, "/api/v1/conversations/\(id)/messages", token: token,
                                                         body: #"{"text":"@Rita Kovač možeš li provjeriti dostavu?","private":true}"#)
                #expect(note.status == .created, "\(note.text)")
                try await page.waitFor("document.querySelector('#notifications-count')?.textContent === '1' && !document.querySelector('#notifications-count').hidden",
                                       "the bell counting the mention")
                _ = try await page.evaluate("document.querySelector('#notifications-button').click()")
                if let directory = ProcessInfo.processInfo.environment["SHOPDESK_SCREENSHOTS"] {
                    try await page.screenshot(to: "\(directory)/notifications.png")
                }
                let said = try await page.text("#notifications-list a")
                #expect(said.contains("vas je spomenuo/la") && said.contains("provjeriti dostavu"), "\(said)")

                // Opening it shows the conversation and reads the notification; she follows it now.
                _ = try await page.evaluate("document.querySelector('#notifications-list a').click()")
                try await page.waitFor("document.querySelector('#conversation-title') && location.hash.endsWith('/\(id)')", "the conversation")
                try await page.waitFor("document.querySelector('#notifications-count')?.hidden === true", "nothing unread")
                try await page.waitFor("document.querySelector('#follow')?.getAttribute('aria-pressed') === 'true'", "following it")
                #expect(try await page.text("#follow").hasPrefix("Pratite"))

                // She answers in a note: "@Oli" offers the owner, Enter puts the name in.
                _ = try await page.evaluate("document.querySelector('#mode-note').click()")
                try await page.waitFor("document.querySelector('#composer.note')", "the note composer")
                try await page.focus("#composer-text")
                try await page.type("Provjereno, @Oli")
                try await page.waitFor("!document.querySelector('#mention-list')?.hidden && document.querySelector('#mention-list').textContent.includes('Olivia Owner')",
                                       "the owner offered")
                if let directory = ProcessInfo.processInfo.environment["SHOPDESK_SCREENSHOTS"] {
                    try await page.screenshot(to: "\(directory)/mention-list.png")
                }
                try await page.press("Enter", code: "Enter", keyCode: 13)
                try await page.waitFor("document.querySelector('#composer-text').value === 'Provjereno, @Olivia Owner '", "the name put in")
                try await page.type("kurir kasni.")
                try await page.press("Enter", modifiers: 2, code: "Enter", keyCode: 13)
                try await page.waitFor("document.querySelector('#thread')?.innerText.includes('kurir kasni')", "the note in the thread")
                let owners = try await harness.client.json(.get, "/api/v1/notifications", token: token).items
                #expect(owners.first?["kind"] as? String == "mention" && owners.first?["actor_agent_id"] as? Int == Int(rita.id), "\(owners)")

                // The Mentions view lists it; Follow turns off with a click.
                _ = try await page.evaluate("location.hash = '#/mentions'")
                try await page.waitFor("document.querySelectorAll('#conversations .row').length === 1 && document.querySelector('#list-title')?.textContent === 'Spominjanja'",
                                       "the Mentions view")
                _ = try await page.evaluate("location.hash = '#/mentions/\(id)'")
                try await page.waitFor("document.querySelector('#follow')?.getAttribute('aria-pressed') === 'true'", "the follow button")
                _ = try await page.evaluate("document.querySelector('#follow').click()")
                try await page.waitFor("document.querySelector('#follow')?.getAttribute('aria-pressed') === 'false'", "not following")
                let followers = try await harness.client.json(.get, "/api/v1/conversations/\(id)/followers", token: rita.token)
                #expect(try followers.bool("following") == false)
            }
        }
    }

    /// In Russian: a second question split off from its message opens as a conversation of its own.
    @Test func aSecondQuestionIsSplitOffFromItsMessage() async throws {
        try await Harness.run(.sqlite, mode: .live) { harness in
            let port = try #require(harness.client.port)
            _ = try await harness.client.json(.patch, "/api/v1/auth/me", token: harness.ownerToken, body: #"{"locale":"ru"}"#)
            let id = try await harness.inbound(email: "olga@example.ru", text: "Где мой заказ?").int("conversation_id")
            let later = try await harness.inbound(email: "olga@example.ru", text: "И ещё: можно вернуть туфли?").int("message_id")
            try await Browser.with { page in
                try await WebAppTests.signIn(page, harness, "http://127.0.0.1:\(port)/#/open/\(id)")
                try await page.waitFor("document.querySelector('[data-split=\"\(later)\"]')", "the split button on the second message")
                #expect(try await page.evaluate("document.querySelectorAll('[data-split]').length") as? Int == 1, "not on the first message")
                #expect(try await page.text("[data-split=\"\(later)\"]") == "Разделить отсюда")
                _ = try await page.evaluate("(() => { window.confirm = () => true; document.querySelector('[data-split=\"\(later)\"]').click(); })()")
                // The new conversation, holding only the second question.
                try await page.waitFor("""
                    !location.hash.endsWith('/\(id)') && document.querySelector('#thread')?.innerText.includes('вернуть туфли')
                      && !document.querySelector('#thread').innerText.includes('Где мой заказ?')
                    """, "the new conversation open")
                try await page.waitFor("document.querySelectorAll('#conversations .row').length === 2", "both in the list")
            }
            let messages = try await harness.client.json(.get, "/api/v1/conversations/\(id)/messages", token: harness.ownerToken).items
            #expect(messages.map { $0["text"] as? String } == ["Где мой заказ?"])
        }
    }
}
