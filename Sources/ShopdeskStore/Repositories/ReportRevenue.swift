import Foundation
import ShopdeskCore
import ShopdeskIntelligence
import SQLKit

/// The revenue support brought in a report's period, beside its other figures: the orders
/// attributed to an agent's response (`revenue_credits`, placed in the period), per currency, per
/// agent and per channel — amounts in different currencies are never added — and the conversion
/// rate of the conversations created in the period with a purchase intent.
public enum ReportRevenue {
    public struct Line: Sendable, Equatable {
        /// The agent's id, the channel, or `""` for the total.
        public var key: String
        public var currency: String
        public var orders: Int
        public var amountMinor: Int64
    }

    public struct Revenue: Sendable, Equatable {
        public var totals: [Line] = []
        public var agents: [Line] = []
        public var channels: [Line] = []
        /// Created in the period with a purchase intent (`Intents.purchase`), and of them those an attributed order followed.
        public var purchaseConversations = 0
        public var purchaseConverted = 0
    }

    public static func revenue(workspaceID: WorkspaceID, from: Int, to: Int, filter: ReportQueries.Filter, clock: ReportClock,
                               detail: Bool = true, in sql: any SQLDatabase) async throws -> Revenue {
        let ws = workspaceID.rawValue
        let narrowed = try ReportQueries.where_(filter)
        var revenue = Revenue()
        var totals: [String: Line] = [:], agents: [String: Line] = [:], channels: [String: Line] = [:]
        // The report's filters are the conversation's: each credit is read with its conversation's facts.
        for row in try await sql.raw("""
            SELECT r.agent_id, f.channel, r.currency, COUNT(*) AS n, CAST(SUM(r.amount_minor) AS BIGINT) AS total
            FROM revenue_credits r JOIN report_facts f ON f.conversation_id = r.conversation_id
            WHERE r.workspace_id = \(bind: ws) AND r.placed_at >= \(bind: clock.start(of: from).millis)
              AND r.placed_at < \(bind: clock.start(of: to).millis)\(narrowed)
            GROUP BY r.agent_id, f.channel, r.currency
            """).all() {
            let currency = try row.string("currency"), n = try row.int("n"), total = try row.int64("total")
            let add = { (lines: inout [String: Line], key: String) in
                lines["\(key)|\(currency)", default: Line(key: key, currency: currency, orders: 0, amountMinor: 0)].orders += n
                lines["\(key)|\(currency)"]?.amountMinor += total
            }
            add(&totals, "")
            add(&agents, try row.int64OrNil("agent_id").map(String.init) ?? "")
            add(&channels, try row.string("channel"))
        }
        let sorted = { (lines: [String: Line]) in
            lines.values.sorted { $0.amountMinor != $1.amountMinor ? $0.amountMinor > $1.amountMinor : ($0.key, $0.currency) < ($1.key, $1.currency) }
        }
        revenue.totals = sorted(totals)
        guard detail else { return revenue }
        revenue.agents = sorted(agents)
        revenue.channels = sorted(channels)
        if let row = try await sql.raw("""
            SELECT COUNT(*) AS n,
              CAST(SUM(CASE WHEN EXISTS (SELECT 1 FROM revenue_credits r WHERE r.conversation_id = f.conversation_id) THEN 1 ELSE 0 END) AS BIGINT) AS converted
            FROM report_facts f
            WHERE f.workspace_id = \(bind: ws) AND f.intent IN (\(binds: Intents.purchase))
              AND f.created_day >= \(bind: from) AND f.created_day < \(bind: to)\(narrowed)
            """).first() {
            revenue.purchaseConversations = try row.int("n")
            revenue.purchaseConverted = try row.int64OrNil("converted").map(Int.init) ?? 0
        }
        return revenue
    }
}
