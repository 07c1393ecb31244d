import Foundation

/// An amount of money: integer minor units (cents) and an ISO 4217 currency. Never a float.
public struct Amount: Codable, Equatable, Hashable, Sendable {
    public var minor: Int64
    public var currency: String

    public init(minor: Int64, currency: String) {
        self.minor = minor
        self.currency = currency.uppercased()
    }

    /// Reads a decimal string as the shops send it ("12.5", "1999.00", "-3") without going
    /// through binary floating point. Nil for anything that is not a plain decimal number or
    /// that has more fraction digits than the currency allows.
    public init?(decimal text: String, currency: String) {
        guard let minor = Money.minorUnits(text, currency: currency) else { return nil }
        self.init(minor: minor, currency: currency)
    }

    /// "12.50" for 1250 USD, "1200" for 1200 JPY: what the shops' APIs take.
    public var decimalString: String { Money.decimalString(minor: minor, currency: currency) }

    public static func zero(_ currency: String) -> Amount { Amount(minor: 0, currency: currency) }
}

extension Money {
    /// Minor units of a decimal string, exactly.
    public static func minorUnits(_ text: String, currency: String) -> Int64? {
        var body = Substring(text.trimmingCharacters(in: .whitespaces))
        var negative = false
        if body.first == "-" { negative = true; body = body.dropFirst() } else if body.first == "+" { body = body.dropFirst() }
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        guard !body.isEmpty, parts.count <= 2, parts.allSatisfy({ $0.allSatisfy(\.isASCIIDigitCharacter) }) else { return nil }
        let digits = minorDigits(currency)
        var fraction = parts.count == 2 ? String(parts[1]) : ""
        // Trailing zeros beyond the currency's precision are harmless ("10.000" USD).
        while fraction.count > digits, fraction.last == "0" { fraction.removeLast() }
        guard fraction.count <= digits, !(parts[0].isEmpty && fraction.isEmpty) else { return nil }
        fraction += String(repeating: "0", count: digits - fraction.count)
        guard let whole = Int64(parts[0].isEmpty ? "0" : String(parts[0])), let cents = Int64(fraction.isEmpty ? "0" : fraction) else { return nil }
        let (scaled, overflow) = whole.multipliedReportingOverflow(by: Int64(pow(10, Double(digits))))
        guard !overflow else { return nil }
        let (sum, overflow2) = scaled.addingReportingOverflow(cents)
        guard !overflow2 else { return nil }
        return negative ? -sum : sum
    }

    public static func decimalString(minor: Int64, currency: String) -> String {
        let digits = minorDigits(currency)
        guard digits > 0 else { return String(minor) }
        let scale = Int64(pow(10, Double(digits)))
        let magnitude = minor.magnitude
        let whole = magnitude / UInt64(scale)
        let fraction = String(magnitude % UInt64(scale))
        return (minor < 0 ? "-" : "") + "\(whole)." + String(repeating: "0", count: digits - fraction.count) + fraction
    }
}

private extension Character {
    var isASCIIDigitCharacter: Bool { ("0"..."9").contains(self) }
}

/// Where money stands on an order, in the words the shops share.
public enum FinancialStatus: String, Codable, Sendable, CaseIterable {
    case pending, authorized, paid
    case partiallyPaid = "partially_paid"
    case partiallyRefunded = "partially_refunded"
    case refunded, voided, expired, unknown
}

/// How much of the order has left the warehouse.
public enum FulfillmentStatus: String, Codable, Sendable, CaseIterable {
    case unfulfilled, partial, fulfilled, restocked
    case onHold = "on_hold"
    case inProgress = "in_progress"
    case unknown
}

public struct PostalAddress: Codable, Equatable, Sendable {
    public var name: String?
    public var address1: String?
    public var address2: String?
    public var city: String?
    public var province: String?
    public var zip: String?
    /// ISO 3166-1 alpha-2.
    public var countryCode: String?
    public var phone: String?

    public init(name: String? = nil, address1: String? = nil, address2: String? = nil, city: String? = nil, province: String? = nil,
                zip: String? = nil, countryCode: String? = nil, phone: String? = nil) {
        self.name = name; self.address1 = address1; self.address2 = address2; self.city = city
        self.province = province; self.zip = zip; self.countryCode = countryCode; self.phone = phone
    }

