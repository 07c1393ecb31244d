import Foundation
import ShopdeskCommerce
import ShopdeskCore
@testable import ShopdeskServer
import ShopdeskStore
import ShopdeskTestSupport
import Testing

/// Changing an unshipped order's items through Shopify's order editing: variants found in the
/// shop, the new total computed by Shopify and shown before anything is saved, one commit.
@Suite("Commerce: editing an order's items")
struct OrderEditTests {
    @Test(arguments: TestDatabase.kinds)
    func aSizeIsSwappedWithTheTotalShownFirst(kind: DatabaseKind) async throws {
        try await CommerceAPITests.withShop(kind) { harness, shop, _, customer, conversation in
            let orders = try await harness.client.json(.get, "/api/v1/customers/\(customer)/orders", token: harness.ownerToken)
            let orderID = try #require(orders.items.first?["id"] as? Int)
            let found = try await harness.client.json(.get, "/api/v1/orders/\(orderID)/products?q=linen", token: harness.ownerToken)
            #expect(found.items.compactMap { $0["title"] as? String } == ["Linen shirt - L", "Linen shirt - S"], "\(found.text)")
            let swap = #"{"kind":"edit_items","changes":[{"line_item_id":"gid://shopify/LineItem/10011","quantity":1}],"additions":[{"variant_id":"gid://shopify/ProductVariant/71","title":"Linen shirt - L","quantity":1}]}"#
            let preview = try await harness.client.json(.post, "/api/v1/orders/\(orderID)/edit-preview", token: harness.ownerToken, body: swap)
            #expect(preview.status == .ok, "\(preview.text)")
            let computedBy = try preview.string("computed_by")
            #expect(((preview.body as? [String: Any])?["difference"] as? [String: Any])?["minor"] as? Int == 0 && computedBy == "shopify")
            let fewer = try await harness.client.json(.post, "/api/v1/orders/\(orderID)/edit-preview", token: harness.ownerToken,
                                                      body: #"{"changes":[{"line_item_id":"gid://shopify/LineItem/10011","quantity":1}]}"#)
            #expect(((fewer.body as? [String: Any])?["difference"] as? [String: Any])?["minor"] as? Int == -4_900, "\(fewer.text)")
            #expect(await !shop.mutations.contains("OrderEditCommit"), "a preview saves nothing")
            let nothing = try await harness.client.json(.post, "/api/v1/orders/\(orderID)/edit-preview", token: harness.ownerToken,
                                                        body: #"{"changes":[{"line_item_id":"gid://shopify/LineItem/10011","quantity":2}]}"#)
            #expect(nothing.status == .unprocessableContent && nothing.detail.contains("Nothing changes"), "\(nothing.text)")

            let key = UUID().uuidString
            var body = swap
            body.removeLast()
            body += #","conversation_id":\#(conversation)}"#
            let done = try await harness.client.json(.post, "/api/v1/orders/\(orderID)/actions", token: harness.ownerToken, headers: ["Idempotency-Key": key], body: body)
            #expect(try done.string("state") == "done", "\(done.text)")
            #expect(try done.string("summary") == "Change the items of #1001: Linen shirt 2 → 1, add 1 × Linen shirt - L")
            let edited = try #require(await shop.order("gid://shopify/Order/1001"))
            #expect(edited.lineItems.map { "\($0.quantity) × \($0.title)" } == ["1 × Linen shirt", "1 × Linen shirt - L"])
            #expect(await shop.mutations.filter { $0 == "OrderEditCommit" }.count == 1)
            let again = try await harness.client.json(.post, "/api/v1/orders/\(orderID)/actions", token: harness.ownerToken, headers: ["Idempotency-Key": key], body: body)
            let commits = await shop.mutations.filter { $0 == "OrderEditCommit" }.count
            let first = try done.int("id"), repeated = try again.int("id")
            #expect(repeated == first && commits == 1, "the same key edits once")

            await shop.change("gid://shopify/Order/1001") { $0.fulfillmentStatus = .fulfilled; $0.fulfillments = [OrderFulfillment(status: "success", createdAt: Date())] }
            _ = try await harness.client.json(.get, "/api/v1/customers/\(customer)/orders?refresh=true", token: harness.ownerToken)
            let shipped = try await harness.client.json(.post, "/api/v1/orders/\(orderID)/edit-preview", token: harness.ownerToken,
                                                        body: #"{"changes":[{"line_item_id":"gid://shopify/LineItem/10011","quantity":0}]}"#)
            #expect(shipped.status == .unprocessableContent && shipped.detail.contains("has shipped"), "\(shipped.text)")
        }
    }
}
