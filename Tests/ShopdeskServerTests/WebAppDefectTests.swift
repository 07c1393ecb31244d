import Foundation
import ShopdeskCore
import ShopdeskStore
import ShopdeskTestSupport
import Testing
@testable import ShopdeskServer

/// The agent-app defects outside testing found in Chromium: one customer's draft in another's
/// composer, nothing caught up after a reconnect, "Nobody" refused, long threads cut short.
@Suite("Agent web app: drafts, reconnects, long threads", .enabled(if: Browser.shouldRun), .serialized, .timeLimit(.minutes(10)))
struct WebAppDefectTests {
    @Test func aDraftStaysWithItsConversationAndLongThreadsOpenAtTheirEnd() async throws {
        try await Harness.run(.sqlite, mode: .live) { harness in
            let port = try #require(harness.client.port)
            let marta = try await harness.inbound(email: "marta@example.com", text: "Where is my order?", subject: "Order").int("conversation_id")
            let ivan = try await harness.inbound(email: "ivan@example.com", text: "Can I return this?", subject: "Return").int("conversation_id")
            // Ivan's thread is longer than a page: 520 notes after his message, eight at a time
            // (one by one they took minutes when the whole suite ran), the last one last.
            for start in stride(from: 1, to: 520, by: 8) {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for index in start..<min(start + 8, 520) {
                        group.addTask {
                            _ = try await harness.client.json(.post, "/api/v1/conversations/\(ivan)/messages", token: harness.ownerToken,
                                                              body: #"{"text":"Note \#(index)","private":true}"#)
                        }
                    }
                    try await group.waitForAll()
                }
            }
            _ = try await harness.client.json(.post, "/api/v1/conversations/\(ivan)/messages", token: harness.ownerToken,
                                              body: #"{"text":"Note 520","private":true}"#)
            try await Browser.with { page in
                try await WebAppTests.signIn(page, harness, "http://127.0.0.1:\(port)/#/open/\(marta)")
                try await page.waitFor("document.querySelector('#thread')?.innerText.includes('Where is my order?')", "Marta's conversation")
                try await page.press("r")
                try await page.waitFor("document.activeElement?.id === 'composer-text'", "the reply box")
                try await page.type("Private to Marta: your refund is 30 EUR")
                try await page.press("Escape", code: "Escape", keyCode: 27)
                // The other conversation opens: its composer is its own, empty.
                _ = try await page.evaluate("location.hash = '#/open/\(ivan)'")
                try await page.waitFor("document.querySelector('#thread')?.innerText.includes('Note 520')", "Ivan's newest note (beyond the first 500)")
                #expect(try await page.evaluate("document.querySelector('#composer-text').value") as? String == "", "Marta's draft leaked")
                // Earlier messages are a click away.
                try await page.waitFor("document.querySelector('#earlier-messages')", "the earlier-messages button")
                #expect(try await page.evaluate("document.querySelector('#thread').innerText.includes('Can I return this?')") as? Bool == false)
                // Page back until the first message (a click while a page loads is ignored, not doubled).
                try await page.waitFor("""
                    (() => { document.querySelector('#earlier-messages')?.click();
                      return document.querySelector('#thread').innerText.includes('Can I return this?') })()
                    """, "the whole thread")
                #expect(try await page.evaluate("document.querySelectorAll('#thread .message').length") as? Int == 521, "each message once")
                // Back to Marta: her draft is still hers.
                _ = try await page.evaluate("location.hash = '#/open/\(marta)'")
                try await page.waitFor("document.querySelector('#thread')?.innerText.includes('Where is my order?')", "Marta again")
                try await page.waitFor("document.querySelector('#composer-text')?.value === 'Private to Marta: your refund is 30 EUR'", "Marta's draft")
            }
        }
    }

    @Test func afterAReconnectWhatArrivedMeanwhileIsShown() async throws {
        try await Harness.run(.sqlite, mode: .live) { harness in
            let port = try #require(harness.client.port)
            let marta = try await harness.inbound(email: "marta@example.com", text: "Where is my order?", subject: "Order").int("conversation_id")
            try await Browser.with { page in
                // Every socket the app opens is kept where the test can close it, and while
                // `__offline` is set new ones go to a closed port: a network drop, as the app sees one.
                try await page.send("Page.addScriptToEvaluateOnNewDocument", ["source": """
                    window.__sockets = []; window.__offline = false; const Native = window.WebSocket;
                    window.WebSocket = class extends Native {
                      constructor(url, protocols) { super(window.__offline ? 'ws://127.0.0.1:9/' : url, protocols); window.__sockets.push(this); }
                    };
                    """])
                try await WebAppTests.signIn(page, harness, "http://127.0.0.1:\(port)/#/open/\(marta)")
                try await page.waitFor("document.querySelector('#thread')?.innerText.includes('Where is my order?')", "Marta's conversation")
                try await page.waitFor("window.__sockets.some((socket) => socket.readyState === 1)", "the live connection")
                _ = try await page.evaluate("(() => { window.__offline = true; window.__sockets.forEach((socket) => socket.close()); return true })()")
                try await page.waitFor("document.querySelector('#connection')?.hidden === false", "the offline notice")
                // Meanwhile Marta writes again, and someone else writes for the first time.
                try await harness.inbound(email: "marta@example.com", text: "Hello? Any news?", subject: "Order")
                try await harness.inbound(email: "luka@example.com", text: "Do you ship to Split?", subject: "Shipping")
                // …and a colleague mentions the agent: only the events themselves can bring that back.
                let colleague = try await harness.agent(role: .admin, email: "ana@example.com")
                _ = try await harness.client.json(.post, "/api/v1/conversations/\(marta)/messages", token: colleague.token,
                                                  body: #"{"text":"Can you take this?","private":true,"mention_ids":[\#(harness.owner.id.rawValue)]}"#)
                _ = try await page.evaluate("(() => { window.__offline = false; return true })()")
                // The app's backoff reaches 30 s while it is offline: its next try may be that far away.
                do {
                    try await page.waitFor("document.querySelector('#connection')?.hidden === true", "the connection back", timeout: .seconds(75))
                } catch {
                    // Seen only when the whole suite runs: say what the app's sockets were doing.
                    let sockets = try? await page.evaluate("JSON.stringify(window.__sockets.map((socket) => [socket.url, socket.readyState]))")
                    // Whether the page still runs its timers at all, and whether it thinks it is seen.
                    _ = try? await page.evaluate("(() => { window.__tick = false; setTimeout(() => { window.__tick = true }, 100); return true })()")
                    try? await Task.sleep(for: .seconds(3))
                    let timers = try? await page.evaluate("window.__tick")
                    let visibility = try? await page.evaluate("[document.visibilityState, document.hasFocus(), navigator.onLine]")
                    throw HarnessError("""
                        \(error)
                        The app's sockets (url, readyState): \(sockets ?? "unknown"); a 100 ms timer ran within 3 s: \(timers ?? "unknown"); \
                        visibility, focus, online: \(visibility ?? "unknown")
                        """)
                }
                // It resumed from the last event it saw, not from nothing.
                try await page.waitFor("window.__sockets.some((socket) => socket.readyState === 1 && /[?]after=\\d+$/.test(socket.url))",
                                       "a connection that asked for what it missed")
                try await page.waitFor("document.querySelector('#thread')?.innerText.includes('Hello? Any news?')", "the message that arrived meanwhile")
                try await page.waitFor("document.querySelectorAll('#conversations .row').length === 2", "the new conversation in the list")
                try await page.waitFor("document.querySelector('#notifications-count')?.textContent === '1'", "the mention missed meanwhile")
            }
        }
    }

    /// The conversation, its composer and each panel beside it are views of their own props: a
    /// message arriving live redraws the thread, but what the agent opened and typed stays as it
    /// was, and the orders arriving do not redraw the thread. In Portuguese.
    @Test func whatAnAgentOpenedAndTypedSurvivesALiveUpdate() async throws {
        try await Harness.run(.sqlite, mode: .live) { harness in
            let port = try #require(harness.client.port)
            _ = try await harness.client.json(.patch, "/api/v1/auth/me", token: harness.ownerToken, body: #"{"locale":"pt-BR"}"#)
            let conversation = try await harness.inbound(email: "joana@example.com", text: "Onde está meu pedido?", subject: "Pedido").int("conversation_id")
            try await Browser.with { page in
                try await WebAppTests.signIn(page, harness, "http://127.0.0.1:\(port)/#/open/\(conversation)")
                try await page.waitFor("document.querySelector('#thread')?.innerText.includes('Onde está meu pedido?')", "Joana's conversation")
                #expect(try await page.evaluate("document.querySelector('#send').textContent") as? String == "Enviar")
                // The merge search open with a half-typed name, a reply begun, a tag being typed.
                _ = try await page.evaluate("(() => { document.querySelector('#customer-merge').open = true; return true })()")
                try await WebAppTests.fill(page, ["#customer-merge-search": "mar"])
                try await page.focus("#composer-text")
                try await page.type("Olá Joana, ")
                try await page.focus("#tag-input")
                try await page.type("entre")
                _ = try await page.evaluate("(() => { window.__thread = document.querySelector('#thread'); return true })()")
                try await harness.inbound(email: "joana@example.com", text: "Alguém aí?", subject: "Pedido")
                try await page.waitFor("document.querySelector('#thread')?.innerText.includes('Alguém aí?')", "the message that arrived")
                #expect(try await page.evaluate("document.querySelector('#thread') !== window.__thread") as? Bool == true, "the thread was drawn again")
                #expect(try await page.evaluate("document.querySelector('#customer-merge').open") as? Bool == true, "the merge search was closed")
                #expect(try await page.evaluate("document.querySelector('#customer-merge-search').value") as? String == "mar")
                #expect(try await page.evaluate("document.querySelector('#composer-text').value") as? String == "Olá Joana, ")
                #expect(try await page.evaluate("document.activeElement?.id") as? String == "tag-input", "the tag box lost focus")
                #expect(try await page.evaluate("document.querySelector('#tag-input').value") as? String == "entre")
                // Asking the shop for the orders again redraws the orders, not the thread.
                _ = try await page.evaluate("(() => { window.__thread = document.querySelector('#thread'); window.__orders = document.querySelector('#orders-panel'); document.querySelector('#orders-refresh').click(); return true })()")
                try await page.waitFor("document.querySelector('#orders-panel') !== window.__orders", "the orders drawn again")
                #expect(try await page.evaluate("document.querySelector('#thread') === window.__thread") as? Bool == true, "the thread was drawn for the orders")
                // Enter adds the tag and empties the box for the next one.
                try await page.focus("#tag-input")
                try await page.press("Enter", code: "Enter", keyCode: 13)
                try await page.waitFor("[...document.querySelectorAll('.controls .tag')].some((tag) => tag.textContent.startsWith('entre'))", "the tag added")
                #expect(try await page.evaluate("document.querySelector('#tag-input').value") as? String == "")
            }
        }
    }
}
