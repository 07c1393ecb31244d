import Foundation
import ShopdeskCore

/// Shopify through the Admin GraphQL API (`/admin/api/<version>/graphql.json`, access token in
/// `X-Shopify-Access-Token`). Shopify limits by query cost: when the bucket is empty it answers
/// 200 with a `THROTTLED` error (or 429), and we wait for the bucket to refill and try again.
public struct ShopifyConnector: StoreConnector {
    let endpoint: String
    let adminBase: String
    let tokens: any ShopifyTokenSource
    let http: any StoreHTTP
    /// How long in total a call may wait for the cost bucket before giving up.
    var maximumThrottleWait: Double = 6

    public init(shopURL: String, tokens: any ShopifyTokenSource, http: any StoreHTTP) {
        adminBase = Self.adminBase(shopURL)
        endpoint = adminBase + "/api/\(ShopifyQueries.apiVersion)/graphql.json"
        self.tokens = tokens
        self.http = http
    }

    /// A legacy custom app's token, which never expires.
    public init(shopURL: String, accessToken: String, http: any StoreHTTP) {
        self.init(shopURL: shopURL, tokens: StaticShopifyToken(accessToken), http: http)
    }

    /// `https://<shop>/admin` for an address given with or without scheme and trailing slashes.
    public static func adminBase(_ shopURL: String) -> String {
        var base = shopURL.trimmingCharacters(in: .whitespaces)
        while base.hasSuffix("/") { base.removeLast() }
        if !base.hasPrefix("http://") && !base.hasPrefix("https://") { base = "https://" + base }
        return base + "/admin"
    }

    public func shopInfo() async throws -> ShopInfo {
        let shop = try await call(ShopifyQueries.shopInfo, operation: "ShopInfo", variables: [:])["shop"]
        return ShopInfo(name: shop["name"].string ?? "Shopify", currency: shop["currencyCode"].string ?? "USD", domain: shop["myshopifyDomain"].string)
    }

    public func orders(email: String?, phone: String?, limit: Int) async throws -> [StoreOrder] {
        if let email, !email.isEmpty {
            let data = try await call(ShopifyQueries.ordersByQuery, operation: "CustomerOrders",
                                      variables: ["first": .number(Double(limit)), "query": .string("email:\(Self.quoted(email))")])
            return try data["orders"]["nodes"].array.map(decodeOrder)
        }
        guard let phone, !phone.isEmpty else { return [] }
        let data = try await call(ShopifyQueries.ordersByPhone, operation: "CustomerOrdersByPhone",
                                  variables: ["first": .number(Double(limit)), "query": .string("phone:\(Self.quoted(phone))")])
        return try (data["customers"]["nodes"].array.first?["orders"]["nodes"].array ?? []).map(decodeOrder)
    }

    public func order(id: String) async throws -> StoreOrder? {
        let node = try await call(ShopifyQueries.order, operation: "Order", variables: ["id": .string(id)])["order"]
        return node.isNull ? nil : try decodeOrder(node)
    }

