import Foundation
import Testing
import ShopdeskCore
import ShopdeskStore
import ShopdeskTestSupport
@testable import ShopdeskServer

/// Long conversation lists in a real headless Chromium: paging with "Load more", live refreshes
/// that keep what is shown, and a 10,000-conversation workspace.
@Suite("Conversation lists in a browser", .enabled(if: Browser.shouldRun), .serialized, .timeLimit(.minutes(5)))
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
            try await Browser.with { page in
                let clock = ContinuousClock()
                let signIn = clock.now
                try await WebAppTests.signIn(page, harness, "http://127.0.0.1:\(port)/#/open")
                try await page.waitFor("document.querySelectorAll('#conversations .row').length === 50", "the first page", timeout: .seconds(30))
                let listed = clock.now - signIn
                let count = try await page.text("#count-open")
                #expect(count.filter(\.isNumber) == "10000")
                // Only the page on screen is in the document.
                #expect(try await page.evaluate("document.querySelectorAll('#conversations .row').length") as? Int == 50)
                let opening = clock.now
                try await page.press("j")
                try await page.waitFor("document.querySelector('#thread')?.innerText.includes('Where is my order')", "a conversation")
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
                // For docs/PERFORMANCE.md (a measurement, not a pass/fail criterion).
                TestDatabase.logger.notice("10k workspace in Chromium: list \(listed), open \(opened), next page \(paged), search \(searched)")
            }
        }
    }}
