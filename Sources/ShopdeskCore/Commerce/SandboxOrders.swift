import Foundation

/// How a shop changes an order when an action runs, in one place: the demo shop and the test
/// suite's fake Shopify and WooCommerce servers apply actions with it, so all three agree.
/// Mirrors the platforms' documented behaviour: a refund adds a refund record and moves the
/// financial status to partially refunded or refunded; cancelling can refund the rest and
/// restock; a fulfilled order cannot be cancelled or re-addressed.
public enum SandboxOrders {
    public struct Outcome: Sendable {
        public var order: StoreOrder
        /// Ids the shop gives back (refund id, discount id).
        public var detail: [String: String]
    }

    public static func apply(_ action: OrderAction, to order: StoreOrder, at time: Date, newID: String) throws -> Outcome {
        try action.validate(order: order)
        var order = order
        var detail: [String: String] = [:]
        switch action {
        case .cancel(let reason, let restock, let refund, _, let staffNote):
            if refund, order.refundable.minor > 0 {
                record(refund: order.refundable, note: staffNote, on: &order, at: time, id: newID)
                detail["refund_id"] = newID
            }
            if restock {
                for index in order.lineItems.indices { order.lineItems[index].refundableQuantity = 0 }
                order.fulfillmentStatus = order.fulfillmentStatus == .unfulfilled ? .restocked : order.fulfillmentStatus
            }
            order.cancelledAt = time
            order.cancelReason = reason.rawValue
            if order.financialStatus == .authorized || order.financialStatus == .pending { order.financialStatus = .voided }
        case .refund(let request):
            let amount = try request.amount(for: order)
            for line in request.lines {
                if let index = order.lineItems.firstIndex(where: { $0.id == line.lineItemID }) {
                    order.lineItems[index].refundableQuantity -= line.quantity
                }
            }
            record(refund: amount, note: request.note, on: &order, at: time, id: newID)
            detail["refund_id"] = newID
        case .updateShippingAddress(let address):
            order.shippingAddress = address
        case .addNote(let text):
            order.note = [order.note, text].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: "\n")
        case .addTags(let tags):
            for tag in tags where !order.tags.contains(tag) { order.tags.append(tag) }
        case .createDiscount(let discount):
            detail["discount_id"] = newID
            detail["code"] = discount.code
        case .resendTracking:
            // The sandbox shop has no mail of its own; the outcome says where a real shop would send it.
            detail["sent_to"] = order.email ?? ""
        case .editItems(let edit):
            let total = edit.estimatedTotal(for: order)
            for change in edit.changes {
                guard let index = order.lineItems.firstIndex(where: { $0.id == change.lineItemID }) else { continue }
                let delta = change.quantity - order.lineItems[index].quantity
                order.lineItems[index].quantity = change.quantity
                order.lineItems[index].refundableQuantity = max(0, order.lineItems[index].refundableQuantity + delta)
            }
            order.lineItems.removeAll { $0.quantity == 0 }
            for (offset, addition) in edit.additions.enumerated() {
                guard let price = addition.unitPrice else { throw CommerceError.invalid("\(addition.title) has no price in this shop.") }
                order.lineItems.append(OrderLineItem(id: "\(newID)-\(offset)", title: addition.title, quantity: addition.quantity, unitPrice: price))
            }
            let difference = total.minor - order.total.minor
            order.subtotal = order.subtotal.map { Amount(minor: $0.minor + difference, currency: $0.currency) }
            order.total = total
            // More to pay waits for the customer; less is refunded with the refund action.
            if difference > 0, order.financialStatus == .paid { order.financialStatus = .partiallyPaid }
            detail["difference"] = Amount(minor: difference, currency: total.currency).decimalString
        }
        return Outcome(order: order, detail: detail)
    }

    private static func record(refund amount: Amount, note: String?, on order: inout StoreOrder, at time: Date, id: String) {
        order.refunds.append(OrderRefund(id: id, createdAt: time, amount: amount, note: note))
        order.refunded.minor += amount.minor
        order.financialStatus = order.refunded.minor >= order.total.minor ? .refunded : .partiallyRefunded
    }
}
