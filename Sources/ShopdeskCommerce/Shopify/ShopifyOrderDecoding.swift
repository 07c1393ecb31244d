import Foundation
import ShopdeskCore

extension ShopifyConnector {
    /// One `OrderFields` node as a `StoreOrder`.
    func decodeOrder(_ node: JSONValue) throws -> StoreOrder {
        try Self.decodeOrder(node, adminBase: adminBase)
    }

    static func decodeOrder(_ node: JSONValue, adminBase: String) throws -> StoreOrder {
        guard let id = node["id"].string, let name = node["name"].string,
              let created = Date.fromShop(node["createdAt"].string), let total = money(node["totalPriceSet"]) else {
            throw CommerceError.unavailable("Shopify sent an order without id, name, date or total.")
        }
        let currency = total.currency
        let address = node["shippingAddress"]
        let legacyID = id.split(separator: "/").last.map(String.init) ?? id
        return StoreOrder(
            id: id, number: name, email: node["email"].string, phone: node["phone"].string, customerRef: node["customer"]["id"].string,
            createdAt: created, cancelledAt: Date.fromShop(node["cancelledAt"].string), cancelReason: node["cancelReason"].string?.lowercased(),
            financialStatus: financial(node["displayFinancialStatus"].string), fulfillmentStatus: fulfillment(node["displayFulfillmentStatus"].string),
            total: total, subtotal: money(node["subtotalPriceSet"]), shipping: money(node["totalShippingPriceSet"]),
            refunded: money(node["totalRefundedSet"]) ?? .zero(currency),
            lineItems: node["lineItems"]["nodes"].array.compactMap { line in
                guard let lineID = line["id"].string, let price = money(line["originalUnitPriceSet"]) else { return nil }
                return OrderLineItem(id: lineID, title: line["title"].string ?? "Item", variant: line["variantTitle"].string, sku: line["sku"].string,
                                     quantity: line["quantity"].int ?? 0, refundableQuantity: line["refundableQuantity"].int, unitPrice: price,
                                     productTags: line["product"].isNull ? nil : line["product"]["tags"].array.compactMap(\.string))
            },
            shippingAddress: address.isNull ? nil : PostalAddress(
                name: address["name"].string, address1: address["address1"].string, address2: address["address2"].string,
                city: address["city"].string, province: address["provinceCode"].string, zip: address["zip"].string,
                countryCode: address["countryCodeV2"].string, phone: address["phone"].string),
            fulfillments: node["fulfillments"].array.map { fulfillment in
                let tracking = fulfillment["trackingInfo"].array.first ?? .null
                return OrderFulfillment(status: (fulfillment["status"].string ?? "success").lowercased(), createdAt: Date.fromShop(fulfillment["createdAt"].string),
                                        carrier: tracking["company"].string, trackingNumber: tracking["number"].string, trackingURL: tracking["url"].string,
                                        deliveredAt: Date.fromShop(fulfillment["deliveredAt"].string), id: fulfillment["id"].string)
            },
            refunds: node["refunds"].array.compactMap { refund in
                guard let refundID = refund["id"].string, let amount = money(refund["totalRefundedSet"]) else { return nil }
                return OrderRefund(id: refundID, createdAt: Date.fromShop(refund["createdAt"].string), amount: amount, note: refund["note"].string)
            },
            tags: node["tags"].array.compactMap(\.string), note: node["note"].string,
            adminURL: adminBase + "/orders/" + legacyID, updatedAt: Date.fromShop(node["updatedAt"].string),
            discountCodes: node["discountCodes"].isNull ? nil : node["discountCodes"].array.compactMap(\.string))
    }

    /// A `MoneyBag`'s shop money, exactly.
    static func money(_ bag: JSONValue) -> Amount? {
        let money = bag["shopMoney"]
        guard let amount = money["amount"].string, let currency = money["currencyCode"].string else { return nil }
        return Amount(decimal: amount, currency: currency)
    }

    static func financial(_ value: String?) -> FinancialStatus {
        switch value {
        case "PENDING": .pending
        case "AUTHORIZED": .authorized
        case "PAID": .paid
        case "PARTIALLY_PAID": .partiallyPaid
        case "PARTIALLY_REFUNDED": .partiallyRefunded
        case "REFUNDED": .refunded
        case "VOIDED": .voided
        case "EXPIRED": .expired
        default: .unknown
        }
    }

    static func fulfillment(_ value: String?) -> FulfillmentStatus {
        switch value {
        case "UNFULFILLED", "OPEN", "PENDING_FULFILLMENT", "SCHEDULED", "REQUEST_DECLINED": .unfulfilled
        case "PARTIALLY_FULFILLED": .partial
        case "FULFILLED": .fulfilled
        case "RESTOCKED": .restocked
        case "ON_HOLD": .onHold
        case "IN_PROGRESS": .inProgress
        default: .unknown
        }
    }
}
