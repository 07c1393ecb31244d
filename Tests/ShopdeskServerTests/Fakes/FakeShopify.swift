import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import ShopdeskCore

/// A local Shopify Admin GraphQL endpoint for the operations Shopdesk sends, answering in the
/// documented shapes: `data` with the fields asked for, `userErrors` / `orderCancelUserErrors` on
/// refused mutations, `THROTTLED` errors with `extensions.cost.throttleStatus` when the cost bucket
/// is empty, 401 for a wrong token, and `@idempotent(key:)` honoured on refundCreate.
actor FakeShopify {
    static let token = "shpat_test_0123456789"
    var orders: [StoreOrder] = []
    /// Returns opened through the returns API (see FakeShopify+Returns).
    var returns: [FakeReturn] = []
    /// Order edits begun and not yet committed (see FakeShopify+OrderEdit).
    var edits: [String: FakeEdit] = [:]
    var mutations: [String] = []
    /// Shipping confirmations Shopify emailed again: the shipment's tracking number and address.
    private(set) var shippingEmails: [(number: String, email: String)] = []
    /// Webhook subscriptions made through the API (kept apart from the order mutations).
    private(set) var webhooks: [(id: String, topic: String, uri: String)] = []
    private(set) var operations: [String] = []
    private var refundsByKey: [String: String] = [:]
    private var discountCodes: Set<String> = []
    private var throttleRemaining = 0
    var counter = 900
    private var loseAnswers: Set<String> = []
    /// Percent off each line (an order discount Shopify spreads over its lines): a refund by lines
    /// returns less than the unit prices say, as Shopify's suggested refund computes.
    private var lineDiscountPercent: [String: Int64] = [:]

    /// The app installed on the shop, and the tokens Shopify's OAuth endpoints gave it.
    let oauth = FakeShopifyOAuth()

    func accepts(_ token: String?) async -> Bool {
        guard let token else { return false }
        let accepted = token == FakeShopify.token ? !(await oauth.staticRevoked) : await oauth.isValid(token)
        if !accepted { await oauth.countRefusal() }
        return accepted
    }

    func add(_ order: StoreOrder) { orders.append(order) }
    /// Changes an order as the shop's admin would (it ships, is cancelled…).
    func change(_ id: String, _ edit: @Sendable (inout StoreOrder) -> Void) {
        if let index = orders.firstIndex(where: { $0.id == id }) { edit(&orders[index]) }
    }
    /// Shop customers, some of whom never wrote to support.
    private(set) var customers: [(id: String, first: String, last: String, email: String)] = []
    func addCustomer(first: String, last: String, email: String) {
        customers.append(("gid://shopify/Customer/\(500 + customers.count)", first, last, email))
    }

    /// A page of `first` items after the cursor (an index), and the next cursor.
    static func page(_ variables: [String: Any], total: Int) -> (Int, Int, String?) {
        let first = variables["first"] as? Int ?? 50
        let start = min((variables["after"] as? String).flatMap(Int.init) ?? 0, total)
        let end = min(start + first, total)
        return (start, end, end < total ? String(end) : nil)
    }
    func throttle(times: Int) { throttleRemaining = times }
    /// The next `operation` is carried out, but its answer is lost (a 504 from the edge, as when a
    /// proxy in front of the shop times out).
    func loseAnswer(to operation: String) { loseAnswers.insert(operation) }
    func discountLines(of orderID: String, percent: Int64) { lineDiscountPercent[orderID] = percent }
    func order(_ id: String) -> StoreOrder? { orders.first { $0.id == id } }

    static func run(_ body: @Sendable (FakeShopify, String) async throws -> Void) async throws {
        let shop = FakeShopify()
        let router = Router()
        router.post("admin/api/:version/graphql.json") { request, _ -> Response in
            guard await shop.accepts(request.headers[HTTPField.Name("X-Shopify-Access-Token")!]) else {
                return Self.json(#"{"errors":"[API] Invalid API key or access token (unrecognized login or wrong password)"}"#, status: .unauthorized)
            }
            let bytes = try await request.body.collect(upTo: 1 << 20)
            let (status, text) = await shop.answer(Data(bytes.readableBytesView))
            return Self.json(text, status: status)
        }
        router.post("admin/oauth/access_token") { request, _ -> Response in
            let bytes = try await request.body.collect(upTo: 1 << 16)
            let (status, text) = await shop.oauth.token(FormURLEncoding.fields(bytes: Array(bytes.readableBytesView)))
            return Self.json(text, status: status)
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            try await body(shop, "http://127.0.0.1:\(client.port!)")
        }
    }

    static func json(_ text: String, status: HTTPResponse.Status) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    private func answer(_ body: Data) -> (HTTPResponse.Status, String) {
        guard let request = try? JSONSerialization.jsonObject(with: body) as? [String: Any], let query = request["query"] as? String,
              let operation = request["operationName"] as? String else {
            return (.badRequest, #"{"errors":[{"message":"Parse error"}]}"#)
        }
        let variables = request["variables"] as? [String: Any] ?? [:]
        operations.append(operation)
        let cost: [String: Any] = ["requestedQueryCost": 12, "actualQueryCost": 12,
                                   "throttleStatus": ["maximumAvailable": 2000.0, "currentlyAvailable": throttleRemaining > 0 ? 2 : 1988, "restoreRate": 100.0]]
        if throttleRemaining > 0 {
            throttleRemaining -= 1
            return (.ok, Self.text(["errors": [["message": "Throttled", "extensions": ["code": "THROTTLED",
                                                                                      "documentation": "https://shopify.dev/api/usage/rate-limits"]]],
                                    "extensions": ["cost": cost]]))
        }
        let data: [String: Any]
        do {
            data = try run(operation, query: query, variables: variables)
            if loseAnswers.remove(operation) != nil {
                return (.gatewayTimeout, "<html><body><h1>504 Gateway Time-out</h1></body></html>")
            }
        } catch let error as FakeError {
            return (.ok, Self.text(["errors": [["message": error.message, "locations": [["line": 1, "column": 1]]]]]))
        } catch {
            return (.internalServerError, "{}")
        }
        return (.ok, Self.text(["data": data, "extensions": ["cost": cost]]))
    }

    struct FakeError: Error { var message: String }

    private func run(_ operation: String, query: String, variables: [String: Any]) throws -> [String: Any] {
        switch operation {
        case "WebhookSubscriptions":
            return ["webhookSubscriptions": ["nodes": webhooks.map { ["id": $0.id, "topic": $0.topic, "uri": $0.uri] }]]
        case "WebhookSubscriptionCreate":
            let input = variables["webhookSubscription"] as? [String: Any] ?? [:]
            guard let topic = variables["topic"] as? String, let uri = input["uri"] as? String, !uri.isEmpty else {
                return ["webhookSubscriptionCreate": ["webhookSubscription": NSNull(), "userErrors": [["field": ["webhookSubscription", "uri"], "message": "Address can't be blank"]]]]
            }
            if webhooks.contains(where: { $0.topic == topic && $0.uri == uri }) {
                return ["webhookSubscriptionCreate": ["webhookSubscription": NSNull(), "userErrors": [["field": ["webhookSubscription", "uri"], "message": "Address for this topic has already been taken"]]]]
            }
            counter += 1
            let id = "gid://shopify/WebhookSubscription/\(counter)"
            webhooks.append((id, topic, uri))
            return ["webhookSubscriptionCreate": ["webhookSubscription": ["id": id, "topic": topic, "uri": uri], "userErrors": [] as [Any]]]
        case "BackfillCounts":
            return ["customersCount": ["count": customers.count, "precision": "EXACT"], "ordersCount": ["count": orders.count, "precision": "EXACT"]]
        case "BackfillCustomers":
            let (start, end, next) = Self.page(variables, total: customers.count)
            return ["customers": ["nodes": customers[start..<end].map { customer -> [String: Any] in
                ["id": customer.id, "firstName": customer.first, "lastName": customer.last, "tags": [] as [String],
                 "defaultEmailAddress": ["emailAddress": customer.email], "defaultPhoneNumber": NSNull()]
            }, "pageInfo": ["hasNextPage": next != nil, "endCursor": next.map { $0 as Any } ?? NSNull()]]]
        case "BackfillOrders":
            // Oldest change first, as `sortKey: UPDATED_AT` gives them.
            let sorted = orders.sorted { $0.createdAt < $1.createdAt }
            let (start, end, next) = Self.page(variables, total: sorted.count)
            return ["orders": ["nodes": sorted[start..<end].map(Self.node), "pageInfo": ["hasNextPage": next != nil, "endCursor": next.map { $0 as Any } ?? NSNull()]]]
        case "ShopInfo":
            return ["shop": ["name": "Fake Outfitters", "currencyCode": "EUR", "myshopifyDomain": "fake-outfitters.myshopify.com"]]
        case "CustomerOrders":
            let search = (variables["query"] as? String ?? "").replacingOccurrences(of: "email:", with: "").replacingOccurrences(of: "\"", with: "")
            let first = variables["first"] as? Int ?? 10
            let found = orders.filter { $0.email?.lowercased() == search.lowercased() }.sorted { $0.createdAt > $1.createdAt }.prefix(first)
            return ["orders": ["nodes": found.map(Self.node)]]
        case "Order":
            return ["order": order(variables["id"] as? String ?? "").map(Self.node) ?? NSNull()]
        case "SuggestedRefund":
            guard let order = order(variables["id"] as? String ?? "") else { return ["order": NSNull()] }
            let amount = try suggestedRefund(order, lines: Self.lines(variables["refundLineItems"]), shipping: variables["refundShipping"] as? Bool ?? false)
            return ["order": ["suggestedRefund": [
                "amountSet": Self.money(amount),
                "suggestedTransactions": amount.minor == 0 ? [] : [[
                    "kind": "SUGGESTED_REFUND", "gateway": "shopify_payments", "amountSet": Self.money(amount),
                    "parentTransaction": ["id": "gid://shopify/OrderTransaction/1"],
                ] as [String: Any]],
            ] as [String: Any]]]
        case "OrderTransactions":
            return ["order": ["transactions": [["id": "gid://shopify/OrderTransaction/1", "kind": "SALE", "status": "SUCCESS", "gateway": "shopify_payments"]]]]
        default:
            if let answer = try returnOperation(operation, variables: variables) { return answer }
            if let answer = try editOperation(operation, variables: variables) { return answer }
            return try mutate(operation, query: query, variables: variables)
        }
    }

    private func mutate(_ operation: String, query: String, variables: [String: Any]) throws -> [String: Any] {
        mutations.append(operation)
        counter += 1
        switch operation {
        case "OrderCancel":
            guard let index = orders.firstIndex(where: { $0.id == variables["orderId"] as? String }) else {
                return ["orderCancel": ["job": NSNull(), "orderCancelUserErrors": [["field": ["orderId"], "message": "Order does not exist", "code": "NOT_FOUND"]]]]
            }
            if orders[index].tags.contains("locked") {
                return ["orderCancel": ["job": NSNull(), "orderCancelUserErrors": [["field": ["orderId"], "message": "Cannot cancel an order with pending payment authorizations", "code": "INVALID"]]]]
            }
            let action = OrderAction.cancel(reason: OrderAction.CancelReason(rawValue: (variables["reason"] as? String ?? "OTHER").lowercased()) ?? .other,
                                            restock: variables["restock"] as? Bool ?? false,
                                            refund: (variables["refundMethod"] as? [String: Any])?["originalPaymentMethodsRefund"] as? Bool ?? false,
                                            notifyCustomer: false, staffNote: variables["staffNote"] as? String)
            orders[index] = try SandboxOrders.apply(action, to: orders[index], at: Date(), newID: "gid://shopify/Refund/\(counter)").order
            return ["orderCancel": ["job": ["id": "gid://shopify/Job/\(counter)", "done": false], "orderCancelUserErrors": []]]
        case "RefundCreate":
            guard let range = query.range(of: "@idempotent(key: \""), let end = query[range.upperBound...].firstIndex(of: "\"") else {
                throw FakeError(message: "The @idempotent directive is required for the refundCreate mutation.")
            }
            let key = String(query[range.upperBound..<end])
            let input = variables["input"] as? [String: Any] ?? [:]
            guard let index = orders.firstIndex(where: { $0.id == input["orderId"] as? String }) else { throw FakeError(message: "Invalid id") }
            if let previous = refundsByKey[key], let refund = orders[index].refunds.first(where: { $0.id == previous }) {
                return ["refundCreate": ["refund": Self.refund(refund), "userErrors": []]]
            }
            if orders[index].tags.contains("locked") {
                return ["refundCreate": ["refund": NSNull(), "userErrors": [["field": ["orderId"], "message": "Order is locked by a chargeback"]]]]
            }
            // Shopify moves only the money named in `transactions`; lines are restocked and recorded.
            let lines = Self.lines(input["refundLineItems"])
            let shipping = (input["shipping"] as? [String: Any])?["fullRefund"] as? Bool ?? false
            let currency = orders[index].total.currency
            let moved = (input["transactions"] as? [[String: Any]] ?? []).compactMap { ($0["amount"] as? String).flatMap { Money.minorUnits($0, currency: currency) } }
                .reduce(0, +)
            do {
                var order = orders[index]
                if !lines.isEmpty || shipping {
                    _ = try suggestedRefund(order, lines: lines, shipping: shipping)
                    for line in lines { if let item = order.lineItems.firstIndex(where: { $0.id == line.lineItemID }) { order.lineItems[item].refundableQuantity -= line.quantity } }
                }
                guard moved <= order.refundable.minor else { throw FakeError(message: "Refund amount exceeds the amount left to refund") }
                let id = "gid://shopify/Refund/\(counter)"
                order.refunds.append(OrderRefund(id: id, createdAt: Date(), amount: Amount(minor: moved, currency: currency), note: input["note"] as? String))
                order.refunded.minor += moved
                if moved > 0 { order.financialStatus = order.refunded.minor >= order.total.minor ? .refunded : .partiallyRefunded }
                orders[index] = order
                refundsByKey[key] = id
                return ["refundCreate": ["refund": Self.refund(order.refunds.last!), "userErrors": []]]
            } catch {
                return ["refundCreate": ["refund": NSNull(), "userErrors": [["field": ["refundLineItems"], "message": "\(error)"]]]]
            }
        case "OrderUpdate":
            let input = variables["input"] as? [String: Any] ?? [:]
            guard let index = orders.firstIndex(where: { $0.id == input["id"] as? String }) else { throw FakeError(message: "Invalid id") }
            if let note = input["note"] as? String { orders[index].note = note }
            if let address = input["shippingAddress"] as? [String: Any] {
                let name = [address["firstName"] as? String, address["lastName"] as? String].compactMap { $0 }.joined(separator: " ")
                orders[index].shippingAddress = PostalAddress(name: name, address1: address["address1"] as? String, address2: address["address2"] as? String,
                                                              city: address["city"] as? String, province: address["provinceCode"] as? String,
                                                              zip: address["zip"] as? String, countryCode: address["countryCode"] as? String)
            }
            return ["orderUpdate": ["order": ["id": orders[index].id], "userErrors": []]]
        case "FulfillmentTrackingInfoUpdate":
            // Shopify answers an unknown shipment with a user error, and sends mail only when asked to.
            let id = variables["fulfillmentId"] as? String ?? ""
            let tracking = variables["trackingInfoInput"] as? [String: Any] ?? [:]
            guard let order = orders.first(where: { order in order.fulfillments.indices.contains { Self.fulfillmentID(order, $0) == id } }) else {
                return ["fulfillmentTrackingInfoUpdate": ["fulfillment": NSNull(), "userErrors": [["field": ["fulfillmentId"], "message": "Fulfillment does not exist."]]]]
            }
            if variables["notifyCustomer"] as? Bool == true, let email = order.email {
                shippingEmails.append((tracking["number"] as? String ?? "", email))
            }
            return ["fulfillmentTrackingInfoUpdate": ["fulfillment": ["id": id], "userErrors": []]]
        case "TagsAdd":
            guard let index = orders.firstIndex(where: { $0.id == variables["id"] as? String }) else { throw FakeError(message: "Invalid id") }
            for tag in variables["tags"] as? [String] ?? [] where !orders[index].tags.contains(tag) { orders[index].tags.append(tag) }
            return ["tagsAdd": ["node": ["id": orders[index].id], "userErrors": []]]
        case "DiscountCodeBasicCreate":
            let input = variables["basicCodeDiscount"] as? [String: Any] ?? [:]
            let code = input["code"] as? String ?? ""
            guard discountCodes.insert(code).inserted else {
                return ["discountCodeBasicCreate": ["codeDiscountNode": NSNull(),
                                                    "userErrors": [["field": ["basicCodeDiscount", "code"], "code": "TAKEN", "message": "Code must be unique. Please try a different code."]]]]
            }
            return ["discountCodeBasicCreate": ["codeDiscountNode": ["id": "gid://shopify/DiscountCodeNode/\(counter)"], "userErrors": []]]
        default:
            throw FakeError(message: "Field '\(operation)' doesn't exist on type 'Mutation'")
        }
    }

    /// What Shopify suggests returning for these lines and shipping: the lines' share after the
    /// order's discount, plus the shipping.
    private func suggestedRefund(_ order: StoreOrder, lines: [RefundRequest.Line], shipping: Bool) throws -> Amount {
        var minor: Int64 = 0
        for line in lines {
            guard let item = order.lineItems.first(where: { $0.id == line.lineItemID }), line.quantity > 0, line.quantity <= item.refundableQuantity else {
                throw FakeError(message: "Quantity cannot refund more items than were purchased")
            }
            minor += item.unitPrice.minor * Int64(line.quantity) * (100 - (lineDiscountPercent[order.id] ?? 0)) / 100
        }
        if shipping { minor += order.shipping?.minor ?? 0 }
        return Amount(minor: minor, currency: order.total.currency)
    }

    static func lines(_ value: Any?) -> [RefundRequest.Line] {
        (value as? [[String: Any]] ?? []).map { RefundRequest.Line(lineItemID: $0["lineItemId"] as? String ?? "", quantity: $0["quantity"] as? Int ?? 0) }
    }

    static func money(_ amount: Amount) -> [String: Any] {
        ["shopMoney": ["amount": amount.decimalString, "currencyCode": amount.currency]]
    }

    static func refund(_ refund: OrderRefund) -> [String: Any] {
        ["id": refund.id, "createdAt": refund.createdAt.map { $0.formatted(.iso8601) } ?? NSNull(), "note": refund.note ?? NSNull(),
         "totalRefundedSet": money(refund.amount)]
    }

    /// An order in the shape of the `OrderFields` fragment.
    static func node(_ order: StoreOrder) -> [String: Any] {
        let financial: [FinancialStatus: String] = [.paid: "PAID", .pending: "PENDING", .authorized: "AUTHORIZED", .refunded: "REFUNDED",
                                                    .partiallyRefunded: "PARTIALLY_REFUNDED", .voided: "VOIDED", .partiallyPaid: "PARTIALLY_PAID"]
        let fulfillment: [FulfillmentStatus: String] = [.unfulfilled: "UNFULFILLED", .fulfilled: "FULFILLED", .partial: "PARTIALLY_FULFILLED",
                                                        .restocked: "RESTOCKED", .onHold: "ON_HOLD"]
        let address: Any = order.shippingAddress.map { address -> [String: Any] in
            ["name": address.name ?? NSNull(), "address1": address.address1 ?? NSNull(), "address2": address.address2 ?? NSNull(),
             "city": address.city ?? NSNull(), "provinceCode": address.province ?? NSNull(), "zip": address.zip ?? NSNull(),
             "countryCodeV2": address.countryCode ?? NSNull(), "phone": address.phone ?? NSNull()]
        } ?? NSNull()
        return [
            "id": order.id, "name": order.number, "email": order.email ?? NSNull(), "phone": order.phone ?? NSNull(),
            "createdAt": order.createdAt.formatted(.iso8601), "cancelledAt": order.cancelledAt.map { $0.formatted(.iso8601) } ?? NSNull(),
            "cancelReason": order.cancelReason?.uppercased() ?? NSNull(),
            "displayFinancialStatus": financial[order.financialStatus] ?? "PAID", "displayFulfillmentStatus": fulfillment[order.fulfillmentStatus] ?? "UNFULFILLED",
            "note": order.note ?? NSNull(), "tags": order.tags, "discountCodes": order.discountCodes ?? [], "customer": ["id": order.customerRef ?? "gid://shopify/Customer/1"],
            "totalPriceSet": money(order.total), "subtotalPriceSet": money(order.subtotal ?? order.total),
            "totalShippingPriceSet": money(order.shipping ?? .zero(order.total.currency)), "totalRefundedSet": money(order.refunded),
            "shippingAddress": address,
            "lineItems": ["nodes": order.lineItems.map { item -> [String: Any] in
                ["id": item.id, "title": item.title, "variantTitle": item.variant ?? NSNull(), "sku": item.sku ?? NSNull(), "quantity": item.quantity,
                 "refundableQuantity": item.refundableQuantity, "originalUnitPriceSet": money(item.unitPrice)]
            }],
            "fulfillments": order.fulfillments.indices.map { index -> [String: Any] in
                let fulfillment = order.fulfillments[index]
                return ["id": fulfillmentID(order, index), "status": fulfillment.status.uppercased(), "createdAt": fulfillment.createdAt.map { $0.formatted(.iso8601) } ?? NSNull(),
                 "deliveredAt": fulfillment.deliveredAt.map { $0.formatted(.iso8601) } ?? NSNull(),
                 "trackingInfo": [["company": nullable(fulfillment.carrier), "number": nullable(fulfillment.trackingNumber),
                                   "url": nullable(fulfillment.trackingURL)] as [String: Any]]]
            },
            "refunds": order.refunds.map(refund),
        ]
    }

    static func nullable(_ value: String?) -> Any { value ?? NSNull() }

    /// A shipment's id: its own, or one made from the order's so it stays the same between reads.
    static func fulfillmentID(_ order: StoreOrder, _ index: Int) -> String {
        order.fulfillments[index].id ?? "gid://shopify/Fulfillment/\(order.id.split(separator: "/").last ?? "0")\(index + 1)"
    }

    static func text(_ object: [String: Any]) -> String {
        String(decoding: (try? JSONSerialization.data(withJSONObject: object)) ?? Data("{}".utf8), as: UTF8.self)
    }
}
