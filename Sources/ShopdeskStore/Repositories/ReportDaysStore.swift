import Foundation
import ShopdeskCore
import SQLKit

/// Keeps `report_days` — each day's figures per slice (`ReportDay`) — current with the report
/// facts: a refresh of the facts marks the days it changed (before and after) in
/// `report_dirty_days`, and the next catch-up step adds those days up again from the facts.
/// A report reads the days when nothing in its period waits to be added up again.
enum ReportDaysStore {
    /// Days added up per step.
    static let daysPerStep = 31

    /// Marks days whose facts changed.
    static func markDirty(workspaceID: WorkspaceID, days: Set<Int>, in sql: any SQLDatabase) async throws {
        guard !days.isEmpty else { return }
        let rows = days.sorted().map { day -> SQLQueryString in "(\(bind: workspaceID.rawValue), \(bind: day))" }
        for start in stride(from: 0, to: rows.count, by: 400) {
            try await sql.raw("""
                INSERT INTO report_dirty_days (workspace_id, day) VALUES \(rows[start..<min(start + 400, rows.count)].joined(separator: ", "))
                ON CONFLICT (workspace_id, day) DO NOTHING
                """).run()
        }
    }

    /// Whether some day of `[from, to)` (or of any period, without them) waits to be added up.
    static func anyDirty(workspaceID: WorkspaceID, from: Int = Int.min, to: Int = Int.max, in sql: any SQLDatabase) async throws -> Bool {
        try await sql.raw("""
            SELECT day FROM report_dirty_days WHERE workspace_id = \(bind: workspaceID.rawValue) AND day >= \(bind: from) AND day < \(bind: to) LIMIT 1
            """).first() != nil
    }

