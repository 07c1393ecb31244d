import Foundation

/// Why a customer sends something back: Shopify's `ReturnReason` values, which every platform
/// shares here so that reports and rules read one list.
public enum ReturnReason: String, Codable, Sendable, CaseIterable {
    case sizeTooSmall = "size_too_small"
    case sizeTooLarge = "size_too_large"
    case unwanted
    case notAsDescribed = "not_as_described"
    case wrongItem = "wrong_item"
    case defective
    case style
    case color
    case other

    /// Shopify's enum value ("SIZE_TOO_SMALL").
    public var shopifyValue: String { rawValue.uppercased() }
}

/// Where a return stands. A return moves forward only: requested → approved → in transit →
/// received → refunded (or exchanged, when its items are swapped for other variants); a request
/// may instead be declined, and a return not yet received may be cancelled.
public enum ReturnState: String, Codable, Sendable, CaseIterable {
    case requested, approved
    case inTransit = "in_transit"
    case received, refunded, exchanged, declined, cancelled

    /// States in which the items still count as being returned (not free for another return).
    public var holdsItems: Bool { self != .declined && self != .cancelled }

    /// The states an agent may move a return to from this one.
    public var next: [ReturnState] {
        switch self {
        case .requested: [.approved, .declined, .cancelled]
        case .approved: [.inTransit, .received, .cancelled]
        case .inTransit: [.received, .cancelled]
        case .received: [.refunded]
        case .refunded, .exchanged, .declined, .cancelled: []
        }
    }
}

/// One item line of a return: which order line, how many, and why.
public struct ReturnLine: Codable, Equatable, Sendable {
    public var lineItemID: String
    public var title: String
    public var quantity: Int
    public var reason: ReturnReason
    public var note: String?
    /// The variant the customer gets instead (an exchange); nil: the money back.
    public var exchange: Exchange?

    /// What a returned item is swapped for.
    public struct Exchange: Codable, Equatable, Sendable {
        public var variantID: String
        public var title: String
        public var unitPrice: Amount?
        public init(variantID: String, title: String, unitPrice: Amount? = nil) { self.variantID = variantID; self.title = title; self.unitPrice = unitPrice }
        enum CodingKeys: String, CodingKey { case title; case variantID = "variant_id", unitPrice = "unit_price" }
    }

    public init(lineItemID: String, title: String = "", quantity: Int, reason: ReturnReason, note: String? = nil, exchange: Exchange? = nil) {
        self.lineItemID = lineItemID; self.title = title; self.quantity = quantity; self.reason = reason; self.note = note; self.exchange = exchange
    }

    enum CodingKeys: String, CodingKey {
        case title, quantity, reason, note, exchange
        case lineItemID = "line_item_id"
    }

    /// The title is Shopdesk's (taken from the order), so a request may leave it out.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        lineItemID = try container.decode(String.self, forKey: .lineItemID)
        title = try container.decodeIfPresent(String.self, forKey: .title) ?? ""
        quantity = try container.decode(Int.self, forKey: .quantity)
        reason = try container.decode(ReturnReason.self, forKey: .reason)
        note = try container.decodeIfPresent(String.self, forKey: .note)
        exchange = try container.decodeIfPresent(Exchange.self, forKey: .exchange)
    }
}

/// A shop's rules for returns, set in Settings → Shops.
public struct ReturnPolicy: Codable, Equatable, Sendable {
    /// Days after delivery (the last shipment's; its shipping date where the shop does not report
    /// deliveries, the order's date when none is dated) within which a return may start.
    public var windowDays: Int
    /// The reasons the customer may choose, in this order.
    public var reasons: [ReturnReason]
    /// Reasons that need a photo of the item (damage, a wrong item).
    public var photoReasons: [ReturnReason]
    /// Items whose product (or whose order) carries one of these tags are final sale.
    public var nonReturnableTags: [String]
    /// What the customer is told once the return is requested, by language ("en", "pt"…);
    /// Shopdesk's own words in the four languages when empty.
    public var instructions: [String: String]
    /// Where parcels go, shown with the instructions.
    public var address: String?

