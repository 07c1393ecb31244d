import Foundation
import HummingbirdTesting
@testable import ShopdeskServer
import ShopdeskTestSupport
import Testing

/// The daily tools around a reply: undo send, send and resolve in one go, and snoozing until a
/// time of the agent's choosing or until the customer answers — in English and in Croatian.
@Suite("Undo send, send and resolve, snooze choices in a browser", .enabled(if: Browser.shouldRun), .serialized, .timeLimit(.minutes(10)))
struct WebAppDailyToolsTests {
    @Test func aReplySentAndResolvedWithOneKey() async throws {
        try await Harness.run(.sqlite, mode: .live) { harness in
            let port = try #require(harness.client.port)
            let id = try await harness.inbound(email: "ana@example.com", text: "Did my parcel leave?").int("conversation_id")
            try await Browser.with { page in
                try await WebAppTests.signIn(page, harness, "http://127.0.0.1:\(port)/#/open/\(id)")
                try await page.waitFor("document.querySelector('#send-resolve')?.textContent === 'Send and resolve'", "the send-and-resolve button")
                try await page.focus("#composer-text")
                try await page.type("It left this morning; here is the tracking link.")
                // Ctrl+Shift+Enter (modifiers: Ctrl 2 + Shift 8).
                try await page.press("Enter", modifiers: 10, code: "Enter", keyCode: 13)
                try await page.waitFor("document.querySelector('#thread')?.innerText.includes('It left this morning')", "the reply in the thread")
                try await page.waitFor("document.querySelector('#status')?.value === 'resolved'", "the conversation resolved")
            }
            let conversation = try await harness.client.json(.get, "/api/v1/conversations/\(id)", token: harness.ownerToken)
            #expect(try conversation.string("status") == "resolved")
            let messages = try await harness.client.json(.get, "/api/v1/conversations/\(id)/messages", token: harness.ownerToken).items
            #expect(messages.last?["text"] as? String == "It left this morning; here is the tracking link.")
        }
    }

