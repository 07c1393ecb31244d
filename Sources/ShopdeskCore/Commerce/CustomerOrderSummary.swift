import Foundation

/// What rules, SLA policies and the customer panel need to know about a customer's orders,
/// kept on the customer row so reading it costs nothing extra on the write path.
public struct CustomerOrderSummary: Equatable, Sendable {
    public var orderCount: Int
    /// Lifetime value: totals less refunds of orders that were not cancelled, in the currency of
    /// the latest order (orders in other currencies are not added in).
    public var spent: Amount
    public var lastOrderAt: Date?
    public var lastFinancialStatus: FinancialStatus?
    public var lastFulfillmentStatus: FulfillmentStatus?
    public var lastOrderTotal: Amount?

    public init(orderCount: Int, spent: Amount, lastOrderAt: Date?, lastFinancialStatus: FinancialStatus?,
                lastFulfillmentStatus: FulfillmentStatus?, lastOrderTotal: Amount?) {
        self.orderCount = orderCount; self.spent = spent; self.lastOrderAt = lastOrderAt
        self.lastFinancialStatus = lastFinancialStatus; self.lastFulfillmentStatus = lastFulfillmentStatus; self.lastOrderTotal = lastOrderTotal
    }

    public init(orders: [StoreOrder]) {
        let sorted = orders.sorted { $0.createdAt > $1.createdAt }
        let last = sorted.first
        let currency = last?.total.currency ?? "USD"
        let spent = sorted.filter { !$0.isCancelled && $0.total.currency == currency }
            .reduce(Int64(0)) { $0 + max(0, $1.total.minor - $1.refunded.minor) }
        self.init(orderCount: orders.count, spent: Amount(minor: spent, currency: currency), lastOrderAt: last?.createdAt,
                  lastFinancialStatus: last?.financialStatus, lastFulfillmentStatus: last?.fulfillmentStatus, lastOrderTotal: last?.total)
    }
}

/// Which conversation and agent an order is credited to: the latest agent reply to the customer
/// in the window before the order (three days unless the workspace says otherwise).
public enum RevenueAttribution {
    public struct Reply: Equatable, Sendable {
        public var conversationID: ConversationID
        public var agentID: AgentID?
        public var sentAt: Date
        public init(conversationID: ConversationID, agentID: AgentID?, sentAt: Date) {
            self.conversationID = conversationID; self.agentID = agentID; self.sentAt = sentAt
        }
    }

    public static let defaultWindowDays = 3

    public static func credit(orderPlacedAt: Date, replies: [Reply], windowDays: Int) -> Reply? {
        let start = orderPlacedAt.addingTimeInterval(-Double(windowDays) * 86_400)
        return replies.filter { $0.sentAt <= orderPlacedAt && $0.sentAt >= start }.max { $0.sentAt < $1.sentAt }
    }
}