    enum CodingKeys: String, CodingKey {
        case name, address1, address2, city, province, zip, phone
        case countryCode = "country_code"
    }

    /// One line for the panel: "Rua Augusta 10, 1100-053 Lisboa, PT".
    public var oneLine: String {
        [address1, address2, [zip, city].compactMap { $0 }.joined(separator: " "), province, countryCode]
            .compactMap { $0 }.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }.joined(separator: ", ")
    }
}

public struct OrderLineItem: Codable, Equatable, Sendable {
    /// The shop's id for the line (what a refund by line names).
    public var id: String
    public var title: String
    public var variant: String?
    public var sku: String?
    public var quantity: Int
    /// How many can still be refunded.
    public var refundableQuantity: Int
    public var unitPrice: Amount
    /// The product's tags, where the shop reports them (Shopify): a return policy's final-sale tags.
    public var productTags: [String]?

    public init(id: String, title: String, variant: String? = nil, sku: String? = nil, quantity: Int, refundableQuantity: Int? = nil, unitPrice: Amount,
                productTags: [String]? = nil) {
        self.id = id; self.title = title; self.variant = variant; self.sku = sku; self.quantity = quantity
        self.refundableQuantity = refundableQuantity ?? quantity; self.unitPrice = unitPrice; self.productTags = productTags
    }

    enum CodingKeys: String, CodingKey {
        case id, title, variant, sku, quantity
        case refundableQuantity = "refundable_quantity"
        case unitPrice = "unit_price"
        case productTags = "product_tags"
    }
}

public struct OrderFulfillment: Codable, Equatable, Sendable {
    /// The shop's id of the shipment (Shopify's `Fulfillment` id); nil in snapshots from before it was kept.
    public var id: String?
    public var status: String
    public var createdAt: Date?
    public var carrier: String?
    public var trackingNumber: String?
    public var trackingURL: String?
    /// When the carrier delivered it, where the shop knows (Shopify's `deliveredAt`).
    public var deliveredAt: Date?

    public init(status: String, createdAt: Date? = nil, carrier: String? = nil, trackingNumber: String? = nil, trackingURL: String? = nil,
                deliveredAt: Date? = nil, id: String? = nil) {
        self.id = id
        self.status = status; self.createdAt = createdAt; self.carrier = carrier; self.trackingNumber = trackingNumber; self.trackingURL = trackingURL
        self.deliveredAt = deliveredAt
    }

    enum CodingKeys: String, CodingKey {
        case id, status, carrier
        case createdAt = "created_at"
        case trackingNumber = "tracking_number"
        case trackingURL = "tracking_url"
        case deliveredAt = "delivered_at"
    }
}

public struct OrderRefund: Codable, Equatable, Sendable {
    public var id: String
    public var createdAt: Date?
    public var amount: Amount
    public var note: String?

    public init(id: String, createdAt: Date?, amount: Amount, note: String?) {
        self.id = id; self.createdAt = createdAt; self.amount = amount; self.note = note
    }

    enum CodingKeys: String, CodingKey {
        case id, amount, note
        case createdAt = "created_at"
    }
}

/// One order as the shop reports it, in one shape for every platform. Stored as a snapshot and
/// shown beside the conversation; the shop stays the source of truth.
public struct StoreOrder: Codable, Equatable, Sendable {
    /// The shop's id (a Shopify GID, a WooCommerce number).
    public var id: String
    /// What the customer sees: "#1001".
    public var number: String
    public var email: String?
    public var phone: String?
    /// The shop's id for the customer, when the order has one.
    public var customerRef: String?
    public var createdAt: Date
    public var cancelledAt: Date?
    public var cancelReason: String?
    public var financialStatus: FinancialStatus
    public var fulfillmentStatus: FulfillmentStatus
    public var total: Amount
    public var subtotal: Amount?
    public var shipping: Amount?
    public var refunded: Amount
    public var lineItems: [OrderLineItem]
    public var shippingAddress: PostalAddress?
    public var fulfillments: [OrderFulfillment]
    public var refunds: [OrderRefund]
    public var tags: [String]
    public var note: String?
    /// Where an admin opens the order in the shop.
    public var adminURL: String?
    /// When the shop last changed the order (Shopify `updatedAt`, WooCommerce `date_modified_gmt`):
    /// a snapshot older than the stored one never replaces it.
    public var updatedAt: Date?
    /// The discount codes the customer used (a campaign's code credits the order to it).
    public var discountCodes: [String]?

