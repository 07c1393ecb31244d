import Foundation
import ShopdeskCore

/// Shopify's order editing as documented: `orderEditBegin` returns a calculated order whose line
/// items are `CalculatedLineItem`s numbered like the order's lines; `orderEditSetQuantity` and
/// `orderEditAddVariant` stage changes and answer with the calculated order's new totals
/// (`totalPriceSet`, `totalOutstandingSet`); nothing changes until `orderEditCommit`. Plus
/// `productVariants` over a small catalogue.
extension FakeShopify {
    struct FakeEdit {
        var orderID: String
        var quantities: [String: Int]
        var added: [(variant: String, quantity: Int)]
    }

    static let catalogue: [(id: String, title: String, price: Int64, sku: String)] = [
        ("gid://shopify/ProductVariant/71", "Linen shirt - L", 4_900, "LS-L"), ("gid://shopify/ProductVariant/72", "Linen shirt - S", 4_900, "LS-S"),
        ("gid://shopify/ProductVariant/80", "Leather belt - 90 cm", 3_500, "BELT-90"),
    ]

    func editOperation(_ operation: String, variables: [String: Any]) throws -> [String: Any]? {
        switch operation {
        case "ProductVariants":
            let query = (variables["query"] as? String ?? "").lowercased()
            return ["productVariants": ["nodes": Self.catalogue.filter { $0.title.lowercased().contains(query) || $0.sku.lowercased() == query }.map {
                ["id": $0.id, "title": $0.title, "displayName": $0.title, "sku": $0.sku, "price": Amount(minor: $0.price, currency: "EUR").decimalString,
                 "inventoryQuantity": 12] as [String: Any]
            }]]
        case "OrderEditBegin":
            guard let order = order(variables["id"] as? String ?? "") else { return ["orderEditBegin": ["calculatedOrder": NSNull(), "userErrors": [["message": "Order does not exist"]]]] }
            guard order.fulfillmentStatus == .unfulfilled, !order.isCancelled else {
                return ["orderEditBegin": ["calculatedOrder": NSNull(), "userErrors": [["field": ["id"], "message": "The order cannot be edited."]]]]
            }
            counter += 1
            let id = "gid://shopify/CalculatedOrder/\(counter)"
            edits[id] = FakeEdit(orderID: order.id, quantities: Dictionary(uniqueKeysWithValues: order.lineItems.map { ($0.id, $0.quantity) }), added: [])
            return ["orderEditBegin": ["calculatedOrder": calculated(id), "userErrors": [] as [Any]]]
        case "OrderEditSetQuantity", "OrderEditAddVariant":
            let key = operation == "OrderEditSetQuantity" ? "orderEditSetQuantity" : "orderEditAddVariant"
            guard let id = variables["id"] as? String, var edit = edits[id] else { return [key: ["calculatedOrder": NSNull(), "userErrors": [["message": "Edit does not exist"]]]] }
            if operation == "OrderEditSetQuantity" {
                let number = (variables["lineItemId"] as? String ?? "").split(separator: "/").last.map(String.init) ?? ""
                guard let line = edit.quantities.keys.first(where: { $0.hasSuffix("/\(number)") }), let quantity = variables["quantity"] as? Int, quantity >= 0 else {
                    return [key: ["calculatedOrder": NSNull(), "userErrors": [["field": ["lineItemId"], "message": "Line item does not exist"]]]]
                }
                edit.quantities[line] = quantity
            } else {
                guard let variant = variables["variantId"] as? String, Self.catalogue.contains(where: { $0.id == variant }) else {
                    return [key: ["calculatedOrder": NSNull(), "userErrors": [["field": ["variantId"], "message": "Variant does not exist"]]]]
                }
                edit.added.append((variant, variables["quantity"] as? Int ?? 1))
            }
            edits[id] = edit
            return [key: ["calculatedOrder": calculated(id), "userErrors": [] as [Any]]]
        case "OrderEditCommit":
            mutations.append(operation)
            guard let id = variables["id"] as? String, let edit = edits.removeValue(forKey: id),
                  let index = orders.firstIndex(where: { $0.id == edit.orderID }) else {
                return ["orderEditCommit": ["order": NSNull(), "userErrors": [["message": "Edit does not exist"]]]]
            }
            var order = orders[index]
            let total = total(of: edit, order: order)
            for (line, quantity) in edit.quantities {
                guard let item = order.lineItems.firstIndex(where: { $0.id == line }) else { continue }
                order.lineItems[item].refundableQuantity += quantity - order.lineItems[item].quantity
                order.lineItems[item].quantity = quantity
            }
            order.lineItems.removeAll { $0.quantity == 0 }
            for (offset, added) in edit.added.enumerated() {
                guard let variant = Self.catalogue.first(where: { $0.id == added.variant }) else { continue }
                order.lineItems.append(OrderLineItem(id: "gid://shopify/LineItem/\(counter)\(offset)", title: variant.title, quantity: added.quantity,
                                                     unitPrice: Amount(minor: variant.price, currency: order.total.currency)))
            }
            if total.minor > order.total.minor { order.financialStatus = .partiallyPaid }
            order.total = total
            orders[index] = order
            return ["orderEditCommit": ["order": ["id": order.id], "userErrors": [] as [Any]]]
        default:
            return nil
        }
    }

    private func total(of edit: FakeEdit, order: StoreOrder) -> Amount {
        var minor = order.total.minor
        for item in order.lineItems { minor += Int64((edit.quantities[item.id] ?? item.quantity) - item.quantity) * item.unitPrice.minor }
        for added in edit.added { minor += Int64(added.quantity) * (Self.catalogue.first { $0.id == added.variant }?.price ?? 0) }
        return Amount(minor: minor, currency: order.total.currency)
    }

    private func calculated(_ id: String) -> [String: Any] {
        guard let edit = edits[id], let order = order(edit.orderID) else { return [:] }
        let total = total(of: edit, order: order)
        let paid = order.total.minor - order.refunded.minor
        return ["id": id, "totalPriceSet": Self.money(total), "totalOutstandingSet": Self.money(Amount(minor: total.minor - paid, currency: total.currency)),
                "lineItems": ["nodes": order.lineItems.map { item in
                    ["id": "gid://shopify/CalculatedLineItem/" + (item.id.split(separator: "/").last.map(String.init) ?? ""), "quantity": edit.quantities[item.id] ?? item.quantity] as [String: Any]
                }]]
    }
}
