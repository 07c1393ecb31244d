import Foundation
import ShopdeskCore
import SQLKit

extension ReportQueries {
    /// The same figures computed from the facts of the period's conversations, for a filter the
    /// days are not kept for: the conversations that count on a day of the period (and, with
    /// `detail`, those in the backlog during it) are read once — each day index a range of one
    /// `OR`, so the database visits each conversation once rather than once per figure — and
    /// added up into days in memory exactly as `report_days` is (`ReportDay`), then summed as a
    /// period read from the days is. The next-response waits and the backlog's moves are read
    /// for the same conversations.
    static func fromFacts(workspaceID: WorkspaceID, from: Int, to: Int, filter: Filter, detail: Bool = true,
                          in sql: any SQLDatabase) async throws -> Period {
        let ws = workspaceID.rawValue
        let narrowed = try where_(filter)
        let facts = try await ReportDaysStore.facts(factsCondition(ws, from: from, to: to, detail: detail, narrowed: narrowed), in: sql)
        var lines: [Int: ReportDay] = [:]
        var inBacklog: [Int64] = []
        for (id, fact) in facts {
            let days = Set([fact.createdDay, fact.firstResponseDay, fact.firstResolvedDay, fact.resolvedDay, fact.surveySentDay,
                            fact.surveyAnsweredDay].compactMap { $0 }.filter { $0 >= from && $0 < to })
            for day in days { lines[day, default: ReportDay()].add(fact, on: day) }
            if detail, fact.createdDay < to, fact.resolvedDay.map({ $0 >= from }) ?? true { inBacklog.append(id) }
        }
        // The waits answered in the period, of the filter's conversations.
        let postgres = sql.dialect.name == "postgresql"
        let joined = postgres
            ? "string_agg(concat(w.day, ',', w.seconds, ',', w.business), ',')"
            : "group_concat(w.day || ',' || w.seconds || ',' || w.business)"
        let (waitsFacts, waitsNarrowed) = Self.factsOf("w", filter: filter, narrowed: narrowed, postgres: postgres)
        let waits = integers(try await sql.raw("""
            SELECT \(unsafeRaw: joined) AS waits FROM report_waits w\(waitsFacts)
            WHERE w.workspace_id = \(bind: ws) AND w.day >= \(bind: from) AND w.day < \(bind: to)\(waitsNarrowed)
            """).first()?.stringOrNil("waits"))
        for index in stride(from: 0, to: waits.count - 2, by: 3) {
            lines[waits[index], default: ReportDay()].addWait(seconds: waits[index + 1], business: waits[index + 2])
        }
        // The SLA outcomes in the period, likewise.
        let (slaFacts, slaNarrowed) = Self.factsOf("s", filter: filter, narrowed: narrowed, postgres: postgres)
        for outcome in try await ReportDaysStore.slaRows("""
            SELECT s.conversation_id, s.day, s.target, s.met, s.cause FROM report_sla s\(slaFacts)
            WHERE s.workspace_id = \(bind: ws) AND s.day >= \(bind: from) AND s.day < \(bind: to)\(slaNarrowed)
            """, in: sql) {
            lines[outcome.day, default: ReportDay()].addSLA(target: outcome.target, met: outcome.met, cause: outcome.cause)
        }
        var period = Period()
        // The backlog's moves of the conversations in it, those before the period as where it started.
        let moves = sql.dialect.name == "postgresql"
            ? "string_agg(concat(day, ',', open, ',', pending, ',', snoozed), ',')"
            : "group_concat(day || ',' || open || ',' || pending || ',' || snoozed)"
        for start in stride(from: 0, to: inBacklog.count, by: 500) {
            let numbers = integers(try await sql.raw("""
                SELECT \(unsafeRaw: moves) AS moves FROM report_backlog
                WHERE +workspace_id = \(bind: ws) AND conversation_id IN (\(binds: Array(inBacklog[start..<min(start + 500, inBacklog.count)])))
                  AND day < \(bind: to)
                """).first()?.stringOrNil("moves"))
            for index in stride(from: 0, to: numbers.count - 3, by: 4) {
                let (day, open, pending, snoozed) = (numbers[index], numbers[index + 1], numbers[index + 2], numbers[index + 3])
                if day < from {
                    period.backlogBefore.add(BacklogChange(day: 0, open: open, pending: pending, snoozed: snoozed))
                } else {
                    lines[day, default: ReportDay()].addBacklog(open: open, pending: pending, snoozed: snoozed)
                }
            }
        }
        // Summed as the stored days are.
        var total = ReportDay()
        for (day, line) in lines {
            let stored = line.stored
            let created = total.add(stored, slots: detail)
            if detail, created > 0 { period.createdByDay[day, default: 0] += created }
            if detail, let move = ReportDaysStore.backlogMove(stored.counts, day: day) { period.backlogMoves[day] = move }
        }
        return ReportDaysStore.finish(&period, total: total, detail: detail)
    }

    /// Rows of a day table (`alias`) kept only when their conversation passes the filter: the
    /// join to its facts, and what is left of the condition for the outer `WHERE`. PostgreSQL
    /// gets a `LATERAL` lookup by key, which it cannot turn into a hash join: for a filter such as
    /// "chat in Croatian" it otherwise scanned every conversation's facts (a million: 167 → 96 ms
    /// for a month's waits). SQLite looks the facts up by key from a plain join.
    static func factsOf(_ alias: String, filter: Filter, narrowed: SQLQueryString, postgres: Bool)
        -> (join: SQLQueryString, condition: SQLQueryString) {
        guard filter != Filter() else { return ("", "") }
        guard postgres else { return (" JOIN report_facts f ON f.conversation_id = \(unsafeRaw: alias).conversation_id", narrowed) }
        return (" CROSS JOIN LATERAL (SELECT 1 FROM report_facts f WHERE f.conversation_id = \(unsafeRaw: alias).conversation_id\(narrowed) LIMIT 1) f", "")
    }

    /// Which facts a period reads: one `OR` of index ranges (a test holds its plan to them).
    static func factsCondition(_ ws: Int64, from: Int, to: Int, detail: Bool, narrowed: SQLQueryString) -> SQLQueryString {
        // Created in the period; or created outside it (before, as a rule) and counting on one of its
        // days by another day (each day index holds the creation day, so those rows are told apart
        // in the index, without reading the row).
        var branches: [SQLQueryString] = ["(f.workspace_id = \(bind: ws) AND f.created_day >= \(bind: from) AND f.created_day < \(bind: to))"]
        branches += ReportDaysStore.dayColumns.filter { $0 != "created_day" }.map { column in
            "(f.workspace_id = \(bind: ws) AND f.\(unsafeRaw: column) >= \(bind: from) AND f.\(unsafeRaw: column) < \(bind: to) AND NOT (f.created_day >= \(bind: from) AND f.created_day < \(bind: to)))"
        }
        if detail {
            // In the backlog at some time of the period: resolved for good after it, or not yet.
            // (`+created_day`: these are ranges of the resolved index; the creation index would
            // read every conversation created before the period.)
            branches.append("(f.workspace_id = \(bind: ws) AND f.resolved_day >= \(bind: to) AND +f.created_day < \(bind: from))")
            branches.append("(f.workspace_id = \(bind: ws) AND f.resolved_day IS NULL AND +f.created_day < \(bind: from))")
        }
        return "(\(branches.joined(separator: " OR ")))\(narrowed)"
    }
}
