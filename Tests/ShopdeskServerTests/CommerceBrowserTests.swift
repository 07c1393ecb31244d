import Foundation
import ShopdeskCommerce
import ShopdeskCore
import ShopdeskTestSupport
import Testing
@testable import ShopdeskServer

/// The order panel and an order action in a real headless Chromium, against the fake Shopify.
@Suite("Orders in a browser", .enabled(if: Browser.shouldRun), .serialized, .timeLimit(.minutes(10)))
struct CommerceBrowserTests {
    @Test func agentsSeeOrdersAndRefundFromTheConversation() async throws {
        try await CommerceAPITests.withShop(.sqlite) { harness, shop, connection, _, conversation in
            let port = try #require(harness.client.port)
            try await Browser.with { page in
                try await WebAppTests.signIn(page, harness, "http://127.0.0.1:\(port)/#/open/\(conversation)")
                try await page.waitFor("document.querySelector('#orders-panel details')?.innerText.includes('#1001')", "Marta's orders")
                let panel = try await page.text("#orders-panel")
                #expect(panel.contains("Linen shirt") && panel.contains("103.80") && panel.contains("not shipped"), "\(panel)")
                // The order number in her message is a link to the order.
                try await page.waitFor("document.querySelector('.message .order-link[data-order=\"1001\"]')", "the order link")

                _ = try await page.evaluate("document.querySelector('#orders-panel details[open] [data-action=refund]').click()")
                try await page.waitFor("document.querySelector('#order-action')?.open", "the refund dialog")
                let confirm = try await page.text("#order-action button[type=submit]")
                #expect(confirm.contains("103.80"), "the button says how much: \(confirm)")
                // A double click acts once: both submits carry the dialog's key.
                _ = try await page.evaluate("""
                    (() => { const form = document.querySelector('#order-action form'); form.requestSubmit(); form.requestSubmit(); return true })()
                    """)
                try await page.waitFor("document.querySelector('#order-action .action-outcome').textContent.includes('Done')", "the outcome")
                #expect(await shop.mutations == ["RefundCreate"])
                try await page.waitFor("document.querySelector('#orders-panel')?.innerText.includes('refunded')", "the refreshed order")
                // The timeline says who refunded how much.
                try await page.waitFor("document.querySelector('#thread')?.innerText.includes('Refund 103.80 EUR on #1001')", "the timeline entry")
                _ = try await page.evaluate("document.querySelector('#order-action').close()")

                // Settings: the shop is listed with its webhook address and answers the test.
                try await page.navigate("http://127.0.0.1:\(port)/#/admin/commerce")
                try await page.waitFor("document.querySelector('#shop-list')?.innerText.includes('Fake Outfitters')", "the shop in settings")
                #expect(try await page.text("#shop-list").contains("/api/v1/stores/\(connection)/webhooks"))
                _ = try await page.evaluate("document.querySelector('#shop-list button').click()")
                try await page.waitFor("document.querySelector('#shop-list [role=status]').textContent.includes('Fake Outfitters (EUR)')", "the connection test")
            }
        }
    }

    /// An agent swaps a size on an unshipped order from the order card, seeing Shopify's new total first.
    @Test func agentsSwapASizeSeeingTheNewTotalFirst() async throws {
        try await CommerceAPITests.withShop(.sqlite) { harness, shop, _, _, conversation in
            let port = try #require(harness.client.port)
            try await Browser.with { page in
                try await WebAppTests.signIn(page, harness, "http://127.0.0.1:\(port)/#/open/\(conversation)")
                try await page.waitFor("document.querySelector('#orders-panel details[open] [data-action=edit_items]')", "the change-items button")
                _ = try await page.evaluate("document.querySelector('#orders-panel details[open] [data-action=edit_items]').click()")
                try await page.waitFor("document.querySelector('#order-action')?.open", "the dialog")
                _ = try await page.evaluate("""
                    (() => { const quantity = document.querySelector('#order-action .line input'); quantity.value = '1';
                      quantity.dispatchEvent(new Event('change', { bubbles: true }));
                      document.querySelector('#order-action input[type=search]').value = 'linen';
                      [...document.querySelectorAll('#order-action button')].find((b) => b.textContent === 'Find').click(); return true })()
                    """)
                try await page.waitFor("document.querySelector('#order-action [data-variant=\"gid://shopify/ProductVariant/71\"]')", "the variants found")
                _ = try await page.evaluate("document.querySelector('#order-action [data-variant=\"gid://shopify/ProductVariant/71\"]').click()")
                try await page.waitFor("document.querySelector('#order-action button[type=submit]').textContent.includes('new total')", "Shopify's new total")
                #expect(try await page.text("#order-action button[type=submit]").contains("103.80"), "a swap keeps the total")
                #expect(await !shop.mutations.contains("OrderEditCommit"))
                _ = try await page.evaluate("document.querySelector('#order-action form').requestSubmit()")
                try await page.waitFor("document.querySelector('#order-action .action-outcome').textContent.includes('Done')", "the outcome")
                #expect(await shop.order("gid://shopify/Order/1001")?.lineItems.map(\.title) == ["Linen shirt", "Linen shirt - L"])
            }
        }
    }

