import Foundation

/// An order action as JSON (the API's body, stored with the action and replayed on approval).
///
///     {"kind": "refund", "lines": [{"line_item_id": "…", "quantity": 1}], "shipping": false, "restock": true}
///     {"kind": "refund", "amount": "12.50", "note": "Goodwill"}
///     {"kind": "cancel", "reason": "customer", "restock": true, "refund": true}
///     {"kind": "update_address", "address": {"address1": "…", "city": "…", "country_code": "PT"}}
///     {"kind": "add_note", "text": "…"} · {"kind": "add_tags", "tags": ["vip"]}
///     {"kind": "create_discount", "code": "SORRY10", "percent": 10}
///     {"kind": "edit_items", "changes": [{"line_item_id": "…", "quantity": 1}], "additions": [{"variant_id": "…", "title": "…", "quantity": 1}]}
public struct OrderActionInput: Codable, Equatable, Sendable {
    public var kind: String
    public var reason: String?
    public var restock: Bool?
    public var refund: Bool?
    public var notifyCustomer: Bool?
    public var staffNote: String?
    public var lines: [RefundRequest.Line]?
    public var shipping: Bool?
    /// A decimal amount in the order's currency ("12.50").
    public var amount: String?
    public var note: String?
    public var address: PostalAddress?
    public var text: String?
    public var tags: [String]?
    public var code: String?
    public var percent: Int?
    public var endsAt: Date?
    /// A refund that closes a return: the shop's id of that return (set by Shopdesk's returns,
    /// not by hand).
    public var shopReturnID: String?
    /// `edit_items`: new quantities of lines, and variants to add.
    public var changes: [OrderEditRequest.Change]?
    public var additions: [OrderEditRequest.Addition]?

    public init(kind: String) { self.kind = kind }

    enum CodingKeys: String, CodingKey {
        case kind, reason, restock, refund, lines, shipping, amount, note, address, text, tags, code, percent, changes, additions
        case notifyCustomer = "notify_customer"
        case staffNote = "staff_note"
        case endsAt = "ends_at"
        case shopReturnID = "shop_return_id"
    }

    /// The action for `order` (whose currency amounts are read in).
    public func action(for order: StoreOrder) throws -> OrderAction {
        let currency = order.total.currency
        switch kind {
        case "cancel":
            guard let reason = OrderAction.CancelReason(rawValue: reason ?? "customer") else {
                throw CommerceError.invalid("reason is one of \(OrderAction.CancelReason.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
            return .cancel(reason: reason, restock: restock ?? true, refund: refund ?? true, notifyCustomer: notifyCustomer ?? true, staffNote: staffNote)
        case "refund":
            var amountMinor: Int64?
            if let amount {
                guard let minor = Money.minorUnits(amount, currency: currency), minor > 0 else {
                    throw CommerceError.invalid("amount must be a positive decimal in \(currency), like \"12.50\".")
                }
                amountMinor = minor
            }
            if amountMinor == nil, (lines ?? []).isEmpty, shipping != true {
                amountMinor = order.refundable.minor
            }
            return .refund(RefundRequest(lines: lines ?? [], shipping: shipping ?? false, amountMinor: amountMinor, restock: restock ?? false,
                                         notifyCustomer: notifyCustomer ?? true, note: note, shopReturnID: shopReturnID))
        case "update_address":
            guard let address else { throw CommerceError.invalid("update_address needs an address.") }
            return .updateShippingAddress(address)
        case "add_note":
            return .addNote(text ?? note ?? "")
        case "add_tags":
            return .addTags((tags ?? []).map { $0.trimmingCharacters(in: .whitespaces) })
        case "create_discount":
            var fixed: Amount?
            if let amount {
                guard let minor = Money.minorUnits(amount, currency: currency) else { throw CommerceError.invalid("amount must be a decimal in \(currency).") }
                fixed = Amount(minor: minor, currency: currency)
            }
            return .createDiscount(DiscountRequest(code: (code ?? "").uppercased(), percent: percent, fixedAmount: fixed, endsAt: endsAt))
        case "edit_items":
            return .editItems(OrderEditRequest(changes: changes ?? [], additions: additions ?? [], notifyCustomer: notifyCustomer ?? true,
                                               staffNote: staffNote).effective(on: order))
        case "resend_tracking":
            return .resendTracking
        default:
            throw CommerceError.invalid("kind is one of cancel, refund, update_address, add_note, add_tags, create_discount, edit_items, resend_tracking.")
        }
    }
}
