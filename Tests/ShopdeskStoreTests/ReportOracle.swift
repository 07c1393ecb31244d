import Foundation
import ShopdeskCore
import SQLKit
@testable import ShopdeskStore

/// The reports' figures as the first version computed them: each metric one aggregate query of
/// `report_facts` over its own day index. Kept as an independent oracle: the days
/// (`report_days`) and the facts path (`ReportQueries.fromFacts`, which adds days up from the
/// facts the way the days are) must both agree with it.
enum ReportOracle {
    typealias Period = ReportQueries.Period
    typealias Speed = ReportQueries.Speed
    typealias Distribution = ReportQueries.Distribution
    typealias AgentLine = ReportQueries.AgentLine
    typealias Filter = ReportQueries.Filter
    static func where_(_ filter: Filter) throws -> SQLQueryString { try ReportQueries.where_(filter) }
    static func integers(_ text: String?) -> [Int] { ReportQueries.integers(text) }

    /// The figures of `[from, to)` from the facts, one query per metric.
    static func period(workspaceID: WorkspaceID, from: Int, to: Int, filter: Filter, detail: Bool = true,
                          in sql: any SQLDatabase) async throws -> Period {
        var period = Period()
        let narrowed = try where_(filter)
        let ws = workspaceID.rawValue
        // Volume, automation and the message counts of the conversations created in the period, and
        // (with `detail`) the breakdowns: each conversation's six dimensions joined into one key,
        // the keys into one text, counted here — one pass over the facts (grouping by six columns
        // made the database sort every row). The parts are enum values, ids, intent names and
        // language codes: never `|` or `;`.
        let keys = !detail ? "NULL" : sql.dialect.name == "postgresql"
            ? "string_agg(concat(f.channel, '|', f.inbox_id, '|', f.intent, '|', f.language, '|', f.team_id, '|', f.assignee_id, '|', f.handover_reason, '|', f.macros, '|', f.sentiment), ';')"
            : "group_concat(f.channel || '|' || f.inbox_id || '|' || IFNULL(f.intent, '') || '|' || IFNULL(f.language, '') || '|' || IFNULL(f.team_id, '') || '|' || IFNULL(f.assignee_id, '') || '|' || IFNULL(f.handover_reason, '') || '|' || IFNULL(f.macros, '') || '|' || IFNULL(f.sentiment, ''), ';')"
        if let row = try await sql.raw("""
            SELECT COUNT(*) AS n, CAST(SUM(merged) AS BIGINT) AS merged, CAST(SUM(customer_messages) AS BIGINT) AS inbound, CAST(SUM(responses) AS BIGINT) AS responses,
              CAST(SUM(automatic_messages) AS BIGINT) AS automatic, CAST(SUM(bot_answered) AS BIGINT) AS bot_answered, CAST(SUM(bot_handed_over) AS BIGINT) AS handed_over,
              CAST(SUM(bot_resolved) AS BIGINT) AS bot_resolved, CAST(SUM(rule_touched) AS BIGINT) AS rule_touched,
              CAST(SUM(automated) AS BIGINT) AS automated, \(unsafeRaw: keys) AS keys
            FROM report_facts f WHERE f.workspace_id = \(bind: ws) AND f.created_day >= \(bind: from) AND f.created_day < \(bind: to)\(narrowed)
            """).first() {
            period.conversations = try row.int("n")
            period.merged = try row.int64OrNil("merged").map(Int.init) ?? 0
            period.customerMessages = try row.int64OrNil("inbound").map(Int.init) ?? 0
            period.responses = try row.int64OrNil("responses").map(Int.init) ?? 0
            period.automaticMessages = try row.int64OrNil("automatic").map(Int.init) ?? 0
            period.botAnswered = try row.int64OrNil("bot_answered").map(Int.init) ?? 0
            period.botHandedOver = try row.int64OrNil("handed_over").map(Int.init) ?? 0
            period.botResolved = try row.int64OrNil("bot_resolved").map(Int.init) ?? 0
            period.ruleTouched = try row.int64OrNil("rule_touched").map(Int.init) ?? 0
            period.automated = try row.int64OrNil("automated").map(Int.init) ?? 0
            if let text = try row.stringOrNil("keys") {
                var counts: [Substring: Int] = [:]
                for key in text.split(separator: ";", omittingEmptySubsequences: false) { counts[key, default: 0] += 1 }
                let dimensions = ["channel", "inbox", "intent", "language", "team", "agent"]
                for (key, n) in counts {
                    let parts = key.split(separator: "|", omittingEmptySubsequences: false)
                    for (dimension, value) in zip(dimensions, parts) {
                        period.breakdowns[dimension, default: [:]][String(value), default: 0] += n
                    }
                    // Then why the bot handed over, the macros applied, and the intents of the negative ones.
                    if parts.count == 9 {
                        if !parts[6].isEmpty { period.breakdowns["handover", default: [:]][String(parts[6]), default: 0] += n }
                        for macro in parts[7].split(separator: ",") { period.breakdowns["macro", default: [:]][String(macro), default: 0] += n }
                        if parts[8] == "negative" { period.breakdowns["negative", default: [:]][String(parts[2]), default: 0] += n }
                    }
                }
            }
        }
        if !detail {
            // A previous period keeps its topics, for "what are they asking about more than before"
            // (and how many of each were negative).
            for row in try await sql.raw("""
                SELECT intent, COUNT(*) AS n, CAST(SUM(CASE WHEN sentiment = 'negative' THEN 1 ELSE 0 END) AS BIGINT) AS negative FROM report_facts f
                WHERE f.workspace_id = \(bind: ws) AND f.created_day >= \(bind: from) AND f.created_day < \(bind: to)\(narrowed)
                GROUP BY intent
                """).all() {
                let intent = try row.stringOrNil("intent") ?? ""
                period.breakdowns["intent", default: [:]][intent, default: 0] += try row.int("n")
                if let negative = try row.int64OrNil("negative"), negative > 0 {
                    period.breakdowns["negative", default: [:]][intent, default: 0] += Int(negative)
                }
            }
        }
        if detail {
            // In the order of the index: no sorting.
            for row in try await sql.raw("""
                SELECT created_day, created_slot, COUNT(*) AS n FROM report_facts f
                WHERE f.workspace_id = \(bind: ws) AND f.created_day >= \(bind: from) AND f.created_day < \(bind: to)\(narrowed)
                GROUP BY created_day, created_slot
                """).all() {
                let n = try row.int("n")
                period.createdByDay[try row.int("created_day"), default: 0] += n
                period.heatmap[try row.int("created_slot"), default: 0] += n
            }
        }
        // Speed: each on the day of the event it measures.
        period.firstResponse = try await speed("f.first_response", "f.first_response_business", """
            FROM report_facts f
            WHERE f.workspace_id = \(bind: ws) AND f.first_response_day >= \(bind: from) AND f.first_response_day < \(bind: to)\(narrowed)
            """, in: sql)
        // The waits join their conversation's facts only when a filter needs them.
        period.nextResponse = try await speed("w.seconds", "w.business", filter == Filter() ? """
            FROM report_waits w WHERE w.workspace_id = \(bind: ws) AND w.day >= \(bind: from) AND w.day < \(bind: to)
            """ : """
            FROM report_waits w JOIN report_facts f ON f.conversation_id = w.conversation_id
            WHERE w.workspace_id = \(bind: ws) AND w.day >= \(bind: from) AND w.day < \(bind: to)\(narrowed)
            """, in: sql)
        period.resolution = try await speed("f.resolution", "f.resolution_business", """
            FROM report_facts f
            WHERE f.workspace_id = \(bind: ws) AND f.resolved_day >= \(bind: from) AND f.resolved_day < \(bind: to)\(narrowed)
            """, in: sql)
        period.resolved = period.resolution.calendar.count
        if let row = try await sql.raw("""
            SELECT CAST(SUM(rule_resolved) AS BIGINT) AS n FROM report_facts f
            WHERE f.workspace_id = \(bind: ws) AND f.resolved_day >= \(bind: from) AND f.resolved_day < \(bind: to)\(narrowed)
            """).first() {
            period.ruleResolved = try row.int64OrNil("n").map(Int.init) ?? 0
        }
        // Quality: on the day of the first resolution.
        if let row = try await sql.raw("""
            SELECT COUNT(*) AS n, CAST(SUM(reopened) AS BIGINT) AS reopened, CAST(SUM(one_touch) AS BIGINT) AS one_touch, CAST(SUM(fcr) AS BIGINT) AS fcr,
              CAST(SUM(CASE WHEN responses > 0 THEN 1 ELSE 0 END) AS BIGINT) AS answered
            FROM report_facts f
            WHERE f.workspace_id = \(bind: ws) AND f.first_resolved_day >= \(bind: from) AND f.first_resolved_day < \(bind: to)\(narrowed)
            """).first() {
            period.firstResolved = try row.int("n")
            period.reopened = try row.int64OrNil("reopened").map(Int.init) ?? 0
            period.oneTouch = try row.int64OrNil("one_touch").map(Int.init) ?? 0
            period.fcr = try row.int64OrNil("fcr").map(Int.init) ?? 0
            period.firstResolvedWithResponse = try row.int64OrNil("answered").map(Int.init) ?? 0
        }
        // Satisfaction: on the day of the answer; the response rate over the surveys sent in the period.
        for row in try await sql.raw("""
            SELECT survey_kind, survey_score, COUNT(*) AS n FROM report_facts f
            WHERE f.workspace_id = \(bind: ws) AND f.survey_answered_day >= \(bind: from) AND f.survey_answered_day < \(bind: to)\(narrowed)
              AND f.survey_score IS NOT NULL
            GROUP BY survey_kind, survey_score
            """).all() {
            let score = try row.int("survey_score"), n = try row.int("n")
            if try row.stringOrNil("survey_kind") == "nps" {
                period.npsAnswers += n
                if score >= 9 { period.npsPromoters += n } else if score <= 6 { period.npsDetractors += n }
            } else {
                period.csatAnswers += n
                period.csatScoreSum += score * n
                if score >= 4 { period.csatSatisfied += n }
            }
        }
        if let row = try await sql.raw("""
            SELECT COUNT(*) AS n, CAST(SUM(CASE WHEN survey_score IS NOT NULL THEN 1 ELSE 0 END) AS BIGINT) AS answered FROM report_facts f
            WHERE f.workspace_id = \(bind: ws) AND f.survey_sent_day >= \(bind: from) AND f.survey_sent_day < \(bind: to)\(narrowed)
            """).first() {
            period.surveysSent = try row.int("n")
            period.surveysSentAnswered = try row.int64OrNil("answered").map(Int.init) ?? 0
        }
        // SLA: each target's outcome on its day; the breaches' causes with the breakdowns.
        for row in try await sql.raw("""
            SELECT s.target, s.met, s.cause, COUNT(*) AS n FROM report_sla s JOIN report_facts f ON f.conversation_id = s.conversation_id
            WHERE s.workspace_id = \(bind: ws) AND s.day >= \(bind: from) AND s.day < \(bind: to)\(narrowed)
            GROUP BY s.target, s.met, s.cause
            """).all() {
            guard let target = SLATarget(rawValue: try row.string("target")), let index = SLATarget.allCases.firstIndex(of: target) else { continue }
            let n = try row.int("n")
            if try row.int("met") != 0 { period.slaMet[index] += n } else {
                period.slaBreached[index] += n
                if detail { period.breakdowns["sla_cause", default: [:]]["\(target.rawValue)/\(try row.stringOrNil("cause") ?? "late")", default: 0] += n }
            }
        }
        if detail {
            try await agentLines(into: &period, ws: ws, from: from, to: to, narrowed: narrowed, in: sql)
            try await backlog(into: &period, ws: ws, from: from, to: to, narrowed: narrowed, in: sql)
        }
        return period
    }

