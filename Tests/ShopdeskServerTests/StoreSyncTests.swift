import Foundation
import ShopdeskCommerce
import ShopdeskCore
@testable import ShopdeskServer
import ShopdeskStore
import ShopdeskTestSupport
import Testing

/// Every order, not only those Shopdesk has seen: a shop's customers and recent orders read page
/// by page after connecting, resumed from the saved cursor after a failure, then reconciled.
@Suite("Commerce: reading a shop whole")
struct StoreSyncTests {
    @Test(arguments: TestDatabase.kinds)
    func customersAndRecentOrdersAreReadPageByPageAndResumed(kind: DatabaseKind) async throws {
        try await CommerceAPITests.withShop(kind) { harness, shop, connection, _, _ in
            // 120 shop customers (two pages), 60 more orders (three orders pages in all), one order too old to read.
            for index in 0..<120 { await shop.addCustomer(first: "Kupac", last: "\(index)", email: "kupac\(index)@example.com") }
            for index in 0..<60 {
                await shop.add(CommerceAPITests.sampleOrder(id: 3000 + index, email: "kupac\(index)@example.com", placed: Date().addingTimeInterval(-Double(index) * 3600)))
            }
            await shop.add(CommerceAPITests.sampleOrder(id: 4000, email: "old@example.com", placed: Date().addingTimeInterval(-200 * 86_400)))
            // The first page of orders is lost on the way (a 504 from Shopify's edge): the run stops there.
            await shop.loseAnswer(to: "BackfillOrders")
            let started = try await harness.client.json(.post, "/api/v1/stores/\(connection)/sync", token: harness.ownerToken)
            #expect(started.status == .ok, "\(started.text)")
            #expect(((started.body as? [String: Any])?["sync"] as? [String: Any])?["phase"] as? String == "customers")
            try await harness.runJobs()
            var sync = try await Self.sync(harness)
            #expect(sync["phase"] as? String == "orders" && sync["customers"] as? Int == 120 && sync["customers_total"] as? Int == 120, "\(sync)")
            #expect((sync["error"] as? String)?.isEmpty == false, "the failure is shown: \(sync)")
            // The job's retry goes on from where it stopped.
            try await harness.runJobs(at: Date().addingTimeInterval(3600))
            sync = try await Self.sync(harness)
            #expect(sync["phase"] as? String == "done" && sync["error"] == nil, "\(sync)")
            // The shop gave every order changed in the last 60 days, but the fake filters nothing: what it sent was stored.
            #expect((sync["orders"] as? Int ?? 0) >= 60, "\(sync)")
            let quiet = try await harness.client.json(.get, "/api/v1/customers?q=kupac59", token: harness.ownerToken)
            #expect(quiet.items.count == 1, "a customer who never wrote is known: \(quiet.text)")
            let order = try await harness.client.json(.get, "/api/v1/orders?number=%233059", token: harness.ownerToken)
            #expect(order.text.contains("gid://shopify/Order/3059"), "\(order.text)")
            let customerID = try #require(quiet.items.first?["id"] as? Int)
            let theirs = try await harness.client.json(.get, "/api/v1/customers/\(customerID)/orders", token: harness.ownerToken)
            #expect(theirs.text.contains("#3059") && theirs.items.count == 1, "their order is linked to them: \(theirs.text)")
            // The next pass is a reconciliation, hours later, of the orders changed since.
            let jobs = try await harness.services.database.read { sql in
                try await sql.raw("SELECT run_at FROM jobs WHERE kind = 'store.backfill' AND status = 'queued'").all()
            }
            #expect(jobs.count == 1)
        }
    }

    /// WooCommerce's numbered pages and `X-WP-Total`: registered customers, then orders.
    @Test func aWooCommerceShopIsReadWholeToo() async throws {
        try await FakeWooCommerce.run { shop, url in
            for index in 0..<130 { await shop.addCustomer(first: "Cliente", last: "\(index)", email: "cliente\(index)@example.com") }
            for index in 0..<55 {
                var order = WooCommerceAPITests.order(id: 5000 + index, email: "cliente\(index)@example.com")
                order.createdAt = Date().addingTimeInterval(-Double(index) * 3600)
                await shop.add(order)
            }
            try await Harness.run(.sqlite, mode: .live, configure: { $0.allowPrivateWebhookTargets = true }) { harness in
                let body = #"{"platform":"woocommerce","shop_url":"\#(url)","token":"\#(FakeWooCommerce.key)","secret":"\#(FakeWooCommerce.secret)"}"#
                let created = try await harness.client.json(.post, "/api/v1/stores", token: harness.ownerToken, body: body)
                let connection = try created.int("id")
                #expect(try await harness.client.json(.post, "/api/v1/stores/\(connection)/sync", token: harness.ownerToken).status == .ok)
                try await harness.runJobs()
                let sync = try await Self.sync(harness)
                #expect(sync["phase"] as? String == "done" && sync["customers"] as? Int == 130 && sync["customers_total"] as? Int == 130, "\(sync)")
                #expect(sync["orders"] as? Int == 55 && sync["orders_total"] as? Int == 55, "\(sync)")
                let customer = try await harness.client.json(.get, "/api/v1/customers?q=cliente54", token: harness.ownerToken)
                let id = try #require(customer.items.first?["id"] as? Int)
                let orders = try await harness.client.json(.get, "/api/v1/customers/\(id)/orders", token: harness.ownerToken)
                #expect(orders.text.contains("#5054") && orders.items.count == 1, "\(orders.text)")
                let stored = try await harness.services.database.read { sql in
                    try await sql.raw("SELECT COUNT(*) AS n FROM orders WHERE workspace_id = \(bind: harness.workspaceID.rawValue)").first()?.decode(column: "n", as: Int.self)
                }
                #expect(stored == 55, "every order kept")
            }
        }
    }

    @Test func onlyShopsThatCanBeReadWholeAreSynced() async throws {
        try await Harness.run(.sqlite) { harness in
            let csv = try await harness.client.json(.post, "/api/v1/stores", token: harness.ownerToken, body: #"{"platform":"csv","name":"Imported"}"#)
            let refused = try await harness.client.json(.post, "/api/v1/stores/\(try csv.int("id"))/sync", token: harness.ownerToken)
            #expect(refused.status == .unprocessableContent, "\(refused.text)")
        }
    }

    static func sync(_ harness: Harness) async throws -> [String: Any] {
        let listed = try await harness.client.json(.get, "/api/v1/stores", token: harness.ownerToken)
        return try #require(listed.items.first?["sync"] as? [String: Any], "\(listed.text)")
    }
}
