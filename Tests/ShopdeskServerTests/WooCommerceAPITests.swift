import Foundation
import ShopdeskCommerce
import ShopdeskCore
@testable import ShopdeskServer
import ShopdeskStore
import ShopdeskTestSupport
import Testing

/// WooCommerce through its REST API, against a local fake; and shops without an API through CSV.
@Suite("Commerce: WooCommerce and CSV")
struct WooCommerceAPITests {
    static func order(id: Int = 4127, email: String = "joao@example.com.br") -> StoreOrder {
        StoreOrder(id: String(id), number: "#\(id)", email: email, createdAt: Date().addingTimeInterval(-86_400), financialStatus: .paid,
                   fulfillmentStatus: .unfulfilled, total: Amount(minor: 26_970, currency: "BRL"), shipping: Amount(minor: 1_990, currency: "BRL"),
                   lineItems: [OrderLineItem(id: "881", title: "Tênis de corrida", quantity: 2, unitPrice: Amount(minor: 9_990, currency: "BRL")),
                               OrderLineItem(id: "882", title: "Meias", quantity: 1, unitPrice: Amount(minor: 5_000, currency: "BRL"))])
    }

    @Test(arguments: TestDatabase.kinds)
    func ordersRefundsNotesAndWebhooks(kind: DatabaseKind) async throws {
        try await FakeWooCommerce.run { shop, url in
            await shop.add(Self.order())
            await shop.add(Self.order(id: 4200, email: "other@example.com"))
            try await Harness.run(kind, mode: .live, configure: { $0.allowPrivateWebhookTargets = true }) { harness in
                let created = try await harness.client.json(.post, "/api/v1/stores", token: harness.ownerToken, body: """
                    {"platform":"woocommerce","shop_url":"\(url)","token":"\(FakeWooCommerce.key)","secret":"\(FakeWooCommerce.secret)","webhook_secret":"wc-hook"}
                    """)
                #expect(created.status == .created, "\(created.text)")
                let connection = try created.int("id")
                let test = try await harness.client.json(.post, "/api/v1/stores/\(connection)/test", token: harness.ownerToken)
                #expect(try test.string("currency") == "BRL", "\(test.text)")
                let inbound = try await harness.inbound(email: "joao@example.com.br", text: "Cadê meu pedido #4127?")
                let orders = try await harness.client.json(.get, "/api/v1/customers/\(try inbound.int("customer_id"))/orders", token: harness.ownerToken)
                #expect(orders.items.count == 1, "\(orders.text)")
                let orderID = try #require(orders.items.first?["id"] as? Int)
                let act = { (body: String) in
                    try await harness.client.json(.post, "/api/v1/orders/\(orderID)/actions", token: harness.ownerToken,
                                                  headers: ["Idempotency-Key": UUID().uuidString], body: body)
                }
                let refund = try await act(#"{"kind":"refund","lines":[{"line_item_id":"882","quantity":1}]}"#)
                #expect(try refund.string("state") == "done", "\(refund.text)")
                #expect(await shop.order("4127")?.refunded.minor == 5_000)
                let tags = try await act(#"{"kind":"add_tags","tags":["vip"]}"#)
                #expect(try tags.string("state") == "failed" && (try tags.string("error")).contains("no tags"), "\(tags.text)")
                let note = try await act(#"{"kind":"add_note","text":"Cliente pediu troca de tamanho"}"#)
                #expect(try note.string("state") == "done")
                #expect(await shop.notes == ["Cliente pediu troca de tamanho"])
                let coupon = try await act(#"{"kind":"create_discount","code":"DESCULPA10","percent":10}"#)
                #expect(try coupon.string("state") == "done")
                let again = try await act(#"{"kind":"create_discount","code":"DESCULPA10","percent":10}"#)
                #expect((try again.string("error")).contains("already exists"), "the shop's refusal, as it said it: \(again.text)")

                // An order.updated webhook carries the whole order: stored at once, no job needed.
                var updated = try #require(await shop.order("4127"))
                updated.fulfillmentStatus = .fulfilled
                let body = try JSONSerialization.data(withJSONObject: FakeWooCommerce.render(updated))
                let headers = ["X-WC-Webhook-Topic": "order.updated", "X-WC-Webhook-ID": "3", "X-WC-Webhook-Delivery-ID": "77",
                               "X-WC-Webhook-Signature": StoreWebhooks.sign(body: body, secret: "wc-hook")]
                let hook = try await harness.client.json(.post, "/api/v1/stores/\(connection)/webhooks", headers: headers,
                                                         body: String(decoding: body, as: UTF8.self))
                #expect(try hook.string("received") == "accepted", "\(hook.text)")
                let fresh = try await harness.client.json(.get, "/api/v1/orders/\(orderID)", token: harness.ownerToken)
                #expect(fresh.text.contains("\"fulfillment_status\":\"fulfilled\""), "\(fresh.text)")

                // An older body, correctly signed, resent under a new delivery id (a header nobody signs):
                // accepted as a delivery, but the order never moves back in time.
                var stale = updated
                stale.fulfillmentStatus = .unfulfilled
                stale.updatedAt = Date().addingTimeInterval(-3_600)
                let replay = try JSONSerialization.data(withJSONObject: FakeWooCommerce.render(stale))
                let replayHeaders = ["X-WC-Webhook-Topic": "order.updated", "X-WC-Webhook-ID": "3", "X-WC-Webhook-Delivery-ID": "78",
                                     "X-WC-Webhook-Signature": StoreWebhooks.sign(body: replay, secret: "wc-hook")]
                _ = try await harness.client.json(.post, "/api/v1/stores/\(connection)/webhooks", headers: replayHeaders,
                                                  body: String(decoding: replay, as: UTF8.self))
                let after = try await harness.client.json(.get, "/api/v1/orders/\(orderID)", token: harness.ownerToken)
                #expect(after.text.contains("\"fulfillment_status\":\"fulfilled\""), "rolled back: \(after.text)")
            }
        }
    }

    @Test func csvShopsImportOrdersAndCustomers() async throws {
        try await Harness.run(.sqlite, mode: .live) { harness in
            let created = try await harness.client.json(.post, "/api/v1/stores", token: harness.ownerToken, body: #"{"platform":"csv","name":"Marketplace"}"#)
            let connection = try created.int("id")
            let customers = try await harness.client.json(.post, "/api/v1/stores/\(connection)/import?kind=customers", token: harness.ownerToken,
                                                          headers: ["Content-Type": "text/csv"], body: "email,name,tags,vip\nmila@example.rs,Mila Petrović,wholesale,yes\n")
            #expect(try customers.int("imported") == 1, "\(customers.text)")
            let orders = try await harness.client.json(.post, "/api/v1/stores/\(connection)/import?kind=orders", token: harness.ownerToken,
                                                       headers: ["Content-Type": "text/csv"], body: """
                order_number,email,created_at,total,currency,item_title,item_quantity,item_price
                77001,mila@example.rs,2026-11-02,4200,RSD,Vunena kapa,2,2100
                77002,mila@example.rs,not a date,10,RSD,,,
                """)
            #expect(try orders.int("imported") == 1 && orders.text.contains("\"line\":3"), "\(orders.text)")
            let list = try await harness.client.json(.get, "/api/v1/customers?q=mila", token: harness.ownerToken)
            let customerID = try #require(list.items.first?["id"] as? Int)
            let profile = try await harness.client.json(.get, "/api/v1/customers/\(customerID)", token: harness.ownerToken)
            #expect(profile.text.contains("\"order_count\":1") && profile.text.contains("wholesale"), "\(profile.text)")
            let found = try await harness.client.json(.get, "/api/v1/customers/\(customerID)/orders", token: harness.ownerToken)
            let orderID = try #require(found.items.first?["id"] as? Int)
            let refused = try await harness.client.json(.post, "/api/v1/orders/\(orderID)/actions", token: harness.ownerToken,
                                                        headers: ["Idempotency-Key": UUID().uuidString], body: #"{"kind":"add_note","text":"x"}"#)
            #expect(refused.status == .unprocessableContent && refused.detail.contains("read-only"), "\(refused.text)")
        }
    }
}
