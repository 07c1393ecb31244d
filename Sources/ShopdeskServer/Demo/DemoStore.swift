import Foundation
import ShopdeskCommerce
import ShopdeskCore
import ShopdeskStore

/// The demo's shop: a sandbox connection whose orders live in Shopdesk's own tables, so the
/// order panel and every order action can be tried without a real shop. Each order number a
/// demo customer mentions exists, with items, a status and (once shipped) tracking.
enum DemoStore {
    struct Mention {
        var email: String
        var number: Int
        var at: Date
        var fate: Int
    }

    /// What the sandbox shop sells, for adding items to an order (prices in the order's currency).
    static let variants: [ShopVariant] = catalog.enumerated().map { index, item in
        ShopVariant(id: "sandbox-variant-\(index)", title: item.title + (item.variant.map { " – \($0)" } ?? ""),
                    price: Amount(minor: item.price, currency: "EUR"), available: 20)
    }

    private static let catalog: [(title: String, variant: String?, price: Int64)] = [
        ("Linen shirt", "M / Sand", 4_900), ("Linen shirt", "L / Navy", 4_900), ("Trail sneakers", "42", 8_900),
        ("Wool beanie", nil, 1_900), ("Canvas tote", nil, 2_400), ("Rain jacket", "S / Olive", 12_900),
        ("Cotton socks (3 pack)", "39–42", 1_200), ("Leather belt", "90 cm", 3_500),
    ]

    static func install(workspaceID: WorkspaceID, mentions: [Mention], database: Database, now: Date) async throws {
        var settings = CommerceSettings(approvalThresholdMinor: 15_000, attributionDays: 3, currency: "EUR")
        settings.returns = ReturnPolicy(address: "Demo Outfitters returns\nRua do Ouro 120\n1100-063 Lisboa\nPortugal")
        // The demo's chat bot may act on orders (the demo has no mail server for emailed codes).
        settings.bot = BotPolicy(actions: BotPolicy.Action.allCases, verification: .orderEmail, maxRefundMinor: 20_000, unfulfilledOnly: true)
        let chosen = settings
        let connection = try await database.write { sql in
            try await StoreConnectionRepository.create(
                workspaceID: workspaceID, platform: .sandbox, name: "Demo shop (sandbox)", shopURL: "sandbox", sealedCredentials: nil,
                sealedWebhookSecret: nil, settings: chosen, now: now, in: sql)
        }
        var random = SeededGenerator(seed: 77)
        var orders: [StoreOrder] = []
        var seen = Set<Int>()
        for mention in mentions where seen.insert(mention.number).inserted {
            let placed = mention.at.addingTimeInterval(-Double(2 + mention.fate % 9) * 86_400)
            orders.append(order(number: mention.number, email: mention.email, placed: placed, stage: mention.fate % 5, random: &random))
            // Some customers order again a day after talking to us: revenue support brought.
            if mention.fate % 7 == 0, mention.at.addingTimeInterval(86_400) < now {
                var again = mention.number + 10_000
                while !seen.insert(again).inserted { again += 1 }
                orders.append(order(number: again, email: mention.email, placed: mention.at.addingTimeInterval(86_400), stage: 0, random: &random))
            }
        }
        try await CommerceService(database: database, publisher: nil, now: { now }) { _ in nil }.importOrders(orders, connection: connection)
    }

    /// `stage`: 0 paid and waiting, 1 shipped, 2 delivered, 3 partially refunded, 4 awaiting payment.
    private static func order(number: Int, email: String, placed: Date, stage: Int, random: inout SeededGenerator) -> StoreOrder {
        var items: [OrderLineItem] = []
        for index in 0..<(1 + Int(random.next() % 3)) {
            let pick = catalog[Int(random.next() % UInt64(catalog.count))]
            items.append(OrderLineItem(id: "sandbox-line-\(number)-\(index)", title: pick.title, variant: pick.variant, sku: nil,
                                       quantity: 1 + Int(random.next() % 2), unitPrice: Amount(minor: pick.price, currency: "EUR")))
        }
        let shipping = Amount(minor: 490, currency: "EUR")
        let subtotal = items.reduce(Int64(0)) { $0 + $1.unitPrice.minor * Int64($1.quantity) }
        var order = StoreOrder(
            id: "sandbox-\(number)", number: "#\(number)", email: email, createdAt: placed,
            financialStatus: stage == 4 ? .pending : .paid, fulfillmentStatus: stage == 1 || stage == 2 || stage == 3 ? .fulfilled : .unfulfilled,
            total: Amount(minor: subtotal + shipping.minor, currency: "EUR"), subtotal: Amount(minor: subtotal, currency: "EUR"), shipping: shipping,
            lineItems: items,
            shippingAddress: PostalAddress(name: nil, address1: "Ilica \(10 + number % 90)", city: "Zagreb", zip: "10000", countryCode: "HR"))
        if order.fulfillmentStatus == .fulfilled {
            let tracking = "JJD00\(390_000 + number)"
            order.fulfillments = [OrderFulfillment(status: "success", createdAt: placed.addingTimeInterval(86_400), carrier: "DHL",
                                                   trackingNumber: tracking, trackingURL: "https://www.dhl.com/track?tracking-id=\(tracking)")]
        }
        if stage == 3, let first = items.first {
            order.lineItems[0].refundableQuantity -= 1
            let refund = Amount(minor: first.unitPrice.minor, currency: "EUR")
            order.refunds = [OrderRefund(id: "sandbox-refund-\(number)", createdAt: placed.addingTimeInterval(5 * 86_400), amount: refund, note: "Returned")]
            order.refunded = refund
            order.financialStatus = .partiallyRefunded
        }
        return order
    }
}