    @Test func snoozedUntilTomorrowAChosenTimeOrTheCustomersAnswerInCroatian() async throws {
        try await Harness.run(.sqlite, mode: .live) { harness in
            let port = try #require(harness.client.port)
            let token = harness.ownerToken
            _ = try await harness.client.json(.patch, "/api/v1/auth/me", token: token, body: #"{"locale":"hr"}"#)
            let id = try await harness.inbound(email: "ivo@example.hr", text: "Javite mi kad stigne nova veličina.").int("conversation_id")
            try await Browser.with { page in
                try await WebAppTests.signIn(page, harness, "http://127.0.0.1:\(port)/#/open/\(id)")
                try await page.waitFor("document.querySelector('#snooze')", "the conversation")
                let options = try await page.evaluate("[...document.querySelector('#snooze').options].map((o) => o.textContent).join('|')") as? String ?? ""
                #expect(options.contains("Sutra u 9:00") && options.contains("Dok kupac ne odgovori"), "\(options)")
                #expect(try await page.evaluate("document.querySelector('#send-resolve').textContent") as? String == "Pošalji i riješi")

                // Tomorrow at nine on the agent's clock.
                let tomorrow = try await page.evaluate("(() => { const d = new Date(); d.setDate(d.getDate() + 1); d.setHours(9, 0, 0, 0); return d.getTime() })()") as? Double ?? 0
                try await Self.choose(page, "tomorrow")
                try await page.waitFor("document.querySelector('#snoozed-until')", "the conversation snoozed")
                var snoozed = try await Self.state(harness, id)
                #expect(snoozed.status == "snoozed")
                #expect(snoozed.until == tomorrow)

                // A date and time picked by hand: the picker shows only when asked for.
                #expect(try await page.evaluate("document.querySelector('.snooze-picker').getClientRects().length") as? Int == 0)
                try await Self.choose(page, "pick")
                try await page.waitFor("document.querySelector('.snooze-picker')?.getClientRects().length > 0", "the date and time picker")
                _ = try await page.evaluate("document.querySelector('#snooze-at').value = '2031-03-04T10:30'")
                let picked = try await page.evaluate("new Date('2031-03-04T10:30').getTime()") as? Double ?? 0
                _ = try await page.evaluate("document.querySelector('#snooze-at-button').click()")
                try await page.waitFor("document.querySelector('#snoozed-until')?.textContent.includes('2031')", "snoozed until the picked time")
                snoozed = try await Self.state(harness, id)
                #expect(snoozed.until == picked)

                // Until the customer answers: waiting on them, and their next message opens it again.
                try await Self.choose(page, "reply")
                try await page.waitFor("document.querySelector('#status')?.value === 'pending'", "waiting on the customer")
                _ = try await harness.inbound(email: "ivo@example.hr", text: "Je li stigla?")
                #expect(try await Self.state(harness, id).status == "open")
            }
        }
    }

    @Test func aReplyWaitsWithAnUndoAndAClosedPageGivesItBackAsADraft() async throws {
        try await Harness.run(.sqlite, mode: .live) { harness in
            let port = try #require(harness.client.port)
            let id = try await harness.inbound(email: "marta@example.com", text: "Can I still change the size?").int("conversation_id")
            try await Browser.with { page in
                // The time to undo is the agent's choice, in their account's settings.
                try await WebAppTests.signIn(page, harness, "http://127.0.0.1:\(port)/#/admin/account")
                try await page.waitFor("document.querySelector('#undo-seconds')?.value === '5'", "five seconds by default")
                _ = try await page.evaluate("(() => { const s = document.querySelector('#undo-seconds'); s.value = '10'; s.dispatchEvent(new Event('change')); return true })()")
                #expect(try await page.evaluate("localStorage.getItem('shopdesk.undoSeconds')") as? String == "10")

                // Sent, then taken back: the text returns to the composer and nothing leaves.
                try await page.navigate("http://127.0.0.1:\(port)/#/open/\(id)")
                try await page.waitFor("document.querySelector('#composer-text')", "the conversation")
                try await page.focus("#composer-text")
                try await page.type("Yes, tell me which size.")
                _ = try await page.evaluate("document.querySelector('#send').click()")
                try await page.waitFor("document.querySelector('#undo-sends li')?.textContent.includes('s')", "the reply waiting with an Undo")
                #expect(try await page.evaluate("document.querySelector('#composer-text').value") as? String == "")
                _ = try await page.evaluate("document.querySelector('#undo-sends .undo-send').click()")
                try await page.waitFor("document.querySelector('#composer-text')?.value === 'Yes, tell me which size.'", "the reply back in the composer")
                #expect(try await Self.outbound(harness, id).isEmpty)

                // Sent and left alone: it leaves when its time is up.
                _ = try await page.evaluate("localStorage.setItem('shopdesk.undoSeconds', '1')")
                _ = try await page.evaluate("document.querySelector('#send').click()")
                try await page.waitFor("document.querySelector('#thread')?.innerText.includes('tell me which size') && !document.querySelector('#undo-sends li')",
                                       "the reply sent after its second")
                #expect(try await Self.outbound(harness, id) == ["Yes, tell me which size."])

                // The page closes while a reply waits: next time it is the draft again, not sent.
                _ = try await page.evaluate("localStorage.setItem('shopdesk.undoSeconds', '20')")
                try await page.focus("#composer-text")
                try await page.type("Sorry, wrong customer.")
                _ = try await page.evaluate("document.querySelector('#send').click()")
                try await page.waitFor("document.querySelector('#undo-sends li')", "the reply waiting")
                try await page.navigate("about:blank")
                try await page.navigate("http://127.0.0.1:\(port)/#/open/\(id)")
                try await page.waitFor("document.querySelector('#composer-text')?.value === 'Sorry, wrong customer.'", "the held reply back as the draft")
                try await page.waitFor("!document.querySelector('#notice').hidden && document.querySelector('#notice').textContent.includes('not sent')", "the notice saying so")
                #expect(try await Self.outbound(harness, id) == ["Yes, tell me which size."])
            }
        }
    }

    @Test func theCommandPaletteFindsActionsByAFewLettersInRussianAndEnglish() async throws {
        try await Harness.run(.sqlite, mode: .live) { harness in
            let port = try #require(harness.client.port)
            _ = try await harness.client.json(.patch, "/api/v1/auth/me", token: harness.ownerToken, body: #"{"locale":"ru"}"#)
            let id = try await harness.inbound(email: "oleg@example.ru", text: "Где мой заказ?").int("conversation_id")
            try await Browser.with { page in
                try await WebAppTests.signIn(page, harness, "http://127.0.0.1:\(port)/#/open/\(id)")
                try await page.waitFor("document.querySelector('#composer-text')", "the conversation")
                // Ctrl+K, a few letters, Enter.
                try await Self.command(page, "назнач", until: "document.querySelector('#palette-options [role=option].active')?.textContent.startsWith('Назначить себе')")
                try await page.waitFor("document.querySelector('#assignee')?.value === '\(harness.owner.id.rawValue)'", "the conversation assigned to the agent")
                #expect(try await page.evaluate("document.querySelector('#palette').open") as? Bool == false)
                // In English: the words of a settings area.
                _ = try await page.evaluate("(() => { const l = document.querySelector('#language'); l.value = 'en'; l.dispatchEvent(new Event('change')); return true })()")
                try await page.waitFor("document.querySelector('#send')?.textContent === 'Send'", "the app in English")
                try await Self.command(page, "settings inbox", until: "document.querySelectorAll('#palette-options [role=option]').length === 1")
                try await page.waitFor("location.hash === '#/admin/channels' && document.querySelector('#settings-area-channels')", "the inboxes' settings")
            }
            let conversation = try await harness.client.json(.get, "/api/v1/conversations/\(id)", token: harness.ownerToken)
            #expect(try conversation.int("assignee_id") == harness.owner.id.rawValue)
        }
    }

    @Test func aReplyScheduledForTomorrowWaitsAboveTheComposerAndComesBackWhenTakenBack() async throws {
        try await Harness.run(.sqlite, mode: .live) { harness in
            let port = try #require(harness.client.port)
            let id = try await harness.inbound(email: "luka@example.hr", text: "Will you restock the blue mug?").int("conversation_id")
            try await Browser.with { page in
                try await WebAppTests.signIn(page, harness, "http://127.0.0.1:\(port)/#/open/\(id)")
                try await page.waitFor("document.querySelector('#send-later')", "the send-later button")
                try await page.focus("#composer-text")
                try await page.type("Yes, it is back tomorrow.")
                _ = try await page.evaluate("document.querySelector('#send-later').click()")
                try await page.waitFor("document.querySelector('#send-later-when')?.getClientRects().length > 0", "the choice of time")
                _ = try await page.evaluate("(() => { const w = document.querySelector('#send-later-when'); w.value = 'tomorrow'; w.dispatchEvent(new Event('change')); return true })()")
                let tomorrow = try await page.evaluate("(() => { const d = new Date(); d.setDate(d.getDate() + 1); d.setHours(9, 0, 0, 0); return d.getTime() })()") as? Double ?? 0
                _ = try await page.evaluate("document.querySelector('#send-later-schedule').click()")
                try await page.waitFor("document.querySelector('#scheduled-replies')?.innerText.includes('it is back tomorrow')", "the reply waiting above the composer")
                #expect(try await page.evaluate("document.querySelector('#composer-text').value") as? String == "")
                let waiting = try await harness.client.json(.get, "/api/v1/conversations/\(id)/scheduled-replies", token: harness.ownerToken).items
                #expect(waiting.count == 1 && Self.milliseconds(waiting.first?["send_at"]) == tomorrow, "\(waiting)")
                #expect(try await Self.outbound(harness, id).isEmpty)
                // Taken back: the text is the draft again and nothing waits any more.
                _ = try await page.evaluate("document.querySelector('#scheduled-replies button').click()")
                try await page.waitFor("!document.querySelector('#scheduled-replies') && document.querySelector('#composer-text')?.value === 'Yes, it is back tomorrow.'",
                                       "the reply back in the composer")
                #expect(try await harness.client.json(.get, "/api/v1/conversations/\(id)/scheduled-replies", token: harness.ownerToken).items.isEmpty)
            }
        }
    }

    /// Opens the palette with Ctrl+K, types `words`, waits until `found` holds, runs the highlighted command.
    static func command(_ page: DevToolsPage, _ words: String, until found: String) async throws {
        try await page.press("k", modifiers: 2, code: "KeyK", keyCode: 75)
        try await page.waitFor("document.querySelector('#palette')?.open && document.activeElement?.id === 'palette-search'", "the palette")
        try await page.type(words)
        try await page.waitFor(found, "the command for \(words)")
        try await page.press("Enter", code: "Enter", keyCode: 13)
    }

    static func outbound(_ harness: Harness, _ id: Int64) async throws -> [String] {
        try await harness.client.json(.get, "/api/v1/conversations/\(id)/messages", token: harness.ownerToken).items
            .filter { $0["direction"] as? String == "outbound" }.compactMap { $0["text"] as? String }
    }

    /// The conversation's status and wake-up time (ms since the epoch), as the API says.
    static func state(_ harness: Harness, _ id: Int64) async throws -> (status: String?, until: Double?) {
        let body = try await harness.client.json(.get, "/api/v1/conversations/\(id)", token: harness.ownerToken).body as? [String: Any] ?? [:]
        return (body["status"] as? String, milliseconds(body["snoozed_until"]))
    }

    static func choose(_ page: DevToolsPage, _ value: String) async throws {
        _ = try await page.evaluate("""
            (() => { const menu = document.querySelector('#snooze'); menu.value = '\(value)';
              menu.dispatchEvent(new Event('change')); return true })()
            """)
    }

    static func milliseconds(_ value: Any?) -> Double? {
        guard let text = value as? String else { return nil }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let date = formatter.date(from: text) ?? ISO8601DateFormatter().date(from: text)
        return date.map { ($0.timeIntervalSince1970 * 1000).rounded() }
    }
}
