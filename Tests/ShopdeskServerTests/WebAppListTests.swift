import Foundation
import Testing
import ShopdeskCore
import ShopdeskStore
import ShopdeskTestSupport
@testable import ShopdeskServer

/// Long conversation lists in a real headless Chromium: paging with "Load more", live refreshes
/// that keep what is shown, and a 10,000-conversation workspace.
@Suite("Conversation lists in a browser", .enabled(if: Browser.shouldRun), .serialized, .timeLimit(.minutes(10)))
struct WebAppListTests {
    @Test func pagesLoadedWithLoadMoreStayWhenTheListRefreshesLive() async throws {
        try await Harness.run(.sqlite, mode: .live) { harness in
            let port = try #require(harness.client.port)
            for index in 0..<60 {
                try await harness.inbound(email: "c\(index)@example.com", text: "Message \(index)", subject: "Question \(index)")
            }
            try await Browser.with { page in
                try await WebAppTests.signIn(page, harness, "http://127.0.0.1:\(port)/#/open")
                try await page.waitFor("document.querySelectorAll('#conversations .row').length === 50", "the first page")
                _ = try await page.evaluate("document.querySelector('#load-more').click()")
                try await page.waitFor("document.querySelectorAll('#conversations .row').length === 60 && document.querySelector('#load-more').hidden", "all sixty")
                try await harness.inbound(email: "new@example.com", text: "A new question", subject: "Newest")
                try await page.waitFor("document.querySelector('#conversations .row .subject')?.textContent === 'Newest'", "the new conversation on top")
                // As many rows as were shown stay shown; the oldest moved to the next page.
                #expect(try await page.evaluate("document.querySelectorAll('#conversations .row').length") as? Int == 60)
                #expect(try await page.evaluate("document.querySelector('#load-more').hidden") as? Bool == false)
            }
        }
    }