    /// The backlog's moves of the conversations that were in it at some time before the period's
    /// end and not resolved for good before its start: any other conversation's moves add up to
    /// nothing by then (its resolution that stands came before the period).
    private static func backlog(into period: inout Period, ws: Int64, from: Int, to: Int, narrowed: SQLQueryString,
                                in sql: any SQLDatabase) async throws {
        // Two ranges of the resolved index (still unresolved; resolved from the period's start on).
        for part in ["f.resolved_day IS NULL", "f.resolved_day >= \(from)"] {
            for row in try await sql.raw("""
                SELECT b.day, CAST(SUM(b.open) AS BIGINT) AS open, CAST(SUM(b.pending) AS BIGINT) AS pending, CAST(SUM(b.snoozed) AS BIGINT) AS snoozed
                FROM report_facts f JOIN report_backlog b ON b.conversation_id = f.conversation_id
                WHERE f.workspace_id = \(bind: ws) AND \(unsafeRaw: part) AND f.created_day < \(bind: to)\(narrowed) AND b.day < \(bind: to)
                GROUP BY b.day
                """).all() {
                let day = try row.int("day")
                let move = BacklogChange(day: day, open: try row.int("open"), pending: try row.int("pending"), snoozed: try row.int("snoozed"))
                if day < from { period.backlogBefore.add(move) } else { period.backlogMoves[day, default: BacklogChange(day: day)].add(move) }
            }
        }
        // A day whose moves cancel out did not move the backlog (as its stored day says).
        period.backlogMoves = period.backlogMoves.filter { $0.value.open != 0 || $0.value.pending != 0 || $0.value.snoozed != 0 }
    }

