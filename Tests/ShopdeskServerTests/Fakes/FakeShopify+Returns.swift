import Foundation
import ShopdeskCore

/// Shopify's returns API as documented: `returnableFulfillments` lists what each fulfillment can
/// still send back (fulfillment line items, less what open returns hold); `returnRequest` opens a
/// REQUESTED return, `returnApproveRequest` makes it OPEN, `returnDeclineRequest` DECLINED and
/// `returnCancel` CANCELED; `returnProcess` confirms return line items and refunds the order
/// transactions it names, closing the return when every item is processed.
extension FakeShopify {
    struct FakeReturn {
        var id: String
        var orderID: String
        var status: String
        var lines: [(id: String, lineItemID: String, quantity: Int, reason: String, processed: Int)]
        var declineNote: String?
        /// Variants sent instead (`returnCreate`'s exchange line items), and how many were released.
        var exchanges: [(id: String, variantID: String, quantity: Int, processed: Int)] = []
    }

    static func fulfillmentLineItemID(_ lineItemID: String) -> String {
        "gid://shopify/FulfillmentLineItem/" + (lineItemID.split(separator: "/").last.map(String.init) ?? lineItemID)
    }

    func shopReturn(_ id: String) -> FakeReturn? { returns.first { $0.id == id } }

    func returnOperation(_ operation: String, variables: [String: Any]) throws -> [String: Any]? {
        switch operation {
        case "ReturnableFulfillments":
            guard let order = order(variables["orderId"] as? String ?? ""), order.fulfillmentStatus == .fulfilled || order.fulfillmentStatus == .partial else {
                return ["returnableFulfillments": ["nodes": [] as [Any]]]
            }
            let items = order.lineItems.compactMap { item -> [String: Any]? in
                let held = returns.filter { $0.orderID == order.id && ["REQUESTED", "OPEN"].contains($0.status) }
                    .flatMap(\.lines).filter { $0.lineItemID == item.id }.reduce(0) { $0 + $1.quantity - $1.processed }
                let left = item.refundableQuantity - held
                guard left > 0 else { return nil }
                return ["quantity": left, "fulfillmentLineItem": ["id": Self.fulfillmentLineItemID(item.id), "lineItem": ["id": item.id]]]
            }
            return ["returnableFulfillments": ["nodes": [["id": "gid://shopify/ReturnableFulfillment/1", "returnableFulfillmentLineItems": ["nodes": items]]]]]
        case "ReturnLines":
            guard let found = shopReturn(variables["id"] as? String ?? "") else { return ["return": NSNull()] }
            return ["return": ["id": found.id, "status": found.status, "returnLineItems": ["nodes": found.lines.map {
                ["id": $0.id, "quantity": $0.quantity, "fulfillmentLineItem": ["lineItem": ["id": $0.lineItemID]]] as [String: Any]
            }], "exchangeLineItems": ["nodes": found.exchanges.map { ["id": $0.id, "quantity": $0.quantity] as [String: Any] }]]]
        case "ReturnRequest", "ReturnCreate", "ReturnApproveRequest", "ReturnDeclineRequest", "ReturnCancel", "ReturnProcess":
            mutations.append(operation)
            counter += 1
            return try returnMutation(operation, variables: variables)
        default:
            return nil
        }
    }

