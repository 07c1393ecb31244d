import Foundation
import ShopdeskCommerce
import ShopdeskCore
import ShopdeskTestSupport
import Testing
@testable import ShopdeskServer

/// A proactive campaign on a shop's page (another origin, a strict CSP) in a real headless
/// Chromium: it appears after the seconds it waits for, with a code made in the fake Shopify; the
/// visitor answers it, the agent sees where the conversation came from, and the order that uses
/// the code is credited to the campaign.
@Suite("Campaigns in a browser", .enabled(if: Browser.shouldRun), .serialized, .timeLimit(.minutes(10)))
struct CampaignBrowserTests {
    @Test func aCampaignShowsAfterSecondsWithACodeAndTheOrderItBringsIsCredited() async throws {
        try await CommerceAPITests.withShop(.sqlite) { harness, shop, connection, _, _ in
            let port = try #require(harness.client.port)
            let base = "http://127.0.0.1:\(port)"
            let inbox = try await harness.client.json(.post, "/api/v1/inboxes", token: harness.ownerToken,
                                                      body: ##"{"name":"Site chat","kind":"chat","chat":{"greeting":"Hi!","color":"#1d6b4f"}}"##)
            let key = try inbox.object("inbox").string("widget_key"), inboxID = try inbox.object("inbox").int("id")
            let created = try await harness.client.json(.post, "/api/v1/campaigns", token: harness.ownerToken, body: """
                {"name":"Welcome","inbox_id":\(inboxID),"status":"active","definition":{"targeting":{"seconds_on_page":3},
                 "variants":[{"key":"A","weight":100,"message":"10 % off your first order","offer":{"percent":10,"valid_hours":48,"prefix":"HELLO"}}]}}
                """)
            let campaignID = try created.int("id")
            let widget = "document.querySelector('[data-shopdesk-widget]').shadowRoot"
            try await ShopPage.serve(widgetBase: base, key: { key }) { shopURL in
                try await Browser.with { page in
                    try await page.navigate(shopURL)
                    try await page.waitFor("\(widget)?.querySelector('.launcher') && !\(widget).querySelector('.launcher').hidden", "the launcher")
                    #expect(try await page.evaluate("\(widget).querySelector('.campaign') === null") as? Bool == true, "not before its seconds")
                    try await page.waitFor("\(widget).querySelector('.campaign .campaign-code strong')?.textContent.startsWith('HELLO-')", "the campaign with its code")
                    let code = try #require(try await page.evaluate("\(widget).querySelector('.campaign-code strong').textContent") as? String)
                    #expect(try await page.evaluate("\(widget).querySelector('.campaign p').textContent") as? String == "10 % off your first order")
                    _ = try await page.evaluate("[...\(widget).querySelectorAll('.campaign-actions button')].pop().click()")
                    try await page.waitFor("!\(widget).querySelector('.panel').hidden && \(widget).querySelector('.campaign-said')", "the chat with the campaign's words")
                    // Nobody is signed in, so the chat is away and asks for an address first.
                    _ = try await page.evaluate("""
                        (() => { const form = \(widget).querySelector('form.contact'); if (form.hidden) return false;
                          form.querySelector('input[type=email]').value = 'visitor@example.com'; form.requestSubmit(); return true })()
                        """)
                    try await page.waitFor("!\(widget).querySelector('form.composer').hidden", "the composer")
                    _ = try await page.evaluate("\(widget).querySelector('textarea').focus()")
                    try await page.type("Is the code good for the trail runners?")
                    try await page.press("Enter", code: "Enter", keyCode: 13)
                    try await page.waitFor("\(widget).querySelector('.msg.visitor:not(.pending)')", "the sent message")

                    let conversationID = try await harness.firstConversationID()
                    let timeline = try await harness.client.json(.get, "/api/v1/conversations/\(conversationID)/timeline", token: harness.ownerToken)
                    #expect(timeline.items.contains { $0["kind"] as? String == "campaign.conversation" && ($0["payload"] as? [String: Any])?["code"] as? String == code },
                            "\(timeline.text)")

                    // The order that uses the code.
                    var order = CommerceAPITests.sampleOrder(id: 4001, email: "visitor@example.com", placed: Date().addingTimeInterval(1))
                    order.discountCodes = [code]
                    await shop.add(order)
                    let body = Data(#"{"id":4001,"admin_graphql_api_id":"gid://shopify/Order/4001"}"#.utf8)
                    _ = try await harness.client.json(.post, "/api/v1/stores/\(connection)/webhooks", headers: [
                        "X-Shopify-Topic": "orders/create", "X-Shopify-Event-Id": "evt-4001", "X-Shopify-Hmac-Sha256": StoreWebhooks.sign(body: body, secret: "whsec-test"),
                    ], body: String(decoding: body, as: UTF8.self))
                    try await harness.runJobs(at: Date().addingTimeInterval(120))
                    let results = try await harness.client.json(.get, "/api/v1/campaigns/\(campaignID)/results", token: harness.ownerToken)
                    let a = try #require(try results.list("variants").first)
                    #expect(a["shown"] as? Int == 1 && a["conversations"] as? Int == 1 && a["orders"] as? Int == 1, "\(results.text)")

                    // A reload does not show it again (one display per visitor).
                    try await page.navigate(shopURL)
                    try await page.waitFor("\(widget)?.querySelector('.launcher') && !\(widget).querySelector('.launcher').hidden", "the launcher again")
                    try await Task.sleep(for: .seconds(4))
                    #expect(try await page.evaluate("\(widget).querySelector('.campaign') === null") as? Bool == true)
                }
            }
        }
    }
}