    public func perform(_ action: OrderAction, on order: StoreOrder, idempotencyKey: String) async throws -> ActionOutcome {
        var detail: [String: String] = [:]
        switch action {
        case .cancel(let reason, let restock, let refund, let notify, let staffNote):
            let payload = try await call(ShopifyQueries.cancel, operation: "OrderCancel", variables: [
                "orderId": .string(order.id), "notifyCustomer": .bool(notify),
                "refundMethod": .object(["originalPaymentMethodsRefund": .bool(refund)]), "restock": .bool(restock),
                "reason": .string(reason.rawValue.uppercased()), "staffNote": staffNote.json,
            ], mutates: true)["orderCancel"]
            try Self.check(payload["orderCancelUserErrors"])
            detail["job_id"] = payload["job"]["id"].string
        case .refund(let request) where request.shopReturnID != nil:
            detail = try await processReturn(request.shopReturnID ?? "", request: request, on: order)
        case .refund(let request):
            let key = String(idempotencyKey.filter { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }.prefix(64))
            var input: [String: JSONValue] = [
                "orderId": .string(order.id), "notify": .bool(request.notifyCustomer), "note": request.note.json,
            ]
            if let amountMinor = request.amountMinor {
                let parent = try await parentTransaction(of: order.id)
                input["transactions"] = .array([.object([
                    "orderId": .string(order.id), "kind": .string("REFUND"), "gateway": .string(parent.gateway),
                    "parentId": .string(parent.id), "amount": .string(Money.decimalString(minor: amountMinor, currency: order.total.currency)),
                ])])
            } else {
                let suggestion = try await suggestedRefund(request, on: order)
                input["refundLineItems"] = Self.refundLineItems(request)
                if request.shipping { input["shipping"] = .object(["fullRefund": .bool(true)]) }
                input["transactions"] = .array(suggestion.transactions.map { transaction in
                    .object(["orderId": .string(order.id), "kind": .string("REFUND"), "gateway": .string(transaction.gateway),
                             "parentId": transaction.parentID.json, "amount": .string(transaction.amount.decimalString)])
                })
                detail["amount"] = suggestion.amount.decimalString
            }
            let payload = try await call(ShopifyQueries.refund(idempotencyKey: key), operation: "RefundCreate",
                                         variables: ["input": .object(input)], mutates: true)["refundCreate"]
            try Self.check(payload["userErrors"])
            detail["refund_id"] = payload["refund"]["id"].string
        case .updateShippingAddress(let address):
            let names = (address.name ?? "").split(separator: " ", maxSplits: 1).map(String.init)
            let input: [String: JSONValue] = ["id": .string(order.id), "shippingAddress": .object([
                "firstName": names.first.json, "lastName": (names.count > 1 ? names[1] : nil).json,
                "address1": address.address1.json, "address2": address.address2.json, "city": address.city.json,
                "provinceCode": address.province.json, "zip": address.zip.json, "countryCode": address.countryCode.map { $0.uppercased() }.json,
                "phone": address.phone.json,
            ])]
            try Self.check(try await call(ShopifyQueries.orderUpdate, operation: "OrderUpdate", variables: ["input": .object(input)],
                                          mutates: true)["orderUpdate"]["userErrors"])
        case .addNote(let text):
            let note = [order.note, text].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: "\n")
            try Self.check(try await call(ShopifyQueries.orderUpdate, operation: "OrderUpdate",
                                          variables: ["input": .object(["id": .string(order.id), "note": .string(note)])], mutates: true)["orderUpdate"]["userErrors"])
        case .addTags(let tags):
            try Self.check(try await call(ShopifyQueries.tagsAdd, operation: "TagsAdd",
                                          variables: ["id": .string(order.id), "tags": .array(tags.map(JSONValue.string))], mutates: true)["tagsAdd"]["userErrors"])
        case .createDiscount(let discount):
            detail = try await createDiscountCode(discount, customerRef: order.customerRef, email: order.email)
        case .resendTracking:
            detail = try await resendShippingConfirmation(of: order)
        case .editItems(let edit):
            let edited = try await stageEdit(edit, on: order)
            let payload = try await call(ShopifyQueries.orderEditCommit, operation: "OrderEditCommit", variables: [
                "id": .string(edited.calculatedOrderID), "notifyCustomer": .bool(edit.notifyCustomer), "staffNote": edit.staffNote.json,
            ], mutates: true)["orderEditCommit"]
            try Self.check(payload["userErrors"])
            detail["total"] = edited.total.decimalString
        }
        // The order as Shopify has it now; a cancellation runs as a job and may show up a moment later.
        let fresh = try? await self.order(id: order.id)
        return ActionOutcome(order: fresh, detail: detail)
    }

    public func createDiscountCode(_ discount: DiscountRequest, customerRef: String?, email: String?) async throws -> [String: String] {
        let value: JSONValue = if let percent = discount.percent {
            .object(["percentage": .number(Double(percent) / 100)])
        } else {
            .object(["discountAmount": .object(["amount": .string(discount.fixedAmount?.decimalString ?? "0"), "appliesOnEachItem": .bool(false)])])
        }
        let context: JSONValue = customerRef.map { .object(["customers": .object(["add": .array([.string($0)])])]) } ?? .object(["all": .string("ALL")])
        let input: JSONValue = .object([
            "title": .string("Shopdesk \(discount.code)"), "code": .string(discount.code),
            "startsAt": .string(Date().formatted(.iso8601)), "endsAt": discount.endsAt.map { .string($0.formatted(.iso8601)) } ?? .null,
            "usageLimit": .number(1), "appliesOncePerCustomer": .bool(true), "context": context,
            "customerGets": .object(["value": value, "items": .object(["all": .bool(true)])]),
        ])
        let payload = try await call(ShopifyQueries.discountCreate, operation: "DiscountCodeBasicCreate",
                                     variables: ["basicCodeDiscount": input], mutates: true)["discountCodeBasicCreate"]
        try Self.check(payload["userErrors"])
        return ["discount_id": payload["codeDiscountNode"]["id"].string ?? "", "code": discount.code]
    }

    /// The events Shopdesk follows: orders and what happens to them, and the app's removal.
    public static let webhookTopics = ["ORDERS_CREATE", "ORDERS_UPDATED", "ORDERS_PAID", "ORDERS_FULFILLED", "ORDERS_CANCELLED",
                                       "FULFILLMENTS_CREATE", "FULFILLMENTS_UPDATE", "REFUNDS_CREATE", "APP_UNINSTALLED"]

    /// Subscribes `uri` to every topic of `webhookTopics` it is not yet subscribed to; the topics
    /// it had and those created now.
    public func ensureWebhooks(uri: String) async throws -> (present: [String], created: [String]) {
        let existing = try await call(ShopifyQueries.webhookSubscriptions, operation: "WebhookSubscriptions", variables: ["first": .number(100)])
        let present = Set(existing["webhookSubscriptions"]["nodes"].array.filter { $0["uri"].string == uri }.compactMap { $0["topic"].string })
        var created: [String] = []
        for topic in Self.webhookTopics where !present.contains(topic) {
            let payload = try await call(ShopifyQueries.webhookSubscriptionCreate, operation: "WebhookSubscriptionCreate", variables: [
                "topic": .string(topic), "webhookSubscription": .object(["uri": .string(uri), "format": .string("JSON")]),
            ], mutates: true)["webhookSubscriptionCreate"]
            try Self.check(payload["userErrors"])
            created.append(topic)
        }
        return (Self.webhookTopics.filter(present.contains), created)
    }

    /// Shopify's own computation of a refund by lines and shipping (discounts and taxes included).
    public func refundPreview(_ request: RefundRequest, on order: StoreOrder) async throws -> Amount {
        guard request.amountMinor == nil else { return try request.amount(for: order) }
        return try await suggestedRefund(request, on: order).amount
    }

    struct SuggestedTransaction { var gateway: String; var parentID: String?; var amount: Amount }

    func suggestedRefund(_ request: RefundRequest, on order: StoreOrder) async throws -> (amount: Amount, transactions: [SuggestedTransaction]) {
        let currency = order.total.currency
        let node = try await call(ShopifyQueries.suggestedRefund, operation: "SuggestedRefund", variables: [
            "id": .string(order.id), "refundLineItems": Self.refundLineItems(request), "refundShipping": .bool(request.shipping),
        ])["order"]["suggestedRefund"]
        guard !node.isNull, let amount = Self.money(node["amountSet"], currency: currency) else {
            throw CommerceError.rejected("Shopify could not suggest a refund for these items on \(order.number).")
        }
        let transactions = node["suggestedTransactions"].array.compactMap { item -> SuggestedTransaction? in
            guard let money = Self.money(item["amountSet"], currency: currency), money.minor > 0 else { return nil }
            return SuggestedTransaction(gateway: item["gateway"].string ?? "manual", parentID: item["parentTransaction"]["id"].string, amount: money)
        }
        if amount.minor > 0, transactions.isEmpty {
            throw CommerceError.rejected("Shopify has no payment to return \(amount.decimalString) \(currency) through on \(order.number); refund it in Shopify.")
        }
        return (amount, transactions)
    }

    static func refundLineItems(_ request: RefundRequest) -> JSONValue {
        .array(request.lines.map {
            .object(["lineItemId": .string($0.lineItemID), "quantity": .number(Double($0.quantity)),
                     "restockType": .string(request.restock ? "RETURN" : "NO_RESTOCK")])
        })
    }

    static func money(_ set: JSONValue, currency: String) -> Amount? {
        let shop = set["shopMoney"]
        guard let text = shop["amount"].string else { return nil }
        return Amount(decimal: text, currency: shop["currencyCode"].string ?? currency)
    }

    private func parentTransaction(of orderID: String) async throws -> (id: String, gateway: String) {
        let transactions = try await call(ShopifyQueries.transactions, operation: "OrderTransactions", variables: ["id": .string(orderID)])["order"]["transactions"].array
        guard let parent = transactions.first(where: {
            ["SALE", "CAPTURE"].contains($0["kind"].string ?? "") && $0["status"].string == "SUCCESS"
        }), let id = parent["id"].string else {
            throw CommerceError.rejected("The order has no captured payment to refund against.")
        }
        return (id, parent["gateway"].string ?? "manual")
    }

    static func quoted(_ value: String) -> String {
        "\"" + value.replacingOccurrences(of: "\\", with: "").replacingOccurrences(of: "\"", with: "") + "\""
    }

    static func check(_ userErrors: JSONValue) throws {
        let messages = userErrors.array.compactMap { $0["message"].string }
        if !messages.isEmpty { throw CommerceError.rejected("Shopify: " + messages.joined(separator: "; ")) }
    }

    /// Sends one operation; waits out throttling; turns every failure into a `CommerceError`.
    ///   A mutation (`mutates`) whose answer is lost — the connection dropped after the request went
    ///   out, a 5xx, a body that is not JSON — throws `outcomeUnknown`: Shopify may have applied it.
    func call(_ query: String, operation: String, variables: [String: JSONValue], mutates: Bool = false) async throws -> JSONValue {
        let body = JSONValue.object(["query": .string(query), "operationName": .string(operation), "variables": .object(variables)]).encoded()
        var waited = 0.0
        var accessToken = try await tokens.token()
        var renewed = false
        while true {
            let response: StoreHTTPResponse
            do {
                response = try await http.send(StoreHTTPRequest(method: "POST", url: endpoint, headers: [
                    ("Content-Type", "application/json"), ("Accept", "application/json"), ("X-Shopify-Access-Token", accessToken),
                ], body: body))
            } catch let error as CommerceError {
                throw error
            } catch {
                if mutates { throw CommerceError.outcomeUnknown("Shopify's answer to \(operation) was lost (\(error)); it may have been applied.") }
                throw CommerceError.unavailable("Shopify could not be reached: \(error)")
            }
            let json = try? JSONValue.parse(response.body)
            let throttled = response.status == 429 || (json?["errors"].array.contains { $0["extensions"]["code"].string == "THROTTLED" } ?? false)
            if throttled {
                let delay = Self.throttleDelay(json: json, retryAfter: response.headers["retry-after"])
                guard waited + delay <= maximumThrottleWait else {
                    throw CommerceError.unavailable("Shopify is rate-limiting this shop; try again in a few seconds.")
                }
                // Deliberate wait: Shopify's bucket refills at `restoreRate` points per second.
                try await Task.sleep(for: .seconds(delay))
                waited += delay
                continue
            }
            // A token refused (expired early, revoked, rotated by another node) is renewed once and
            // the call sent again: Shopify applied nothing it refused with 401.
            if response.status == 401, !renewed, tokens.renewable {
                accessToken = try await tokens.renew(refused: accessToken)
                renewed = true
                continue
            }
            switch response.status {
            case 200..<300: break
            case 401 where renewed:
                let problem = "Shopify refused the access token it had just renewed (HTTP 401); check that the app is still installed on the shop."
                await tokens.refusedAfterRenewal(problem)
                throw CommerceError.rejected(problem)
            case 401, 403: throw CommerceError.rejected("Shopify refused the access token (HTTP \(response.status)); check the connection's token and scopes.")
            case 404: throw CommerceError.rejected("Shopify has no Admin API at \(endpoint); check the shop address.")
            case 500... where mutates: throw CommerceError.outcomeUnknown("Shopify answered HTTP \(response.status) to \(operation); it may have been applied.")
            default: throw CommerceError.unavailable("Shopify answered HTTP \(response.status).")
            }
            guard let json else {
                if mutates { throw CommerceError.outcomeUnknown("Shopify's answer to \(operation) was not JSON; it may have been applied.") }
                throw CommerceError.unavailable("Shopify answered with something that is not JSON.")
            }
            let errors = json["errors"].array.compactMap { $0["message"].string }
            if !errors.isEmpty { throw CommerceError.rejected("Shopify: " + errors.joined(separator: "; ")) }
            return json["data"]
        }
    }

    /// Seconds until the bucket holds the points this query asked for (Retry-After for a 429).
    static func throttleDelay(json: JSONValue?, retryAfter: String?) -> Double {
        if let retryAfter, let seconds = Double(retryAfter) { return min(max(seconds, 0.05), 10) }
        let cost = json?["extensions"]["cost"]
        let requested = cost?["requestedQueryCost"].double ?? 50
        let status = cost?["throttleStatus"]
        let available = status?["currentlyAvailable"].double ?? 0
        let rate = max(status?["restoreRate"].double ?? 50, 1)
        return min(max((requested - available) / rate, 0.05), 10)
    }
}
