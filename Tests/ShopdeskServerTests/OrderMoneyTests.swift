import AsyncHTTPClient
import Foundation
import NIOCore
import ShopdeskCommerce
import ShopdeskCore
@testable import ShopdeskServer
import ShopdeskStore
import ShopdeskTestSupport
import Testing

/// Money moves once, within its approval limits, and only as much as the agent was shown —
/// against the fake Shopify, which moves only the money a refund's transactions name.
@Suite("Commerce: approval limits, lost answers and line refunds")
struct OrderMoneyTests {
    static func act(_ harness: Harness, _ token: String, order: Int, key: String = UUID().uuidString, _ body: String) async throws -> JSONResponse {
        try await harness.client.json(.post, "/api/v1/orders/\(order)/actions", token: token, headers: ["Idempotency-Key": key], body: body)
    }

    static func firstOrder(_ harness: Harness, customer: Int64, token: String) async throws -> Int {
        let orders = try await harness.client.json(.get, "/api/v1/customers/\(customer)/orders", token: token)
        return try #require(orders.items.first { ($0["order"] as? [String: Any])?["number"] as? String == "#1001" }?["id"] as? Int)
    }

    @Test(arguments: TestDatabase.kinds)
    func splittingARefundDoesNotGetPastTheThreshold(kind: DatabaseKind) async throws {
        try await CommerceAPITests.withShop(kind, threshold: "50.00") { harness, shop, _, customer, _ in
            let agent = try await harness.agent(role: .agent)
            let order = try await Self.firstOrder(harness, customer: customer, token: agent.token)
            let first = try await Self.act(harness, agent.token, order: order, #"{"kind":"refund","amount":"30.00"}"#)
            #expect(try first.string("state") == "done", "\(first.text)")
            // 30 + 30 = 60 > 50: the second part of a split refund waits, and says why.
            let second = try await Self.act(harness, agent.token, order: order, #"{"kind":"refund","amount":"30.00"}"#)
            #expect(try second.string("state") == "awaiting_approval", "\(second.text)")
            #expect(second.text.contains("already asked"), "\(second.text)")
            // Waiting amounts count too: a third small one also waits.
            let third = try await Self.act(harness, agent.token, order: order, #"{"kind":"refund","amount":"5.00"}"#)
            #expect(try third.string("state") == "awaiting_approval")
            #expect(await shop.order("gid://shopify/Order/1001")?.refunded.minor == 3_000)
            // An admin's own refund does not wait.
            let admin = try await Self.act(harness, harness.ownerToken, order: order, #"{"kind":"refund","amount":"20.00"}"#)
            #expect(try admin.string("state") == "done")
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func refundsSentAtOnceStayWithinTheThreshold(kind: DatabaseKind) async throws {
        try await CommerceAPITests.withShop(kind, threshold: "50.00") { harness, shop, _, customer, _ in
            let agent = try await harness.agent(role: .agent)
            let order = try await Self.firstOrder(harness, customer: customer, token: agent.token)
            let port = try #require(harness.client.port)
            let states = try await withThrowingTaskGroup(of: String.self) { group in
                // Each on its own connection (the test client pipelines on one, which would line
                // them up), with room for a loaded machine.
                for _ in 0..<3 {
                    group.addTask {
                        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/api/v1/orders/\(order)/actions")
                        request.method = .POST
                        request.headers.add(name: "Authorization", value: "Bearer \(agent.token)")
                        request.headers.add(name: "Idempotency-Key", value: UUID().uuidString)
                        request.headers.add(name: "Content-Type", value: "application/json")
                        request.body = .bytes(ByteBuffer(string: #"{"kind":"refund","amount":"20.00"}"#))
                        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(120))
                        let body = try await response.body.collect(upTo: 1 << 20)
                        let json = try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any]
                        return json?["state"] as? String ?? "status \(response.status.code)"
                    }
                }
                return try await group.reduce(into: [String]()) { $0.append($1) }
            }
            // 20 + 20 ≤ 50 < 20 + 20 + 20: two run, one waits, whatever the interleaving.
            #expect(states.filter { $0 == "done" }.count == 2, "\(states)")
            #expect(states.filter { $0 == "awaiting_approval" }.count == 1, "\(states)")
            #expect(await shop.order("gid://shopify/Order/1001")?.refunded.minor == 4_000)
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func percentageDiscountsAreValued(kind: DatabaseKind) async throws {
        try await CommerceAPITests.withShop(kind, threshold: "50.00") { harness, shop, _, customer, _ in
            let agent = try await harness.agent(role: .agent)
            let order = try await Self.firstOrder(harness, customer: customer, token: agent.token)
            let small = try await Self.act(harness, agent.token, order: order, #"{"kind":"create_discount","code":"SORRY-10","percent":10}"#)
            #expect(try small.string("state") == "done", "\(small.text)")
            #expect(try small.object("amount").int("minor") == 1_038, "10 % of the 103.80 EUR order")
            let free = try await Self.act(harness, agent.token, order: order, #"{"kind":"create_discount","code":"FREE-ALL","percent":100}"#)
            #expect(try free.string("state") == "awaiting_approval", "a 100 % code is not free: \(free.text)")
            #expect(free.text.contains("25 %"), "\(free.text)")
            #expect(await shop.mutations == ["DiscountCodeBasicCreate"])
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func aRefundWhoseAnswerWasLostIsNeverMadeTwice(kind: DatabaseKind) async throws {
        try await CommerceAPITests.withShop(kind) { harness, shop, _, customer, _ in
            let order = try await Self.firstOrder(harness, customer: customer, token: harness.ownerToken)
            await shop.loseAnswer(to: "RefundCreate")
            let key = UUID().uuidString
            let lost = try await Self.act(harness, harness.ownerToken, order: order, key: key, #"{"kind":"refund","amount":"10.00"}"#)
            #expect(try lost.string("state") == "outcome_unknown", "\(lost.text)")
            #expect(await shop.order("gid://shopify/Order/1001")?.refunded.minor == 1_000, "the shop did refund")
            // The agent sends again with the same key: the order is read back, the refund found, nothing sent.
            let again = try await Self.act(harness, harness.ownerToken, order: order, key: key, #"{"kind":"refund","amount":"10.00"}"#)
            #expect(try again.string("state") == "done", "\(again.text)")
            #expect(await shop.mutations == ["RefundCreate"])
            #expect(await shop.order("gid://shopify/Order/1001")?.refunded.minor == 1_000)
            // And once more: the stored outcome, still nothing sent.
            _ = try await Self.act(harness, harness.ownerToken, order: order, key: key, #"{"kind":"refund","amount":"10.00"}"#)
            #expect(await shop.mutations == ["RefundCreate"])
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func aRefundByLinesMovesWhatShopifySuggests(kind: DatabaseKind) async throws {
        try await CommerceAPITests.withShop(kind) { harness, shop, _, customer, _ in
            let order = try await Self.firstOrder(harness, customer: customer, token: harness.ownerToken)
            await shop.discountLines(of: "gid://shopify/Order/1001", percent: 10)
            let lines = #""lines":[{"line_item_id":"gid://shopify/LineItem/10011","quantity":1}]"#
            let preview = try await harness.client.json(.post, "/api/v1/orders/\(order)/refund-preview", token: harness.ownerToken,
                                                        body: #"{"kind":"refund",\#(lines)}"#)
            #expect(try preview.string("amount") == "44.10", "49.00 less the order's 10 % discount: \(preview.text)")
            #expect(try preview.string("computed_by") == "shopify")
            let refund = try await Self.act(harness, harness.ownerToken, order: order, #"{"kind":"refund",\#(lines)}"#)
            #expect(try refund.string("state") == "done", "\(refund.text)")
            #expect(try refund.object("result").string("amount") == "44.10")
            let shopOrder = try #require(await shop.order("gid://shopify/Order/1001"))
            #expect(shopOrder.refunded.minor == 4_410, "money moved, not only a restock")
            #expect(shopOrder.lineItems.first?.refundableQuantity == 1)
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func anotherWorkspaceCannotDecideAWaitingAction(kind: DatabaseKind) async throws {
        try await CommerceAPITests.withShop(kind, threshold: "50.00") { harness, shop, _, customer, _ in
            let agent = try await harness.agent(role: .agent)
            let order = try await Self.firstOrder(harness, customer: customer, token: agent.token)
            let waiting = try await Self.act(harness, agent.token, order: order, #"{"kind":"refund"}"#)
            let id = try waiting.int("id")
            let stranger = try await harness.stranger()
            for verb in ["approve", "reject"] {
                let answer = try await harness.client.json(.post, "/api/v1/order-actions/\(id)/\(verb)", token: stranger.token)
                #expect(answer.status == .notFound, "\(verb): \(answer.status)")
                // Check the effect, not only the answer.
                let record = try await harness.database.read { try await OrderActionRepository.find(workspaceID: harness.workspaceID, id: OrderActionID(id), in: $0) }
                #expect(record?.state == .awaitingApproval && record?.decidedBy == nil, "\(verb) by a stranger changed \(String(describing: record))")
            }
            #expect(await shop.mutations.isEmpty)
            let approved = try await harness.client.json(.post, "/api/v1/order-actions/\(id)/approve", token: harness.ownerToken)
            #expect(try approved.string("state") == "done")
        }
    }
}