    /// Adds up to `daysPerStep` marked days again; returns whether marked days are left.
    static func rollUpStep(workspaceID: WorkspaceID, in sql: any SQLDatabase) async throws -> Bool {
        let ws = workspaceID.rawValue
        let days = try await sql.raw("""
            SELECT day FROM report_dirty_days WHERE workspace_id = \(bind: ws) ORDER BY day LIMIT \(bind: daysPerStep + 1)
            """).all().map { try $0.int("day") }
        guard !days.isEmpty else { return false }
        let step = Array(days.prefix(daysPerStep))
        let wanted = Set(step)
        struct Line: Hashable { var day: Int, dimension: String, value: String }
        var lines: [Line: ReportDay] = [:]
        // Each day's facts: by the day indexes (each term names the workspace, so SQLite reads
        // every index by its day: a `MULTI-INDEX OR`).
        var facts = try await facts(onDays(ws, step), in: sql)
        for fact in facts.values {
            // A conversation counts on each of its days that is being added up.
            let days = Set([fact.createdDay, fact.firstResponseDay, fact.firstResolvedDay, fact.resolvedDay, fact.surveySentDay,
                            fact.surveyAnsweredDay].compactMap { $0 }).intersection(wanted)
            for day in days {
                lines[Line(day: day, dimension: "", value: ""), default: ReportDay()].add(fact, on: day)
                for (dimension, value) in zip(ReportDay.dimensions, fact.values) {
                    lines[Line(day: day, dimension: dimension, value: value), default: ReportDay()].add(fact, on: day)
                }
            }
        }
        // The waits answered on these days, the backlog's moves and the SLA outcomes, with their
        // conversations' facts (most already read).
        let waits = try await waits(ws, days: step, in: sql)
        let moves = try await backlog(ws, days: step, in: sql)
        let sla = try await slaOutcomes(ws, days: step, in: sql)
        let missing = Array(Set(waits.map(\.conversation) + moves.map(\.conversation) + sla.map(\.conversation)).filter { facts[$0] == nil })
        for start in stride(from: 0, to: missing.count, by: 400) {
            let more = try await self.facts("""
                +f.workspace_id = \(bind: ws) AND f.conversation_id IN (\(binds: Array(missing[start..<min(start + 400, missing.count)])))
                """, in: sql)
            facts.merge(more) { old, _ in old }
        }
        /// Changes the day's line of every slice the conversation is in.
        func add(_ day: Int, _ conversation: Int64, _ change: (inout ReportDay) -> Void) {
            guard let fact = facts[conversation] else { return }
            change(&lines[Line(day: day, dimension: "", value: ""), default: ReportDay()])
            for (dimension, value) in zip(ReportDay.dimensions, fact.values) {
                change(&lines[Line(day: day, dimension: dimension, value: value), default: ReportDay()])
            }
        }
        for wait in waits { add(wait.day, wait.conversation) { $0.addWait(seconds: wait.seconds, business: wait.business) } }
        for move in moves { add(move.day, move.conversation) { $0.addBacklog(open: move.open, pending: move.pending, snoozed: move.snoozed) } }
        for outcome in sla { add(outcome.day, outcome.conversation) { $0.addSLA(target: outcome.target, met: outcome.met, cause: outcome.cause) } }
        // Each day's words and phrases, over all its conversations (`report_terms`).
        var terms: [Int: [Substring: Int]] = [:]
        for fact in facts.values where wanted.contains(fact.createdDay) {
            for term in fact.terms { terms[fact.createdDay, default: [:]][term, default: 0] += 1 }
        }
        try await sql.raw("DELETE FROM report_days WHERE workspace_id = \(bind: ws) AND day IN (\(binds: step))").run()
        var rows: [SQLQueryString] = []
        for (line, day) in lines {
            let stored = day.stored
            rows.append("""
                (\(bind: ws), \(bind: line.day), \(bind: line.dimension), \(bind: line.value), \(bind: stored.counts), \(bind: Data(stored.speeds)),
                 \(bind: stored.slots), \(bind: stored.mix))
                """)
        }
        for start in stride(from: 0, to: rows.count, by: 100) {
            try await sql.raw("""
                INSERT INTO report_days (workspace_id, day, dimension, value, counts, speeds, slots, mix)
                VALUES \(rows[start..<min(start + 100, rows.count)].joined(separator: ", "))
                """).run()
        }
        try await sql.raw("DELETE FROM report_terms WHERE workspace_id = \(bind: ws) AND day IN (\(binds: step))").run()
        var termRows: [SQLQueryString] = []
        for (day, counts) in terms {
            for (term, n) in counts { termRows.append("(\(bind: ws), \(bind: day), \(bind: String(term)), \(bind: n))") }
        }
        for start in stride(from: 0, to: termRows.count, by: 400) {
            try await sql.raw("""
                INSERT INTO report_terms (workspace_id, day, term, n) VALUES \(termRows[start..<min(start + 400, termRows.count)].joined(separator: ", "))
                """).run()
        }
        try await sql.raw("DELETE FROM report_dirty_days WHERE workspace_id = \(bind: ws) AND day IN (\(binds: step))").run()
        return days.count > daysPerStep
    }

    /// A period's figures from its days, when the filter is one the days are kept for (none, or
    /// values of one dimension) and no day of the period waits to be added up again; nil otherwise.
    static func period(workspaceID: WorkspaceID, from: Int, to: Int, filter: ReportQueries.Filter, detail: Bool,
                       in sql: any SQLDatabase) async throws -> ReportQueries.Period? {
        guard let (dimension, values) = filter.slice else { return nil }
        let ws = workspaceID.rawValue
        guard let cursor = try await sql.raw("SELECT rebuild_after FROM report_cursors WHERE workspace_id = \(bind: ws)").first(),
              try cursor.int64OrNil("rebuild_after") == nil,
              try await !anyDirty(workspaceID: workspaceID, from: from, to: to, in: sql) else { return nil }
        var total = ReportDay()
        var period = ReportQueries.Period()
        for row in try await sql.raw("""
            SELECT day, counts, speeds, \(unsafeRaw: detail ? "slots" : "'' AS slots"), mix FROM report_days
            WHERE workspace_id = \(bind: ws) AND dimension = \(bind: dimension) AND value IN (\(binds: values))
              AND day >= \(bind: from) AND day < \(bind: to)
            """).all() {
            let speeds = try row.decode(column: "speeds", as: Data.self)
            let created = try total.add(ReportDay.Stored(counts: row.string("counts"), speeds: [UInt8](speeds), slots: row.string("slots"),
                                                         mix: row.string("mix")), slots: detail)
            if detail, created > 0 { period.createdByDay[try row.int("day"), default: 0] += created }
            if detail, let move = backlogMove(try row.string("counts"), day: try row.int("day")) {
                period.backlogMoves[move.day, default: BacklogChange(day: move.day)].add(move)
            }
        }
        if detail {
            // The backlog at the period's start: every move of the slice before it.
            for row in try await sql.raw("""
                SELECT day, counts FROM report_days
                WHERE workspace_id = \(bind: ws) AND dimension = \(bind: dimension) AND value IN (\(binds: values)) AND day < \(bind: from)
                """).all() {
                if let move = backlogMove(try row.string("counts"), day: 0) { period.backlogBefore.add(move) }
            }
        }
        return finish(&period, total: total, detail: detail)
    }

