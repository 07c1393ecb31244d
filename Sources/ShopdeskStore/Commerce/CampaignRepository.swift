import Foundation
import ShopdeskCore
import SQLKit

/// A campaign as stored.
public struct CampaignRecord: Equatable, Sendable {
    public enum Status: String, Codable, Sendable, CaseIterable { case draft, active, paused }

    public var id: Int64
    public var workspaceID: WorkspaceID
    public var inboxID: InboxID
    public var name: String
    public var status: Status
    /// Higher first when several campaigns match the same visitor.
    public var priority: Int
    public var definition: CampaignDefinition
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: Int64, workspaceID: WorkspaceID, inboxID: InboxID, name: String, status: Status, priority: Int, definition: CampaignDefinition,
                createdAt: Date, updatedAt: Date) {
        self.id = id; self.workspaceID = workspaceID; self.inboxID = inboxID; self.name = name; self.status = status; self.priority = priority
        self.definition = definition; self.createdAt = createdAt; self.updatedAt = updatedAt
    }
}

/// Per variant: displays and what came of them.
public struct CampaignVariantResult: Equatable, Sendable {
    public var variant: String
    public var shown: Int
    public var engaged: Int
    public var conversations: Int
    public var orders: Int
    /// Revenue of the credited orders, per currency.
    public var revenue: [Amount]

    public init(variant: String, shown: Int = 0, engaged: Int = 0, conversations: Int = 0, orders: Int = 0, revenue: [Amount] = []) {
        self.variant = variant; self.shown = shown; self.engaged = engaged; self.conversations = conversations; self.orders = orders; self.revenue = revenue
    }
}

/// Campaigns, their displays and the orders credited to them. Every statement names the workspace.
public enum CampaignRepository {
    public static func save(_ record: CampaignRecord, in sql: any SQLDatabase) async throws -> CampaignRecord {
        let definition = try JSONCoding.string(record.definition)
        if record.id == 0 {
            guard let row = try await sql.raw("""
                INSERT INTO campaigns (workspace_id, inbox_id, name, status, priority, definition, created_at, updated_at)
                VALUES (\(bind: record.workspaceID.rawValue), \(bind: record.inboxID.rawValue), \(bind: record.name), \(bind: record.status.rawValue),
                  \(bind: record.priority), \(bind: definition), \(bind: record.createdAt.millis), \(bind: record.updatedAt.millis))
                RETURNING *
                """).first() else { throw StoredValueError(column: "campaigns.id", value: "missing") }
            return try decode(row)
        }
        try await sql.raw("""
            UPDATE campaigns SET inbox_id = \(bind: record.inboxID.rawValue), name = \(bind: record.name), status = \(bind: record.status.rawValue),
              priority = \(bind: record.priority), definition = \(bind: definition), updated_at = \(bind: record.updatedAt.millis)
            WHERE workspace_id = \(bind: record.workspaceID.rawValue) AND id = \(bind: record.id)
            """).run()
        return record
    }

    public static func find(workspaceID: WorkspaceID, id: Int64, in sql: any SQLDatabase) async throws -> CampaignRecord? {
        try await sql.raw("SELECT * FROM campaigns WHERE workspace_id = \(bind: workspaceID.rawValue) AND id = \(bind: id)").first().map(decode)
    }

    public static func list(workspaceID: WorkspaceID, in sql: any SQLDatabase) async throws -> [CampaignRecord] {
        try await sql.raw("SELECT * FROM campaigns WHERE workspace_id = \(bind: workspaceID.rawValue) ORDER BY priority DESC, id").all().map(decode)
    }

    /// The active campaigns of a chat inbox, highest priority first: the widget's document.
    public static func active(workspaceID: WorkspaceID, inboxID: InboxID, in sql: any SQLDatabase) async throws -> [CampaignRecord] {
        try await sql.raw("""
            SELECT * FROM campaigns WHERE workspace_id = \(bind: workspaceID.rawValue) AND inbox_id = \(bind: inboxID.rawValue) AND status = 'active'
            ORDER BY priority DESC, id
            """).all().map(decode)
    }

