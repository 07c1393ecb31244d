import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import ShopdeskCore

/// A local WooCommerce REST API v3 for what Shopdesk uses: order search and reads, refunds,
/// order updates (cancel, shipping address), order notes and coupons, with HTTP Basic auth and
/// WooCommerce's error bodies (`{"code", "message", "data": {"status"}}`).
actor FakeWooCommerce {
    static let key = "ck_test_4f1c"
    static let secret = "cs_test_9a2e"
    private(set) var orders: [StoreOrder] = []
    private(set) var writes: [String] = []
    private(set) var notes: [String] = []
    private var coupons: Set<String> = []
    private var counter = 5000

    func add(_ order: StoreOrder) { orders.append(order) }
    private(set) var customers: [(first: String, last: String, email: String)] = []
    func addCustomer(first: String, last: String, email: String) { customers.append((first, last, email)) }

    /// One numbered page (`per_page`, `page`) of a list, with WooCommerce's total headers.
    static func page(_ items: [[String: Any]], _ request: Request) -> Response {
        let perPage = max(1, Int(request.uri.queryParameters.get("per_page") ?? "10") ?? 10)
        let page = max(1, Int(request.uri.queryParameters.get("page") ?? "1") ?? 1)
        let start = min((page - 1) * perPage, items.count), end = min(start + perPage, items.count)
        let data = (try? JSONSerialization.data(withJSONObject: Array(items[start..<end]))) ?? Data("[]".utf8)
        let pages = (items.count + perPage - 1) / perPage
        return Response(status: .ok, headers: [.contentType: "application/json", HTTPField.Name("X-WP-Total")!: "\(items.count)",
                                               HTTPField.Name("X-WP-TotalPages")!: "\(pages)"], body: .init(byteBuffer: ByteBuffer(data: data)))
    }
    func order(_ id: String) -> StoreOrder? { orders.first { $0.id == id } }

    static func run(_ body: @Sendable (FakeWooCommerce, String) async throws -> Void) async throws {
        let shop = FakeWooCommerce()
        let router = Router()
        let expected = "Basic " + Data("\(key):\(secret)".utf8).base64EncodedString()
        router.on("wp-json/wc/v3/**", method: .get) { request, _ in try await shop.handle(request, expected: expected) }
        router.on("wp-json/wc/v3/**", method: .post) { request, _ in try await shop.handle(request, expected: expected) }
        router.on("wp-json/wc/v3/**", method: .put) { request, _ in try await shop.handle(request, expected: expected) }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in try await body(shop, "http://127.0.0.1:\(client.port!)") }
    }

    private func handle(_ request: Request, expected: String) async throws -> Response {
        guard request.headers[.authorization] == expected else {
            return Self.error("woocommerce_rest_cannot_view", "Sorry, you cannot list resources.", .unauthorized)
        }
        let path = String(request.uri.path.dropFirst("/wp-json/wc/v3".count))
        let bytes = try await request.body.collect(upTo: 1 << 20)
        let body = (try? JSONSerialization.jsonObject(with: Data(bytes.readableBytesView))) as? [String: Any] ?? [:]
        let parts = path.split(separator: "/").map(String.init)
        counter += 1
        switch (request.method, parts.count) {
        case (.get, 3) where parts == ["settings", "general", "woocommerce_currency"]:
            return Self.json(["id": "woocommerce_currency", "label": "Currency", "value": "BRL"])
        case (.get, 1) where parts[0] == "orders" && request.uri.queryParameters.get("search") == nil:
            // Pages of orders, oldest change first, with the total in X-WP-Total.
            let all = orders.sorted { $0.createdAt < $1.createdAt }
            return Self.page(all.map(Self.render), request)
        case (.get, 1) where parts[0] == "customers":
            return Self.page(customers.enumerated().map { index, customer in
                ["id": 100 + index, "email": customer.email, "first_name": customer.first, "last_name": customer.last, "role": "customer",
                 "billing": ["phone": "", "email": customer.email]] as [String: Any]
            }, request)
        case (.get, 1) where parts[0] == "orders":
            let search = request.uri.queryParameters.get("search")?.lowercased() ?? ""
            return Self.json(orders.filter { ($0.email ?? "").lowercased().contains(search) }.sorted { $0.createdAt > $1.createdAt }.map(Self.render))
        case (.get, 2) where parts[0] == "orders":
            guard let order = order(parts[1]) else { return Self.error("woocommerce_rest_shop_order_invalid_id", "Invalid ID.", .notFound) }
            return Self.json(Self.render(order))
        case (.post, 3) where parts[0] == "orders" && parts[2] == "refunds":
            writes.append("refund")
            guard let index = orders.firstIndex(where: { $0.id == parts[1] }),
                  let minor = (body["amount"] as? String).flatMap({ Money.minorUnits($0, currency: "BRL") }) else {
                return Self.error("woocommerce_rest_shop_order_invalid_id", "Invalid ID.", .notFound)
            }
            do {
                orders[index] = try SandboxOrders.apply(.refund(RefundRequest(amountMinor: minor, note: body["reason"] as? String)), to: orders[index],
                                                        at: Date(), newID: String(counter)).order
            } catch {
                return Self.error("woocommerce_rest_cannot_create_order_refund", "Invalid refund amount.", .badRequest)
            }
            return Self.json(["id": counter, "amount": body["amount"] as? String ?? "", "reason": body["reason"] ?? NSNull()], status: .created)
        case (.put, 2) where parts[0] == "orders":
            writes.append("update")
            guard let index = orders.firstIndex(where: { $0.id == parts[1] }) else { return Self.error("woocommerce_rest_shop_order_invalid_id", "Invalid ID.", .notFound) }
            if body["status"] as? String == "cancelled" { orders[index].cancelledAt = Date() }
            if let shipping = body["shipping"] as? [String: Any] {
                orders[index].shippingAddress = PostalAddress(address1: shipping["address_1"] as? String, city: shipping["city"] as? String,
                                                              zip: shipping["postcode"] as? String, countryCode: shipping["country"] as? String)
            }
            return Self.json(Self.render(orders[index]))
        case (.post, 3) where parts[0] == "orders" && parts[2] == "notes":
            writes.append("note")
            notes.append(body["note"] as? String ?? "")
            return Self.json(["id": counter, "note": body["note"] ?? ""], status: .created)
        case (.post, 1) where parts[0] == "coupons":
            writes.append("coupon")
            guard coupons.insert((body["code"] as? String ?? "").lowercased()).inserted else {
                return Self.error("woocommerce_rest_coupon_code_already_exists", "The coupon code already exists", .badRequest)
            }
            return Self.json(["id": counter, "code": (body["code"] as? String ?? "").lowercased()], status: .created)
        default:
            return Self.error("rest_no_route", "No route was found matching the URL and request method.", .notFound)
        }
    }

    /// An order as WooCommerce's REST API (and its `order.*` webhooks) writes it.
    static func render(_ order: StoreOrder) -> [String: Any] {
        let status = order.isCancelled ? "cancelled" : order.financialStatus == .refunded ? "refunded"
            : order.fulfillmentStatus == .fulfilled ? "completed" : "processing"
        let iso = { (date: Date) in String(date.formatted(.iso8601).dropLast()) }
        return [
            "id": Int(order.id) ?? 0, "number": order.id, "status": status, "currency": order.total.currency,
            "date_created_gmt": iso(order.createdAt), "date_modified_gmt": iso(order.updatedAt ?? Date()), "total": order.total.decimalString,
            "shipping_total": (order.shipping ?? .zero(order.total.currency)).decimalString, "customer_id": 0, "customer_note": order.note ?? "",
            "billing": ["email": order.email ?? "", "phone": order.phone ?? ""],
            "shipping": ["first_name": "", "last_name": "", "address_1": order.shippingAddress?.address1 ?? "", "city": order.shippingAddress?.city ?? "",
                         "postcode": order.shippingAddress?.zip ?? "", "country": order.shippingAddress?.countryCode ?? ""],
            "line_items": order.lineItems.map { item -> [String: Any] in
                ["id": Int(item.id) ?? 0, "name": item.title, "quantity": item.quantity,
                 "subtotal": Money.decimalString(minor: item.unitPrice.minor * Int64(item.quantity), currency: item.unitPrice.currency),
                 "total": Money.decimalString(minor: item.unitPrice.minor * Int64(item.quantity), currency: item.unitPrice.currency), "sku": item.sku ?? ""]
            },
            "refunds": order.refunds.map { ["id": Int($0.id) ?? 0, "reason": $0.note ?? "", "total": "-" + $0.amount.decimalString] },
            "meta_data": [],
        ]
    }

    static func json(_ value: Any, status: HTTPResponse.Status = .ok) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: value)) ?? Data("{}".utf8)
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(data: data)))
    }

    static func error(_ code: String, _ message: String, _ status: HTTPResponse.Status) -> Response {
        json(["code": code, "message": message, "data": ["status": status.code]], status: status)
    }
}