    /// "I never got the tracking email": on a shipped order the agent has Shopify send its own
    /// shipping confirmation again; on an unshipped one the button is off.
    @Test func agentsHaveTheShopResendItsShippingConfirmation() async throws {
        try await CommerceAPITests.withShop(.sqlite) { harness, shop, _, _, conversation in
            let port = try #require(harness.client.port)
            try await Browser.with { page in
                try await WebAppTests.signIn(page, harness, "http://127.0.0.1:\(port)/#/open/\(conversation)")
                try await page.waitFor("document.querySelector('#orders-panel details[open] [data-action=resend_tracking]')", "the resend button")
                #expect(try await page.evaluate("document.querySelector('#orders-panel details[open] [data-action=resend_tracking]').disabled") as? Bool == true,
                        "nothing has shipped yet")
                await shop.change("gid://shopify/Order/1001") {
                    $0.fulfillmentStatus = .fulfilled
                    $0.fulfillments = [OrderFulfillment(status: "success", createdAt: Date(), carrier: "CTT", trackingNumber: "RR123456785PT")]
                }
                _ = try await page.evaluate("document.querySelector('#orders-refresh').click()")
                try await page.waitFor("document.querySelector('#orders-panel')?.innerText.includes('RR123456785PT')", "the shipped order")
                _ = try await page.evaluate("document.querySelector('#orders-panel details[open] [data-action=resend_tracking]').click()")
                try await page.waitFor("document.querySelector('#order-action')?.open", "the dialog")
                #expect(try await page.text("#order-action").contains("marta@example.com"), "the dialog names the address")
                _ = try await page.evaluate("document.querySelector('#order-action form').requestSubmit()")
                try await page.waitFor("document.querySelector('#order-action .action-outcome').textContent.includes('Done')", "the outcome")
                #expect(await shop.shippingEmails.map(\.number) == ["RR123456785PT"])
            }
        }
    }

    /// An admin connects a shop the 2026 way, with the app's client id and secret, in Croatian; the
    /// list says how it signs in and the connection test gets the first token.
    @Test func anAdminConnectsAShopWithItsAppsClientIdAndSecret() async throws {
        try await FakeShopify.run { shop, url in
            try await Harness.run(.sqlite, mode: .live, configure: { $0.allowPrivateWebhookTargets = true }) { harness in
                let port = try #require(harness.client.port)
                _ = try await harness.client.json(.patch, "/api/v1/auth/me", token: harness.ownerToken, body: #"{"locale":"hr"}"#)
                try await Browser.with { page in
                    try await WebAppTests.signIn(page, harness, "http://127.0.0.1:\(port)/#/admin/commerce")
                    try await page.waitFor("document.querySelector('#shop-auth')", "the sign-in choice")
                    // A legacy token's field is not offered for a client-credentials app.
                    #expect(try await page.evaluate("document.querySelector('label[for=shop-token]').hidden") as? Bool == true)
                    #expect(try await page.evaluate("document.querySelector('label[for=shop-client-id]').hidden") as? Bool == false)
                    try await WebAppTests.fill(page, ["#shop-name": "Fake Outfitters", "#shop-url": url,
                                                      "#shop-client-id": FakeShopifyOAuth.clientID, "#shop-client-secret": FakeShopifyOAuth.clientSecret])
                    _ = try await page.evaluate("document.querySelector('#add-shop').requestSubmit()")
                    try await page.waitFor("document.querySelector('#shop-list')?.innerText.includes('ID i tajna klijenta')", "the shop and how it signs in")
                    _ = try await page.evaluate("document.querySelector('#shop-list button').click()")
                    try await page.waitFor("document.querySelector('#shop-list [role=status]').textContent.includes('Fake Outfitters (EUR)')", "the connection test")
                    #expect(await shop.oauth.tokenRequests("client_credentials") == 1, "one token, kept between the connect and the test")
                    // Connecting tested the shop at once, which subscribed its webhooks; the test says how many.
                    try await page.waitFor("document.querySelector('#shop-list [role=status]').textContent.includes('Pretplaćeni webhookovi: 9')", "the webhooks")
                    #expect(await shop.webhooks.count == ShopifyConnector.webhookTopics.count)
                    // …and started reading the shop whole, with its progress shown.
                    try await page.waitFor("/Čitam trgovinu|Kupci i narudžbe pročitani/.test(document.querySelector('#shop-list .shop-sync')?.textContent ?? '')",
                                           "the shop being read")
                }
            }
        }
    }
}
