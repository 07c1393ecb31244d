import Foundation

/// Something an agent asks the shop to do with an order. Validated against the order's snapshot
/// before it is sent, so a mistake is caught here with a clear message rather than in the shop.
public enum OrderAction: Equatable, Sendable {
    case cancel(reason: CancelReason, restock: Bool, refund: Bool, notifyCustomer: Bool, staffNote: String?)
    case refund(RefundRequest)
    case updateShippingAddress(PostalAddress)
    case addNote(String)
    case addTags([String])
    case createDiscount(DiscountRequest)
    /// Change the items of an order that has not shipped (quantities, added variants).
    case editItems(OrderEditRequest)
    /// Ask the shop to email its own shipping confirmation, with the tracking, to the customer again.
    case resendTracking

    public enum CancelReason: String, Codable, Sendable, CaseIterable {
        case customer, declined, fraud, inventory, staff, other
    }

    public var kind: String {
        switch self {
        case .cancel: "cancel"
        case .refund: "refund"
        case .updateShippingAddress: "update_address"
        case .addNote: "add_note"
        case .addTags: "add_tags"
        case .createDiscount: "create_discount"
        case .editItems: "edit_items"
        case .resendTracking: "resend_tracking"
        }
    }

    /// A sentence for the timeline: what was asked, with the money.
    public func summary(order: StoreOrder) -> String {
        switch self {
        case .cancel(let reason, let restock, let refund, _, _):
            "Cancel \(order.number) (reason: \(reason.rawValue)\(restock ? ", restock" : "")\(refund ? ", refund \(order.refundable.decimalString) \(order.total.currency)" : ""))"
        case .refund(let request):
            "Refund \((try? request.amount(for: order)).map { "\($0.decimalString) \($0.currency)" } ?? "?") on \(order.number)"
        case .updateShippingAddress(let address): "Change the shipping address of \(order.number) to \(address.oneLine)"
        case .addNote: "Add a note to \(order.number)"
        case .addTags(let tags): "Tag \(order.number) with \(tags.joined(separator: ", "))"
        case .createDiscount(let discount): "Create discount code \(discount.code) (\(discount.describe))"
        case .editItems(let edit): "Change the items of \(order.number): \(edit.describe(on: order))"
        case .resendTracking: "Send the shipping confirmation of \(order.number) again\(order.email.map { " to \($0)" } ?? "")"
        }
    }

    /// Checks the action against the order as we know it.
    public func validate(order: StoreOrder) throws {
        switch self {
        case .cancel:
            if order.isCancelled { throw CommerceError.invalid("\(order.number) is already cancelled.") }
            if order.fulfillmentStatus == .fulfilled {
                throw CommerceError.invalid("\(order.number) has shipped; refund it or start a return instead of cancelling.")
            }
        case .refund(let request):
            let amount = try request.amount(for: order)
            guard amount.minor > 0 else { throw CommerceError.invalid("The refund is zero; choose items, shipping or an amount.") }
            guard amount.minor <= order.refundable.minor else {
                throw CommerceError.invalid("\(amount.decimalString) is more than the \(order.refundable.decimalString) \(order.total.currency) left to refund on \(order.number).")
            }
        case .updateShippingAddress(let address):
            guard let line = address.address1, !line.trimmingCharacters(in: .whitespaces).isEmpty,
                  let city = address.city, !city.trimmingCharacters(in: .whitespaces).isEmpty,
                  let country = address.countryCode, country.count == 2 else {
                throw CommerceError.invalid("An address needs a street line, a city and a two-letter country code.")
            }
            if order.isCancelled { throw CommerceError.invalid("\(order.number) is cancelled; its address cannot change.") }
            if order.fulfillmentStatus == .fulfilled { throw CommerceError.invalid("\(order.number) has shipped; the address can no longer change.") }
        case .addNote(let text):
            guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw CommerceError.invalid("The note is empty.") }
            guard text.count <= 5_000 else { throw CommerceError.invalid("A note has at most 5,000 characters.") }
        case .addTags(let tags):
            guard !tags.isEmpty, tags.allSatisfy({ !$0.isEmpty && $0.count <= 40 && !$0.contains(",") }) else {
                throw CommerceError.invalid("Tags are 1 to 40 characters without commas.")
            }
        case .createDiscount(let discount):
            try discount.validate()
        case .editItems(let edit):
            try edit.validate(order: order)
        case .resendTracking:
            if order.isCancelled { throw CommerceError.invalid("\(order.number) is cancelled; there is no shipment to confirm.") }
            guard order.fulfillments.contains(where: { $0.trackingNumber != nil }) else {
                throw CommerceError.invalid("\(order.number) has no shipment with a tracking number yet.")
            }
            guard order.email != nil else { throw CommerceError.invalid("\(order.number) has no email address to send the confirmation to.") }
        }
    }
}

