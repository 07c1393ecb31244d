import Foundation
import ShopdeskCommerce
import ShopdeskCore
@testable import ShopdeskServer
import ShopdeskStore
import ShopdeskTestSupport
import Testing

/// Proactive campaigns through the API and the widget's calls: written and checked by an admin,
/// shown to a visitor with a single-use code made in the fake Shopify, answered into a
/// conversation that says where it came from, and the order that uses the code credited to it.
@Suite("Campaigns: displays, codes, conversations and the orders they bring")
struct CampaignAPITests {
    static let definition = """
        {"targeting":{"url_includes":["*/products/*"],"seconds_on_page":5},"max_shows":1,"hours_between":24,"hours":"any","attribution_days":7,
         "variants":[{"key":"A","weight":50,"message":"10 % off your first order today","offer":{"percent":10,"valid_hours":48,"prefix":"HELLO"}},
                     {"key":"B","weight":50,"message":"Need a hand choosing a size?","button":{"label":"Size guide","url":"/pages/sizes"}}]}
        """

    @Test(arguments: TestDatabase.kinds)
    func aDisplayMakesACodeAndTheOrderThatUsesItIsCredited(kind: DatabaseKind) async throws {
        try await CommerceAPITests.withShop(kind) { harness, shop, connection, _, _ in
            let inbox = try await harness.client.json(.post, "/api/v1/inboxes", token: harness.ownerToken, body: #"{"name":"Chat","kind":"chat"}"#)
            let inboxID = try inbox.object("inbox").int("id"), key = try inbox.object("inbox").string("widget_key")
            let badWeights = try await harness.client.json(.post, "/api/v1/campaigns", token: harness.ownerToken, body: """
                {"name":"Welcome","inbox_id":\(inboxID),"definition":{"variants":[{"key":"A","weight":60,"message":"Hi"},{"key":"B","weight":60,"message":"Ho"}]}}
                """)
            #expect(badWeights.status == .unprocessableContent && badWeights.detail.contains("100 %"), "\(badWeights.text)")
            let agent = try await harness.agent(role: .agent)
            let refused = try await harness.client.json(.post, "/api/v1/campaigns", token: agent.token, body: #"{"name":"x"}"#)
            #expect(refused.status == .forbidden)
            let created = try await harness.client.json(.post, "/api/v1/campaigns", token: harness.ownerToken, body: """
                {"name":"Welcome","inbox_id":\(inboxID),"status":"active","priority":10,"definition":\(Self.definition)}
                """)
            #expect(created.status == .created, "\(created.text)")
            let campaignID = try created.int("id")

            let document = try await harness.client.json(.get, "/api/v1/widget/\(key)/campaigns")
            let listed = try #require((document.body as? [String: Any])?["campaigns"] as? [[String: Any]])
            #expect(listed.count == 1 && document.headers[.cacheControl] == "public, max-age=60", "\(document.text)")
            #expect(document.text.contains("url_includes") && !document.text.contains("Welcome"), "the document carries rules, not the admin's names")

            let visitor = try await harness.client.json(.post, "/api/v1/widget/\(key)/sessions", body: "{}").string("token")
            let shown = try await harness.client.json(.post, "/api/v1/widget/campaigns/\(campaignID)/shown", headers: ["X-Visitor-Token": visitor],
                                                      body: #"{"variant":"A"}"#)
            #expect(shown.status == .created, "\(shown.text)")
            let code = try shown.string("code"), showID = try shown.int("show_id")
            #expect(code.hasPrefix("HELLO-") && code.count == 12)
            #expect(await shop.mutations.contains("DiscountCodeBasicCreate"), "the code exists in the shop")
            let again = try await harness.client.json(.post, "/api/v1/widget/campaigns/\(campaignID)/shown", headers: ["X-Visitor-Token": visitor],
                                                      body: #"{"variant":"A"}"#)
            #expect(again.status == .conflict, "one display per visitor, counted by the server too: \(again.text)")
            // Two shows at once for a new visitor: one is recorded, one refused.
            let twice = try await harness.client.json(.post, "/api/v1/widget/\(key)/sessions", body: "{}").string("token")
            let show = { @Sendable in
                try await harness.client.json(.post, "/api/v1/widget/campaigns/\(campaignID)/shown", headers: ["X-Visitor-Token": twice],
                                              body: #"{"variant":"B"}"#).status
            }
            async let first = show(), second = show()
            let statuses = try await [first, second]
            #expect(statuses.filter { $0 == .created }.count == 1 && statuses.filter { $0 == .conflict }.count == 1, "\(statuses)")
            let stranger = try await harness.client.json(.post, "/api/v1/widget/\(key)/sessions", body: "{}").string("token")
            let notTheirs = try await harness.client.json(.post, "/api/v1/widget/campaigns/shows/\(showID)/engaged", headers: ["X-Visitor-Token": stranger])
            #expect(notTheirs.status == .noContent, "answers alike, changes nothing")

            let message = try await harness.client.json(.post, "/api/v1/widget/messages", headers: ["X-Visitor-Token": visitor],
                                                        body: #"{"client_id":"c-1","text":"Does the code work on sale items?","campaign_show_id":\#(showID)}"#)
            #expect(message.status == .created, "\(message.text)")
            let conversation = try message.int("conversation_id")
            let timeline = try await harness.client.json(.get, "/api/v1/conversations/\(conversation)/timeline", token: harness.ownerToken)
            let entry = try #require(timeline.items.first { $0["kind"] as? String == "campaign.conversation" })
            let payload = entry["payload"] as? [String: Any] ?? [:]
            #expect(payload["name"] as? String == "Welcome" && payload["variant"] as? String == "A" && payload["code"] as? String == code, "\(entry)")

            // The order that uses the code arrives by webhook and is credited to variant A.
            var order = CommerceAPITests.sampleOrder(id: 3001, email: "new-buyer@example.com", placed: Date().addingTimeInterval(1))
            order.discountCodes = [code.lowercased()]
            await shop.add(order)
            let body = Data(#"{"id":3001,"admin_graphql_api_id":"gid://shopify/Order/3001","email":"new-buyer@example.com"}"#.utf8)
            let headers = ["X-Shopify-Topic": "orders/create", "X-Shopify-Event-Id": "evt-3001", "X-Shopify-Hmac-Sha256": StoreWebhooks.sign(body: body, secret: "whsec-test")]
            _ = try await harness.client.json(.post, "/api/v1/stores/\(connection)/webhooks", headers: headers, body: String(decoding: body, as: UTF8.self))
            try await harness.runJobs(at: Date().addingTimeInterval(120))

            let results = try await harness.client.json(.get, "/api/v1/campaigns/\(campaignID)/results", token: agent.token)
            let variants = try results.list("variants")
            let a = try #require(variants.first { $0["variant"] as? String == "A" })
            #expect(a["shown"] as? Int == 1 && a["engaged"] as? Int == 1 && a["conversations"] as? Int == 1 && a["orders"] as? Int == 1, "\(results.text)")
            #expect(((a["revenue"] as? [[String: Any]])?.first)?["minor"] as? Int == 10_380)
            #expect(variants.first { $0["variant"] as? String == "B" }?["shown"] as? Int == 1 && (results.body as? [String: Any])?["winner"] == nil)

            let paused = try await harness.client.json(.patch, "/api/v1/campaigns/\(campaignID)", token: harness.ownerToken, body: #"{"status":"paused"}"#)
            #expect(try paused.string("status") == "paused")
            let empty = try await harness.client.json(.get, "/api/v1/widget/\(key)/campaigns")
            #expect(((empty.body as? [String: Any])?["campaigns"] as? [Any])?.isEmpty == true)
        }
    }
}
