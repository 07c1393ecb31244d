import Foundation
import Hummingbird
import ShopdeskCommerce
import ShopdeskCore
import ShopdeskStore

/// Opening a connection's sealed credentials into a live connector.
enum StoreConnections {
    static func connector(for connection: StoreConnection, configuration: ServerConfiguration,
                          guardrail: OutboundURLGuard, tokens: ShopifyTokenBroker) throws -> (any StoreConnector)? {
        guard connection.platform.isLive else { return nil }
        let credentials = try credentials(of: connection, configuration: configuration)
        let granted: (any ShopifyTokenSource)? = switch credentials.auth ?? .token {
        case .token: nil
        case .clientCredentials, .authorizationCode: ConnectionShopifyTokens(broker: tokens, connection: connection, credentials: credentials)
        }
        return StoreConnectors.make(platform: connection.platform, shopURL: connection.shopURL, credentials: credentials,
                                    http: GuardedStoreHTTP(guardrail: guardrail), tokens: granted)
    }

    static func credentials(of connection: StoreConnection, configuration: ServerConfiguration) throws -> StoreCredentials {
        guard let sealed = connection.sealedCredentials else {
            throw CommerceError.rejected("\(connection.name) has no credentials; add them in Settings → Shops.")
        }
        return try JSONDecoder().decode(StoreCredentials.self, from: Data(try SecretBox.load(configuration: configuration).open(sealed).utf8))
    }
}

struct StoreConnectionDTO: ResponseEncodable {
    var id: Int64
    var platform: String
    var name: String
    var shopUrl: String
    var hasCredentials: Bool
    var hasWebhookSecret: Bool
    /// Where the shop sends its webhooks (orders, fulfillments, refunds, customers).
    var webhookPath: String
    var approvalThreshold: String?
    var attributionDays: Int
    var currency: String
    /// Percentage discount codes above this wait for an admin when a threshold is set.
    var discountPercentLimit: Int
    var lastError: String?
    var createdAt: Date
    /// Shopify: `token`, `client_credentials` or `authorization_code`.
    var auth: String?
    var shopDomain: String?
    /// Shopify's grants: the redirect address to allow in the app's settings (installs).
    var callbackUrl: String?
    var token: TokenState?
    /// Reading the shop whole: `customers`, `orders` (with counts and the shop's totals) or `done`.
    var sync: SyncState?

    struct SyncState: Encodable {
        var phase: String
        var customers: Int
        var orders: Int
        var customersTotal: Int?
        var ordersTotal: Int?
        var startedAt: Date
        var finishedAt: Date?
        var error: String?
    }

    /// The access token Shopdesk holds for a Shopify grant (never the token itself).
    struct TokenState: Encodable {
        var present: Bool
        var expiresAt: Date?
        var scopes: [String]
        var missingScopes: [String]
        /// How many tokens Shopdesk obtained for this shop, and when the last one.
        var renewals: Int
        var renewedAt: Date?
    }

    init(_ connection: StoreConnection) {
        id = connection.id.rawValue
        platform = connection.platform.rawValue
        name = connection.name
        shopUrl = connection.shopURL
        hasCredentials = connection.sealedCredentials != nil
        hasWebhookSecret = connection.sealedWebhookSecret != nil
        webhookPath = "/api/v1/stores/\(connection.id.rawValue)/webhooks"
        approvalThreshold = connection.settings.approvalThresholdMinor.map { Money.decimalString(minor: $0, currency: connection.settings.currency) }
        attributionDays = connection.settings.attributionDays
        currency = connection.settings.currency
        discountPercentLimit = connection.settings.approval.discountPercentLimit
        lastError = connection.lastError
        createdAt = connection.createdAt
        shopDomain = connection.settings.shopDomain
    }
}

struct OrderDTO: ResponseEncodable {
    var id: Int64
    var connectionId: Int64
    var customerId: Int64?
    var syncedAt: Date
    var order: StoreOrder
    var actions: [OrderActionDTO]?

    init(_ record: OrderRecord, actions: [OrderActionRecord]? = nil) {
        id = record.id.rawValue
        connectionId = record.connectionID.rawValue
        customerId = record.customerID?.rawValue
        syncedAt = record.syncedAt
        order = record.order
        self.actions = actions?.map(OrderActionDTO.init)
    }
}

struct OrderActionDTO: ResponseEncodable {
    var id: Int64
    var orderId: Int64
    var conversationId: Int64?
    /// Who asked: an agent, or a rule (`rule_id`).
    var agentId: Int64?
    var ruleId: Int64?
    /// The asking rule's name, where the answer lists it (the approvals).
    var ruleName: String?
    var kind: String
    var summary: String
    var amount: Amount?
    var state: String
    var result: [String: String]
    var error: String?
    var decidedBy: Int64?
    var createdAt: Date
    var updatedAt: Date

    init(_ record: OrderActionRecord) {
        id = record.id.rawValue
        orderId = record.orderID.rawValue
        conversationId = record.conversationID?.rawValue
        agentId = record.agentID?.rawValue
        ruleId = record.ruleID
        kind = record.kind
        summary = record.summary
        amount = record.amount
        state = record.state.rawValue
        result = record.result
        error = record.error
        decidedBy = record.decidedBy?.rawValue
        createdAt = record.createdAt
        updatedAt = record.updatedAt
    }
}

/// What a refund would return before the agent confirms it.
struct RefundPreviewDTO: ResponseEncodable {
    var amount: String
    var currency: String
    /// `shopify` when Shopify computed it, else the platform or `shopdesk`.
    var computedBy: String
}
