import Foundation
import ShopdeskCore

/// Returns through Shopify's returns API (Admin GraphQL): the items of a return are fulfillment
/// line items, so the order's lines are first matched to what `returnableFulfillments` says can
/// still come back; the customer's request is a `returnRequest`, which the merchant approves
/// (`returnApproveRequest`) or declines (`returnDeclineRequest`); the refund on arrival is
/// `returnProcess` with a financial transfer, which confirms the items and moves the money at once.
/// An agent's exchange is a `returnCreate` with exchange line items, open at once; on arrival
/// `returnProcess` confirms the returned items and releases the exchanged ones to be shipped.
extension ShopifyConnector: StoreReturning {
    /// The order's lines as Shopify's fulfillment line items that can still come back.
    private func returnableItems(_ lines: [ReturnLine], on order: StoreOrder) async throws -> [JSONValue] {
        let returnable = try await call(ShopifyQueries.returnableFulfillments, operation: "ReturnableFulfillments",
                                        variables: ["orderId": .string(order.id)])["returnableFulfillments"]["nodes"].array
        // What can come back, per order line: (fulfillment line item, quantity), in Shopify's order.
        var available: [String: [(id: String, quantity: Int)]] = [:]
        for fulfillment in returnable {
            for item in fulfillment["returnableFulfillmentLineItems"]["nodes"].array {
                guard let lineID = item["fulfillmentLineItem"]["lineItem"]["id"].string, let id = item["fulfillmentLineItem"]["id"].string else { continue }
                available[lineID, default: []].append((id, item["quantity"].int ?? 0))
            }
        }
        var items: [JSONValue] = []
        for line in lines {
            var wanted = line.quantity
            for (index, slot) in (available[line.lineItemID] ?? []).enumerated() where wanted > 0 && slot.quantity > 0 {
                let take = min(wanted, slot.quantity)
                available[line.lineItemID]?[index].quantity -= take
                wanted -= take
                items.append(.object([
                    "fulfillmentLineItemId": .string(slot.id), "quantity": .number(Double(take)),
                    "returnReason": .string(line.reason.shopifyValue),
                    "customerNote": line.note.map { .string(String($0.prefix(300))) } ?? .null,
                ]))
            }
            if wanted > 0 {
                throw CommerceError.rejected("Shopify says \(line.quantity - wanted) of \(line.title.isEmpty ? line.lineItemID : line.title) can be returned, not \(line.quantity).")
            }
        }
        return items
    }

    public func requestReturn(_ lines: [ReturnLine], on order: StoreOrder) async throws -> String {
        let items = try await returnableItems(lines, on: order)
        let payload = try await call(ShopifyQueries.returnRequest, operation: "ReturnRequest", variables: ["input": .object([
            "orderId": .string(order.id), "returnLineItems": .array(items),
        ])], mutates: true)["returnRequest"]
        try Self.check(payload["userErrors"])
        guard let id = payload["return"]["id"].string else { throw CommerceError.unavailable("Shopify opened the return without an id.") }
        return id
    }

    public func createExchange(_ lines: [ReturnLine], on order: StoreOrder) async throws -> String {
        let items = try await returnableItems(lines, on: order).map { item -> JSONValue in
            guard case .object(var fields) = item else { return item }
            fields["customerNote"] = nil
            return .object(fields)
        }
        let exchanges: [JSONValue] = lines.compactMap { line in
            line.exchange.map { .object(["variantId": .string($0.variantID), "quantity": .number(Double(line.quantity))]) }
        }
        let payload = try await call(ShopifyQueries.returnCreate, operation: "ReturnCreate", variables: ["returnInput": .object([
            "orderId": .string(order.id), "returnLineItems": .array(items), "exchangeLineItems": .array(exchanges),
        ])], mutates: true)["returnCreate"]
        try Self.check(payload["userErrors"])
        guard let id = payload["return"]["id"].string else { throw CommerceError.unavailable("Shopify opened the exchange without an id.") }
        return id
    }

    public func processExchange(_ id: String) async throws -> [String: String] {
        let found = try await call(ShopifyQueries.returnLines, operation: "ReturnLines", variables: ["id": .string(id)])["return"]
        guard !found.isNull else { throw CommerceError.rejected("Shopify has no return \(id).") }
        let take = { (key: String) -> JSONValue in
            .array(found[key]["nodes"].array.compactMap { node in
                node["id"].string.map { .object(["id": .string($0), "quantity": .number(Double(node["quantity"].int ?? 1))]) }
            })
        }
        let payload = try await call(ShopifyQueries.returnProcess, operation: "ReturnProcess", variables: ["input": .object([
            "returnId": .string(id), "returnLineItems": take("returnLineItems"), "exchangeLineItems": take("exchangeLineItems"),
            "notifyCustomer": .bool(true),
        ])], mutates: true)["returnProcess"]
        try Self.check(payload["userErrors"])
        return ["return_id": id, "return_status": payload["return"]["status"].string ?? ""]
    }

    public func approveReturn(_ id: String) async throws {
        try Self.check(try await call(ShopifyQueries.returnApprove, operation: "ReturnApproveRequest",
                                      variables: ["input": .object(["id": .string(id)])], mutates: true)["returnApproveRequest"]["userErrors"])
    }