    public init(id: String, number: String, email: String? = nil, phone: String? = nil, customerRef: String? = nil, createdAt: Date,
                cancelledAt: Date? = nil, cancelReason: String? = nil, financialStatus: FinancialStatus, fulfillmentStatus: FulfillmentStatus,
                total: Amount, subtotal: Amount? = nil, shipping: Amount? = nil, refunded: Amount? = nil, lineItems: [OrderLineItem] = [],
                shippingAddress: PostalAddress? = nil, fulfillments: [OrderFulfillment] = [], refunds: [OrderRefund] = [],
                tags: [String] = [], note: String? = nil, adminURL: String? = nil, updatedAt: Date? = nil, discountCodes: [String]? = nil) {
        self.id = id; self.number = number; self.email = email; self.phone = phone; self.customerRef = customerRef
        self.createdAt = createdAt; self.cancelledAt = cancelledAt; self.cancelReason = cancelReason
        self.financialStatus = financialStatus; self.fulfillmentStatus = fulfillmentStatus
        self.total = total; self.subtotal = subtotal; self.shipping = shipping; self.refunded = refunded ?? .zero(total.currency)
        self.lineItems = lineItems; self.shippingAddress = shippingAddress; self.fulfillments = fulfillments; self.refunds = refunds
        self.tags = tags; self.note = note; self.adminURL = adminURL; self.updatedAt = updatedAt; self.discountCodes = discountCodes
    }

    enum CodingKeys: String, CodingKey {
        case id, number, email, phone, total, subtotal, shipping, refunded, fulfillments, refunds, tags, note
        case customerRef = "customer_ref"
        case createdAt = "created_at"
        case cancelledAt = "cancelled_at"
        case cancelReason = "cancel_reason"
        case financialStatus = "financial_status"
        case fulfillmentStatus = "fulfillment_status"
        case lineItems = "line_items"
        case shippingAddress = "shipping_address"
        case adminURL = "admin_url"
        case updatedAt = "updated_at"
        case discountCodes = "discount_codes"
    }

    public var isCancelled: Bool { cancelledAt != nil }

    /// Every shipment has arrived (and there is at least one).
    public var isDelivered: Bool { !fulfillments.isEmpty && fulfillments.allSatisfy { $0.deliveredAt != nil } }

    /// What can still be given back.
    public var refundable: Amount { Amount(minor: max(0, total.minor - refunded.minor), currency: total.currency) }

    /// The number without its decoration, for matching "#1001", "1001" and "order 1001".
    public var plainNumber: String { OrderNumber.plain(number) }
}

public enum OrderNumber {
    /// "#1001" → "1001"; "SD-1001" stays as it is apart from case.
    public static func plain(_ text: String) -> String {
        var value = text.trimmingCharacters(in: .whitespaces)
        while value.first == "#" { value.removeFirst() }
        return value.uppercased()
    }

    /// Order numbers written in a message: "#1234" (3 to 10 digits). Used to link them.
    public static func mentions(in text: String) -> [String] {
        var found: [String] = []
        var index = text.startIndex
        while let hash = text[index...].firstIndex(of: "#") {
            var end = text.index(after: hash)
            while end < text.endIndex, text[end].isASCII, text[end].isNumber { end = text.index(after: end) }
            let digits = text[text.index(after: hash)..<end]
            let boundaryBefore = hash == text.startIndex || !text[text.index(before: hash)].isLetter
            let boundaryAfter = end == text.endIndex || !(text[end].isLetter || text[end].isNumber)
            if (3...10).contains(digits.count), boundaryBefore, boundaryAfter, !found.contains(String(digits)) { found.append(String(digits)) }
            index = end > hash ? end : text.index(after: hash)
        }
        return found
    }
}
