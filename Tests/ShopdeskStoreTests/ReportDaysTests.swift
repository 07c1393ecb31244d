import Foundation
import ShopdeskCore
import ShopdeskTestSupport
import SQLKit
import Testing
@testable import ShopdeskStore

/// A period read from its days (`report_days`), and one added up from the facts in memory
/// (`ReportQueries.fromFacts`), equal the same period computed by one query per figure
/// (`ReportOracle`), for every filter the days are kept for — after the days were first added up
/// and after facts changed and only the days they touched were added up again.
@Suite("Report days")
struct ReportDaysTests {
    @Test(arguments: TestDatabase.kinds)
    func aPeriodFromItsDaysEqualsThePeriodFromTheFacts(kind: DatabaseKind) async throws {
        try await TestDatabase.with(kind) { database in
            let fixture = try await TestDatabase.fixture(database)
            let ws = fixture.workspace.id
            let service = ConversationService(database: database, publisher: nil)
            var ids: [Int64] = []
            for index in 0..<36 {
                ids.append(try await service.ingest(.sample(inbox: fixture.inbox.id, email: "c\(index)@example.com"), workspaceID: ws)
                    .conversationID.rawValue)
            }
            var generator = SeededGenerator(seed: kind == .sqlite ? 5 : 11)
            let first = ids.map { Self.randomFact($0, using: &generator) }
            try await database.write { sql in
                try await sql.raw("""
                    INSERT INTO report_cursors (workspace_id, event_id, basis, rebuild_after, updated_at) VALUES (\(bind: ws.rawValue), 0, '{}', NULL, 0)
                    """).run()
                try await Self.write(first, ws: ws, in: sql)
                while try await ReportDaysStore.rollUpStep(workspaceID: ws, in: sql) {}
            }
            try await Self.compare(ws, database, using: &generator)
            // Some conversations change: only the days they counted on, before and after, are added up again.
            let changed = ids.shuffled(using: &generator).prefix(9).map { Self.randomFact($0, using: &generator) }
            try await database.write { sql in
                try await Self.write(changed, ws: ws, in: sql)
                #expect(try await ReportDaysStore.rollUpStep(workspaceID: ws, in: sql) == false)
            }
            try await Self.compare(ws, database, using: &generator)
        }
    }