    public func declineReturn(_ id: String, note: String?) async throws {
        try Self.check(try await call(ShopifyQueries.returnDecline, operation: "ReturnDeclineRequest", variables: ["input": .object([
            "id": .string(id), "declineReason": .string("OTHER"), "declineNote": note.map { .string(String($0.prefix(500))) } ?? .null,
        ])], mutates: true)["returnDeclineRequest"]["userErrors"])
    }

    public func cancelReturn(_ id: String) async throws {
        try Self.check(try await call(ShopifyQueries.returnCancel, operation: "ReturnCancel", variables: ["id": .string(id)],
                                      mutates: true)["returnCancel"]["userErrors"])
    }

    /// Refunds the lines of a return by processing it: its return line items confirmed as
    /// received, and the money Shopify suggests for those lines sent back through the payments
    /// they came from.
    func processReturn(_ returnID: String, request: RefundRequest, on order: StoreOrder) async throws -> [String: String] {
        let returned = try await call(ShopifyQueries.returnLines, operation: "ReturnLines", variables: ["id": .string(returnID)])["return"]
        guard !returned.isNull else { throw CommerceError.rejected("Shopify has no return \(returnID) on \(order.number).") }
        var slots = returned["returnLineItems"]["nodes"].array.compactMap { node -> (id: String, lineID: String, quantity: Int)? in
            guard let id = node["id"].string, let lineID = node["fulfillmentLineItem"]["lineItem"]["id"].string else { return nil }
            return (id, lineID, node["quantity"].int ?? 0)
        }
        var items: [JSONValue] = []
        for line in request.lines {
            var wanted = line.quantity
            for index in slots.indices where wanted > 0 && slots[index].lineID == line.lineItemID && slots[index].quantity > 0 {
                let take = min(wanted, slots[index].quantity)
                slots[index].quantity -= take
                wanted -= take
                items.append(.object(["id": .string(slots[index].id), "quantity": .number(Double(take))]))
            }
            if wanted > 0 { throw CommerceError.invalid("The return on \(order.number) does not hold \(line.quantity) of line \(line.lineItemID).") }
        }
        let suggestion = try await suggestedRefund(request, on: order)
        var input: [String: JSONValue] = [
            "returnId": .string(returnID), "returnLineItems": .array(items), "notifyCustomer": .bool(request.notifyCustomer),
            "financialTransfer": .object(["issueRefund": .object(["orderTransactions": .array(suggestion.transactions.map { transaction in
                .object(["parentId": transaction.parentID.json, "transactionAmount": .object([
                    "amount": .string(transaction.amount.decimalString), "currencyCode": .string(transaction.amount.currency),
                ])])
            })])]),
        ]
        if request.shipping { input["refundShipping"] = .object(["fullRefund": .bool(true)]) }
        if let note = request.note { input["note"] = .string(note) }
        let payload = try await call(ShopifyQueries.returnProcess, operation: "ReturnProcess", variables: ["input": .object(input)],
                                     mutates: true)["returnProcess"]
        try Self.check(payload["userErrors"])
        return ["return_id": returnID, "return_status": payload["return"]["status"].string ?? "", "amount": suggestion.amount.decimalString]
    }
}

extension ShopifyQueries {
    static let returnableFulfillments = """
    query ReturnableFulfillments($orderId: ID!) {
      returnableFulfillments(orderId: $orderId, first: 10) {
        nodes { id returnableFulfillmentLineItems(first: 50) { nodes { quantity fulfillmentLineItem { id lineItem { id } } } } }
      }
    }
    """

    static let returnRequest = """
    mutation ReturnRequest($input: ReturnRequestInput!) {
      returnRequest(input: $input) { return { id status } userErrors { field message } }
    }
    """

    static let returnCreate = """
    mutation ReturnCreate($returnInput: ReturnInput!) {
      returnCreate(returnInput: $returnInput) { return { id status } userErrors { field message } }
    }
    """

    static let returnApprove = """
    mutation ReturnApproveRequest($input: ReturnApproveRequestInput!) {
      returnApproveRequest(input: $input) { return { id status } userErrors { field message } }
    }
    """

    static let returnDecline = """
    mutation ReturnDeclineRequest($input: ReturnDeclineRequestInput!) {
      returnDeclineRequest(input: $input) { return { id status } userErrors { field message } }
    }
    """

    static let returnCancel = """
    mutation ReturnCancel($id: ID!) { returnCancel(id: $id) { return { id status } userErrors { field message } } }
    """

    static let returnLines = """
    query ReturnLines($id: ID!) {
      return(id: $id) {
        id status
        returnLineItems(first: 50) { nodes { id quantity ... on ReturnLineItem { fulfillmentLineItem { lineItem { id } } } } }
        exchangeLineItems(first: 50) { nodes { id quantity } }
      }
    }
    """

    static let returnProcess = """
    mutation ReturnProcess($input: ReturnProcessInput!) {
      returnProcess(input: $input) { return { id status } userErrors { field message } }
    }
    """
}
