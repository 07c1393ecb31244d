import Foundation
import ShopdeskCommerce
import ShopdeskCore
import Testing

/// Money, order numbers, actions' checks and amounts, and how a shop applies them.
@Suite("Orders and money")
struct OrderRulesTests {
    static let order = StoreOrder(
        id: "o1", number: "#1001", createdAt: Date(timeIntervalSince1970: 1_790_000_000), financialStatus: .paid, fulfillmentStatus: .unfulfilled,
        total: Amount(minor: 10_380, currency: "EUR"), shipping: Amount(minor: 580, currency: "EUR"),
        lineItems: [OrderLineItem(id: "l1", title: "Shirt", quantity: 2, unitPrice: Amount(minor: 4_900, currency: "EUR"))])

    @Test func moneyIsReadAndWrittenExactly() {
        #expect(Money.minorUnits("12.5", currency: "EUR") == 1_250)
        #expect(Money.minorUnits("0.1", currency: "USD") == 10)
        #expect(Money.minorUnits("1200", currency: "JPY") == 1_200)
        #expect(Money.minorUnits("1.234", currency: "KWD") == 1_234)
        #expect(Money.minorUnits("10.000", currency: "USD") == 1_000)
        #expect(Money.minorUnits("12.345", currency: "EUR") == nil, "more precision than the currency has")
        #expect(Money.minorUnits("1e3", currency: "EUR") == nil && Money.minorUnits("", currency: "EUR") == nil && Money.minorUnits(".", currency: "EUR") == nil)
        #expect(Money.minorUnits("-3.10", currency: "EUR") == -310)
        #expect(Money.minorUnits("99999999999999999999", currency: "EUR") == nil, "overflow is refused")
        #expect(Money.decimalString(minor: 5, currency: "EUR") == "0.05" && Money.decimalString(minor: -1_250, currency: "EUR") == "-12.50")
        #expect(Money.decimalString(minor: 1_200, currency: "JPY") == "1200")
    }

    @Test func orderNumbersAreFoundInText() {
        #expect(OrderNumber.mentions(in: "Where is #1234? Also #1234 and #98765.") == ["1234", "98765"])
        #expect(OrderNumber.mentions(in: "Room#123 and #12 and #12345678901 and color #fff") == [])
        #expect(OrderNumber.plain("#SD-1001") == "SD-1001" && OrderNumber.plain(" ##1001 ") == "1001")
    }

    @Test func actionsAreCheckedAgainstTheOrder() throws {
        let order = Self.order
        #expect(try RefundRequest(lines: [.init(lineItemID: "l1", quantity: 1)], shipping: true).amount(for: order).minor == 5_480)
        #expect(throws: CommerceError.self) { try OrderAction.refund(RefundRequest(lines: [.init(lineItemID: "l1", quantity: 3)])).validate(order: order) }
        #expect(throws: CommerceError.self) { try OrderAction.refund(RefundRequest(amountMinor: 10_381)).validate(order: order) }
        #expect(throws: CommerceError.self) { try OrderAction.refund(RefundRequest(lines: [.init(lineItemID: "nope", quantity: 1)])).validate(order: order) }
        #expect(throws: CommerceError.self) { try OrderAction.updateShippingAddress(PostalAddress(address1: "x", city: "y", countryCode: "Croatia")).validate(order: order) }
        #expect(throws: CommerceError.self) { try OrderAction.createDiscount(DiscountRequest(code: "A B", percent: 10)).validate(order: order) }
        #expect(throws: CommerceError.self) { try OrderAction.createDiscount(DiscountRequest(code: "SORRY10", percent: 10, fixedAmount: Amount(minor: 1, currency: "EUR"))).validate(order: order) }
        var shipped = order
        shipped.fulfillmentStatus = .fulfilled
        #expect(throws: CommerceError.self) { try OrderAction.cancel(reason: .customer, restock: true, refund: true, notifyCustomer: true, staffNote: nil).validate(order: shipped) }
        #expect(OrderApproval.value(of: .cancel(reason: .customer, restock: true, refund: true, notifyCustomer: true, staffNote: nil), order: order)?.minor == 10_380)
        #expect(OrderApproval.value(of: .addNote("x"), order: order) == nil)
    }

    @Test func theSandboxAppliesActionsLikeAShop() throws {
        let refunded = try SandboxOrders.apply(.refund(RefundRequest(lines: [.init(lineItemID: "l1", quantity: 1)])), to: Self.order, at: Date(), newID: "r1")
        #expect(refunded.order.financialStatus == .partiallyRefunded && refunded.order.refunded.minor == 4_900)
        #expect(refunded.order.lineItems[0].refundableQuantity == 1 && refunded.detail["refund_id"] == "r1")
        let rest = try SandboxOrders.apply(.refund(.full(of: refunded.order)), to: refunded.order, at: Date(), newID: "r2")
        #expect(rest.order.financialStatus == .refunded && rest.order.refundable.minor == 0)
        #expect(throws: CommerceError.self) { try SandboxOrders.apply(.refund(RefundRequest(amountMinor: 1)), to: rest.order, at: Date(), newID: "r3") }
        let cancelled = try SandboxOrders.apply(.cancel(reason: .inventory, restock: true, refund: true, notifyCustomer: false, staffNote: "sold out"),
                                                to: Self.order, at: Date(), newID: "r4")
        #expect(cancelled.order.isCancelled && cancelled.order.financialStatus == .refunded && cancelled.order.fulfillmentStatus == .restocked)
    }

