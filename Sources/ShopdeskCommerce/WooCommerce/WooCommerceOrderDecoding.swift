import Foundation
import ShopdeskCore

extension WooCommerceConnector {
    /// A WooCommerce order (REST v3, also the body of `order.*` webhooks) as a `StoreOrder`.
    static func decodeOrder(_ json: JSONValue, siteURL: String) throws -> StoreOrder {
        guard let id = json["id"].string, let currency = json["currency"].string,
              let created = Date.fromShop(json["date_created_gmt"].string ?? json["date_created"].string),
              let total = json["total"].string.flatMap({ Amount(decimal: $0, currency: currency) }) else {
            throw CommerceError.unavailable("WooCommerce sent an order without id, currency, date or total.")
        }
        let status = json["status"].string ?? ""
        let refunded = json["refunds"].array.reduce(Int64(0)) { sum, refund in
            sum + abs(refund["total"].string.flatMap { Money.minorUnits($0, currency: currency) } ?? 0)
        }
        let shipping = json["shipping"]
        let name = [shipping["first_name"].string, shipping["last_name"].string].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
        let tracking = json["meta_data"].array.first { $0["key"].string == "_wc_shipment_tracking_items" }?["value"].array ?? []
        let financial: FinancialStatus = switch status {
        case "pending", "on-hold": .pending
        case "processing", "completed": refunded == 0 ? .paid : (refunded >= total.minor ? .refunded : .partiallyRefunded)
        case "refunded": .refunded
        case "cancelled": refunded > 0 ? .refunded : .voided
        default: .unknown
        }
        let fulfillment: FulfillmentStatus = switch status {
        case "completed": .fulfilled
        case "on-hold": .onHold
        default: .unfulfilled
        }
        return StoreOrder(
            id: id, number: "#" + (json["number"].string ?? id), email: json["billing"]["email"].string, phone: json["billing"]["phone"].string,
            customerRef: json["customer_id"].int.flatMap { $0 > 0 ? String($0) : nil }, createdAt: created,
            cancelledAt: status == "cancelled" ? Date.fromShop(json["date_modified_gmt"].string) ?? created : nil,
            cancelReason: status == "cancelled" ? "other" : nil,
            financialStatus: financial, fulfillmentStatus: fulfillment, total: total,
            shipping: json["shipping_total"].string.flatMap { Amount(decimal: $0, currency: currency) },
            refunded: Amount(minor: refunded, currency: currency),
            lineItems: json["line_items"].array.compactMap { line in
                guard let lineID = line["id"].string, let quantity = line["quantity"].int, quantity > 0,
                      let subtotal = line["subtotal"].string.flatMap({ Money.minorUnits($0, currency: currency) }) else { return nil }
                // Unit price from the line's exact subtotal; WooCommerce's `price` is a float.
                let unit = (subtotal + Int64(quantity) / 2) / Int64(quantity)
                return OrderLineItem(id: lineID, title: line["name"].string ?? "Item", sku: line["sku"].string, quantity: quantity,
                                     unitPrice: Amount(minor: unit, currency: currency))
            },
            shippingAddress: shipping["address_1"].string?.isEmpty == false ? PostalAddress(
                name: name.isEmpty ? nil : name, address1: shipping["address_1"].string, address2: shipping["address_2"].string,
                city: shipping["city"].string, province: shipping["state"].string, zip: shipping["postcode"].string,
                countryCode: shipping["country"].string, phone: shipping["phone"].string) : nil,
            fulfillments: tracking.map { item in
                OrderFulfillment(status: "success", createdAt: nil, carrier: item["tracking_provider"].string ?? item["custom_tracking_provider"].string,
                                 trackingNumber: item["tracking_number"].string, trackingURL: item["custom_tracking_link"].string)
            },
            refunds: json["refunds"].array.compactMap { refund in
                guard let refundID = refund["id"].string, let minor = refund["total"].string.flatMap({ Money.minorUnits($0, currency: currency) }) else { return nil }
                return OrderRefund(id: refundID, createdAt: nil, amount: Amount(minor: abs(minor), currency: currency), note: refund["reason"].string)
            },
            note: json["customer_note"].string, adminURL: siteURL + "/wp-admin/post.php?post=\(id)&action=edit",
            updatedAt: Date.fromShop(json["date_modified_gmt"].string),
            discountCodes: json["coupon_lines"].array.compactMap { $0["code"].string })
    }
}