    /// The period's figures from the sum of its days (`period`'s days and headline parts set already).
    static func finish(_ period: inout ReportQueries.Period, total: ReportDay, detail: Bool) -> ReportQueries.Period {
        // A day whose moves cancel out (across the filter's values) did not move the backlog.
        period.backlogMoves = period.backlogMoves.filter { $0.value.open != 0 || $0.value.pending != 0 || $0.value.snoozed != 0 }
        period.conversations = total.conversations
        period.merged = total.merged
        period.customerMessages = total.customerMessages
        period.responses = total.responses
        period.automaticMessages = total.automaticMessages
        period.botAnswered = total.botAnswered
        period.botHandedOver = total.botHandedOver
        period.botResolved = total.botResolved
        let speed = { (index: Int) in
            ReportQueries.Speed(calendar: .init(total.speeds[index].histogram, sum: total.speeds[index].sum),
                                business: .init(total.speeds[index + 1].histogram, sum: total.speeds[index + 1].sum))
        }
        period.firstResponse = speed(0)
        period.nextResponse = speed(2)
        period.resolution = speed(4)
        period.resolved = period.resolution.calendar.count
        period.firstResolved = total.firstResolved
        period.reopened = total.reopened
        period.oneTouch = total.oneTouch
        period.fcr = total.fcr
        period.firstResolvedWithResponse = total.firstResolvedAnswered
        period.csatAnswers = total.csatAnswers
        period.csatSatisfied = total.csatSatisfied
        period.csatScoreSum = total.csatScoreSum
        period.npsAnswers = total.npsAnswers
        period.npsPromoters = total.npsPromoters
        period.npsDetractors = total.npsDetractors
        period.surveysSent = total.surveysSent
        period.surveysSentAnswered = total.surveysSentAnswered
        period.ruleTouched = total.ruleTouched
        period.automated = total.automated
        period.ruleResolved = total.ruleResolved
        period.slaMet = total.slaMet
        period.slaBreached = total.slaBreached
        if detail {
            period.heatmap = total.slots.filter { $0.value > 0 }
            period.breakdowns = total.breakdowns
            period.agents = total.agents
        } else {
            // A previous period keeps its topics only (and their negative ones), for the change per topic.
            period.breakdowns["intent"] = total.breakdowns["intent"]
            period.breakdowns["negative"] = total.breakdowns["negative"]
        }
        return period
    }

    /// Where the backlog's three counts start in a stored day's counts.
    static let backlogIndex: Int = {
        var day = ReportDay()
        day.backlogOpen = -7_777_777
        return day.counts.firstIndex(of: -7_777_777) ?? 0
    }()

    /// A stored day's move of the backlog, nil when it did not move.
    static func backlogMove(_ counts: String, day: Int) -> BacklogChange? {
        let numbers = ReportQueries.integers(counts)
        let start = backlogIndex
        guard numbers.count >= start + 3, numbers[start] != 0 || numbers[start + 1] != 0 || numbers[start + 2] != 0 else { return nil }
        return BacklogChange(day: day, open: numbers[start], pending: numbers[start + 1], snoozed: numbers[start + 2])
    }

