import Foundation
import ShopdeskCore
import ShopdeskTestSupport
import Testing
@testable import ShopdeskServer

/// Writing an article in Settings, and an agent linking it into a reply with one key.
@Suite("Help center in a browser", .enabled(if: Browser.shouldRun), .serialized, .timeLimit(.minutes(10)))
struct HelpCenterBrowserTests {
    @Test func adminsWriteArticlesAndAgentsLinkThemWithOneKey() async throws {
        try await Harness.run(.sqlite, mode: .live) { harness in
            let port = try #require(harness.client.port)
            let slug = "help-\(UUID().uuidString.prefix(6).lowercased())"
            let inbound = try await harness.inbound(email: "ivan@example.com", text: "How long does a refund take after I send the parcel back?")
            try await Browser.with { page in
                try await WebAppTests.signIn(page, harness, "http://127.0.0.1:\(port)/#/admin/help")
                try await page.waitFor("document.querySelector('#help-settings')", "the help center settings")
                try await WebAppTests.fill(page, ["#help-slug": slug, "#help-title": "Fake Outfitters help"])
                _ = try await page.evaluate("document.querySelector('#help-settings').requestSubmit()")
                try await page.waitFor("document.querySelector('#help-public-link')?.href.endsWith('/help/\(slug)')", "the public address")
                _ = try await page.evaluate("document.querySelector('#new-article').click()")
                try await page.waitFor("document.querySelector('#help-article')", "the article editor")
                try await WebAppTests.fill(page, ["#article-title": "Refunds after a return",
                                                  "#article-body": "We **refund** within 5 days of receiving the parcel."])
                _ = try await page.evaluate("document.querySelector('#article-status').value = 'published'")
                _ = try await page.evaluate("document.querySelector('#help-article').requestSubmit()")
                try await page.waitFor("document.querySelector('#help-articles').innerText.includes('Refunds after a return')", "the saved article")

                try await page.navigate("http://127.0.0.1:\(port)/#/open/\(try inbound.int("conversation_id"))")
                try await page.waitFor("document.querySelector('#articles-panel li')?.innerText.includes('Refunds after a return')", "the suggestion")
                _ = try await page.evaluate("document.activeElement?.blur()")
                try await page.press("l")
                try await page.waitFor("document.querySelector('#composer-text')?.value.includes('/help/\(slug)/en/')", "the link in the composer")
                let text = try await page.evaluate("document.querySelector('#composer-text').value") as? String ?? ""
                #expect(text.hasPrefix("Refunds after a return: http://"), "\(text)")
            }
            let public_ = try await harness.client.json(.get, "/help/\(slug)")
            #expect(public_.text.contains("Refunds after a return"))
        }
    }
}
