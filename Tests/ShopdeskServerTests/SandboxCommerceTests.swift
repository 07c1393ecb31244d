import Foundation
import ShopdeskCommerce
import ShopdeskCore
@testable import ShopdeskServer
import ShopdeskStore
import ShopdeskTestSupport
import Testing

/// The sandbox shop (the demo's) keeps its own records: products found in its catalogue, an
/// order's items changed, and a return exchanged for another size as a new order.
@Suite("Commerce: the sandbox shop's edits, returns and exchanges")
struct SandboxCommerceTests {
    @Test(arguments: TestDatabase.kinds)
    func itemsChangeAndASizeIsExchanged(kind: DatabaseKind) async throws {
        try await Harness.run(kind) { harness in
            let store = try await harness.client.json(.post, "/api/v1/stores", token: harness.ownerToken, body: #"{"platform":"sandbox","currency":"EUR"}"#)
            let connection = try #require(try await harness.services.database.read {
                try await StoreConnectionRepository.find(workspaceID: harness.workspaceID, id: StoreConnectionID(try store.int("id")), in: $0)
            })
            let inbound = try await harness.inbound(email: "marko@example.hr", text: "Can I get the L instead of the M?")
            let price = Amount(minor: 4_900, currency: "EUR")
            let line = OrderLineItem(id: "sandbox-line-7001-0", title: "Linen shirt", variant: "M / Sand", quantity: 1, unitPrice: price)
            let shipped = StoreOrder(id: "sandbox-7001", number: "#7001", email: "marko@example.hr", createdAt: Date().addingTimeInterval(-4 * 86_400),
                                     financialStatus: .paid, fulfillmentStatus: .fulfilled, total: price, lineItems: [line],
                                     fulfillments: [OrderFulfillment(status: "success", createdAt: Date().addingTimeInterval(-3 * 86_400))])
            var open = shipped
            open.id = "sandbox-7002"; open.number = "#7002"; open.fulfillmentStatus = .unfulfilled; open.fulfillments = []
            open.lineItems = [OrderLineItem(id: "sandbox-line-7002-0", title: "Wool beanie", quantity: 2, unitPrice: Amount(minor: 1_900, currency: "EUR"))]
            open.total = Amount(minor: 3_800, currency: "EUR")
            try await harness.services.commerce.importOrders([shipped, open], connection: connection)
            let id = { (number: String) in
                try await harness.client.json(.get, "/api/v1/orders?number=\(number)", token: harness.ownerToken).int("id")
            }

            // Changing the unshipped order's items: the sandbox's catalogue, its own total.
            let unshipped = try await id("7002")
            let found = try await harness.client.json(.get, "/api/v1/orders/\(unshipped)/products?q=belt", token: harness.ownerToken)
            let belt = try #require(found.items.first)
            #expect(belt["title"] as? String == "Leather belt – 90 cm", "\(found.text)")
            let edit = """
                {"kind":"edit_items","changes":[{"line_item_id":"sandbox-line-7002-0","quantity":1}],
                 "additions":[{"variant_id":"\(belt["id"] as? String ?? "")","title":"Leather belt – 90 cm","quantity":1,"unit_price":{"minor":3500,"currency":"EUR"}}]}
                """
            let preview = try await harness.client.json(.post, "/api/v1/orders/\(unshipped)/edit-preview", token: harness.ownerToken, body: edit)
            let computedBy = try preview.string("computed_by")
            #expect(((preview.fields["total_after"] as? [String: Any])?["minor"] as? Int) == 5_400 && computedBy == "shopdesk", "\(preview.text)")
            let edited = try await harness.client.json(.post, "/api/v1/orders/\(unshipped)/actions", token: harness.ownerToken,
                                                       headers: ["Idempotency-Key": UUID().uuidString], body: edit)
            #expect(try edited.string("state") == "done", "\(edited.text)")
            let after = try await harness.client.json(.get, "/api/v1/orders/\(unshipped)", token: harness.ownerToken)
            let order = try #require(after.fields["order"] as? [String: Any])
            #expect((order["total"] as? [String: Any])?["minor"] as? Int == 5_400 && (order["line_items"] as? [Any])?.count == 2, "\(after.text)")

            // An exchange on the shipped one: a new order of the other size, at no charge.
            let delivered = try await id("7001")
            let exchange = try await harness.client.json(.post, "/api/v1/orders/\(delivered)/returns", token: harness.ownerToken, body: """
                {"lines":[{"line_item_id":"sandbox-line-7001-0","quantity":1,"reason":"size_too_small","exchange":{"variant_id":"sandbox-variant-1","title":"Linen shirt – L / Navy","unit_price":{"minor":4900,"currency":"EUR"}}}],
                 "conversation_id":\(try inbound.int("conversation_id"))}
                """)
            let state = try exchange.string("state")
            #expect(exchange.status == .created && state == "approved", "\(exchange.text)")
            let sent = try await harness.client.json(.post, "/api/v1/returns/\(try exchange.int("id"))/exchange", token: harness.ownerToken)
            #expect(try sent.string("state") == "exchanged", "\(sent.text)")
            let reference = try sent.string("exchange_ref")
            let returnID = try exchange.int("id")
            #expect(reference == "#7001-E\(returnID)")
            let made = try await harness.client.json(.get, "/api/v1/orders?number=\(reference.dropFirst())", token: harness.ownerToken)
            let newOrder = try #require(made.fields["order"] as? [String: Any])
            #expect((newOrder["total"] as? [String: Any])?["minor"] as? Int == 0, "\(made.text)")
            #expect(((newOrder["line_items"] as? [[String: Any]])?.first)?["title"] as? String == "Linen shirt – L / Navy")
        }
    }
}
