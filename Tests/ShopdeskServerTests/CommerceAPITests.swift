import Foundation
import HTTPTypes
import ShopdeskCommerce
import ShopdeskCore
@testable import ShopdeskServer
import ShopdeskStore
import ShopdeskTestSupport
import Testing

/// Orders beside conversations, against a local fake of Shopify's Admin GraphQL API.
@Suite("Commerce: Shopify orders and actions")
struct CommerceAPITests {
    static func sampleOrder(id: Int = 1001, email: String = "marta@example.com", placed: Date = Date().addingTimeInterval(-5 * 86_400),
                            tags: [String] = []) -> StoreOrder {
        StoreOrder(id: "gid://shopify/Order/\(id)", number: "#\(id)", email: email, customerRef: "gid://shopify/Customer/7", createdAt: placed,
                   financialStatus: .paid, fulfillmentStatus: .unfulfilled, total: Amount(minor: 10_380, currency: "EUR"),
                   subtotal: Amount(minor: 9_800, currency: "EUR"), shipping: Amount(minor: 580, currency: "EUR"),
                   lineItems: [OrderLineItem(id: "gid://shopify/LineItem/\(id)1", title: "Linen shirt", variant: "M", quantity: 2,
                                             unitPrice: Amount(minor: 4_900, currency: "EUR"))],
                   shippingAddress: PostalAddress(name: "Marta Kovač", address1: "Ilica 1", city: "Zagreb", zip: "10000", countryCode: "HR"),
                   tags: tags)
    }

