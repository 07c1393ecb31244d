import Foundation
import ShopdeskCore
import Testing

/// The shop's return rules as a customer and an agent meet them.
@Suite("Return policy")
struct ReturnPolicyTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static func order(shippedDaysAgo: Double?, tags: [String] = [], productTags: [String]? = nil, refundable: Int = 2) -> StoreOrder {
        StoreOrder(id: "o1", number: "#1001", createdAt: now.addingTimeInterval(-40 * 86_400), financialStatus: .paid,
                   fulfillmentStatus: shippedDaysAgo == nil ? .unfulfilled : .fulfilled, total: Amount(minor: 9_800, currency: "EUR"),
                   lineItems: [OrderLineItem(id: "l1", title: "Linen shirt", quantity: 2, refundableQuantity: refundable,
                                             unitPrice: Amount(minor: 4_900, currency: "EUR"), productTags: productTags)],
                   fulfillments: shippedDaysAgo.map { [OrderFulfillment(status: "success", createdAt: now.addingTimeInterval(-$0 * 86_400))] } ?? [],
                   tags: tags)
    }

    static func refusal(_ body: () throws -> Void) -> ReturnPolicy.Refusal? {
        do { try body(); return nil } catch let refusal as ReturnPolicy.Refusal { return refusal } catch { return nil }
    }

    @Test func theWindowCountsFromTheLastShipment() {
        let policy = ReturnPolicy(windowDays: 30)
        let line = [ReturnLine(lineItemID: "l1", quantity: 1, reason: .sizeTooSmall)]
        // Placed 40 days ago, shipped 29 days ago: still inside a 30-day window.
        #expect(Self.refusal { try policy.check(line, order: Self.order(shippedDaysAgo: 29), held: [:], photos: 0, now: Self.now, byAgent: false) } == nil)
        #expect(Self.refusal { try policy.check(line, order: Self.order(shippedDaysAgo: 31), held: [:], photos: 0, now: Self.now, byAgent: false) }
                == .windowClosed(order: "#1001", days: 30))
        #expect(Self.refusal { try policy.check(line, order: Self.order(shippedDaysAgo: nil), held: [:], photos: 0, now: Self.now, byAgent: false) }
                == .notShipped(order: "#1001"))
        // An agent may take a late return (a customer on the phone); never more than was bought.
        #expect(Self.refusal { try policy.check(line, order: Self.order(shippedDaysAgo: 90), held: [:], photos: 0, now: Self.now, byAgent: true) } == nil)
    }

    @Test func quantitiesFinalSaleReasonsAndPhotos() {
        let policy = ReturnPolicy(reasons: [.sizeTooSmall, .defective], photoReasons: [.defective], nonReturnableTags: ["Final-Sale"])
        let order = Self.order(shippedDaysAgo: 2)
        func check(_ lines: [ReturnLine], held: [String: Int] = [:], photos: Int = 0, order: StoreOrder = order, byAgent: Bool = false) -> ReturnPolicy.Refusal? {
            Self.refusal { try policy.check(lines, order: order, held: held, photos: photos, now: Self.now, byAgent: byAgent) }
        }
        #expect(check([]) == .noItems)
        #expect(check([ReturnLine(lineItemID: "l1", quantity: 0, reason: .sizeTooSmall)]) == .noItems)
        #expect(check([ReturnLine(lineItemID: "l1", quantity: 2, reason: .sizeTooSmall)], held: ["l1": 1]) == .tooMany(item: "Linen shirt", left: 1))
        // Two lines naming the same item count together.
        #expect(check([ReturnLine(lineItemID: "l1", quantity: 1, reason: .sizeTooSmall), ReturnLine(lineItemID: "l1", quantity: 2, reason: .sizeTooSmall)])
                == .tooMany(item: "Linen shirt", left: 2))
        #expect(check([ReturnLine(lineItemID: "l9", quantity: 1, reason: .sizeTooSmall)]) == .unknownItem("l9"))
        #expect(check([ReturnLine(lineItemID: "l1", quantity: 1, reason: .color)]) == .reasonNotOffered(.color))
        #expect(check([ReturnLine(lineItemID: "l1", quantity: 1, reason: .defective)]) == .photoNeeded(item: "Linen shirt"))
        #expect(check([ReturnLine(lineItemID: "l1", quantity: 1, reason: .defective)], photos: 1) == nil)
        let finalSale = Self.order(shippedDaysAgo: 2, productTags: ["final-sale"])
        #expect(check([ReturnLine(lineItemID: "l1", quantity: 1, reason: .sizeTooSmall)], order: finalSale, byAgent: true) == .finalSale(item: "Linen shirt"))
        let taggedOrder = Self.order(shippedDaysAgo: 2, tags: ["FINAL-SALE"])
        #expect(check([ReturnLine(lineItemID: "l1", quantity: 1, reason: .sizeTooSmall)], order: taggedOrder) == .finalSale(item: "Linen shirt"))
        // What was already refunded cannot come back.
        #expect(policy.returnable(Self.order(shippedDaysAgo: 2, refundable: 1), held: ["l1": 1]) == ["l1": 0])
    }

    @Test func statesMoveForwardOnly() {
        #expect(ReturnState.requested.next == [.approved, .declined, .cancelled])
        #expect(ReturnState.received.next == [.refunded])
        #expect(ReturnState.refunded.next.isEmpty && ReturnState.declined.next.isEmpty)
        #expect(!ReturnState.cancelled.holdsItems && ReturnState.inTransit.holdsItems)
    }
}
