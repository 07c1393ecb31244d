import Foundation
import ShopdeskCommerce
import ShopdeskCore
@testable import ShopdeskServer
import ShopdeskStore
import ShopdeskTestSupport
import Testing

/// Order events as rule triggers: what the shop tells Shopdesk about a customer's order runs the
/// rules on the customer's latest open conversation; orders read back in bulk do not.
@Suite("Automation: order triggers")
struct OrderRuleTests {
    @Test func whatChangedAboutAnOrderIsItsTriggers() {
        let placed = CommerceAPITests.sampleOrder()
        #expect(RuleTrigger.orderChanges(from: nil, to: placed) == [.orderCreated])
        var shipped = placed
        shipped.fulfillmentStatus = .fulfilled
        #expect(RuleTrigger.orderChanges(from: placed, to: shipped) == [.orderFulfilled])
        #expect(RuleTrigger.orderChanges(from: shipped, to: shipped).isEmpty, "the same news twice is no news")
        var refunded = shipped
        refunded.refunded = Amount(minor: 1000, currency: "EUR")
        refunded.cancelledAt = Date()
        #expect(RuleTrigger.orderChanges(from: shipped, to: refunded) == [.orderRefunded, .orderCancelled])
        var pending = placed
        pending.financialStatus = .pending
        #expect(RuleTrigger.orderChanges(from: pending, to: placed) == [.orderPaid])
    }

