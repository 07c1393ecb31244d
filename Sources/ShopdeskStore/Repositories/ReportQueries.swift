import Foundation
import ShopdeskCore
import SQLKit

/// The figures of one period, read from `report_facts` (never from messages and events): each
/// metric is a range of one of its day indexes, narrowed by the filters.
public enum ReportQueries {
    /// Median, 90th percentile (nearest rank, each at the precision of `DurationHistogram`'s
    /// steps) and mean of a period's values, in seconds.
    public struct Distribution: Sendable, Equatable {
        public var count: Int
        public var median: Int?
        public var p90: Int?
        public var mean: Double?
        /// How many values fall under each bound of `bucketBounds` (the last: at or over the last bound).
        public var buckets: [Int]

        public static let bucketBounds = [300, 900, 3_600, 4 * 3_600, 24 * 3_600]

        public init(_ values: [Int]) {
            let sorted = values.sorted()
            count = sorted.count
            let rank = { (share: Double) -> Int? in
                sorted.isEmpty ? nil : sorted[max(0, Int((share * Double(sorted.count)).rounded(.up)) - 1)]
            }
            median = rank(0.5).map(DurationHistogram.step)
            p90 = rank(0.9).map(DurationHistogram.step)
            mean = sorted.isEmpty ? nil : Double(sorted.reduce(0, +)) / Double(sorted.count)
            var buckets = Array(repeating: 0, count: Self.bucketBounds.count + 1)
            for value in sorted { buckets[Self.bucketBounds.firstIndex { value < $0 } ?? Self.bucketBounds.count] += 1 }
            self.buckets = buckets
        }

        /// The same figures from a histogram and the exact sum of its durations.
        public init(_ histogram: DurationHistogram, sum: Int) {
            count = histogram.count
            let ranks = histogram.percentiles([0.5, 0.9])
            median = ranks[0]
            p90 = ranks[1]
            mean = count == 0 ? nil : Double(sum) / Double(count)
            buckets = histogram.buckets(Self.bucketBounds)
        }
    }

    public struct Speed: Sendable, Equatable {
        public var calendar: Distribution
        public var business: Distribution
    }

    public struct Period: Sendable, Equatable {
        public var conversations = 0
        public var merged = 0
        public var customerMessages = 0
        public var responses = 0
        public var automaticMessages = 0
        /// `yyyymmdd` → conversations created that day.
        public var createdByDay: [Int: Int] = [:]
        /// Slot of the week (Monday 0 × 24 + hour) → conversations created.
        public var heatmap: [Int: Int] = [:]
        /// Dimension (`channel`, `inbox`, `intent`, `language`, `team`, `agent`) → its value (`""`
        /// for none) → conversations created.
        public var breakdowns: [String: [String: Int]] = [:]
        public var firstResponse = Speed(calendar: .init([]), business: .init([]))
        public var nextResponse = Speed(calendar: .init([]), business: .init([]))
        public var resolution = Speed(calendar: .init([]), business: .init([]))
        public var resolved = 0
        /// First resolved in the period: how many, reopened within 7 days, one touch, FCR, and those with a response.
        public var firstResolved = 0
        public var reopened = 0
        public var oneTouch = 0
        public var fcr = 0
        public var firstResolvedWithResponse = 0
        public var csatAnswers = 0
        public var csatSatisfied = 0
        public var csatScoreSum = 0
        public var npsAnswers = 0
        public var npsPromoters = 0
        public var npsDetractors = 0
        public var surveysSent = 0
        public var surveysSentAnswered = 0
        public var botAnswered = 0
        public var botHandedOver = 0
        public var botResolved = 0
        /// Created in the period and touched by a rule, or by any automation (bot, rule, automatic reply).
        public var ruleTouched = 0
        public var automated = 0
        /// Resolved in the period by a rule (the resolution that stands).
        public var ruleResolved = 0
        /// The backlog: the sum of its moves before the period (open, pending and snoozed at the
        /// end of the day before it), and each day's moves in it (`detail` only).
        public var backlogBefore = BacklogChange(day: 0)
        public var backlogMoves: [Int: BacklogChange] = [:]
        /// SLA targets met and breached in the period, per target (`SLATarget.allCases`' order);
        /// the breaches' causes are `breakdowns["sla_cause"]` (`target/cause`, with `detail`).
        public var slaMet = [0, 0, 0]
        public var slaBreached = [0, 0, 0]
        /// Agent id → resolved in the period, mean first response (seconds), CSAT answers and satisfied.
        public var agents: [Int64: AgentLine] = [:]
    }

    public struct AgentLine: Sendable, Equatable {
        public var resolved = 0
        public var responses = 0
        public var firstResponses = 0
        public var firstResponseSum = 0
        public var csatAnswers = 0
        public var csatSatisfied = 0
    }

    /// The figures of the days `[from, to)` (`yyyymmdd` of the workspace's calendar). Without
    /// `detail` only the headline figures and the topics (a previous period's, for the deltas):
    /// no other breakdowns, days, heatmap or agents.
    public static func period(workspaceID: WorkspaceID, from: Int, to: Int, filter: Filter, detail: Bool = true,
                              in sql: any SQLDatabase) async throws -> Period {
        if let days = try await ReportDaysStore.period(workspaceID: workspaceID, from: from, to: to, filter: filter, detail: detail, in: sql) {
            return days
        }
        return try await fromFacts(workspaceID: workspaceID, from: from, to: to, filter: filter, detail: detail, in: sql)
    }

    /// The numbers of a comma-separated list (digits and an optional minus only).
    static func integers(_ text: String?) -> [Int] {
        guard let text else { return [] }
        var values: [Int] = []
        values.reserveCapacity(text.utf8.count / 4)
        var current = 0, negative = false, any = false
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): current = current &* 10 &+ Int(byte - UInt8(ascii: "0")); any = true
            case UInt8(ascii: "-"): negative = true
            default:
                if any { values.append(negative ? -current : current) }
                current = 0; negative = false; any = false
            }
        }
        if any { values.append(negative ? -current : current) }
        return values
    }

    /// Which figure's conversations to list, and on which day index.
    public enum Metric: String, Sendable, CaseIterable {
        case created, firstResponse = "first_response", resolved, reopened, fcr, csat, botResolved = "bot_resolved", automated, negative
    }

    /// The conversations behind a figure, newest first (at most `limit`).
    public static func conversations(workspaceID: WorkspaceID, metric: Metric, from: Int, to: Int, filter: Filter, limit: Int,
                                     in sql: any SQLDatabase) async throws -> [ConversationID] {
        let (day, extra): (String, String) = switch metric {
        case .created: ("created_day", "")
        case .firstResponse: ("first_response_day", "")
        case .resolved: ("resolved_day", "")
        case .reopened: ("first_resolved_day", " AND f.reopened = 1")
        case .fcr: ("first_resolved_day", " AND f.fcr = 1")
        case .csat: ("survey_answered_day", " AND f.survey_score IS NOT NULL")
        case .botResolved: ("created_day", " AND f.bot_resolved = 1")
        case .automated: ("created_day", " AND f.automated = 1")
        case .negative: ("created_day", " AND f.sentiment = 'negative'")
        }
        return try await sql.raw("""
            SELECT f.conversation_id FROM report_facts f
            WHERE f.workspace_id = \(bind: workspaceID.rawValue) AND f.\(unsafeRaw: day) >= \(bind: from) AND f.\(unsafeRaw: day) < \(bind: to)\(unsafeRaw: extra)\(try where_(filter))
            ORDER BY f.conversation_id DESC LIMIT \(bind: limit)
            """).all().map { try $0.id("conversation_id") }
    }
}
