import Foundation
import ShopdeskCore

/// WooCommerce through its REST API v3 (`/wp-json/wc/v3`), authenticated with a consumer key
/// and secret over HTTPS (HTTP Basic). WooCommerce has no order tags; tagging is refused with a
/// clear message rather than faked.
public struct WooCommerceConnector: StoreConnector {
    let base: String
    let siteURL: String
    let authorization: String
    let http: any StoreHTTP

    public init(siteURL: String, consumerKey: String, consumerSecret: String, http: any StoreHTTP) {
        var site = siteURL.trimmingCharacters(in: .whitespaces)
        while site.hasSuffix("/") { site.removeLast() }
        if !site.hasPrefix("http://") && !site.hasPrefix("https://") { site = "https://" + site }
        self.siteURL = site
        base = site + "/wp-json/wc/v3"
        authorization = "Basic " + Data("\(consumerKey):\(consumerSecret)".utf8).base64EncodedString()
        self.http = http
    }

    public func shopInfo() async throws -> ShopInfo {
        let currency = try await call("GET", "/settings/general/woocommerce_currency")["value"].string ?? "USD"
        return ShopInfo(name: URL(string: siteURL)?.host ?? siteURL, currency: currency, domain: URL(string: siteURL)?.host)
    }

    public func orders(email: String?, phone: String?, limit: Int) async throws -> [StoreOrder] {
        guard let term = (email?.isEmpty == false ? email : phone), !term.isEmpty else { return [] }
        let query = "search=\(Self.encode(term))&per_page=\(min(limit, 100))&orderby=date&order=desc"
        let found = try await call("GET", "/orders?" + query).array.compactMap { try? Self.decodeOrder($0, siteURL: siteURL) }
        // `search` also matches names and notes; keep the orders that are really this customer's.
        return found.filter { order in
            if let email, !email.isEmpty { return order.email?.lowercased() == email.lowercased() }
            return order.phone.map(Self.digits) == Self.digits(term)
        }
    }

    public func order(id: String) async throws -> StoreOrder? {
        do {
            return try Self.decodeOrder(try await call("GET", "/orders/\(Self.encode(id))"), siteURL: siteURL)
        } catch CommerceError.rejected(let message) where message.contains("404") {
            return nil
        }
    }

    public func perform(_ action: OrderAction, on order: StoreOrder, idempotencyKey: String) async throws -> ActionOutcome {
        let path = "/orders/\(Self.encode(order.id))"
        var detail: [String: String] = [:]
        switch action {
        case .cancel(_, _, let refund, _, let staffNote):
            if refund, order.refundable.minor > 0 {
                let made = try await call("POST", path + "/refunds", body: .object([
                    "amount": .string(order.refundable.decimalString), "reason": staffNote.json, "api_refund": .bool(true),
                ]))
                detail["refund_id"] = made["id"].string
            }
            // WooCommerce puts the stock back itself when an order becomes cancelled.
            _ = try await call("PUT", path, body: .object(["status": .string("cancelled")]))
        case .refund(let request):
            let amount = try request.amount(for: order)
            var body: [String: JSONValue] = ["amount": .string(amount.decimalString), "reason": request.note.json,
                                             "api_refund": .bool(true), "api_restock": .bool(request.restock)]
            if !request.lines.isEmpty {
                body["line_items"] = .array(request.lines.compactMap { line in
                    guard let item = order.lineItems.first(where: { $0.id == line.lineItemID }) else { return nil }
                    return .object(["id": .string(line.lineItemID), "quantity": .number(Double(line.quantity)),
                                    "refund_total": .string(Money.decimalString(minor: item.unitPrice.minor * Int64(line.quantity), currency: amount.currency))])
                })
            }
            detail["refund_id"] = try await call("POST", path + "/refunds", body: .object(body))["id"].string
        case .updateShippingAddress(let address):
            let names = (address.name ?? "").split(separator: " ", maxSplits: 1).map(String.init)
            _ = try await call("PUT", path, body: .object(["shipping": .object([
                "first_name": names.first.json, "last_name": (names.count > 1 ? names[1] : nil).json,
                "address_1": address.address1.json, "address_2": address.address2.json, "city": address.city.json,
                "state": address.province.json, "postcode": address.zip.json, "country": address.countryCode.map { $0.uppercased() }.json,
                "phone": address.phone.json,
            ])]))
        case .addNote(let text):
            detail["note_id"] = try await call("POST", path + "/notes", body: .object(["note": .string(text), "customer_note": .bool(false)]))["id"].string
        case .addTags:
            throw CommerceError.unsupported("WooCommerce orders have no tags; add a note instead.")
        case .createDiscount(let discount):
            detail = try await createDiscountCode(discount, customerRef: order.customerRef, email: order.email)
        case .editItems:
            throw CommerceError.unsupported("WooCommerce's API does not change a paid order's items; change them in WooCommerce.")
        case .resendTracking:
            throw CommerceError.unsupported("WooCommerce's API cannot send its shipping email again; resend it from the order in WooCommerce.")
        }
        let fresh = try? await self.order(id: order.id)
        return ActionOutcome(order: fresh, detail: detail)
    }