    @Test func summariesAndRevenueCredit() {
        var old = Self.order
        old.id = "o0"
        old.createdAt = Self.order.createdAt.addingTimeInterval(-86_400 * 30)
        var cancelled = Self.order
        cancelled.id = "o2"
        cancelled.cancelledAt = Date()
        let summary = CustomerOrderSummary(orders: [old, Self.order, cancelled])
        #expect(summary.orderCount == 3 && summary.spent.minor == 20_760, "cancelled orders are not spent")
        let conversation = ConversationID(7)
        let replies = [
            RevenueAttribution.Reply(conversationID: ConversationID(1), agentID: AgentID(1), sentAt: Self.order.createdAt.addingTimeInterval(-5 * 86_400)),
            RevenueAttribution.Reply(conversationID: conversation, agentID: AgentID(2), sentAt: Self.order.createdAt.addingTimeInterval(-3_600)),
            RevenueAttribution.Reply(conversationID: ConversationID(9), agentID: AgentID(3), sentAt: Self.order.createdAt.addingTimeInterval(60)),
        ]
        #expect(RevenueAttribution.credit(orderPlacedAt: Self.order.createdAt, replies: replies, windowDays: 3)?.conversationID == conversation)
        #expect(RevenueAttribution.credit(orderPlacedAt: Self.order.createdAt, replies: Array(replies.prefix(1)), windowDays: 3) == nil)
    }

    @Test func rulesSeeTheLastOrder() throws {
        var facts = RuleFacts(trigger: .messageInbound, channel: "email", inboxID: 1, subject: nil, text: "where is it", language: "en",
                              intent: nil, sentiment: nil, urgent: false, priority: .normal, status: .open, assigneeID: nil, teamID: nil,
                              tags: [], customerEmail: nil, customerName: nil, withinBusinessHours: true, hoursSinceCreated: 0, messageCount: 1)
        var shipped = Self.order
        shipped.fulfillmentStatus = .fulfilled
        facts.setOrders(CustomerOrderSummary(orders: [shipped]), at: shipped.createdAt.addingTimeInterval(4 * 86_400))
        let json = #"""
            {"name":"Shipped and big","triggers":["message.inbound"],"conditions":{"all":[
              {"field":"order.last.fulfillment_status","op":"is","value":"fulfilled"},
              {"field":"order.last.total","op":"gt","value":100},
              {"field":"order.last.age_days","op":"gte","value":3}]},
             "actions":[{"type":"add_tags","tags":["shipped-question"]}]}
            """#
        let definition = try JSONDecoder().decode(RuleDefinition.self, from: Data(json.utf8)).validated()
        let rules = RuleSet([(1, definition)])
        #expect(rules.matches(facts).count == 1)
        facts.setOrders(nil, at: Date())
        #expect(rules.matches(facts).isEmpty)
    }

    @Test func deliveryIsATriggerOnceEveryShipmentArrived() {
        var shipped = Self.order
        shipped.fulfillmentStatus = .fulfilled
        shipped.fulfillments = [OrderFulfillment(status: "success", createdAt: shipped.createdAt), OrderFulfillment(status: "success", createdAt: shipped.createdAt)]
        var partly = shipped
        partly.fulfillments[0].deliveredAt = shipped.createdAt.addingTimeInterval(86_400)
        var delivered = partly
        delivered.fulfillments[1].deliveredAt = shipped.createdAt.addingTimeInterval(2 * 86_400)
        #expect(!RuleTrigger.orderChanges(from: shipped, to: partly).contains(.orderDelivered), "one parcel of two is not the order")
        #expect(RuleTrigger.orderChanges(from: partly, to: delivered) == [.orderDelivered])
        #expect(RuleTrigger.orderChanges(from: delivered, to: delivered).isEmpty, "the same delivery told again fires nothing")
        // The return window counts from the last delivery.
        let policy = ReturnPolicy(windowDays: 14)
        #expect(policy.windowEnd(for: delivered) == shipped.createdAt.addingTimeInterval(16 * 86_400))
    }

    @Test func theSandboxEditsItemsAndSaysTheDifference() throws {
        var order = Self.order
        order.lineItems = [OrderLineItem(id: "l1", title: "Linen shirt", quantity: 2, unitPrice: Amount(minor: 4_900, currency: order.total.currency))]
        order.total = Amount(minor: 9_800, currency: order.total.currency)
        let edit = OrderEditRequest(changes: [.init(lineItemID: "l1", quantity: 1)],
                                    additions: [.init(variantID: "v9", title: "Leather belt", quantity: 1, unitPrice: Amount(minor: 3_500, currency: order.total.currency))])
        let outcome = try SandboxOrders.apply(.editItems(edit), to: order, at: Date(), newID: "n1")
        #expect(outcome.order.total.minor == 8_400 && outcome.detail["difference"] == "-14.00")
        #expect(outcome.order.lineItems.map(\.quantity) == [1, 1])
        var shipped = order
        shipped.fulfillmentStatus = .fulfilled
        #expect(throws: CommerceError.self) { try OrderAction.editItems(edit).validate(order: shipped) }
        #expect(throws: CommerceError.self) { try OrderAction.editItems(OrderEditRequest(changes: [.init(lineItemID: "l1", quantity: 0)])).validate(order: order) }
    }
}
