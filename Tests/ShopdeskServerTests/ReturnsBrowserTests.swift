import Foundation
import ShopdeskCommerce
import ShopdeskCore
import ShopdeskTestSupport
import Testing
@testable import ShopdeskServer

/// A return end to end in a real headless Chromium: the customer asks for it in the help center in
/// Portuguese, and the agent approves it and refunds it on arrival from the order's card.
@Suite("Returns in a browser", .enabled(if: Browser.shouldRun), .serialized, .timeLimit(.minutes(10)))
struct ReturnsBrowserTests {
    @Test func aCustomersReturnIsApprovedAndRefundedOnArrival() async throws {
        try await CommerceAPITests.withShop(.sqlite) { harness, shop, connection, customer, conversation in
            _ = try await ReturnsAPITests.ship(shop, harness, customer: customer)
            _ = try await harness.client.json(.put, "/api/v1/help/settings", token: harness.ownerToken, body: #"{"slug":"fake-help","default_language":"en"}"#)
            _ = try await harness.client.json(.put, "/api/v1/stores/\(connection)/return-policy", token: harness.ownerToken, body: """
                {"window_days":30,"reasons":["size_too_small","size_too_large","defective"],"photo_reasons":["defective"],"non_returnable_tags":[],
                 "instructions":{},"address":"Fake Outfitters, Rua do Ouro 1, Lisboa"}
                """)
            let port = try #require(harness.client.port)
            let base = "http://127.0.0.1:\(port)"
            try await Browser.with { page in
                try await page.navigate("\(base)/help/fake-help/returns?lang=pt")
                try await page.waitFor("document.querySelector('input[name=number]')", "the returns page")
                try await WebAppTests.fill(page, ["input[name=number]": "#1001", "input[name=email]": "marta@example.com"])
                _ = try await page.evaluate("document.querySelector('main form').requestSubmit()")
                try await page.waitFor("document.querySelector('select[name=quantity0]')", "the items of the order")
                #expect(try await page.text("main").contains("Pequeno demais"))
                _ = try await page.evaluate("""
                    (() => { document.querySelector('select[name=quantity0]').value = '1'; document.querySelector('select[name=reason0]').value = 'size_too_small';
                      document.querySelector('input[name=note0]').value = 'Preciso de um L'; document.querySelector('main form').requestSubmit(); return true })()
                    """)
                try await page.waitFor("document.querySelector('main')?.innerText.includes('O seu pedido de devolução foi registado')", "the confirmation")
                let confirmation = try await page.text("main")
                #expect(confirmation.contains("Rua do Ouro 1") && confirmation.contains("1 × Linen shirt — Pequeno demais"), "\(confirmation)")

                try await WebAppTests.signIn(page, harness, "\(base)/#/open/\(conversation)")
                try await page.waitFor("document.querySelector('#orders-panel .return')?.innerText.includes('Requested')", "the requested return in the order's card")
                #expect(try await page.text("#orders-panel .return").contains("Preciso de um L"))
                try await page.waitFor("(() => { const button = document.querySelector('#orders-panel .return [data-step=approve]'); if (!button) return false; button.click(); return true })()", "the approve button")
                try await page.waitFor("document.querySelector('#orders-panel .return')?.innerText.includes('Approved')", "the approved return")
                try await page.waitFor("(() => { const button = document.querySelector('#orders-panel .return [data-step=refund]'); if (!button) return false; button.click(); return true })()", "the refund button")
                try await page.waitFor("document.querySelector('#orders-panel .return')?.innerText.includes('Refunded')", "the refunded return")
                #expect(await shop.mutations.filter { $0 == "ReturnProcess" }.count == 1)
                #expect(await shop.order("gid://shopify/Order/1001")?.refunded.minor == 4_900)
                try await page.waitFor("document.querySelector('#thread')?.innerText.includes('Return #1001 → Refunded')", "the timeline entry")
            }
        }
    }

    /// An agent swaps a size from the order's card: the exchange is opened with the variant found
    /// in the shop and sent when the parcel is in.
    @Test func anAgentSwapsASizeFromTheOrdersCard() async throws {
        try await CommerceAPITests.withShop(.sqlite) { harness, shop, _, customer, conversation in
            _ = try await ReturnsAPITests.ship(shop, harness, customer: customer)
            let port = try #require(harness.client.port)
            try await Browser.with { page in
                try await WebAppTests.signIn(page, harness, "http://127.0.0.1:\(port)/#/open/\(conversation)")
                try await page.waitFor("document.querySelector('#orders-panel .start-return')", "the start-a-return button")
                try await page.waitFor("(() => { const button = document.querySelector('#orders-panel .start-return'); if (!button) return false; button.click(); return true })()", "the start-a-return button")
                try await page.waitFor("document.querySelector('#orders-panel [data-exchange] option[value=\"gid://shopify/ProductVariant/71\"]')", "the sizes found in the shop")
                _ = try await page.evaluate("""
                    (() => { const form = document.querySelector('#orders-panel .return-form'); form.querySelector('input[type=number]').value = '1';
                      form.querySelector('[data-exchange]').value = 'gid://shopify/ProductVariant/71'; form.requestSubmit(); return true })()
                    """)
                try await page.waitFor("document.querySelector('#orders-panel .return')?.innerText.includes('→ Linen shirt - L')", "the exchange")
                try await page.waitFor("(() => { const button = document.querySelector('#orders-panel .return [data-step=exchange]'); if (!button) return false; button.click(); return true })()", "the send-the-exchange button")
                try await page.waitFor("document.querySelector('#orders-panel .return')?.innerText.includes('Exchanged')", "the exchange sent")
                #expect(await shop.mutations.contains("ReturnProcess"))
            }
        }
    }
}