    /// The columns of a fact, joined into one text per conversation and the conversations into
    /// one text (reading thousands of rows column by column cost more than the adding up). The
    /// parts are enum values, numbers, intent names and language codes: never `|` or `;`.
    private static let factColumns = [
        "channel", "inbox_id", "intent", "language", "team_id", "assignee_id", "priority", "created_day", "created_slot", "merged",
        "customer_messages", "responses", "automatic_messages", "bot_answered", "bot_handed_over", "bot_resolved", "first_response_day",
        "first_response", "first_response_business", "first_resolved_day", "reopened", "one_touch", "fcr", "resolved_day", "resolution",
        "resolution_business", "survey_kind", "survey_sent_day", "survey_answered_day", "survey_score", "handover_reason", "rule_touched",
        "rule_resolved", "macros", "automated", "sentiment", "terms",
    ]
    static let dayColumns = ["created_day", "first_response_day", "first_resolved_day", "resolved_day", "survey_sent_day",
                                     "survey_answered_day"]

    private static func joined(_ columns: [String], alias: String, postgres: Bool) -> String {
        postgres
            ? "string_agg(concat(\(columns.map { "\(alias).\($0)" }.joined(separator: ", '|', "))), ';')"
            : "group_concat(\(columns.map { "IFNULL(\(alias).\($0), '')" }.joined(separator: " || '|' || ")), ';')"
    }

    /// The facts counting on one of `days` (each term names the workspace, so SQLite reads every
    /// day index by its days — a `MULTI-INDEX OR` — where `workspace_id = ? AND (… OR …)` read
    /// the whole workspace).
    static func onDays(_ ws: Int64, _ days: [Int]) -> SQLQueryString {
        dayColumns.map { column -> SQLQueryString in "(f.workspace_id = \(bind: ws) AND f.\(unsafeRaw: column) IN (\(binds: days)))" }
            .joined(separator: " OR ")
    }

    static func factsQuery(_ condition: SQLQueryString, postgres: Bool) -> SQLQueryString {
        "SELECT \(unsafeRaw: joined(["conversation_id"] + factColumns, alias: "f", postgres: postgres)) AS facts FROM report_facts f WHERE \(condition)"
    }

    static func waitsQuery(_ ws: Int64, _ days: [Int], postgres: Bool) -> SQLQueryString {
        let joined = postgres
            ? "string_agg(concat(conversation_id, ',', day, ',', seconds, ',', business), ',')"
            : "group_concat(conversation_id || ',' || day || ',' || seconds || ',' || business)"
        return "SELECT \(unsafeRaw: joined) AS waits FROM report_waits WHERE workspace_id = \(bind: ws) AND day IN (\(binds: days))"
    }

    /// The facts matching `condition` (on `report_facts f`), by conversation.
    static func facts(_ condition: SQLQueryString, in sql: any SQLDatabase) async throws -> [Int64: ReportDay.Fact] {
        guard let text = try await sql.raw(factsQuery(condition, postgres: sql.dialect.name == "postgresql")).first()?
            .stringOrNil("facts") else { return [:] }
        var facts: [Int64: ReportDay.Fact] = [:]
        for row in text.split(separator: ";") {
            let parts = row.split(separator: "|", omittingEmptySubsequences: false)
            if let id = parts.first.flatMap({ Int64($0) }), let fact = fact(from: parts.dropFirst()) { facts[id] = fact }
        }
        return facts
    }

    private static func waits(_ ws: Int64, days: [Int], in sql: any SQLDatabase) async throws -> [(conversation: Int64, day: Int, seconds: Int, business: Int)] {
        let numbers = ReportQueries.integers(try await sql.raw(waitsQuery(ws, days, postgres: sql.dialect.name == "postgresql")).first()?
            .stringOrNil("waits"))
        return stride(from: 0, to: numbers.count - 3, by: 4).map { (Int64(numbers[$0]), numbers[$0 + 1], numbers[$0 + 2], numbers[$0 + 3]) }
    }