    public func createDiscountCode(_ discount: DiscountRequest, customerRef: String?, email: String?) async throws -> [String: String] {
        var body: [String: JSONValue] = [
            "code": .string(discount.code), "usage_limit": .number(1), "individual_use": .bool(true),
            "discount_type": .string(discount.percent != nil ? "percent" : "fixed_cart"),
            "amount": .string(discount.percent.map(String.init) ?? discount.fixedAmount?.decimalString ?? "0"),
        ]
        if let email { body["email_restrictions"] = .array([.string(email)]) }
        if let ends = discount.endsAt { body["date_expires_gmt"] = .string(ends.formatted(.iso8601)) }
        return ["discount_id": try await call("POST", "/coupons", body: .object(body))["id"].string ?? "", "code": discount.code]
    }

    func call(_ method: String, _ path: String, body: JSONValue? = nil) async throws -> JSONValue {
        try await exchange(method, path, body: body).json
    }

    /// The answer with its headers (lists carry their totals in `X-WP-Total`).
    func exchange(_ method: String, _ path: String, body: JSONValue? = nil) async throws -> (json: JSONValue, headers: [String: String]) {
        let response: StoreHTTPResponse
        do {
            response = try await http.send(StoreHTTPRequest(method: method, url: base + path, headers: [
                ("Authorization", authorization), ("Accept", "application/json"), ("Content-Type", "application/json"),
            ], body: body?.encoded()))
        } catch let error as CommerceError {
            throw error
        } catch {
            if method != "GET" { throw CommerceError.outcomeUnknown("WooCommerce's answer was lost (\(error)); the change may have been made.") }
            throw CommerceError.unavailable("WooCommerce could not be reached: \(error)")
        }
        let json = try? JSONValue.parse(response.body)
        if method != "GET", response.status >= 500 || (200..<300).contains(response.status) && json == nil {
            throw CommerceError.outcomeUnknown("WooCommerce answered HTTP \(response.status) to the change; it may have been made.")
        }
        switch response.status {
        case 200..<300:
            guard let json else { throw CommerceError.unavailable("WooCommerce answered with something that is not JSON.") }
            return (json, response.headers)
        case 401, 403:
            throw CommerceError.rejected("WooCommerce refused the consumer key (HTTP \(response.status)); check the key, secret and its read/write permission.")
        case 429, 500...:
            throw CommerceError.unavailable("WooCommerce answered HTTP \(response.status); try again shortly.")
        default:
            // WooCommerce errors: {"code": "woocommerce_rest_…", "message": "…", "data": {"status": 400}}
            throw CommerceError.rejected("WooCommerce (HTTP \(response.status)): " + (json?["message"].string ?? "request refused"))
        }
    }

    static func encode(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? value
    }

    static func digits(_ text: String) -> String { text.filter(\.isNumber) }
}
