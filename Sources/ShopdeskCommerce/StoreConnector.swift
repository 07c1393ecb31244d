import Foundation
import ShopdeskCore

/// The platforms Shopdesk connects to. A new platform is one connector plus one case here.
public enum StorePlatform: String, Codable, Sendable, CaseIterable {
    case shopify
    case woocommerce
    /// Customers and orders imported from CSV files: read-only, no actions.
    case csv
    /// The built-in demo shop: orders live in Shopdesk's own tables and actions change them.
    case sandbox

    /// Whether orders are read from the shop's API (rather than only from stored snapshots).
    public var isLive: Bool { self == .shopify || self == .woocommerce }
}

/// One HTTP exchange with a shop. The server supplies the implementation that refuses private
/// addresses and pins the checked address; connectors only build requests and read answers.
public protocol StoreHTTP: Sendable {
    func send(_ request: StoreHTTPRequest) async throws -> StoreHTTPResponse
}

public struct StoreHTTPRequest: Sendable {
    public var method: String
    public var url: String
    public var headers: [(String, String)]
    public var body: Data?

    public init(method: String, url: String, headers: [(String, String)] = [], body: Data? = nil) {
        self.method = method; self.url = url; self.headers = headers; self.body = body
    }
}

public struct StoreHTTPResponse: Sendable {
    public var status: Int
    /// Header names in lower case.
    public var headers: [String: String]
    public var body: Data

    public init(status: Int, headers: [String: String], body: Data) {
        self.status = status; self.headers = headers; self.body = body
    }
}

/// What the connection test shows.
public struct ShopInfo: Equatable, Sendable {
    public var name: String
    public var currency: String
    public var domain: String?
    public init(name: String, currency: String, domain: String?) { self.name = name; self.currency = currency; self.domain = domain }
}

/// The shop's answer to an action: the order as it is now (when the shop returns it) and the
/// ids it gave (refund id, discount id, job id).
public struct ActionOutcome: Sendable {
    public var order: StoreOrder?
    public var detail: [String: String]
    public init(order: StoreOrder?, detail: [String: String]) { self.order = order; self.detail = detail }
}

/// One shop: look customers' orders up and act on them.
public protocol StoreConnector: Sendable {
    func shopInfo() async throws -> ShopInfo
    /// The customer's most recent orders, newest first, found by email (or phone when there is no email).
    func orders(email: String?, phone: String?, limit: Int) async throws -> [StoreOrder]
    func order(id: String) async throws -> StoreOrder?
    /// Runs the action once. `idempotencyKey` is passed to platforms that honour one, so a retry
    /// after a lost answer cannot act twice.
    func perform(_ action: OrderAction, on order: StoreOrder, idempotencyKey: String) async throws -> ActionOutcome
    /// The money a refund would return, as the shop computes it (Shopify: its suggested refund,
    /// with discounts and taxes), shown to the agent before confirming.
    func refundPreview(_ request: RefundRequest, on order: StoreOrder) async throws -> Amount
    /// A single-use discount code, for one customer when `customerRef` or `email` names them
    /// (a campaign's code is for whoever uses it first); the shop's ids for it.
    func createDiscountCode(_ discount: DiscountRequest, customerRef: String?, email: String?) async throws -> [String: String]
    /// The order's total if the edit were made, as the shop computes it (nothing is saved).
    func editPreview(_ edit: OrderEditRequest, on order: StoreOrder) async throws -> Amount
    /// Variants the shop sells whose name or SKU matches, to add to an order.
    func variants(matching query: String) async throws -> [ShopVariant]
}

extension StoreConnector {
    public func editPreview(_ edit: OrderEditRequest, on order: StoreOrder) async throws -> Amount { edit.estimatedTotal(for: order) }

    public func variants(matching query: String) async throws -> [ShopVariant] {
        throw CommerceError.unsupported("This shop's products cannot be searched from Shopdesk.")
    }

    /// Platforms that refund exactly the amount they are sent: Shopdesk's own computation.
    public func refundPreview(_ request: RefundRequest, on order: StoreOrder) async throws -> Amount {
        try request.amount(for: order)
    }
}

/// One page of a shop's list, and the cursor of the next (nil: this was the last).
public struct StorePage<Item: Sendable>: Sendable {
    public var items: [Item]
    public var next: String?
    public init(items: [Item], next: String?) { self.items = items; self.next = next }
}