    /// A harness with a Shopify connection to the fake shop and a conversation from Marta.
    static func withShop(_ kind: DatabaseKind, threshold: String? = nil,
                         _ body: @Sendable (Harness, FakeShopify, _ connectionID: Int64, _ customerID: Int64, _ conversationID: Int64) async throws -> Void) async throws {
        try await FakeShopify.run { shop, url in
            await shop.add(sampleOrder())
            await shop.add(sampleOrder(id: 1002, placed: Date().addingTimeInterval(-40 * 86_400)))
            await shop.add(sampleOrder(id: 1003, email: "someone-else@example.com"))
            try await Harness.run(kind, mode: .live, configure: { $0.allowPrivateWebhookTargets = true }) { harness in
                let thresholdJSON = threshold.map { #","approval_threshold":"\#($0)""# } ?? ""
                let created = try await harness.client.json(.post, "/api/v1/stores", token: harness.ownerToken, body: """
                    {"platform":"shopify","name":"Fake Outfitters","shop_url":"\(url)","token":"\(FakeShopify.token)","webhook_secret":"whsec-test","currency":"EUR"\(thresholdJSON)}
                    """)
                #expect(created.status == .created, "\(created.text)")
                let inbound = try await harness.inbound(email: "marta@example.com", text: "Where is my order #1001?")
                try await body(harness, shop, try created.int("id"), try inbound.int("customer_id"), try inbound.int("conversation_id"))
            }
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func connectionTestAndCustomerOrders(kind: DatabaseKind) async throws {
        try await Self.withShop(kind) { harness, _, connection, customer, _ in
            let test = try await harness.client.json(.post, "/api/v1/stores/\(connection)/test", token: harness.ownerToken)
            #expect(try test.string("shop_name") == "Fake Outfitters")
            // A wrong setting is said in words for the admin; the API's name for it is in `field`.
            for (body, field) in [(#"{"attribution_days":400}"#, "attribution_days"), (#"{"approval_threshold":"lots"}"#, "approval_threshold"),
                                  (#"{"discount_percent_limit":150}"#, "discount_percent_limit")] {
                let refused = try await harness.client.json(.patch, "/api/v1/stores/\(connection)", token: harness.ownerToken, body: body)
                #expect(refused.status == .unprocessableContent && (try? refused.string("field")) == field && !refused.detail.contains("_"), "\(refused.text)")
            }
            let listed = try await harness.client.json(.get, "/api/v1/stores", token: harness.ownerToken)
            #expect(!listed.text.contains(FakeShopify.token) && !listed.text.contains("whsec-test"), "credentials never leave the server")

            let orders = try await harness.client.json(.get, "/api/v1/customers/\(customer)/orders", token: harness.ownerToken)
            #expect(orders.items.count == 2, "only Marta's orders: \(orders.text)")
            let newest = try #require(orders.items.first?["order"] as? [String: Any])
            #expect(newest["number"] as? String == "#1001")
            #expect((newest["total"] as? [String: Any])?["minor"] as? Int == 10_380)
            #expect(((newest["line_items"] as? [[String: Any]])?.first)?["title"] as? String == "Linen shirt")

            let profile = try await harness.client.json(.get, "/api/v1/customers/\(customer)", token: harness.ownerToken)
            #expect(profile.text.contains("order_count"), "\(profile.text)")
            let byNumber = try await harness.client.json(.get, "/api/v1/orders?number=%231001", token: harness.ownerToken)
            #expect(byNumber.status == .ok)
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func refundRunsOnceAndLandsInTheTimeline(kind: DatabaseKind) async throws {
        try await Self.withShop(kind) { harness, shop, _, customer, conversation in
            let orders = try await harness.client.json(.get, "/api/v1/customers/\(customer)/orders", token: harness.ownerToken)
            let orderID = try #require(orders.items.first?["id"] as? Int)
            let key = UUID().uuidString
            let body = #"{"kind":"refund","lines":[{"line_item_id":"gid://shopify/LineItem/10011","quantity":1}],"conversation_id":\#(conversation)}"#
            let first = try await harness.client.json(.post, "/api/v1/orders/\(orderID)/actions", token: harness.ownerToken,
                                                      headers: ["Idempotency-Key": key], body: body)
            #expect(first.status == .created, "\(first.text)")
            #expect(try first.string("state") == "done", "\(first.text)")
            // A double click: the same key, the same answer, no second refund.
            let again = try await harness.client.json(.post, "/api/v1/orders/\(orderID)/actions", token: harness.ownerToken,
                                                      headers: ["Idempotency-Key": key], body: body)
            #expect(again.status == .ok)
            #expect(try again.int("id") == (try first.int("id")))
            #expect(await shop.mutations == ["RefundCreate"])
            let refunded = try #require(await shop.order("gid://shopify/Order/1001"))
            #expect(refunded.refunded.minor == 4_900 && refunded.financialStatus == .partiallyRefunded)
            // The same key for something else is refused rather than silently replayed.
            let misuse = try await harness.client.json(.post, "/api/v1/orders/\(orderID)/actions", token: harness.ownerToken,
                                                       headers: ["Idempotency-Key": key], body: #"{"kind":"refund","amount":"1.00"}"#)
            #expect(misuse.status == .conflict)
            // The snapshot is fresh and the timeline says who refunded how much.
            let order = try await harness.client.json(.get, "/api/v1/orders/\(orderID)", token: harness.ownerToken)
            #expect(order.text.contains("partially_refunded"))
            let timeline = try await harness.client.json(.get, "/api/v1/conversations/\(conversation)/timeline", token: harness.ownerToken)
            #expect(timeline.text.contains("order.action_succeeded") && timeline.text.contains("49.00"), "\(timeline.text)")
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func largeRefundsWaitForAnAdmin(kind: DatabaseKind) async throws {
        try await Self.withShop(kind, threshold: "50.00") { harness, shop, _, customer, conversation in
            let agent = try await harness.agent(role: .agent)
            let viewer = try await harness.agent(role: .viewer)
            let orders = try await harness.client.json(.get, "/api/v1/customers/\(customer)/orders", token: agent.token)
            let orderID = try #require(orders.items.first?["id"] as? Int)
            _ = conversation
            let body = #"{"kind":"refund"}"#
            let refused = try await harness.client.json(.post, "/api/v1/orders/\(orderID)/actions", token: viewer.token,
                                                        headers: ["Idempotency-Key": UUID().uuidString], body: body)
            #expect(refused.status == .forbidden)
            let asked = try await harness.client.json(.post, "/api/v1/orders/\(orderID)/actions", token: agent.token,
                                                      headers: ["Idempotency-Key": UUID().uuidString], body: body)
            #expect(try asked.string("state") == "awaiting_approval", "\(asked.text)")
            #expect(await shop.mutations.isEmpty, "nothing reaches the shop before approval")
            let agentApproves = try await harness.client.json(.post, "/api/v1/order-actions/\(try asked.int("id"))/approve", token: agent.token)
            #expect(agentApproves.status == .forbidden)
            let waiting = try await harness.client.json(.get, "/api/v1/order-actions", token: harness.ownerToken)
            #expect(waiting.items.count == 1)
            let approved = try await harness.client.json(.post, "/api/v1/order-actions/\(try asked.int("id"))/approve", token: harness.ownerToken)
            #expect(try approved.string("state") == "done", "\(approved.text)")
            let twice = try await harness.client.json(.post, "/api/v1/order-actions/\(try asked.int("id"))/approve", token: harness.ownerToken)
            #expect(twice.status == .conflict)
            #expect(await shop.mutations == ["RefundCreate"])
            #expect(await shop.order("gid://shopify/Order/1001")?.financialStatus == .refunded)
        }
    }

    @Test func shopRefusalsAndBadInputArePlain() async throws {
        try await FakeShopify.run { shop, url in
            await shop.add(Self.sampleOrder(tags: ["locked"]))
            try await Harness.run(.sqlite, mode: .live, configure: { $0.allowPrivateWebhookTargets = true }) { harness in
                let connection = try await harness.client.json(.post, "/api/v1/stores", token: harness.ownerToken, body: """
                    {"platform":"shopify","shop_url":"\(url)","token":"\(FakeShopify.token)"}
                    """)
                let inbound = try await harness.inbound(email: "marta@example.com")
                let orders = try await harness.client.json(.get, "/api/v1/customers/\(try inbound.int("customer_id"))/orders", token: harness.ownerToken)
                let orderID = try #require(orders.items.first?["id"] as? Int)
                let failed = try await harness.client.json(.post, "/api/v1/orders/\(orderID)/actions", token: harness.ownerToken,
                                                           headers: ["Idempotency-Key": UUID().uuidString], body: #"{"kind":"cancel","reason":"customer"}"#)
                #expect(try failed.string("state") == "failed")
                #expect(try failed.string("error").contains("pending payment authorizations"), "\(failed.text)")
                let tooMuch = try await harness.client.json(.post, "/api/v1/orders/\(orderID)/actions", token: harness.ownerToken,
                                                            headers: ["Idempotency-Key": UUID().uuidString], body: #"{"kind":"refund","amount":"500.00"}"#)
                #expect(tooMuch.status == .unprocessableContent && tooMuch.detail.contains("more than"), "\(tooMuch.text)")
                let noKey = try await harness.client.json(.post, "/api/v1/orders/\(orderID)/actions", token: harness.ownerToken,
                                                          body: #"{"kind":"add_note","text":"hi"}"#)
                #expect(noKey.status == .badRequest && noKey.detail.contains("Idempotency-Key"))
                // Throttled twice: the connector waits for the bucket and succeeds.
                await shop.throttle(times: 2)
                let tagged = try await harness.client.json(.post, "/api/v1/orders/\(orderID)/actions", token: harness.ownerToken,
                                                           headers: ["Idempotency-Key": UUID().uuidString], body: #"{"kind":"add_tags","tags":["vip-care"]}"#)
                #expect(try tagged.string("state") == "done", "\(tagged.text)")
                #expect(await shop.order("gid://shopify/Order/1001")?.tags.contains("vip-care") == true)
                // A wrong token is reported as such by the connection test.
                _ = try await harness.client.json(.patch, "/api/v1/stores/\(try connection.int("id"))", token: harness.ownerToken, body: #"{"token":"wrong"}"#)
                let test = try await harness.client.json(.post, "/api/v1/stores/\(try connection.int("id"))/test", token: harness.ownerToken)
                #expect(try test.string("error").contains("refused the access token"), "\(test.text)")
            }
        }
    }

    /// An order Shopdesk never received a webhook for is looked up in the shop when a customer
    /// tracks it, and kept; a wrong email finds nothing.
    @Test func trackingFindsAnOrderOnlyTheShopKnows() async throws {
        try await Self.withShop(.sqlite) { harness, _, _, _, _ in
            let commerce = harness.services.commerce, ws = harness.workspaceID
            #expect(try await commerce.track(workspaceID: ws, number: "#1003", email: "marta@example.com") == nil, "not her order")
            let found = try await commerce.track(workspaceID: ws, number: "1003", email: "Someone-Else@example.com ")
            #expect(found?.number == "#1003")
            let stored = try await harness.client.json(.get, "/api/v1/orders?number=%231003", token: harness.ownerToken)
            #expect(stored.text.contains("gid://shopify/Order/1003"), "kept for next time: \(stored.text)")
            #expect(try await commerce.track(workspaceID: ws, number: "#9999", email: "someone-else@example.com") == nil)
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func signedWebhooksRefreshOrdersOnceAndCreditRevenue(kind: DatabaseKind) async throws {
        try await Self.withShop(kind) { harness, shop, connection, customer, conversation in
            let reply = try await harness.client.json(.post, "/api/v1/conversations/\(conversation)/messages", token: harness.ownerToken,
                                                      body: #"{"text":"It ships tomorrow, and the blue one is back in stock."}"#)
            #expect(reply.status == .created)
            await shop.add(Self.sampleOrder(id: 2001, placed: Date().addingTimeInterval(1)))
            let body = Data(#"{"id":2001,"admin_graphql_api_id":"gid://shopify/Order/2001","email":"marta@example.com"}"#.utf8)
            let headers = ["X-Shopify-Topic": "orders/create", "X-Shopify-Event-Id": "evt-2001",
                           "X-Shopify-Hmac-Sha256": StoreWebhooks.sign(body: body, secret: "whsec-test")]
            let forged = try await harness.client.json(.post, "/api/v1/stores/\(connection)/webhooks",
                                                       headers: headers.merging(["X-Shopify-Hmac-Sha256": StoreWebhooks.sign(body: body, secret: "guess")]) { $1 },
                                                       body: String(decoding: body, as: UTF8.self))
            #expect(forged.status == .unauthorized)
            let accepted = try await harness.client.json(.post, "/api/v1/stores/\(connection)/webhooks", headers: headers, body: String(decoding: body, as: UTF8.self))
            #expect(try accepted.string("received") == "accepted", "\(accepted.text)")
            let again = try await harness.client.json(.post, "/api/v1/stores/\(connection)/webhooks", headers: headers, body: String(decoding: body, as: UTF8.self))
            #expect(try again.string("received") == "duplicate")
            try await harness.runJobs(at: Date().addingTimeInterval(120))
            let orders = try await harness.client.json(.get, "/api/v1/customers/\(customer)/orders", token: harness.ownerToken)
            #expect(orders.items.contains { ($0["order"] as? [String: Any])?["number"] as? String == "#2001" }, "\(orders.text)")
            let until = Timestamps.iso8601(Date().addingTimeInterval(3600))
            let report = try await harness.client.json(.get, "/api/v1/reports/revenue?to=\(until)", token: harness.ownerToken)
            #expect(report.text.contains("#2001") && report.text.contains("10380"), "\(report.status) \(report.text)")

            // Beside the other figures: the period's revenue per currency, agent and channel, and the
            // conversion of the conversations with a purchase intent (this one asked about stock).
            try await harness.database.write { sql in
                try await sql.raw("UPDATE conversations SET intent = 'stock_availability' WHERE id = \(bind: conversation)").run()
            }
            try await ReportFactsStore.rebuild(workspaceID: harness.workspaceID, now: Date(), in: harness.database)
            let overview = try await harness.client.json(.get, "/api/v1/reports/overview", token: harness.ownerToken)
            let revenue = try #require((overview.body as? [String: Any])?["revenue"] as? [String: Any], "\(overview.text)")
            let currency = try #require((revenue["currencies"] as? [[String: Any]])?.first)
            #expect(currency["orders"] as? Int == 1 && (currency["amount"] as? [String: Any])?["minor"] as? Int == 10380
                && currency["previous_orders"] as? Int == 0, "\(revenue)")
            #expect((revenue["agents"] as? [[String: Any]])?.first?["key"] as? String == String(harness.owner.id.rawValue))
            #expect(revenue["purchase_conversations"] as? Int == 1 && revenue["purchase_converted"] as? Int == 1
                && revenue["conversion_percent"] as? Double == 100, "\(revenue)")
            // Another channel's figures hold none of it.
            let sms = try await harness.client.json(.get, "/api/v1/reports/overview?channel=sms", token: harness.ownerToken)
            #expect((((sms.body as? [String: Any])?["revenue"] as? [String: Any])?["currencies"] as? [Any])?.isEmpty == true, "\(sms.text)")
        }
    }

    @Test func macrosReachIntoOrders() async throws {
        try await Self.withShop(.sqlite) { harness, _, _, customer, conversation in
            _ = try await harness.client.json(.get, "/api/v1/customers/\(customer)/orders", token: harness.ownerToken)
            let macro = try await harness.client.json(.post, "/api/v1/macros", token: harness.ownerToken, body: """
                {"name":"Order status","body":"Your order {{orders.last.number}} ({{orders.last.total}}) is {{orders.last.fulfillment_status}}.{{#each item in orders.last.line_items}} {{item.quantity}} × {{item.title}}{{/each}}"}
                """)
            #expect(macro.status == .created, "\(macro.text)")
            let preview = try await harness.client.json(.post, "/api/v1/conversations/\(conversation)/macros/\(try macro.int("id"))/preview",
                                                        token: harness.ownerToken)
            let text = try preview.string("text")
            #expect(text.contains("#1001") && text.contains("103.80") && text.contains("unfulfilled") && text.contains("2 × Linen shirt"), "\(text)")
        }
    }
}

extension CommerceAPITests {
    @Test func addressNotesAndDiscountCodesReachShopify() async throws {
        try await Self.withShop(.sqlite) { harness, shop, _, customer, conversation in
            let orders = try await harness.client.json(.get, "/api/v1/customers/\(customer)/orders", token: harness.ownerToken)
            let orderID = try #require(orders.items.first?["id"] as? Int)
            let act = { (body: String) in
                try await harness.client.json(.post, "/api/v1/orders/\(orderID)/actions", token: harness.ownerToken,
                                              headers: ["Idempotency-Key": UUID().uuidString], body: body)
            }
            let moved = try await act(#"{"kind":"update_address","conversation_id":\#(conversation),"address":{"name":"Marta Kovač","address1":"Vukovarska 7","city":"Split","zip":"21000","country_code":"HR"}}"#)
            #expect(try moved.string("state") == "done", "\(moved.text)")
            #expect(await shop.order("gid://shopify/Order/1001")?.shippingAddress?.city == "Split")
            let badAddress = try await act(#"{"kind":"update_address","address":{"address1":"x","city":"y","country_code":"Croatia"}}"#)
            #expect(badAddress.status == .unprocessableContent && badAddress.detail.contains("two-letter"), "\(badAddress.text)")
            let noted = try await act(#"{"kind":"add_note","text":"Customer asked for gift wrap"}"#)
            #expect(try noted.string("state") == "done")
            #expect(await shop.order("gid://shopify/Order/1001")?.note == "Customer asked for gift wrap")
            let code = try await act(#"{"kind":"create_discount","code":"sorry-10","percent":10}"#)
            #expect(try code.string("state") == "done" && code.text.contains("DiscountCodeNode"), "\(code.text)")
            let taken = try await act(#"{"kind":"create_discount","code":"SORRY-10","percent":10}"#)
            #expect(try taken.string("state") == "failed" && (try taken.string("error")).contains("Code must be unique"), "\(taken.text)")
            #expect(await shop.mutations == ["OrderUpdate", "OrderUpdate", "DiscountCodeBasicCreate", "DiscountCodeBasicCreate"])
        }
    }
}