    /// Every figure of random periods under random filters, from the days and from the facts.
    static func compare(_ ws: WorkspaceID, _ database: Database, using generator: inout SeededGenerator) async throws {
        var filters: [ReportQueries.Filter] = [ReportQueries.Filter()]
        for _ in 0..<12 {
            var filter = ReportQueries.Filter()
            switch Int.random(in: 0..<7, using: &generator) {
            case 0: filter.channels = Array(["email", "chat", "sms"].shuffled(using: &generator).prefix(Int.random(in: 1...2, using: &generator)))
            case 1: filter.inboxIDs = [Int64.random(in: 1...3, using: &generator)]
            case 2: filter.intents = ["order_status"]
            case 3: filter.languages = ["hr", "pt"]
            case 4: filter.teamIDs = [2]
            case 5: filter.agentIDs = [Int64.random(in: 1...3, using: &generator)]
            default: filter.priorities = [.urgent, .low]
            }
            filters.append(filter)
        }
        var counted = 0
        for filter in filters {
            let from = ReportClock.adding(Int.random(in: 0..<10, using: &generator), to: day0)
            let to = ReportClock.adding(Int.random(in: 1...14, using: &generator), to: from)
            for detail in [true, false] {
                let (days, facts, oracle) = try await database.read { sql in
                    (try await ReportDaysStore.period(workspaceID: ws, from: from, to: to, filter: filter, detail: detail, in: sql),
                     try await ReportQueries.fromFacts(workspaceID: ws, from: from, to: to, filter: filter, detail: detail, in: sql),
                     try await ReportOracle.period(workspaceID: ws, from: from, to: to, filter: filter, detail: detail, in: sql))
                }
                #expect(days != nil, "the days were not read")
                #expect(days == oracle, "days: \(filter) \(from)–\(to) detail \(detail)")
                #expect(facts == oracle, "facts: \(filter) \(from)–\(to) detail \(detail)")
                counted += facts.conversations + facts.resolved + facts.nextResponse.calendar.count
            }
            if filter == ReportQueries.Filter() {
                // The words and phrases each day keeps, against the facts'.
                let previousFrom = ReportClock.adding(-5, to: from)
                let days = try await database.read { sql in
                    try await ReportTopics.termCountsFromDays(workspaceID: ws, from: from, to: to, previousFrom: previousFrom, in: sql)
                }
                let (now, before) = try await database.read { sql in
                    (try await ReportTopics.termCountsFromFacts(workspaceID: ws, start: from, end: to, filter: filter, in: sql),
                     try await ReportTopics.termCountsFromFacts(workspaceID: ws, start: previousFrom, end: from, filter: filter, in: sql))
                }
                let named = now.filter { $0.value >= ReportTopics.minimumCount }
                #expect(days.now == named && days.before == named.mapValues { _ in 0 }.merging(before.filter { named[$0.key] != nil }) { _, n in n },
                        "terms \(from)–\(to)")
            }
        }
        #expect(counted > 100, "the random periods held too little to compare")
    }

    static let day0 = 20_261_025

    /// A conversation's facts on random days around the end of October (over the change to winter
    /// time), with durations from seconds to weeks.
    static func randomFact(_ id: Int64, using generator: inout SeededGenerator) -> Fact {
        func day() -> Int { ReportClock.adding(Int.random(in: 0..<20, using: &generator), to: day0) }
        func maybeDay() -> Int? { Bool.random(using: &generator) ? day() : nil }
        func duration() -> Int { [Int.random(in: 0..<3_600, using: &generator), Int.random(in: 0..<86_400, using: &generator),
                                  Int.random(in: 0..<3_000_000, using: &generator)].randomElement(using: &generator)! }
        let firstResponseDay = maybeDay(), resolvedDay = maybeDay(), surveyAnswered = maybeDay()
        func flag() -> Int { Int.random(in: 0...1, using: &generator) }
        let columns: [Any?] = [
            ["email", "chat", "sms"].randomElement(using: &generator)!, Int64.random(in: 1...3, using: &generator),
            ["order_status", "return_request", nil].randomElement(using: &generator)!, ["hr", "pt", "en", nil].randomElement(using: &generator)!,
            [Int64(1), 2, nil].randomElement(using: &generator)!, [Int64(1), 2, 3, nil].randomElement(using: &generator)!,
            Int.random(in: 0...3, using: &generator), flag(), day(), Int.random(in: 0..<168, using: &generator),
            Int.random(in: 0...6, using: &generator), Int.random(in: 0...4, using: &generator), Int.random(in: 0...2, using: &generator),
            flag(), flag(), flag(),
            firstResponseDay, firstResponseDay.map { _ in duration() }, firstResponseDay.map { _ in duration() },
            maybeDay(), flag(), flag(), flag(),
            resolvedDay, resolvedDay.map { _ in duration() }, resolvedDay.map { _ in duration() },
            surveyAnswered.map { _ in Bool.random(using: &generator) ? "csat" : "nps" }, surveyAnswered.map { _ in day() }, surveyAnswered,
            surveyAnswered.map { _ in Int.random(in: 0...10, using: &generator) },
            ["The customer asked for a person.", "No answer found.", nil, nil].randomElement(using: &generator)!, flag(), flag(),
            ["3", "3,5", "7", nil, nil].randomElement(using: &generator)!, flag(),
            ["negative", "positive", nil].randomElement(using: &generator)!,
            ["late parcel", "late,late parcel,parcel", "refund", "refund,late", nil].randomElement(using: &generator)!,
        ]
        var values = columns.map(Fact.Value.init)
        let waits = (0..<Int.random(in: 0...3, using: &generator)).map { _ in (day(), duration(), duration()) }
        // The backlog moves as a conversation's statuses would: created open or pending, perhaps
        // changed a few days later, and resolved for good on its resolved day (moved after the others).
        let created: Int = if case let .int(day) = values[8] { day } else { day0 }
        var statuses: [(day: Int, status: ConversationStatus)] = [(created, Bool.random(using: &generator) ? .open : .pending)]
        if Bool.random(using: &generator) {
            statuses.append((ReportClock.adding(Int.random(in: 0...4, using: &generator), to: created),
                             [.open, .pending, .snoozed, .resolved].randomElement(using: &generator)!))
        }
        if case let .int(resolved) = values[23] {
            let day = max(resolved, statuses.last!.day)
            values[23] = .int(day)
            statuses.append((day, .resolved))
        } else if statuses.last!.status == .resolved {
            statuses.append((statuses.last!.day, .open))
        }
        let clock = ReportClock(timeZone: .gmt)
        let at = { (day: Int) in Date(timeIntervalSince1970: Self.seconds(day)) }
        let moves = BacklogChange.of(createdAt: at(created), initial: statuses[0].status,
                                     changes: statuses.dropFirst().map { (at($0.day), $0.status) }, clock: clock)
        let sla = (0..<Int.random(in: 0...3, using: &generator)).map { _ in
            Fact.SLA(day: day(), target: SLATarget.allCases.randomElement(using: &generator)!.rawValue, met: Bool.random(using: &generator),
                     cause: SLAOutcome.Cause.allCases.randomElement(using: &generator)!.rawValue)
        }
        return Fact(id: id, columns: values, waits: waits.map { Fact.Wait(day: $0.0, seconds: $0.1, business: $0.2) }, backlog: moves, sla: sla)
    }

    /// Noon (UTC) of a `yyyymmdd` day, as seconds since 1970.
    static func seconds(_ day: Int) -> TimeInterval {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        let date = calendar.date(from: DateComponents(year: day / 10_000, month: day / 100 % 100, day: day % 100, hour: 12))!
        return date.timeIntervalSince1970
    }

    struct Fact: Sendable {
        enum Value: Sendable {
            case text(String), int(Int), null

            init(_ any: Any?) {
                switch any {
                case let text as String: self = .text(text)
                case let number as Int64: self = .int(Int(number))
                case let number as Int: self = .int(number)
                default: self = .null
                }
            }
        }

        struct Wait: Sendable { var day, seconds, business: Int }

        var id: Int64
        var columns: [Value]
        var waits: [Wait]
        var backlog: [BacklogChange]
        struct SLA: Sendable { var day: Int, target: String, met: Bool, cause: String }
        var sla: [SLA]
    }

    /// Replaces these conversations' facts and waits and marks their days, old and new, as a refresh does.
    static func write(_ facts: [Fact], ws: WorkspaceID, in sql: any SQLDatabase) async throws {
        let queries = ReportFactsStore.BatchQueries(workspaceID: ws, ids: facts.map(\.id))
        var days = Set<Int>()
        for row in try await sql.raw(queries.oldDays).all() {
            for column in ["created_day", "first_response_day", "first_resolved_day", "resolved_day", "survey_sent_day", "survey_answered_day"] {
                if let day = try row.decode(column: column, as: Int?.self) { days.insert(day) }
            }
        }
        for row in try await sql.raw(queries.oldWaitDays).all() { days.insert(try row.decode(column: "day", as: Int.self)) }
        for row in try await sql.raw(queries.oldBacklogDays).all() { days.insert(try row.decode(column: "day", as: Int.self)) }
        for row in try await sql.raw(queries.oldSLADays).all() { days.insert(try row.decode(column: "day", as: Int.self)) }
        try await sql.raw(queries.deleteSLA).run()
        try await sql.raw(queries.deleteFacts).run()
        try await sql.raw(queries.deleteWaits).run()
        try await sql.raw(queries.deleteBacklog).run()
        for fact in facts {
            var values: SQLQueryString = "(\(bind: fact.id), \(bind: ws.rawValue), 0, 0"
            for (index, value) in fact.columns.enumerated() {
                switch value {
                case let .text(text): values.appendLiteral(", "); values.appendInterpolation(bind: text)
                case let .int(number):
                    values.appendLiteral(", ")
                    values.appendInterpolation(bind: number)
                    if [8, 16, 19, 23, 27, 28].contains(index) { days.insert(number) }
                case .null: values.appendLiteral(", NULL")
                }
            }
            values.appendLiteral(")")
            try await sql.raw("""
                INSERT INTO report_facts (conversation_id, workspace_id, customer_id, created_at, channel, inbox_id, intent, language, team_id, assignee_id,
                  priority, merged, created_day, created_slot, customer_messages, responses, automatic_messages, bot_answered, bot_handed_over,
                  bot_resolved, first_response_day, first_response, first_response_business, first_resolved_day, reopened, one_touch, fcr,
                  resolved_day, resolution, resolution_business, survey_kind, survey_sent_day, survey_answered_day, survey_score,
                  handover_reason, rule_touched, rule_resolved, macros, automated, sentiment, terms)
                VALUES \(values)
                """).run()
            for outcome in fact.sla {
                days.insert(outcome.day)
                try await sql.raw("""
                    INSERT INTO report_sla (workspace_id, conversation_id, day, target, met, cause)
                    VALUES (\(bind: ws.rawValue), \(bind: fact.id), \(bind: outcome.day), \(bind: outcome.target), \(bind: outcome.met ? 1 : 0),
                            \(bind: outcome.met ? nil : outcome.cause))
                    """).run()
            }
            for move in fact.backlog {
                days.insert(move.day)
                try await sql.raw("""
                    INSERT INTO report_backlog (workspace_id, conversation_id, day, open, pending, snoozed)
                    VALUES (\(bind: ws.rawValue), \(bind: fact.id), \(bind: move.day), \(bind: move.open), \(bind: move.pending), \(bind: move.snoozed))
                    """).run()
            }
            for wait in fact.waits {
                let (day, seconds, business) = (wait.day, wait.seconds, wait.business)
                days.insert(day)
                try await sql.raw("""
                    INSERT INTO report_waits (workspace_id, conversation_id, day, seconds, business)
                    VALUES (\(bind: ws.rawValue), \(bind: fact.id), \(bind: day), \(bind: seconds), \(bind: business))
                    """).run()
            }
        }
        try await ReportDaysStore.markDirty(workspaceID: ws, days: days, in: sql)
    }
}