    /// Per agent: resolved in the period (and the responses in them), first responses (count and
    /// total seconds), CSAT answers (and satisfied ones).
    private static func agentLines(into period: inout Period, ws: Int64, from: Int, to: Int, narrowed: SQLQueryString,
                                   in sql: any SQLDatabase) async throws {
        // Each query: the agent, how many, and one sum, over one day column.
        func byAgent(_ day: String, _ sum: String, _ only: String = "") async throws -> [(id: Int64, count: Int, sum: Int)] {
            try await sql.raw("""
                SELECT assignee_id, COUNT(*) AS n, CAST(SUM(\(unsafeRaw: sum)) AS BIGINT) AS total FROM report_facts f
                WHERE f.workspace_id = \(bind: ws) AND f.\(unsafeRaw: day) >= \(bind: from) AND f.\(unsafeRaw: day) < \(bind: to)\(narrowed)
                  AND f.assignee_id IS NOT NULL\(unsafeRaw: only)
                GROUP BY assignee_id
                """).all().map { (try $0.int64("assignee_id"), try $0.int("n"), try $0.int64OrNil("total").map(Int.init) ?? 0) }
        }
        for line in try await byAgent("resolved_day", "responses") {
            period.agents[line.id, default: AgentLine()].resolved = line.count
            period.agents[line.id, default: AgentLine()].responses = line.sum
        }
        for line in try await byAgent("first_response_day", "first_response") {
            period.agents[line.id, default: AgentLine()].firstResponses = line.count
            period.agents[line.id, default: AgentLine()].firstResponseSum = line.sum
        }
        for line in try await byAgent("survey_answered_day", "CASE WHEN survey_score >= 4 THEN 1 ELSE 0 END",
                                      " AND f.survey_score IS NOT NULL AND f.survey_kind = 'csat'") {
            period.agents[line.id, default: AgentLine()].csatAnswers = line.count
            period.agents[line.id, default: AgentLine()].csatSatisfied = line.sum
        }
    }

    /// The calendar and business durations of a period, as two lists the database joins into
    /// text in one pass (reading tens of thousands of rows one by one cost ten times more).
    /// `from` is the FROM … WHERE part of the query; its rows have `seconds` and `business`.
    private static func speed(_ seconds: String, _ business: String, _ from: SQLQueryString, in sql: any SQLDatabase) async throws -> Speed {
        let joined = sql.dialect.name == "postgresql"
            ? "string_agg(\(seconds)::text, ',') AS seconds, string_agg(\(business)::text, ',') AS business"
            : "group_concat(\(seconds)) AS seconds, group_concat(\(business)) AS business"
        guard let row = try await sql.raw("SELECT \(unsafeRaw: joined) \(from)").first() else {
            return Speed(calendar: Distribution([]), business: Distribution([]))
        }
        return Speed(calendar: Distribution(integers(try row.stringOrNil("seconds"))), business: Distribution(integers(try row.stringOrNil("business"))))
    }
}
