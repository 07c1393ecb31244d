import Foundation
import ShopdeskCommerce
import ShopdeskCore
@testable import ShopdeskServer
import ShopdeskStore
import ShopdeskTestSupport
import Testing

/// "I never got the tracking email": Shopify sends its own shipping confirmation again when the
/// shipment's tracking is written back with `notifyCustomer`, through the agents' order-action path.
@Suite("Commerce: the shop's shipping confirmation sent again")
struct ShippingConfirmationTests {
    @Test(arguments: TestDatabase.kinds)
    func shopifyEmailsItsShippingConfirmationOnce(kind: DatabaseKind) async throws {
        try await CommerceAPITests.withShop(kind) { harness, shop, _, customer, conversation in
            let orders = try await harness.client.json(.get, "/api/v1/customers/\(customer)/orders", token: harness.ownerToken)
            let orderID = try #require(orders.items.first?["id"] as? Int)
            let body = #"{"kind":"resend_tracking","conversation_id":\#(conversation)}"#
            // Not shipped yet: nothing to confirm, and Shopify is not asked.
            let early = try await harness.client.json(.post, "/api/v1/orders/\(orderID)/actions", token: harness.ownerToken,
                                                      headers: ["Idempotency-Key": UUID().uuidString], body: body)
            #expect(early.status == .unprocessableContent && early.detail.contains("no shipment with a tracking number"), "\(early.text)")

            await shop.change("gid://shopify/Order/1001") {
                $0.fulfillmentStatus = .fulfilled
                $0.fulfillments = [OrderFulfillment(status: "success", createdAt: Date(), carrier: "CTT", trackingNumber: "RR123456785PT",
                                                    trackingURL: "https://track.example/RR123456785PT")]
            }
            _ = try await harness.client.json(.get, "/api/v1/customers/\(customer)/orders?refresh=true", token: harness.ownerToken)
            let key = UUID().uuidString
            let done = try await harness.client.json(.post, "/api/v1/orders/\(orderID)/actions", token: harness.ownerToken,
                                                     headers: ["Idempotency-Key": key], body: body)
            #expect(try done.string("state") == "done", "\(done.text)")
            let summary = try done.string("summary")
            #expect(summary.hasPrefix("Send the shipping confirmation of #1001 again to "), "\(summary)")
            let again = try await harness.client.json(.post, "/api/v1/orders/\(orderID)/actions", token: harness.ownerToken,
                                                      headers: ["Idempotency-Key": key], body: body)
            #expect(try again.int("id") == (try done.int("id")))
            let emails = await shop.shippingEmails
            #expect(emails.count == 1 && emails.first?.number == "RR123456785PT", "the same key asks Shopify once: \(emails)")

            // The timeline says what was done, like any order action.
            let timeline = try await harness.client.json(.get, "/api/v1/conversations/\(conversation)/timeline", token: harness.ownerToken)
            #expect(timeline.text.contains("order.action_succeeded") && timeline.text.contains("Send the shipping confirmation of #1001 again"),
                    "\(timeline.text)")

            // A cancelled order has nothing to confirm.
            await shop.change("gid://shopify/Order/1001") { $0.cancelledAt = Date() }
            _ = try await harness.client.json(.get, "/api/v1/customers/\(customer)/orders?refresh=true", token: harness.ownerToken)
            let cancelled = try await harness.client.json(.post, "/api/v1/orders/\(orderID)/actions", token: harness.ownerToken,
                                                          headers: ["Idempotency-Key": UUID().uuidString], body: body)
            #expect(cancelled.status == .unprocessableContent && cancelled.detail.contains("cancelled"), "\(cancelled.text)")
        }
    }
}