    @Test func rowsSayWhoAndWhatEvenForAnAnonymousChat() async throws {
        try await Harness.run(.sqlite, mode: .live) { harness in
            let port = try #require(harness.client.port)
            let chat = try await harness.client.json(.post, "/api/v1/inboxes", token: harness.ownerToken, body: #"{"name":"Chat","kind":"chat"}"#)
            let key = try chat.object("inbox").string("widget_key")
            let session = try await harness.client.json(.post, "/api/v1/widget/\(key)/sessions", body: "{}")
            let sent = try await harness.client.json(.post, "/api/v1/widget/messages", headers: ["X-Visitor-Token": try session.string("token")],
                                                     body: #"{"client_id":"\#(UUID().uuidString)","text":"hello"}"#)
            #expect(sent.status == .created, "\(sent.text)")
            let item = try #require(try await harness.client.json(.get, "/api/v1/conversations", token: harness.ownerToken).items.first)
            let customer = try #require(item["customer_id"] as? Int), number = try #require(item["number"] as? Int), id = try #require(item["id"] as? Int)
            try await Browser.with { page in
                try await WebAppTests.signIn(page, harness, "http://127.0.0.1:\(port)/#/open/\(id)")
                try await page.waitFor("document.querySelector('#conversations .row .who')?.textContent === 'Visitor \(customer)'", "the visitor in words")
                let subject = try await page.evaluate("document.querySelector('#conversations .row .subject').textContent") as? String
                #expect(subject == "Conversation #\(number)" || subject?.first?.isUppercase == true && subject?.hasPrefix("#") == false, "\(subject ?? "")")
                try await page.waitFor("document.querySelector('#conversation-title')?.textContent === \(DevToolsPage.quoted(subject ?? ""))", "the same title above the thread")
            }
        }
    }

    /// A 10,000-conversation workspace opens with its first page, counts, paging and search,
    /// without loading everything. The time each step took is written to the test log for
    /// docs/PERFORMANCE.md; it is never asserted.
    @Test func aTenThousandConversationWorkspaceOpensWithoutLoadingItAll() async throws {
        try await Harness.run(.sqlite, mode: .live) { harness in
            let port = try #require(harness.client.port)
            let inbox = InboxID(harness.inboxID)
            for batch in 0..<20 {
                let messages = (0..<500).map { index in
                    let n = batch * 500 + index
                    return InboundMessage(inboxID: inbox, channelMessageID: "bulk-\(n)",
                                          customer: CustomerIdentity(name: "Customer \(n)", email: "bulk\(n)@example.com"),
                                          subject: "Question \(n)", text: "Where is my order #\(10_000 + n)?", receivedAt: Date())
                }
                _ = try await harness.services.conversations.ingestBatch(messages, workspaceID: harness.workspaceID)
            }
            // And one customer who wrote 5,000 messages in one conversation.
            let long = try await harness.inbound(email: "talkative@example.com", text: "Message 0", subject: "A long thread").int("conversation_id")
            for batch in 0..<10 {
                let messages = (0..<500).map { index in
                    var message = InboundMessage(inboxID: inbox, channelMessageID: "long-\(batch * 500 + index)",
                                                 customer: CustomerIdentity(name: "Talkative", email: "talkative@example.com"),
                                                 subject: nil, text: "Message \(batch * 500 + index + 1)", receivedAt: Date())
                    message.replyTo = ConversationID(long)
                    return message
                }
                _ = try await harness.services.conversations.ingestBatch(messages, workspaceID: harness.workspaceID)
            }
            // Saved views whose counts cost the most: one that matches nothing (every row is looked
            // at), one that matches everything (counting stops at the cap), and a combination.
            var viewIDs: [Int64] = []
            for body in [#"{"name":"Nothing","filters":{"tag":["never-used"]}}"#, #"{"name":"Everything","filters":{"status":["open"]}}"#,
                         #"{"name":"Mixed","filters":{"channel":["api"],"assignee":["none"],"priority":["normal"],"sla":["none"]}}"#] {
                viewIDs.append(try await harness.client.json(.post, "/api/v1/views", token: harness.ownerToken, body: body).int("id"))
            }
            let counting = ContinuousClock().now
            let counts = try await harness.client.json(.get, "/api/v1/views/counts", token: harness.ownerToken).object("counts")
            let counted = ContinuousClock().now - counting
            let mixedView = viewIDs[2]
            #expect(try counts.int(String(viewIDs[0])) == 0 && (try counts.int(String(viewIDs[1]))) == 1000, "\(counts.text)")
            try await Browser.with { page in
                let clock = ContinuousClock()
                let signIn = clock.now
                try await WebAppTests.signIn(page, harness, "http://127.0.0.1:\(port)/#/open")
                try await page.waitFor("document.querySelectorAll('#conversations .row').length === 50", "the first page", timeout: .seconds(30))
                let listed = clock.now - signIn
                let count = try await page.text("#count-open")
                #expect(count.filter(\.isNumber) == "10001", "ten thousand and the long thread")
                // Only the page on screen is in the document.
                #expect(try await page.evaluate("document.querySelectorAll('#conversations .row').length") as? Int == 50)
                let opening = clock.now
                try await page.press("j")
                try await page.waitFor("document.querySelector('#thread .message')", "a conversation")
                let opened = clock.now - opening
                let paging = clock.now
                _ = try await page.evaluate("document.querySelector('#load-more').click()")
                try await page.waitFor("document.querySelectorAll('#conversations .row').length === 100", "the second page")
                let paged = clock.now - paging
                let searching = clock.now
                try await page.press("/")
                try await page.type("10777")
                try await page.press("Enter", code: "Enter", keyCode: 13)
                try await page.waitFor("[...document.querySelectorAll('#conversations .row')].some((r) => r.innerText.includes('Question 777'))", "the search hit")
                let searched = clock.now - searching
                // Switching views: from the search back to all 10,000.
                let switching = clock.now
                _ = try await page.evaluate("location.hash = '#/all'")
                try await page.waitFor("document.querySelectorAll('#conversations .row').length === 50 && location.hash === '#/all'", "the All view")
                let switched = clock.now - switching
                // The conversation of 5,000 messages: the newest 200 first, earlier ones on request.
                let longOpening = clock.now
                _ = try await page.evaluate("location.hash = '#/all/\(long)'")
                try await page.waitFor("document.querySelector('#thread')?.innerText.includes('Message 5000')", "the long thread", timeout: .seconds(30))
                let longOpened = clock.now - longOpening
                #expect(try await page.evaluate("document.querySelectorAll('#thread .message').length") as? Int == 200)
                // A saved view of several fields, from the navigation.
                let savedSwitching = clock.now
                _ = try await page.evaluate("location.hash = '#/saved:\(mixedView)'")
                try await page.waitFor("document.querySelectorAll('#conversations .row').length === 50 && document.querySelector('#list-title')?.textContent === 'Mixed'", "the saved view")
                let savedSwitched = clock.now - savedSwitching
                // What the app costs to load: the page and every script, style and request since.
                let transferred = try await page.evaluate("""
                    (() => { const all = [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')];
                      const app = all.filter((e) => /\\/app\\/|\\/$|index\\.html/.test(new URL(e.name).pathname));
                      const sum = (list, key) => list.reduce((total, e) => total + (e[key] || 0), 0);
                      return `${app.length} files, ${sum(app, 'transferSize')} bytes transferred, ${sum(app, 'decodedBodySize')} bytes decoded` })()
                    """) as? String ?? ""
                // For docs/PERFORMANCE.md (a measurement, not a pass/fail criterion).
                TestDatabase.logger.notice("10k workspace in Chromium: list \(listed), open \(opened), next page \(paged), search \(searched), switch view \(switched), open 5,000-message thread \(longOpened), saved view \(savedSwitched), counts of 3 saved views \(counted); app: \(transferred)")
            }
        }
    }}