/// What to give back: whole lines, shipping, or an amount (never more than is left).
public struct RefundRequest: Equatable, Sendable, Codable {
    public struct Line: Equatable, Sendable, Codable {
        public var lineItemID: String
        public var quantity: Int
        public init(lineItemID: String, quantity: Int) { self.lineItemID = lineItemID; self.quantity = quantity }
        enum CodingKeys: String, CodingKey { case lineItemID = "line_item_id", quantity }
    }

    public var lines: [Line]
    /// Refund the whole shipping charge.
    public var shipping: Bool
    /// An explicit amount (minor units) instead of lines and shipping, e.g. a goodwill partial refund.
    public var amountMinor: Int64?
    public var restock: Bool
    public var notifyCustomer: Bool
    public var note: String?
    /// The shop's return these lines come back on (Shopify: the refund is made by processing that
    /// return, so the shop's return closes with it).
    public var shopReturnID: String?

    public init(lines: [Line] = [], shipping: Bool = false, amountMinor: Int64? = nil, restock: Bool = false, notifyCustomer: Bool = true, note: String? = nil,
                shopReturnID: String? = nil) {
        self.lines = lines; self.shipping = shipping; self.amountMinor = amountMinor; self.restock = restock
        self.notifyCustomer = notifyCustomer; self.note = note; self.shopReturnID = shopReturnID
    }

    enum CodingKeys: String, CodingKey {
        case lines, shipping, restock, note
        case amountMinor = "amount_minor"
        case notifyCustomer = "notify_customer"
        case shopReturnID = "shop_return_id"
    }

    /// The whole remaining amount.
    public static func full(of order: StoreOrder, notifyCustomer: Bool = true) -> RefundRequest {
        RefundRequest(amountMinor: order.refundable.minor, notifyCustomer: notifyCustomer)
    }

    public func amount(for order: StoreOrder) throws -> Amount {
        let currency = order.total.currency
        if let amountMinor {
            guard lines.isEmpty, !shipping else { throw CommerceError.invalid("Give either an amount or items and shipping, not both.") }
            return Amount(minor: amountMinor, currency: currency)
        }
        var total: Int64 = 0
        for line in lines {
            guard let item = order.lineItems.first(where: { $0.id == line.lineItemID }) else {
                throw CommerceError.invalid("\(order.number) has no line \(line.lineItemID).")
            }
            guard line.quantity > 0, line.quantity <= item.refundableQuantity else {
                throw CommerceError.invalid("\(item.title): \(item.refundableQuantity) can still be refunded, not \(line.quantity).")
            }
            total += item.unitPrice.minor * Int64(line.quantity)
        }
        if shipping { total += order.shipping?.minor ?? 0 }
        return Amount(minor: total, currency: currency)
    }
}

/// A single-use discount code for the customer.
public struct DiscountRequest: Equatable, Sendable, Codable {
    public var code: String
    /// Percent off (1–100) or a fixed amount; exactly one.
    public var percent: Int?
    public var fixedAmount: Amount?
    public var endsAt: Date?

    public init(code: String, percent: Int? = nil, fixedAmount: Amount? = nil, endsAt: Date? = nil) {
        self.code = code; self.percent = percent; self.fixedAmount = fixedAmount; self.endsAt = endsAt
    }

    enum CodingKeys: String, CodingKey {
        case code, percent
        case fixedAmount = "fixed_amount"
        case endsAt = "ends_at"
    }

    var describe: String {
        if let percent { return "\(percent) % off" }
        if let fixedAmount { return "\(fixedAmount.decimalString) \(fixedAmount.currency) off" }
        return "?"
    }

    func validate() throws {
        guard (4...32).contains(code.count), code.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
            throw CommerceError.invalid("A discount code is 4 to 32 letters, digits, - or _.")
        }
        switch (percent, fixedAmount) {
        case (let percent?, nil): guard (1...100).contains(percent) else { throw CommerceError.invalid("A percentage is between 1 and 100.") }
        case (nil, let amount?): guard amount.minor > 0 else { throw CommerceError.invalid("A fixed discount must be more than zero.") }
        default: throw CommerceError.invalid("Give a percentage or a fixed amount for the discount, not both.")
        }
    }
}

public enum CommerceError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The request does not make sense for this order; nothing was sent to the shop.
    case invalid(String)
    /// The shop refused (its message, for the agent).
    case rejected(String)
    /// The shop could not be reached or answered with an error; it may be worth retrying.
    case unavailable(String)
    /// The platform cannot do this at all.
    case unsupported(String)
    /// A change was sent but its answer was lost (connection dropped, timeout, a 5xx): the shop
    /// may have acted. Never treated as a failure that a retry can simply repeat.
    case outcomeUnknown(String)

    public var description: String {
        switch self {
        case .invalid(let text), .rejected(let text), .unavailable(let text), .unsupported(let text), .outcomeUnknown(let text): text
        }
    }
}