    public static let standard = ReturnPolicy()

    public init(windowDays: Int = 30, reasons: [ReturnReason] = ReturnReason.allCases, photoReasons: [ReturnReason] = [.defective, .wrongItem, .notAsDescribed],
                nonReturnableTags: [String] = ["final-sale"], instructions: [String: String] = [:], address: String? = nil) {
        self.windowDays = windowDays; self.reasons = reasons; self.photoReasons = photoReasons
        self.nonReturnableTags = nonReturnableTags; self.instructions = instructions; self.address = address
    }

    enum CodingKeys: String, CodingKey {
        case reasons, instructions, address
        case windowDays = "window_days"
        case photoReasons = "photo_reasons"
        case nonReturnableTags = "non_returnable_tags"
    }

    /// Why a return cannot be made as asked: each case a customer can be told in their language.
    public enum Refusal: Error, Equatable, Sendable, CustomStringConvertible {
        case cancelled(order: String)
        case notShipped(order: String)
        case windowClosed(order: String, days: Int)
        case noItems
        case finalSale(item: String)
        case tooMany(item: String, left: Int)
        case unknownItem(String)
        case reasonNotOffered(ReturnReason)
        case photoNeeded(item: String)

        public var description: String {
            switch self {
            case .cancelled(let order): "\(order) is cancelled; there is nothing to return."
            case .notShipped(let order): "\(order) has not shipped yet; cancel it or change it instead of returning it."
            case .windowClosed(let order, let days): "\(order) shipped more than \(days) days ago; the return window has closed."
            case .noItems: "Choose at least one item to return."
            case .finalSale(let item): "\(item) is final sale and cannot be returned."
            case .tooMany(let item, let left): "\(item): \(left) can still be returned."
            case .unknownItem(let id): "The order has no line \(id)."
            case .reasonNotOffered(let reason): "\(reason.rawValue) is not a return reason this shop offers."
            case .photoNeeded(let item): "\(item): add a photo for this reason."
            }
        }

        /// A key for the words shown to customers.
        public var code: String {
            switch self {
            case .cancelled: "cancelled"
            case .notShipped: "not_shipped"
            case .windowClosed: "window_closed"
            case .noItems: "no_items"
            case .finalSale: "final_sale"
            case .tooMany: "too_many"
            case .unknownItem: "unknown_item"
            case .reasonNotOffered: "reason"
            case .photoNeeded: "photo_needed"
            }
        }
    }

    /// When the window closes for this order: `windowDays` after its last delivery, where the
    /// shop reports deliveries, else after its last shipment.
    public func windowEnd(for order: StoreOrder) -> Date {
        let shipped = order.fulfillments.compactMap { $0.deliveredAt ?? $0.createdAt }.max() ?? order.createdAt
        return shipped.addingTimeInterval(Double(windowDays) * 86_400)
    }

    /// How many of each line may still be returned: what can still be refunded, less what other
    /// returns already hold.
    public func returnable(_ order: StoreOrder, held: [String: Int]) -> [String: Int] {
        Dictionary(uniqueKeysWithValues: order.lineItems.map { ($0.id, max(0, $0.refundableQuantity - (held[$0.id] ?? 0))) })
    }

    /// Whether the order can be returned at all right now (before items are chosen).
    public func checkOrder(_ order: StoreOrder, now: Date) throws {
        if order.isCancelled { throw Refusal.cancelled(order: order.number) }
        guard order.fulfillmentStatus == .fulfilled || order.fulfillmentStatus == .partial || !order.fulfillments.isEmpty else {
            throw Refusal.notShipped(order: order.number)
        }
        if now > windowEnd(for: order) { throw Refusal.windowClosed(order: order.number, days: windowDays) }
    }

    /// Whether a line may be returned under the shop's tags.
    public func isFinalSale(_ item: OrderLineItem, of order: StoreOrder) -> Bool {
        let tags = Set(nonReturnableTags.map { $0.lowercased() })
        guard !tags.isEmpty else { return false }
        return (item.productTags ?? []).contains { tags.contains($0.lowercased()) } || order.tags.contains { tags.contains($0.lowercased()) }
    }