    @Test(arguments: TestDatabase.kinds)
    func anOrderThatShipsRunsTheRulesOnTheOpenConversation(kind: DatabaseKind) async throws {
        try await CommerceAPITests.withShop(kind) { harness, shop, connection, customer, conversation in
            for (name, trigger, tag) in [("Shipped", "order.fulfilled", "shipped"), ("New order", "order.created", "new-order")] {
                // The shipping rule also tags the order in the shop and leaves it a note, through a job.
                let orderActions = trigger == "order.fulfilled"
                    ? #",{"type":"tag_order","tags":["support-watch"]},{"type":"note_order","text":"Shipped; {{customer.first_name}} was told."}"# : ""
                let rule = try await harness.client.json(.post, "/api/v1/rules", token: harness.ownerToken, body: """
                    {"name":"\(name)","triggers":["\(trigger)"],"conditions":{"all":[]},"actions":[{"type":"add_tags","tags":["\(tag)"]}\(orderActions)]}
                    """)
                #expect(rule.status == .created, "\(rule.text)")
            }
            // Shopdesk has Marta's order as it was (unfulfilled).
            _ = try await harness.client.json(.get, "/api/v1/customers/\(customer)/orders?refresh=true", token: harness.ownerToken)
            await shop.change("gid://shopify/Order/1001") { $0.fulfillmentStatus = .fulfilled }
            let body = Data(#"{"id":1001,"admin_graphql_api_id":"gid://shopify/Order/1001","email":"marta@example.com"}"#.utf8)
            let headers = ["X-Shopify-Topic": "orders/fulfilled", "X-Shopify-Event-Id": "evt-ship-1001",
                           "X-Shopify-Hmac-Sha256": StoreWebhooks.sign(body: body, secret: "whsec-test")]
            _ = try await harness.client.json(.post, "/api/v1/stores/\(connection)/webhooks", headers: headers, body: String(decoding: body, as: UTF8.self))
            try await harness.runJobs()
            let tagged = try await harness.client.json(.get, "/api/v1/conversations/\(conversation)", token: harness.ownerToken)
            let tags = (tagged.body as? [String: Any])?["tags"] as? [String] ?? []
            #expect(tags == ["shipped"], "only what changed fired: \(tagged.text)")
            // The rule's order actions are jobs queued by the sync job, due a moment after it ran.
            try await harness.runJobs(at: Date().addingTimeInterval(1))
            let mutations = await shop.mutations
            #expect(mutations.sorted() == ["OrderUpdate", "TagsAdd"], "\(mutations)")
            #expect(await shop.order("gid://shopify/Order/1001")?.tags.contains("support-watch") == true)
            #expect(await shop.order("gid://shopify/Order/1001")?.note?.contains("Shipped; Marta was told.") == true)
            let timeline = try await harness.client.json(.get, "/api/v1/conversations/\(conversation)/timeline", token: harness.ownerToken)
            #expect(timeline.items.filter { $0["kind"] as? String == "order.action_succeeded" }.count == 2, "\(timeline.text)")
            // Reading the shop whole stores orders without running rules on old news.
            _ = try await harness.client.json(.post, "/api/v1/stores/\(connection)/sync", token: harness.ownerToken)
            try await harness.runJobs()
            let after = try await harness.client.json(.get, "/api/v1/conversations/\(conversation)", token: harness.ownerToken)
            #expect((after.body as? [String: Any])?["tags"] as? [String] == ["shipped"], "\(after.text)")
        }
    }
}

extension OrderRuleTests {
    /// Shopify tells of a delivery with `fulfillments/update`; the order is read again and the
    /// `order.delivered` rule runs once every parcel has arrived.
    @Test func aDeliveredOrderRunsTheDeliveryRule() async throws {
        try await CommerceAPITests.withShop(.sqlite) { harness, shop, connection, customer, conversation in
            let rule = try await harness.client.json(.post, "/api/v1/rules", token: harness.ownerToken, body: """
                {"name":"Delivered","triggers":["order.delivered"],"conditions":{"all":[]},"actions":[{"type":"add_tags","tags":["delivered"]}]}
                """)
            #expect(rule.status == .created, "\(rule.text)")
            await shop.change("gid://shopify/Order/1001") {
                $0.fulfillmentStatus = .fulfilled
                $0.fulfillments = [OrderFulfillment(status: "success", createdAt: Date().addingTimeInterval(-86_400), carrier: "CTT", trackingNumber: "RR1")]
            }
            _ = try await harness.client.json(.get, "/api/v1/customers/\(customer)/orders?refresh=true", token: harness.ownerToken)
            await shop.change("gid://shopify/Order/1001") { $0.fulfillments[0].deliveredAt = Date() }
            let body = Data(#"{"id":55,"order_id":1001,"shipment_status":"delivered"}"#.utf8)
            let headers = ["X-Shopify-Topic": "fulfillments/update", "X-Shopify-Event-Id": "evt-delivered-1001",
                           "X-Shopify-Hmac-Sha256": StoreWebhooks.sign(body: body, secret: "whsec-test")]
            _ = try await harness.client.json(.post, "/api/v1/stores/\(connection)/webhooks", headers: headers, body: String(decoding: body, as: UTF8.self))
            try await harness.runJobs()
            let tagged = try await harness.client.json(.get, "/api/v1/conversations/\(conversation)", token: harness.ownerToken)
            #expect((tagged.body as? [String: Any])?["tags"] as? [String] == ["delivered"], "\(tagged.text)")
        }
    }
}

extension OrderRuleTests {
    /// "Cancel my order" within the hour: a rule cancels it, held to an agent's approval limit (the
    /// refund is above it, so an admin approves), and an old order is left alone with the reason.
    @Test(arguments: TestDatabase.kinds)
    func aRuleCancelsARecentOrderWithinTheApprovalLimit(kind: DatabaseKind) async throws {
        try await CommerceAPITests.withShop(kind, threshold: "50.00") { harness, shop, _, customer, conversation in
            let rule = try await harness.client.json(.post, "/api/v1/rules", token: harness.ownerToken, body: """
                {"name":"Cancel on request","triggers":["message.inbound"],"conditions":{"all":[{"field":"message.text","op":"contains","value":"cancel"}]},
                 "actions":[{"type":"cancel_order","within_minutes":60}]}
                """)
            #expect(rule.status == .created, "\(rule.text)")
            let macro = try await harness.client.json(.post, "/api/v1/macros", token: harness.ownerToken,
                                                      body: #"{"name":"Cancel","body":"Done.","actions":[{"type":"cancel_order","within_minutes":60}]}"#)
            #expect(macro.status == .unprocessableContent, "a macro does not cancel: \(macro.text)")
            // Marta's orders are days old: the words cancel nothing, and the rule says why.
            _ = try await harness.client.json(.get, "/api/v1/customers/\(customer)/orders?refresh=true", token: harness.ownerToken)
            _ = try await harness.inbound(text: "cancel my order please")
            try await harness.runJobs()
            let early = try await harness.client.json(.get, "/api/v1/conversations/\(conversation)/timeline", token: harness.ownerToken)
            #expect(early.text.contains("was placed more than 60 minutes ago"), "\(early.text)")
            // A new order, ten minutes old.
            await shop.add(CommerceAPITests.sampleOrder(id: 1005, placed: Date().addingTimeInterval(-10 * 60)))
            _ = try await harness.client.json(.get, "/api/v1/customers/\(customer)/orders?refresh=true", token: harness.ownerToken)
            _ = try await harness.inbound(text: "Please cancel my order, I ordered the wrong size")
            try await harness.runJobs()
            #expect(await !shop.mutations.contains("OrderCancel"), "above the limit nothing is sent")
            let waiting = try await harness.client.json(.get, "/api/v1/order-actions", token: harness.ownerToken)
            let asked = try #require(waiting.items.first)
            let ruleID = Int(try rule.int("id"))
            #expect(asked["kind"] as? String == "cancel" && asked["rule_id"] as? Int == ruleID && asked["agent_id"] == nil
                    && asked["rule_name"] as? String == "Cancel on request", "\(waiting.text)")
            let approved = try await harness.client.json(.post, "/api/v1/order-actions/\(try #require(asked["id"] as? Int))/approve", token: harness.ownerToken)
            #expect(try approved.string("state") == "done", "\(approved.text)")
            #expect(await shop.order("gid://shopify/Order/1005")?.isCancelled == true)
            let timeline = try await harness.client.json(.get, "/api/v1/conversations/\(conversation)/timeline", token: harness.ownerToken)
            let requested = timeline.items.first { $0["kind"] as? String == "order.action_requested" }
            #expect((requested?["actor"] as? [String: Any])?["type"] as? String == "rule", "\(timeline.text)")

            // Asked again, it is not cancelled twice.
            _ = try await harness.inbound(text: "did you cancel it?")
            try await harness.runJobs()
            let later = try await harness.client.json(.get, "/api/v1/conversations/\(conversation)/timeline", token: harness.ownerToken)
            #expect(later.text.contains("#1005 is already cancelled."), "\(later.text)")
            #expect(await shop.mutations.filter { $0 == "OrderCancel" }.count == 1)
        }
    }
}

/// A macro can tag the customer's order and leave it a note, as the agent who applied it asks.
@Suite("Automation: order actions in macros")
struct MacroOrderActionTests {
    @Test func aMacroTagsAndNotesTheCustomersLatestOrder() async throws {
        try await CommerceAPITests.withShop(.sqlite) { harness, shop, _, customer, conversation in
            _ = try await harness.client.json(.get, "/api/v1/customers/\(customer)/orders?refresh=true", token: harness.ownerToken)
            let created = try await harness.client.json(.post, "/api/v1/macros", token: harness.ownerToken, body: #"""
                {"name":"Damaged parcel","body":"Sorry, {{customer.first_name}}: a new one is on its way.",
                 "actions":[{"type":"tag_order","tags":["damaged-in-transit"]},{"type":"note_order","text":"{{customer.first_name}} got a replacement."}]}
                """#)
            #expect(created.status == .created, "\(created.text)")
            let applied = try await harness.client.json(.post, "/api/v1/conversations/\(conversation)/macros/\(try created.int("id"))/apply",
                                                        token: harness.ownerToken, body: "{}")
            let actions = (applied.body as? [String: Any])?["order_actions"] as? [[String: Any]] ?? []
            #expect(actions.map { $0["state"] as? String } == ["done", "done"], "\(applied.text)")
            #expect(await shop.order("gid://shopify/Order/1001")?.tags.contains("damaged-in-transit") == true)
            #expect(await shop.order("gid://shopify/Order/1001")?.note?.contains("Marta got a replacement.") == true)
            // A macro with another agent's rights: a viewer cannot apply it at all.
            let viewer = try await harness.agent(role: .viewer)
            let refused = try await harness.client.json(.post, "/api/v1/conversations/\(conversation)/macros/\(try created.int("id"))/apply",
                                                        token: viewer.token, body: "{}")
            #expect(refused.status == .forbidden)
        }
    }
}