    public static func delete(workspaceID: WorkspaceID, id: Int64, in sql: any SQLDatabase) async throws -> Bool {
        try await !sql.raw("DELETE FROM campaigns WHERE workspace_id = \(bind: workspaceID.rawValue) AND id = \(bind: id) RETURNING id").all().isEmpty
    }

    static func shows(workspaceID: WorkspaceID, campaignID: Int64, visitorID: Int64, in sql: any SQLDatabase) async throws -> (count: Int, last: Date?) {
        let row = try await sql.raw("""
            SELECT COUNT(*) AS n, MAX(shown_at) AS last FROM campaign_shows
            WHERE workspace_id = \(bind: workspaceID.rawValue) AND campaign_id = \(bind: campaignID) AND visitor_id = \(bind: visitorID)
            """).first()
        return (try row?.int("n") ?? 0, try row?.dateOrNil("last"))
    }

    static func insertShow(workspaceID: WorkspaceID, campaignID: Int64, variant: String, visitorID: Int64, code: String?, at time: Date,
                           in sql: any SQLDatabase) async throws -> Int64 {
        guard let row = try await sql.raw("""
            INSERT INTO campaign_shows (workspace_id, campaign_id, variant, visitor_id, discount_code, shown_at)
            VALUES (\(bind: workspaceID.rawValue), \(bind: campaignID), \(bind: variant), \(bind: visitorID), \(bind: code), \(bind: time.millis))
            RETURNING id
            """).first() else { throw StoredValueError(column: "campaign_shows.id", value: "missing") }
        return try row.int64("id")
    }

    /// The visitor's display: campaign, variant and code; nil when it is not theirs.
    public static func show(workspaceID: WorkspaceID, id: Int64, visitorID: Int64, in sql: any SQLDatabase) async throws
        -> (campaignID: Int64, variant: String, code: String?, conversationID: ConversationID?)? {
        guard let row = try await sql.raw("""
            SELECT campaign_id, variant, discount_code, conversation_id FROM campaign_shows
            WHERE workspace_id = \(bind: workspaceID.rawValue) AND id = \(bind: id) AND visitor_id = \(bind: visitorID)
            """).first() else { return nil }
        return (try row.int64("campaign_id"), try row.string("variant"), try row.stringOrNil("discount_code"), try row.idOrNil("conversation_id"))
    }

    /// The visitor clicked, answered or closed the display (the first time counts).
    static func mark(_ column: String, workspaceID: WorkspaceID, id: Int64, visitorID: Int64, at time: Date, in sql: any SQLDatabase) async throws {
        let target: SQLQueryString = column == "dismissed" ? "dismissed_at" : "engaged_at"
        try await sql.raw("""
            UPDATE campaign_shows SET \(target) = COALESCE(\(target), \(bind: time.millis))
            WHERE workspace_id = \(bind: workspaceID.rawValue) AND id = \(bind: id) AND visitor_id = \(bind: visitorID)
            """).run()
    }

    static func linkConversation(workspaceID: WorkspaceID, id: Int64, visitorID: Int64, conversationID: ConversationID, at time: Date,
                                 in sql: any SQLDatabase) async throws {
        try await sql.raw("""
            UPDATE campaign_shows SET conversation_id = COALESCE(conversation_id, \(bind: conversationID.rawValue)),
              engaged_at = COALESCE(engaged_at, \(bind: time.millis))
            WHERE workspace_id = \(bind: workspaceID.rawValue) AND id = \(bind: id) AND visitor_id = \(bind: visitorID)
            """).run()
    }