    /// The SLA outcomes on these days (`rows` of `report_sla`), by conversation; `target` is the index in `SLATarget.allCases`.
    static func slaOutcomes(_ ws: Int64, days: [Int], in sql: any SQLDatabase) async throws
        -> [(conversation: Int64, day: Int, target: Int, met: Bool, cause: String?)] {
        try await slaRows("""
            SELECT s.conversation_id, s.day, s.target, s.met, s.cause FROM report_sla s WHERE s.workspace_id = \(bind: ws) AND s.day IN (\(binds: days))
            """, in: sql)
    }

    static func slaRows(_ query: SQLQueryString, in sql: any SQLDatabase) async throws
        -> [(conversation: Int64, day: Int, target: Int, met: Bool, cause: String?)] {
        try await sql.raw(query).all().map { row in
            let target = SLATarget(rawValue: try row.string("target")).flatMap { SLATarget.allCases.firstIndex(of: $0) } ?? -1
            return (try row.int64("conversation_id"), try row.int("day"), target, try row.int("met") != 0, try row.stringOrNil("cause"))
        }
    }

    /// The backlog's moves on these days, by conversation.
    private static func backlog(_ ws: Int64, days: [Int], in sql: any SQLDatabase) async throws
        -> [(conversation: Int64, day: Int, open: Int, pending: Int, snoozed: Int)] {
        let joined = sql.dialect.name == "postgresql"
            ? "string_agg(concat(conversation_id, ',', day, ',', open, ',', pending, ',', snoozed), ',')"
            : "group_concat(conversation_id || ',' || day || ',' || open || ',' || pending || ',' || snoozed)"
        let numbers = ReportQueries.integers(try await sql.raw("""
            SELECT \(unsafeRaw: joined) AS moves FROM report_backlog WHERE workspace_id = \(bind: ws) AND day IN (\(binds: days))
            """).first()?.stringOrNil("moves"))
        return stride(from: 0, to: numbers.count - 4, by: 5).map {
            (Int64(numbers[$0]), numbers[$0 + 1], numbers[$0 + 2], numbers[$0 + 3], numbers[$0 + 4])
        }
    }

    /// A fact from its joined columns (`factColumns`' order).
    private static func fact(from columns: ArraySlice<Substring>) -> ReportDay.Fact? {
        guard columns.count == factColumns.count else { return nil }
        let parts = Array(columns)
        let int = { (index: Int) -> Int? in Int(parts[index]) }
        let flag = { (index: Int) -> Bool in int(index).map { $0 != 0 } ?? false }
        var fact = ReportDay.Fact(values: parts[0...6].map(String.init), assignee: Int64(parts[5]))
        fact.createdDay = int(7) ?? 0
        fact.createdSlot = int(8) ?? 0
        fact.merged = flag(9)
        fact.customerMessages = int(10) ?? 0
        fact.responses = int(11) ?? 0
        fact.automaticMessages = int(12) ?? 0
        fact.botAnswered = flag(13)
        fact.botHandedOver = flag(14)
        fact.botResolved = flag(15)
        fact.firstResponseDay = int(16)
        fact.firstResponse = int(17)
        fact.firstResponseBusiness = int(18)
        fact.firstResolvedDay = int(19)
        fact.reopened = flag(20)
        fact.oneTouch = flag(21)
        fact.fcr = flag(22)
        fact.resolvedDay = int(23)
        fact.resolution = int(24)
        fact.resolutionBusiness = int(25)
        fact.surveyKind = parts[26].isEmpty ? nil : String(parts[26])
        fact.surveySentDay = int(27)
        fact.surveyAnsweredDay = int(28)
        fact.surveyScore = int(29)
        fact.handoverReason = parts[30].isEmpty ? nil : String(parts[30])
        fact.ruleTouched = flag(31)
        fact.ruleResolved = flag(32)
        fact.macros = parts[33].split(separator: ",").map(String.init)
        fact.automated = flag(34)
        fact.sentiment = parts[35].isEmpty ? nil : String(parts[35])
        fact.terms = parts[36].split(separator: ",")
        return fact
    }
}