    /// Checks a return as asked. `held`: quantities per line already in other returns;
    /// `photos`: how many photos come with it. Agents (`byAgent`) may go past the window and the
    /// photo rule (a customer on the phone); never past what was bought or a final sale.
    public func check(_ lines: [ReturnLine], order: StoreOrder, held: [String: Int], photos: Int, now: Date, byAgent: Bool) throws {
        if byAgent {
            if order.isCancelled { throw Refusal.cancelled(order: order.number) }
        } else {
            try checkOrder(order, now: now)
        }
        let chosen = lines.filter { $0.quantity > 0 }
        guard !chosen.isEmpty else { throw Refusal.noItems }
        let left = returnable(order, held: held)
        var asked: [String: Int] = [:]
        for line in chosen {
            guard let item = order.lineItems.first(where: { $0.id == line.lineItemID }) else { throw Refusal.unknownItem(line.lineItemID) }
            if isFinalSale(item, of: order) { throw Refusal.finalSale(item: item.title) }
            asked[line.lineItemID, default: 0] += line.quantity
            let available = left[line.lineItemID] ?? 0
            if asked[line.lineItemID, default: 0] > available { throw Refusal.tooMany(item: item.title, left: available) }
            if !byAgent {
                guard reasons.contains(line.reason) else { throw Refusal.reasonNotOffered(line.reason) }
                if photoReasons.contains(line.reason), photos == 0 { throw Refusal.photoNeeded(item: item.title) }
            }
        }
    }
}

/// A return as Shopdesk keeps it: on Shopify a mirror of the shop's own return (its id in
/// `externalID`), elsewhere the record itself.
public struct ReturnRecord: Equatable, Sendable {
    public enum Origin: String, Codable, Sendable { case customer, agent }

    public var id: ReturnID
    public var workspaceID: WorkspaceID
    public var connectionID: StoreConnectionID
    public var orderID: OrderID
    public var orderNumber: String
    public var customerID: CustomerID?
    public var conversationID: ConversationID?
    public var state: ReturnState
    public var lines: [ReturnLine]
    public var photos: [AttachmentID]
    public var origin: Origin
    public var agentID: AgentID?
    /// The shop's id for the return (Shopify's `gid://shopify/Return/…`).
    public var externalID: String?
    /// The return's parcel, once the customer sends it.
    public var trackingNumber: String?
    public var declineReason: String?
    /// The refund's order action (its approval, outcome and money live there).
    public var refundActionID: OrderActionID?
    /// What the exchange became: the new order's number, or the shop's word for it.
    public var exchangeRef: String?
    /// Whether any item is swapped for another variant.
    public var isExchange: Bool { lines.contains { $0.exchange != nil } }
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: ReturnID, workspaceID: WorkspaceID, connectionID: StoreConnectionID, orderID: OrderID, orderNumber: String, customerID: CustomerID?,
                conversationID: ConversationID?, state: ReturnState, lines: [ReturnLine], photos: [AttachmentID], origin: Origin, agentID: AgentID?,
                externalID: String?, trackingNumber: String?, declineReason: String?, refundActionID: OrderActionID?, createdAt: Date, updatedAt: Date,
                exchangeRef: String? = nil) {
        self.id = id; self.workspaceID = workspaceID; self.connectionID = connectionID; self.orderID = orderID; self.orderNumber = orderNumber
        self.customerID = customerID; self.conversationID = conversationID; self.state = state; self.lines = lines; self.photos = photos
        self.origin = origin; self.agentID = agentID; self.externalID = externalID; self.trackingNumber = trackingNumber
        self.declineReason = declineReason; self.refundActionID = refundActionID; self.createdAt = createdAt; self.updatedAt = updatedAt
        self.exchangeRef = exchangeRef
    }

    /// "2 × Linen shirt (size too small)" lines, for the timeline and the customer's message.
    public var itemsSummary: String {
        lines.map { "\($0.quantity) × \($0.title.isEmpty ? $0.lineItemID : $0.title)\($0.exchange.map { " → \($0.title)" } ?? "")" }.joined(separator: ", ")
    }
}
