import Crypto
import Foundation
import ShopdeskCore

/// What an inbound shop webhook tells us, once its signature has been checked.
public struct StoreWebhookNotice: Equatable, Sendable {
    /// Unique per delivery attempt's event, for deduplication (a retried delivery repeats it).
    public var eventID: String
    public var topic: String
    /// The order to read again from the shop, when the event is about one.
    public var orderID: String?
    /// The order itself when the payload carries it whole in our shape (WooCommerce).
    public var order: StoreOrder?
    /// A privacy request (Shopify's mandatory compliance topics).
    public var privacy: ShopPrivacyRequest?
}

/// What a shop asks of Shopdesk about a customer or about itself: `customers/data_request`
/// (give the merchant what is stored), `customers/redact` (erase it), `shop/redact` (erase the
/// shop's data, 48 hours after it uninstalled the app).
public struct ShopPrivacyRequest: Equatable, Sendable {
    public var topic: String
    public var email: String?
    public var phone: String?
    /// The shop's order ids (`gid://shopify/Order/…`) the request names.
    public var orderIDs: [String]
    public var shopDomain: String?
}

public enum StoreWebhooks {
    /// Checks the platform's signature over the raw body in constant time.
    ///
    /// Shopify: `X-Shopify-Hmac-Sha256` = base64(HMAC-SHA256(app secret, body)).
    /// WooCommerce: `X-WC-Webhook-Signature` = base64(HMAC-SHA256(webhook secret, body)).
    public static func verify(platform: StorePlatform, secret: String, body: Data, headers: [String: String]) -> Bool {
        let header: String? = switch platform {
        case .shopify: headers["x-shopify-hmac-sha256"]
        case .woocommerce: headers["x-wc-webhook-signature"]
        case .csv, .sandbox: nil
        }
        guard let header, let given = Data(base64Encoded: header.trimmingCharacters(in: .whitespaces)), !secret.isEmpty else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(given, authenticating: body, using: SymmetricKey(data: Data(secret.utf8)))
    }

    public static func sign(body: Data, secret: String) -> String {
        Data(HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Data(secret.utf8)))).base64EncodedString()
    }

    /// Reads a verified delivery. Nil when the payload is not one we act on (a WooCommerce
    /// "ping" when the hook is created, a topic we did not subscribe to).
    public static func notice(platform: StorePlatform, body: Data, headers: [String: String], siteURL: String) throws -> StoreWebhookNotice? {
        switch platform {
        case .shopify:
            guard let topic = headers["x-shopify-topic"] else { return nil }
            let eventID = headers["x-shopify-event-id"] ?? headers["x-shopify-webhook-id"] ?? sha(body)
            let json = try JSONValue.parse(body)
            if ["customers/data_request", "customers/redact", "shop/redact"].contains(topic) {
                let customer = json["customer"]
                let orders = (topic == "customers/redact" ? json["orders_to_redact"] : json["orders_requested"]).array
                    .compactMap { $0.string }.map { "gid://shopify/Order/\($0)" }
                let request = ShopPrivacyRequest(topic: topic, email: customer["email"].string, phone: customer["phone"].string,
                                                 orderIDs: orders, shopDomain: json["shop_domain"].string)
                return StoreWebhookNotice(eventID: eventID, topic: topic, orderID: nil, order: nil, privacy: request)
            }
            let orderID: String? = if topic.hasPrefix("orders/") {
                json["admin_graphql_api_id"].string
            } else if topic.hasPrefix("fulfillments/") || topic.hasPrefix("refunds/") {
                json["order_id"].string.map { "gid://shopify/Order/\($0)" }
            } else {
                nil
            }
            return StoreWebhookNotice(eventID: eventID, topic: topic, orderID: orderID, order: nil)
        case .woocommerce:
            guard let topic = headers["x-wc-webhook-topic"], topic.hasPrefix("order.") else { return nil }
            let eventID = headers["x-wc-webhook-delivery-id"].map { "\(headers["x-wc-webhook-id"] ?? "")-\($0)" } ?? sha(body)
            let json = try JSONValue.parse(body)
            let order = try? WooCommerceConnector.decodeOrder(json, siteURL: siteURL)
            return StoreWebhookNotice(eventID: eventID, topic: topic, orderID: order?.id ?? json["id"].string, order: order)
        case .csv, .sandbox:
            return nil
        }
    }

    private static func sha(_ body: Data) -> String {
        SHA256.hash(data: body).map { String(format: "%02x", $0) }.joined()
    }
}
