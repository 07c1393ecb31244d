import Foundation
import ShopdeskCore

/// Shopify's order editing (Admin GraphQL): `orderEditBegin` opens a calculated order, each
/// change is staged on it (`orderEditSetQuantity`, `orderEditAddVariant`), and the calculated
/// order says the new total before anything is saved; `orderEditCommit` saves it. A preview
/// stages the same changes and never commits (Shopify discards an edit that is not committed).
extension ShopifyConnector {
    struct StagedEdit { var calculatedOrderID: String; var total: Amount; var outstanding: Amount? }

    public func editPreview(_ edit: OrderEditRequest, on order: StoreOrder) async throws -> Amount {
        try await stageEdit(edit, on: order).total
    }

    /// The calculated line items of an order's existing lines share their number with the line
    /// (`gid://shopify/CalculatedLineItem/7` is `gid://shopify/LineItem/7`).
    static func number(of gid: String) -> Substring { gid.split(separator: "/").last ?? Substring(gid) }

    func stageEdit(_ edit: OrderEditRequest, on order: StoreOrder) async throws -> StagedEdit {
        let begun = try await call(ShopifyQueries.orderEditBegin, operation: "OrderEditBegin", variables: ["id": .string(order.id)],
                                   mutates: false)["orderEditBegin"]
        try Self.check(begun["userErrors"])
        guard let calculatedID = begun["calculatedOrder"]["id"].string else { throw CommerceError.unavailable("Shopify began the edit without an id.") }
        var latest = begun["calculatedOrder"]
        let lines = latest["lineItems"]["nodes"].array
        for change in edit.changes {
            guard let calculated = lines.first(where: { Self.number(of: $0["id"].string ?? "") == Self.number(of: change.lineItemID) })?["id"].string else {
                throw CommerceError.rejected("Shopify cannot edit line \(change.lineItemID) of \(order.number).")
            }
            let payload = try await call(ShopifyQueries.orderEditSetQuantity, operation: "OrderEditSetQuantity", variables: [
                "id": .string(calculatedID), "lineItemId": .string(calculated), "quantity": .number(Double(change.quantity)), "restock": .bool(true),
            ])["orderEditSetQuantity"]
            try Self.check(payload["userErrors"])
            latest = payload["calculatedOrder"]
        }
        for addition in edit.additions {
            let payload = try await call(ShopifyQueries.orderEditAddVariant, operation: "OrderEditAddVariant", variables: [
                "id": .string(calculatedID), "variantId": .string(addition.variantID), "quantity": .number(Double(addition.quantity)),
                "allowDuplicates": .bool(true),
            ])["orderEditAddVariant"]
            try Self.check(payload["userErrors"])
            latest = payload["calculatedOrder"]
        }
        guard let total = Self.money(latest["totalPriceSet"], currency: order.total.currency) else {
            throw CommerceError.unavailable("Shopify did not say the edited order's total.")
        }
        return StagedEdit(calculatedOrderID: calculatedID, total: total, outstanding: Self.money(latest["totalOutstandingSet"], currency: order.total.currency))
    }

    public func variants(matching query: String) async throws -> [ShopVariant] {
        let cleaned = String(query.filter { !"\"\\:()".contains($0) }.prefix(100)).trimmingCharacters(in: .whitespaces)
        guard !cleaned.isEmpty else { return [] }
        let nodes = try await call(ShopifyQueries.productVariants, operation: "ProductVariants",
                                   variables: ["query": .string(cleaned)])["productVariants"]["nodes"].array
        let currency = try await shopInfo().currency
        return nodes.compactMap { node in
            guard let id = node["id"].string else { return nil }
            return ShopVariant(id: id, title: node["displayName"].string ?? node["title"].string ?? id,
                               price: node["price"].string.flatMap { Amount(decimal: $0, currency: currency) }, sku: node["sku"].string,
                               available: node["inventoryQuantity"].int)
        }
    }
}

extension ShopifyQueries {
    static let calculatedOrderFields = """
    fragment CalculatedOrderFields on CalculatedOrder {
      id totalPriceSet { shopMoney { amount currencyCode } } totalOutstandingSet { shopMoney { amount currencyCode } }
      lineItems(first: 50) { nodes { id quantity } }
    }
    """

    static let orderEditBegin = """
    mutation OrderEditBegin($id: ID!) { orderEditBegin(id: $id) { calculatedOrder { ...CalculatedOrderFields } userErrors { field message } } }
    """ + "\n" + calculatedOrderFields

    static let orderEditSetQuantity = """
    mutation OrderEditSetQuantity($id: ID!, $lineItemId: ID!, $quantity: Int!, $restock: Boolean) {
      orderEditSetQuantity(id: $id, lineItemId: $lineItemId, quantity: $quantity, restock: $restock) {
        calculatedOrder { ...CalculatedOrderFields } userErrors { field message }
      }
    }
    """ + "\n" + calculatedOrderFields

    static let orderEditAddVariant = """
    mutation OrderEditAddVariant($id: ID!, $variantId: ID!, $quantity: Int!, $allowDuplicates: Boolean) {
      orderEditAddVariant(id: $id, variantId: $variantId, quantity: $quantity, allowDuplicates: $allowDuplicates) {
        calculatedOrder { ...CalculatedOrderFields } userErrors { field message }
      }
    }
    """ + "\n" + calculatedOrderFields

    static let orderEditCommit = """
    mutation OrderEditCommit($id: ID!, $notifyCustomer: Boolean, $staffNote: String) {
      orderEditCommit(id: $id, notifyCustomer: $notifyCustomer, staffNote: $staffNote) { order { id } userErrors { field message } }
    }
    """

    static let productVariants = """
    query ProductVariants($query: String!) {
      productVariants(first: 10, query: $query) { nodes { id title displayName sku price inventoryQuantity } }
    }
    """
}

extension ShopifyConnector {
    /// Shopify emails its shipping confirmation again when a shipment's tracking is updated with
    /// `notifyCustomer`: the newest shipment with a tracking number is written back as it is.
    /// The order is read first, so a snapshot stored before shipments carried their ids still works.
    func resendShippingConfirmation(of order: StoreOrder) async throws -> [String: String] {
        let current = try await self.order(id: order.id) ?? order
        guard let shipment = current.fulfillments.last(where: { $0.trackingNumber != nil && $0.id != nil }), let id = shipment.id else {
            throw CommerceError.invalid("\(order.number) has no shipment with a tracking number in Shopify.")
        }
        let tracking: [String: JSONValue] = [
            "number": shipment.trackingNumber.json, "company": shipment.carrier.json, "url": shipment.trackingURL.json,
        ]
        let payload = try await call(ShopifyQueries.trackingInfoUpdate, operation: "FulfillmentTrackingInfoUpdate", variables: [
            "fulfillmentId": .string(id), "trackingInfoInput": .object(tracking.filter { !$0.value.isNull }), "notifyCustomer": .bool(true),
        ], mutates: true)["fulfillmentTrackingInfoUpdate"]
        try Self.check(payload["userErrors"])
        return ["fulfillment_id": id, "tracking_number": shipment.trackingNumber ?? "", "sent_to": current.email ?? ""]
    }
}
