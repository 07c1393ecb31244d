import Foundation

/// A change to the items of an order that has not shipped: new quantities for its lines (0
/// removes one) and variants to add. A swap is one line set to 0 and the other variant added.
/// The shop computes the new total (taxes, discounts); the agent sees it before confirming. An
/// edit moves no money by itself: a lower total is refunded with the refund action, a higher one
/// is paid by the customer through the shop's invoice.
public struct OrderEditRequest: Equatable, Sendable, Codable {
    public struct Change: Equatable, Sendable, Codable {
        public var lineItemID: String
        public var quantity: Int
        public init(lineItemID: String, quantity: Int) { self.lineItemID = lineItemID; self.quantity = quantity }
        enum CodingKeys: String, CodingKey { case quantity; case lineItemID = "line_item_id" }
    }
    public struct Addition: Equatable, Sendable, Codable {
        /// The shop's id for the variant (from `GET /orders/{id}/products`).
        public var variantID: String
        public var title: String
        public var quantity: Int
        /// The variant's price as the product search gave it (Shopdesk's estimate; the shop's own applies).
        public var unitPrice: Amount?
        public init(variantID: String, title: String, quantity: Int, unitPrice: Amount?) {
            self.variantID = variantID; self.title = title; self.quantity = quantity; self.unitPrice = unitPrice
        }
        enum CodingKeys: String, CodingKey { case title, quantity; case variantID = "variant_id", unitPrice = "unit_price" }
    }

    public var changes: [Change]
    public var additions: [Addition]
    public var notifyCustomer: Bool
    public var staffNote: String?

    public init(changes: [Change] = [], additions: [Addition] = [], notifyCustomer: Bool = true, staffNote: String? = nil) {
        self.changes = changes; self.additions = additions; self.notifyCustomer = notifyCustomer; self.staffNote = staffNote
    }

    enum CodingKeys: String, CodingKey {
        case changes, additions
        case notifyCustomer = "notify_customer"
        case staffNote = "staff_note"
    }

    /// The changes that change something (a quantity set to what it is is left out).
    public func effective(on order: StoreOrder) -> OrderEditRequest {
        var copy = self
        copy.changes = changes.filter { change in order.lineItems.first { $0.id == change.lineItemID }?.quantity != change.quantity }
        return copy
    }

    func validate(order: StoreOrder) throws {
        if order.isCancelled { throw CommerceError.invalid("\(order.number) is cancelled; its items cannot change.") }
        guard order.fulfillmentStatus == .unfulfilled, order.fulfillments.isEmpty else {
            throw CommerceError.invalid("\(order.number) has shipped; change it with a return or a new order instead.")
        }
        let edit = effective(on: order)
        guard !edit.changes.isEmpty || !edit.additions.isEmpty else { throw CommerceError.invalid("Nothing changes: set a quantity or add an item.") }
        for change in edit.changes {
            guard order.lineItems.contains(where: { $0.id == change.lineItemID }) else { throw CommerceError.invalid("\(order.number) has no line \(change.lineItemID).") }
            guard (0...999).contains(change.quantity) else { throw CommerceError.invalid("A quantity is 0 to 999.") }
        }
        for addition in edit.additions {
            guard !addition.variantID.isEmpty, (1...999).contains(addition.quantity) else { throw CommerceError.invalid("Add 1 to 999 of a variant found in the shop.") }
            if let price = addition.unitPrice, price.currency != order.total.currency {
                throw CommerceError.invalid("\(addition.title) is priced in \(price.currency), the order in \(order.total.currency).")
            }
        }
        let remaining = order.lineItems.reduce(0) { sum, item in sum + (edit.changes.first { $0.lineItemID == item.id }?.quantity ?? item.quantity) }
            + edit.additions.reduce(0) { $0 + $1.quantity }
        guard remaining > 0 else { throw CommerceError.invalid("An order keeps at least one item; cancel it instead.") }
    }

    /// Shopdesk's own estimate of the new total, from the unit prices it knows.
    public func estimatedTotal(for order: StoreOrder) -> Amount {
        var minor = order.total.minor
        for change in changes {
            guard let item = order.lineItems.first(where: { $0.id == change.lineItemID }) else { continue }
            minor += Int64(change.quantity - item.quantity) * item.unitPrice.minor
        }
        for addition in additions { minor += Int64(addition.quantity) * (addition.unitPrice?.minor ?? 0) }
        return Amount(minor: minor, currency: order.total.currency)
    }

    /// "Linen shirt 2 → 1, add 1 × Leather belt".
    func describe(on order: StoreOrder) -> String {
        let changed = changes.compactMap { change -> String? in
            guard let item = order.lineItems.first(where: { $0.id == change.lineItemID }), item.quantity != change.quantity else { return nil }
            return "\(item.title) \(item.quantity) → \(change.quantity)"
        }
        return (changed + additions.map { "add \($0.quantity) × \($0.title)" }).joined(separator: ", ")
    }
}

/// A variant the shop sells, found by the agent to add to an order.
public struct ShopVariant: Equatable, Sendable, Codable {
    public var id: String
    public var title: String
    public var price: Amount?
    public var sku: String?
    public var available: Int?
    public init(id: String, title: String, price: Amount?, sku: String? = nil, available: Int? = nil) {
        self.id = id; self.title = title; self.price = price; self.sku = sku; self.available = available
    }
}