    /// Credits a new order to the display that brought it: the one whose code it used, else the
    /// latest display to the same customer (through their chat visitor) within the campaign's window.
    static func credit(_ record: OrderRecord, in sql: any SQLDatabase) async throws {
        let order = record.order, placed = order.createdAt, ws = record.workspaceID.rawValue
        guard !order.isCancelled else { return }
        var candidates: [(show: Int64, campaign: Int64, variant: String, shownAt: Date, days: Int)] = []
        let codes = (order.discountCodes ?? []).map { $0.uppercased() }
        let decodeRow = { (row: any SQLRow) throws -> (show: Int64, campaign: Int64, variant: String, shownAt: Date, days: Int) in
            let definition = try JSONCoding.decode(CampaignDefinition.self, from: try row.string("definition"))
            return (try row.int64("id"), try row.int64("campaign_id"), try row.string("variant"), try row.date("shown_at"), definition.attributionDays)
        }
        if !codes.isEmpty {
            candidates = try await sql.raw("""
                SELECT s.id, s.campaign_id, s.variant, s.shown_at, c.definition FROM campaign_shows s JOIN campaigns c ON c.id = s.campaign_id
                WHERE s.workspace_id = \(bind: ws) AND s.discount_code IN (\(binds: codes)) AND s.shown_at <= \(bind: placed.millis)
                ORDER BY s.shown_at DESC LIMIT 1
                """).all().map(decodeRow)
        }
        if candidates.isEmpty, let customer = record.customerID {
            candidates = try await sql.raw("""
                SELECT s.id, s.campaign_id, s.variant, s.shown_at, c.definition FROM campaign_shows s
                JOIN campaigns c ON c.id = s.campaign_id JOIN chat_visitors v ON v.id = s.visitor_id
                WHERE s.workspace_id = \(bind: ws) AND v.workspace_id = \(bind: ws) AND v.customer_id = \(bind: customer.rawValue)
                  AND s.shown_at <= \(bind: placed.millis) AND s.shown_at >= \(bind: placed.addingTimeInterval(-90 * 86_400).millis)
                ORDER BY s.shown_at DESC LIMIT 20
                """).all().map(decodeRow).filter { placed.timeIntervalSince($0.shownAt) <= Double($0.days) * 86_400 }
        }
        guard let chosen = candidates.first else { return }
        try await sql.raw("""
            INSERT INTO campaign_credits (order_id, workspace_id, campaign_id, show_id, variant, amount_minor, currency, placed_at)
            VALUES (\(bind: record.id.rawValue), \(bind: ws), \(bind: chosen.campaign), \(bind: chosen.show), \(bind: chosen.variant),
              \(bind: order.total.minor), \(bind: order.total.currency), \(bind: placed.millis))
            ON CONFLICT (order_id) DO NOTHING
            """).run()
    }

    public static func results(workspaceID: WorkspaceID, campaignID: Int64, in sql: any SQLDatabase) async throws -> [CampaignVariantResult] {
        let ws = workspaceID.rawValue
        var results: [String: CampaignVariantResult] = [:]
        for row in try await sql.raw("""
            SELECT variant, COUNT(*) AS shown, COUNT(engaged_at) AS engaged, COUNT(conversation_id) AS conversations FROM campaign_shows
            WHERE workspace_id = \(bind: ws) AND campaign_id = \(bind: campaignID) GROUP BY variant
            """).all() {
            let variant = try row.string("variant")
            results[variant] = CampaignVariantResult(variant: variant, shown: try row.int("shown"), engaged: try row.int("engaged"),
                                                     conversations: try row.int("conversations"), orders: 0, revenue: [])
        }
        for row in try await sql.raw("""
            SELECT variant, currency, COUNT(*) AS n, CAST(SUM(amount_minor) AS BIGINT) AS total FROM campaign_credits
            WHERE workspace_id = \(bind: ws) AND campaign_id = \(bind: campaignID) GROUP BY variant, currency
            """).all() {
            let variant = try row.string("variant")
            var result = results[variant] ?? CampaignVariantResult(variant: variant, shown: 0, engaged: 0, conversations: 0, orders: 0, revenue: [])
            result.orders += try row.int("n")
            result.revenue.append(Amount(minor: try row.int64("total"), currency: try row.string("currency")))
            results[variant] = result
        }
        return results.values.sorted { $0.variant < $1.variant }
    }

    static func decode(_ row: any SQLRow) throws -> CampaignRecord {
        CampaignRecord(id: try row.int64("id"), workspaceID: try row.id("workspace_id"), inboxID: try row.id("inbox_id"), name: try row.string("name"),
                       status: try row.enumValue("status"), priority: try row.int("priority"),
                       definition: try JSONCoding.decode(CampaignDefinition.self, from: try row.string("definition")),
                       createdAt: try row.date("created_at"), updatedAt: try row.date("updated_at"))
    }
}