    private func returnMutation(_ operation: String, variables: [String: Any]) throws -> [String: Any] {
        let input = variables["input"] as? [String: Any] ?? [:]
        func refused(_ key: String, _ message: String) -> [String: Any] { [key: ["return": NSNull(), "userErrors": [["field": ["id"], "message": message]]]] }
        func answer(_ key: String, _ found: FakeReturn) -> [String: Any] { [key: ["return": ["id": found.id, "status": found.status], "userErrors": [] as [Any]]] }
        switch operation {
        case "ReturnRequest", "ReturnCreate":
            let key = operation == "ReturnRequest" ? "returnRequest" : "returnCreate"
            let input = operation == "ReturnRequest" ? input : variables["returnInput"] as? [String: Any] ?? [:]
            guard let order = order(input["orderId"] as? String ?? "") else { return refused(key, "Order does not exist") }
            var lines: [(id: String, lineItemID: String, quantity: Int, reason: String, processed: Int)] = []
            for item in input["returnLineItems"] as? [[String: Any]] ?? [] {
                let fulfillmentLineItem = item["fulfillmentLineItemId"] as? String ?? ""
                guard let line = order.lineItems.first(where: { Self.fulfillmentLineItemID($0.id) == fulfillmentLineItem }),
                      let reason = item["returnReason"] as? String,
                      ["COLOR", "DEFECTIVE", "NOT_AS_DESCRIBED", "OTHER", "SIZE_TOO_LARGE", "SIZE_TOO_SMALL", "STYLE", "UNKNOWN", "UNWANTED", "WRONG_ITEM"].contains(reason) else {
                    return refused(key, "Fulfillment line item is not returnable")
                }
                counter += 1
                lines.append(("gid://shopify/ReturnLineItem/\(counter)", line.id, item["quantity"] as? Int ?? 0, reason, 0))
            }
            var created = FakeReturn(id: "gid://shopify/Return/\(counter)", orderID: order.id, status: operation == "ReturnRequest" ? "REQUESTED" : "OPEN", lines: lines)
            for item in input["exchangeLineItems"] as? [[String: Any]] ?? [] {
                guard let variant = item["variantId"] as? String, Self.catalogue.contains(where: { $0.id == variant }) else {
                    return refused(key, "Variant does not exist")
                }
                counter += 1
                created.exchanges.append(("gid://shopify/ExchangeLineItem/\(counter)", variant, item["quantity"] as? Int ?? 1, 0))
            }
            returns.append(created)
            return answer(key, created)
        case "ReturnApproveRequest", "ReturnDeclineRequest":
            let key = operation == "ReturnApproveRequest" ? "returnApproveRequest" : "returnDeclineRequest"
            guard let index = returns.firstIndex(where: { $0.id == input["id"] as? String }) else { return refused(key, "Return does not exist") }
            guard returns[index].status == "REQUESTED" else { return refused(key, "Return is not in the requested state") }
            returns[index].status = operation == "ReturnApproveRequest" ? "OPEN" : "DECLINED"
            returns[index].declineNote = input["declineNote"] as? String
            return answer(key, returns[index])
        case "ReturnCancel":
            guard let index = returns.firstIndex(where: { $0.id == variables["id"] as? String }) else { return refused("returnCancel", "Return does not exist") }
            returns[index].status = "CANCELED"
            return answer("returnCancel", returns[index])
        default:
            guard let index = returns.firstIndex(where: { $0.id == input["returnId"] as? String }) else { return refused("returnProcess", "Return does not exist") }
            guard returns[index].status == "OPEN" else { return refused("returnProcess", "Return must be open to be processed") }
            guard let orderIndex = orders.firstIndex(where: { $0.id == returns[index].orderID }) else { throw FakeError(message: "Invalid id") }
            var order = orders[orderIndex]
            for item in input["returnLineItems"] as? [[String: Any]] ?? [] {
                guard let line = returns[index].lines.firstIndex(where: { $0.id == item["id"] as? String }),
                      let quantity = item["quantity"] as? Int, quantity > 0,
                      quantity <= returns[index].lines[line].quantity - returns[index].lines[line].processed else {
                    return refused("returnProcess", "Quantity is more than the unprocessed quantity of the return line item")
                }
                returns[index].lines[line].processed += quantity
                if let orderLine = order.lineItems.firstIndex(where: { $0.id == returns[index].lines[line].lineItemID }) {
                    order.lineItems[orderLine].refundableQuantity -= quantity
                }
            }
            for item in input["exchangeLineItems"] as? [[String: Any]] ?? [] {
                guard let exchange = returns[index].exchanges.firstIndex(where: { $0.id == item["id"] as? String }) else {
                    return refused("returnProcess", "Exchange line item does not exist")
                }
                returns[index].exchanges[exchange].processed += item["quantity"] as? Int ?? 0
            }
            let issue = ((input["financialTransfer"] as? [String: Any])?["issueRefund"] as? [String: Any])?["orderTransactions"] as? [[String: Any]] ?? []
            let moved = issue.compactMap { ($0["transactionAmount"] as? [String: Any])?["amount"] as? String }
                .compactMap { Money.minorUnits($0, currency: order.total.currency) }.reduce(0, +)
            guard moved <= order.refundable.minor else { return refused("returnProcess", "Refund amount exceeds the amount left to refund") }
            if moved > 0 {
                order.refunds.append(OrderRefund(id: "gid://shopify/Refund/\(counter)", createdAt: Date(), amount: Amount(minor: moved, currency: order.total.currency),
                                                 note: input["note"] as? String))
                order.refunded.minor += moved
                order.financialStatus = order.refunded.minor >= order.total.minor ? .refunded : .partiallyRefunded
            }
            orders[orderIndex] = order
            if returns[index].lines.allSatisfy({ $0.processed == $0.quantity }), returns[index].exchanges.allSatisfy({ $0.processed == $0.quantity }) {
                returns[index].status = "CLOSED"
            }
            return answer("returnProcess", returns[index])
        }
    }
}