/// A shop whose customers and orders can be read page by page: the backfill on connect and the
/// periodic reconciliation that catches what webhooks missed.
public protocol StoreBackfilling: StoreConnector {
    /// How many customers, and orders updated since `since`, the shop has (nil when it does not say).
    func counts(ordersUpdatedSince since: Date) async throws -> (customers: Int?, orders: Int?)
    func customers(after cursor: String?) async throws -> StorePage<CSVImport.CustomerRow>
    /// Orders updated since `since`, oldest change first.
    func orders(updatedSince since: Date, after cursor: String?) async throws -> StorePage<StoreOrder>
}

/// A shop that keeps returns itself (Shopify): Shopdesk opens, approves and declines the shop's
/// own return and mirrors it; the refund goes through `perform(.refund)` with the return's id.
public protocol StoreReturning: StoreConnector {
    /// Opens a return of these lines as the customer's request; the shop's id for it.
    func requestReturn(_ lines: [ReturnLine], on order: StoreOrder) async throws -> String
    func approveReturn(_ id: String) async throws
    func declineReturn(_ id: String, note: String?) async throws
    func cancelReturn(_ id: String) async throws
    /// Opens an agent's return whose items are swapped for other variants (open at once).
    func createExchange(_ lines: [ReturnLine], on order: StoreOrder) async throws -> String
    /// The parcel is in: the returned items are confirmed and the exchanged ones sent out.
    func processExchange(_ id: String) async throws -> [String: String]
}

/// Credentials and address of a connection, as stored (encrypted) by the server.
public struct StoreCredentials: Codable, Sendable, Equatable {
    /// Shopify: the Admin API access token of a legacy custom app (empty for the grants).
    /// WooCommerce: the consumer key.
    public var token: String
    /// WooCommerce: the consumer secret.
    public var secret: String?
    /// Shopify: how Shopdesk gets its access token (nil: the static `token`).
    public var auth: ShopifyAuth?
    /// Shopify, for the grants: the app's client id and secret from the Dev Dashboard.
    public var clientID: String?
    public var clientSecret: String?

    public init(token: String, secret: String? = nil) { self.token = token; self.secret = secret }

    public init(auth: ShopifyAuth, clientID: String, clientSecret: String) {
        token = ""
        self.auth = auth; self.clientID = clientID; self.clientSecret = clientSecret
    }

    enum CodingKeys: String, CodingKey {
        case token, secret, auth
        case clientID = "client_id"
        case clientSecret = "client_secret"
    }
}

/// The ways Shopify gives an app its Admin API token.
public enum ShopifyAuth: String, Codable, Sendable, CaseIterable {
    /// A legacy custom app's token, pasted from the shop's admin (none can be created since 2026).
    case token
    /// An app of the shop's own organization (Dev Dashboard): id and secret for a day's token.
    case clientCredentials = "client_credentials"
    /// Shopdesk installed from the shop's address: the merchant approves, Shopify calls back with
    /// a code, and the expiring offline token is refreshed from then on.
    case authorizationCode = "authorization_code"
}

public enum StoreConnectors {
    /// The connector for a live platform, or nil for the ones served from snapshots.
    /// Shopify's token comes from `tokens` when given (the grants), else from the credentials.
    public static func make(platform: StorePlatform, shopURL: String, credentials: StoreCredentials, http: any StoreHTTP,
                            tokens: (any ShopifyTokenSource)? = nil) -> (any StoreConnector)? {
        switch platform {
        case .shopify: ShopifyConnector(shopURL: shopURL, tokens: tokens ?? StaticShopifyToken(credentials.token), http: http)
        case .woocommerce: WooCommerceConnector(siteURL: shopURL, consumerKey: credentials.token, consumerSecret: credentials.secret ?? "", http: http)
        case .csv, .sandbox: nil
        }
    }
}

extension Date {
    /// Shops write ISO 8601 with or without fractional seconds and with zones or offsets.
    static func fromShop(_ text: String?) -> Date? {
        guard let text, !text.isEmpty else { return nil }
        if let date = try? Date(text, strategy: .iso8601) { return date }
        let fractional = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        if let date = try? fractional.parse(text) { return date }
        // WooCommerce's `_gmt` fields have no zone: they are UTC.
        return try? Date(text + "Z", strategy: .iso8601)
    }
}
