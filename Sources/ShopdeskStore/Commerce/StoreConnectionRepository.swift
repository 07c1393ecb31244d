import Foundation
import ShopdeskCommerce
import ShopdeskCore
import SQLKit

/// How a workspace works with one connected shop.
public struct CommerceSettings: Codable, Equatable, Sendable {
    /// Refunds (and refunding cancellations, fixed discounts) above this many minor units need an
    /// admin's approval when an agent asks for them. Nil: no approval needed.
    public var approvalThresholdMinor: Int64?
    /// An order placed this many days after an agent's reply is credited to the conversation.
    public var attributionDays: Int
    /// The shop's currency (from the connection test), for thresholds and reports.
    public var currency: String
    /// Percentage discount codes above this need an admin (default `OrderApproval.defaultDiscountPercentLimit`).
    public var discountPercentLimit: Int?
    /// Shopify: the shop's `<name>.myshopify.com` address, which Shopify's install callback names.
    public var shopDomain: String?
    /// The shop's return rules (the standard ones when unset).
    public var returns: ReturnPolicy?
    /// What the chat bot may do to this shop's orders itself (nothing when unset).
    public var bot: BotPolicy?

    /// The approval rules these settings make.
    public var approval: OrderApproval {
        OrderApproval(thresholdMinor: approvalThresholdMinor, discountPercentLimit: discountPercentLimit)
    }

    public init(approvalThresholdMinor: Int64? = nil, attributionDays: Int = RevenueAttribution.defaultWindowDays, currency: String = "USD") {
        self.approvalThresholdMinor = approvalThresholdMinor; self.attributionDays = attributionDays; self.currency = currency
    }

    enum CodingKeys: String, CodingKey {
        case currency
        case approvalThresholdMinor = "approval_threshold_minor"
        case attributionDays = "attribution_days"
        case discountPercentLimit = "discount_percent_limit"
        case shopDomain = "shop_domain"
        case returns, bot
    }
}

public struct StoreConnection: Equatable, Sendable {
    public var id: StoreConnectionID
    public var workspaceID: WorkspaceID
    public var platform: StorePlatform
    public var name: String
    public var shopURL: String
    /// Sealed by the server's secret box; never returned over the API.
    public var sealedCredentials: String?
    public var sealedWebhookSecret: String?
    public var settings: CommerceSettings
    public var lastError: String?
    public var createdAt: Date
}

public enum StoreConnectionRepository {
    public static func create(workspaceID: WorkspaceID, platform: StorePlatform, name: String, shopURL: String, sealedCredentials: String?,
                              sealedWebhookSecret: String?, settings: CommerceSettings, now: Date, in sql: any SQLDatabase) async throws -> StoreConnection {
        guard let row = try await sql.raw("""
            INSERT INTO store_connections (workspace_id, platform, name, shop_url, credentials, webhook_secret, settings, created_at, updated_at)
            VALUES (\(bind: workspaceID.rawValue), \(bind: platform.rawValue), \(bind: name), \(bind: shopURL), \(bind: sealedCredentials),
              \(bind: sealedWebhookSecret), \(bind: try JSONCoding.string(settings)), \(bind: now.millis), \(bind: now.millis))
            RETURNING *
            """).first() else { throw StoredValueError(column: "store_connections.id", value: "missing") }
        return try decode(row)
    }

    public static func update(_ connection: StoreConnection, now: Date, in sql: any SQLDatabase) async throws {
        try await sql.raw("""
            UPDATE store_connections SET name = \(bind: connection.name), shop_url = \(bind: connection.shopURL),
              credentials = \(bind: connection.sealedCredentials), webhook_secret = \(bind: connection.sealedWebhookSecret),
              settings = \(bind: try JSONCoding.string(connection.settings)), last_error = \(bind: connection.lastError),
              updated_at = \(bind: now.millis)
            WHERE workspace_id = \(bind: connection.workspaceID.rawValue) AND id = \(bind: connection.id.rawValue)
            """).run()
    }

    /// What went wrong last with the shop (shown in Settings → Shops); nil clears it.
    public static func setLastError(workspaceID: WorkspaceID, id: StoreConnectionID, _ error: String?, in sql: any SQLDatabase) async throws {
        try await sql.raw("""
            UPDATE store_connections SET last_error = \(bind: error.map { String($0.prefix(1000)) })
            WHERE workspace_id = \(bind: workspaceID.rawValue) AND id = \(bind: id.rawValue)
            """).run()
    }

    public static func list(workspaceID: WorkspaceID, in sql: any SQLDatabase) async throws -> [StoreConnection] {
        try await sql.raw("SELECT * FROM store_connections WHERE workspace_id = \(bind: workspaceID.rawValue) ORDER BY id").all().map(decode)
    }

    public static func find(workspaceID: WorkspaceID, id: StoreConnectionID, in sql: any SQLDatabase) async throws -> StoreConnection? {
        try await sql.raw("SELECT * FROM store_connections WHERE workspace_id = \(bind: workspaceID.rawValue) AND id = \(bind: id.rawValue)")
            .first().map(decode)
    }

    /// For inbound webhooks, which name the connection in their URL and prove it with a signature.
    public static func find(id: StoreConnectionID, in sql: any SQLDatabase) async throws -> StoreConnection? {
        try await sql.raw("SELECT * FROM store_connections WHERE id = \(bind: id.rawValue)").first().map(decode)
    }

    /// Deletes the connection with its snapshots, actions and credits; false (nothing changed)
    /// when the workspace has no such connection. Every statement names the workspace, so
    /// another workspace's connection id reaches none of the rows that hang off it.
    @discardableResult
    public static func delete(workspaceID: WorkspaceID, id: StoreConnectionID, in sql: any SQLDatabase) async throws -> Bool {
        let ws = workspaceID.rawValue, connection = id.rawValue
        guard try await sql.raw("SELECT id FROM store_connections WHERE workspace_id = \(bind: ws) AND id = \(bind: connection)").first() != nil else {
            return false
        }
        try await sql.raw("""
            DELETE FROM revenue_credits
            WHERE order_id IN (SELECT id FROM orders WHERE workspace_id = \(bind: ws) AND connection_id = \(bind: connection))
            """).run()
        try await sql.raw("DELETE FROM returns WHERE workspace_id = \(bind: ws) AND connection_id = \(bind: connection)").run()
        try await sql.raw("""
            DELETE FROM order_actions
            WHERE workspace_id = \(bind: ws) AND order_id IN (SELECT id FROM orders WHERE workspace_id = \(bind: ws) AND connection_id = \(bind: connection))
            """).run()
        try await sql.raw("DELETE FROM orders WHERE workspace_id = \(bind: ws) AND connection_id = \(bind: connection)").run()
        try await sql.raw("""
            DELETE FROM store_webhook_receipts
            WHERE connection_id IN (SELECT id FROM store_connections WHERE workspace_id = \(bind: ws) AND id = \(bind: connection))
            """).run()
        try await sql.raw("DELETE FROM store_tokens WHERE workspace_id = \(bind: ws) AND connection_id = \(bind: connection)").run()
        try await sql.raw("DELETE FROM store_syncs WHERE workspace_id = \(bind: ws) AND connection_id = \(bind: connection)").run()
        try await sql.raw("DELETE FROM store_connections WHERE workspace_id = \(bind: ws) AND id = \(bind: connection)").run()
        return true
    }

    static func decode(_ row: any SQLRow) throws -> StoreConnection {
        StoreConnection(
            id: try row.id("id"), workspaceID: try row.id("workspace_id"), platform: try row.enumValue("platform"),
            name: try row.string("name"), shopURL: try row.string("shop_url"), sealedCredentials: try row.stringOrNil("credentials"),
            sealedWebhookSecret: try row.stringOrNil("webhook_secret"),
            settings: try JSONCoding.decode(CommerceSettings.self, from: try row.string("settings")),
            lastError: try row.stringOrNil("last_error"), createdAt: try row.date("created_at"))
    }
}
