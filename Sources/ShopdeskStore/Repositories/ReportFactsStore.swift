import Foundation
import ShopdeskCore
import ShopdeskIntelligence
import SQLKit

/// Keeps `report_facts` and `report_waits` current: the write path stays as it was, and the
/// facts follow the workspace's events — each conversation an event names is computed again
/// from its rows (`ConversationFacts.compute`), so the incremental result and a rebuild are the
/// same function of the same rows.
public enum ReportFactsStore {
    /// What the facts' days and business hours were computed in, and the format of the days
    /// added up from them; when the workspace changes its time zone or hours, or a new version
    /// keeps its days otherwise, every conversation is computed again.
    struct Basis: Codable, Equatable {
        var timeZone: String
        var hours: BusinessCalendar?
        var days = ReportDay.format
    }

    /// Conversations computed per batch.
    static let batchSize = 400
    /// Events read per catch-up step.
    static let eventBatch = 5_000
    /// Events younger than this are read again at the next step: on PostgreSQL a transaction
    /// that started earlier may commit an event with a smaller id after a later one is seen.
    static let settle: TimeInterval = 60

    /// One step of catching up (a batch of conversations, or of events). Returns whether more is left.
    @discardableResult
    public static func catchUpStep(workspaceID: WorkspaceID, now: Date, in database: Database) async throws -> Bool {
        try await database.write { sql in
            try await catchUpStep(workspaceID: workspaceID, now: now, in: sql)
        }
    }

    /// Catches up until done or until `budget` has passed; returns whether the facts are current.
    /// When they already are (no event since the cursor, nothing being rebuilt, the same time zone
    /// and hours), it only reads: a report viewed again takes no write transaction.
    public static func catchUp(workspaceID: WorkspaceID, now: Date, budget: TimeInterval, in database: Database) async throws -> Bool {
        let current = try await database.read { sql -> Bool in
            guard let basisText = try await basis(workspaceID, in: sql)?.text,
                  let cursor = try await sql.raw("""
                      SELECT event_id, basis, rebuild_after FROM report_cursors WHERE workspace_id = \(bind: workspaceID.rawValue)
                      """).first(),
                  try cursor.string("basis") == basisText, try cursor.int64OrNil("rebuild_after") == nil,
                  try await !ReportDaysStore.anyDirty(workspaceID: workspaceID, in: sql) else { return false }
            return try await sql.raw("""
                SELECT id FROM events WHERE workspace_id = \(bind: workspaceID.rawValue) AND id > \(bind: try cursor.int64("event_id")) LIMIT 1
                """).first() == nil
        }
        if current { return true }
        let started = Date()
        while try await catchUpStep(workspaceID: workspaceID, now: now, in: database) {
            if Date().timeIntervalSince(started) > budget { return false }
        }
        return true
    }

    /// Computes every conversation of the workspace again (`shopdesk reports rebuild`).
    public static func rebuild(workspaceID: WorkspaceID, now: Date, in database: Database) async throws {
        try await database.write { sql in
            try await sql.raw("DELETE FROM report_cursors WHERE workspace_id = \(bind: workspaceID.rawValue)").run()
        }
        while try await catchUpStep(workspaceID: workspaceID, now: now, in: database) {}
    }

    /// The workspace's time zone and hours, and as the cursor stores them (nil: no such workspace).
    static func basis(_ workspaceID: WorkspaceID, in sql: any SQLDatabase) async throws -> (basis: Basis, text: String)? {
        guard let workspace = try await sql.raw("""
            SELECT time_zone, business_hours FROM workspaces WHERE id = \(bind: workspaceID.rawValue)
            """).first() else { return nil }
        let basis = Basis(timeZone: try workspace.string("time_zone"),
                          hours: try workspace.stringOrNil("business_hours").map { try JSONCoding.decode(BusinessCalendar.self, from: $0) },
                          days: ReportDay.format)
        return (basis, try JSONCoding.string(basis))
    }

    static func catchUpStep(workspaceID: WorkspaceID, now: Date, in sql: any SQLDatabase) async throws -> Bool {
        guard let (basis, basisText) = try await basis(workspaceID, in: sql) else { return false }
        // Taking the cursor's row first makes concurrent steps of one workspace wait for each other.
        try await sql.raw("""
            UPDATE report_cursors SET updated_at = \(bind: now.millis) WHERE workspace_id = \(bind: workspaceID.rawValue)
            """).run()
        let cursor = try await sql.raw("""
            SELECT event_id, basis, rebuild_after FROM report_cursors WHERE workspace_id = \(bind: workspaceID.rawValue)
            """).first()
        let storedBasis = try cursor?.string("basis")
        if cursor == nil || storedBasis != basisText {
            // From the start: every conversation, then the events after the newest one seen now.
            let newest = try await EventLog.newestID(workspaceID: workspaceID, in: sql) ?? 0
            try await sql.raw("DELETE FROM report_cursors WHERE workspace_id = \(bind: workspaceID.rawValue)").run()
            // The days are added up again as the conversations are (a new time zone moves them all).
            try await sql.raw("DELETE FROM report_days WHERE workspace_id = \(bind: workspaceID.rawValue)").run()
            try await sql.raw("DELETE FROM report_dirty_days WHERE workspace_id = \(bind: workspaceID.rawValue)").run()
            try await sql.raw("DELETE FROM report_terms WHERE workspace_id = \(bind: workspaceID.rawValue)").run()
            try await sql.raw("""
                INSERT INTO report_cursors (workspace_id, event_id, basis, rebuild_after, updated_at)
                VALUES (\(bind: workspaceID.rawValue), \(bind: newest), \(bind: basisText), 0, \(bind: now.millis))
                """).run()
            return true
        }
        guard let cursor else { return false }
        if let after = try cursor.int64OrNil("rebuild_after") {
            // Along the primary key from where the last batch stopped (`+workspace_id` keeps SQLite
            // from sorting every conversation of the workspace for each batch).
            let ids: [ConversationID] = try await sql.raw("""
                SELECT id FROM conversations WHERE +workspace_id = \(bind: workspaceID.rawValue) AND id > \(bind: after)
                ORDER BY id LIMIT \(bind: batchSize)
                """).all().map { try $0.id("id") }
            try await refresh(workspaceID: workspaceID, ids: ids, basis: basis, now: now, in: sql)
            let next: Int64? = ids.count == batchSize ? ids.last?.rawValue : nil
            try await sql.raw("""
                UPDATE report_cursors SET rebuild_after = \(bind: next) WHERE workspace_id = \(bind: workspaceID.rawValue)
                """).run()
            return true
        }
        // The days a refresh changed are added up again before more events are read.
        if try await ReportDaysStore.rollUpStep(workspaceID: workspaceID, in: sql) { return true }
        let from = try cursor.int64("event_id")
        let events = try await sql.raw("""
            SELECT id, conversation_id, created_at FROM events
            WHERE workspace_id = \(bind: workspaceID.rawValue) AND id > \(bind: from) ORDER BY id LIMIT \(bind: eventBatch)
            """).all()
        guard !events.isEmpty else { return false }
        var ids: [ConversationID] = []
        var seen = Set<Int64>()
        var settled = from
        let settledBefore = now.addingTimeInterval(-settle).millis
        var allSettled = true
        for event in events {
            if let id = try event.int64OrNil("conversation_id"), seen.insert(id).inserted { ids.append(ConversationID(id)) }
            // The cursor moves over settled events only (and never past an unsettled one).
            if allSettled, try event.int64("created_at") < settledBefore { settled = try event.int64("id") } else { allSettled = false }
        }
        for start in stride(from: 0, to: ids.count, by: batchSize) {
            try await refresh(workspaceID: workspaceID, ids: Array(ids[start..<min(start + batchSize, ids.count)]), basis: basis, now: now, in: sql)
        }
        while try await ReportDaysStore.rollUpStep(workspaceID: workspaceID, in: sql) {}
        if settled != from {
            try await sql.raw("UPDATE report_cursors SET event_id = \(bind: settled) WHERE workspace_id = \(bind: workspaceID.rawValue)").run()
        }
        // More only when a full batch was read and the cursor moved (unsettled events wait for the next request).
        return events.count == eventBatch && settled != from
    }

    /// Computes the facts of these conversations again from their rows.
    static func refresh(workspaceID: WorkspaceID, ids: [ConversationID], basis: Basis, now: Date, in sql: any SQLDatabase) async throws {
        guard !ids.isEmpty else { return }
        let raw = ids.map(\.rawValue)
        let clock = ReportClock(timeZone: TimeZone(identifier: basis.timeZone) ?? .gmt)
        let calendar = basis.hours ?? BusinessCalendar(timeZone: basis.timeZone, weekly: nil)
        let queries = BatchQueries(workspaceID: workspaceID, ids: raw)
        let conversations = try await sql.raw(queries.conversations).all()
        var messages: [Int64: [ConversationHistory.Message]] = [:]
        for row in try await sql.raw(queries.messages).all() {
            let direction: MessageDirection = try row.enumValue("direction")
            messages[try row.int64("conversation_id"), default: []].append(ConversationHistory.Message(
                direction: direction, byAgent: try row.int64OrNil("author_agent_id") != nil, byBot: try row.stringOrNil("bot") != nil,
                failed: try row.stringOrNil("delivery_status") == DeliveryStatus.failed.rawValue, at: try row.date("created_at")))
        }
        var changes: [Int64: [(at: Date, to: ConversationStatus)]] = [:]
        var handovers: [Int64: (at: Date, reason: String?)] = [:]
        var ruleChanges: [Int64: [Date]] = [:]
        var rulesFired = Set<Int64>()
        var macros: [Int64: [Int64]] = [:]
        // The status each conversation was created in: what its first change left.
        var initial: [Int64: ConversationStatus] = [:]
        // Assignments (for why an SLA target was missed), and whether it had an assignee before the first.
        var assignments: [Int64: [(at: Date, assigned: Bool)]] = [:]
        var assignedAtStart: [Int64: Bool] = [:]
        for row in try await sql.raw(queries.events).all() {
            let conversation = try row.int64("conversation_id"), at = try row.date("created_at")
            let kind = DomainEventKind(rawValue: try row.string("kind"))
            if kind == .ruleFired {
                rulesFired.insert(conversation)
                continue
            }
            let payload = try JSONCoding.decode([String: JSONValue].self, from: row.string("payload"))
            switch kind {
            case .botHandedOver:
                if handovers[conversation] == nil, case let .string(reason)? = payload["reason"] { handovers[conversation] = (at, reason) }
                if handovers[conversation] == nil { handovers[conversation] = (at, nil) }
            case .macroApplied:
                if let id = payload["macro_id"]?.int64Value { macros[conversation, default: []].append(id) }
            case .conversationAssigneeChanged:
                if assignments[conversation] == nil { assignedAtStart[conversation] = payload["from"]?.int64Value != nil }
                assignments[conversation, default: []].append((at, payload["to"]?.int64Value != nil))
            default:
                if case let .string(to)? = payload["to"], let status = ConversationStatus(rawValue: to) {
                    if changes[conversation] == nil, case let .string(from)? = payload["from"] { initial[conversation] = ConversationStatus(rawValue: from) }
                    changes[conversation, default: []].append((at, status))
                    if try row.string("actor_kind") == "rule" { ruleChanges[conversation, default: []].append(at) }
                }
            }
        }
        var terms: [Int64: String] = [:]
        for row in try await sql.raw(queries.firstMessages).all() {
            let found = TopicTerms.of(try row.string("text"))
            if !found.isEmpty { terms[try row.int64("conversation_id")] = found.joined(separator: ",") }
        }
        let policies = Dictionary(try await SLAPolicyRepository.list(workspaceID: workspaceID, in: sql).map { ($0.id, $0.policy) }) { first, _ in first }
        var surveys: [Int64: SQLRow] = [:]
        for row in try await sql.raw(queries.surveys).all() {
            surveys[try row.int64("conversation_id")] = row
        }

        // The days these conversations counted on before, and below those they count on now.
        var days = Set<Int>()
        for row in try await sql.raw(queries.oldDays).all() {
            for column in ["created_day", "first_response_day", "first_resolved_day", "resolved_day", "survey_sent_day", "survey_answered_day"] {
                if let day = try row.int64OrNil(column) { days.insert(Int(day)) }
            }
        }
        for row in try await sql.raw(queries.oldWaitDays).all() { days.insert(try row.int("day")) }
        for row in try await sql.raw(queries.oldBacklogDays).all() { days.insert(try row.int("day")) }
        for row in try await sql.raw(queries.oldSLADays).all() { days.insert(try row.int("day")) }
        var slaRows: [SQLQueryString] = []
        var factRows: [SQLQueryString] = []
        var waitRows: [SQLQueryString] = []
        var backlogRows: [SQLQueryString] = []
        for row in conversations {
            let id = try row.int64("id")
            let status: ConversationStatus = try row.enumValue("status")
            // Spam is not work: it has no facts (its old ones are gone with the others above) until
            // an agent lets it out, which changes it and so counts it again.
            if status == .spam { continue }
            let history = ConversationHistory(createdAt: try row.date("created_at"), messages: messages[id] ?? [],
                                              statusChanges: changes[id] ?? [], status: status, handedOverAt: handovers[id]?.at,
                                              handoverReason: handovers[id]?.reason, ruleStatusChanges: ruleChanges[id] ?? [],
                                              ruleFired: rulesFired.contains(id), macroIDs: macros[id] ?? [])
            let facts = ConversationFacts.compute(history, calendar: calendar)
            let backlog = BacklogChange.of(createdAt: history.createdAt, initial: initial[id] ?? status, changes: history.statusChanges, clock: clock)
            for change in backlog {
                days.insert(change.day)
                backlogRows.append("""
                    (\(bind: workspaceID.rawValue), \(bind: id), \(bind: change.day), \(bind: change.open), \(bind: change.pending), \(bind: change.snoozed))
                    """)
            }
            if let policyID = try row.int64OrNil("sla_policy_id"), let policy = policies[policyID] {
                let outcomes = SLAOutcome.replay(history, initial: initial[id] ?? status, assignments: assignments[id] ?? [],
                                                 assignedAtStart: try assignedAtStart[id] ?? (row.int64OrNil("assignee_id") != nil),
                                                 policy: (policyID, policy), calendar: calendar, now: now)
                for outcome in outcomes {
                    let day = clock.day(outcome.at)
                    days.insert(day)
                    slaRows.append("""
                        (\(bind: workspaceID.rawValue), \(bind: id), \(bind: day), \(bind: outcome.target.rawValue), \(bind: outcome.met ? 1 : 0),
                         \(bind: outcome.cause?.rawValue))
                        """)
                }
            }
            let survey = surveys[id]
            let score = try survey?.int64OrNil("score")
            let answeredDay = try survey?.dateOrNil("answered_at").map(clock.day)
            let sentDay = try survey?.dateOrNil("sent_at").map(clock.day)
            let flag = { (value: Bool) in value ? 1 : 0 }
            days.formUnion([clock.day(facts.createdAt)] + [facts.firstResponseAt, facts.firstResolvedAt, facts.resolvedAt].compactMap { $0.map(clock.day) }
                + [sentDay, answeredDay].compactMap { $0 } + facts.waits.map { clock.day($0.answeredAt) })
            factRows.append("""
                (\(bind: id), \(bind: workspaceID.rawValue), \(bind: try row.int64("inbox_id")), \(bind: try row.string("channel")),
                 \(bind: try row.int64("customer_id")),
                 \(bind: try row.int64OrNil("team_id")), \(bind: try row.int64OrNil("assignee_id")), \(bind: try row.stringOrNil("intent")),
                 \(bind: try row.stringOrNil("language")), \(bind: try row.stringOrNil("sentiment")), \(bind: try row.int64("priority")),
                 \(bind: flag(try row.int64OrNil("merged_into") != nil)), \(bind: facts.createdAt.millis), \(bind: clock.day(facts.createdAt)),
                 \(bind: clock.slot(facts.createdAt)), \(bind: facts.firstResponseAt.map(clock.day)), \(bind: facts.firstResponseSeconds),
                 \(bind: facts.firstResponseBusinessSeconds), \(bind: facts.responses), \(bind: facts.customerMessages),
                 \(bind: facts.automaticMessages), \(bind: facts.firstResolvedAt.map(clock.day)), \(bind: flag(facts.reopened)),
                 \(bind: flag(facts.oneTouch)), \(bind: flag(facts.firstContactResolution)), \(bind: facts.resolvedAt.map(clock.day)),
                 \(bind: facts.resolutionSeconds), \(bind: facts.resolutionBusinessSeconds), \(bind: try survey?.string("kind")),
                 \(bind: sentDay), \(bind: answeredDay), \(bind: score), \(bind: flag(facts.botAnswered)), \(bind: flag(facts.botHandedOver)),
                 \(bind: flag(facts.botResolved)), \(bind: facts.handoverReason.map { $0.replacing("|", with: "/").replacing(";", with: ",") }), \(bind: flag(facts.ruleTouched)), \(bind: flag(facts.ruleResolved)),
                 \(bind: facts.macroIDs.isEmpty ? nil : facts.macroIDs.map(String.init).joined(separator: ",")), \(bind: flag(facts.automated)),
                 \(bind: terms[id]))
                """)
            for wait in facts.waits {
                waitRows.append("""
                    (\(bind: workspaceID.rawValue), \(bind: id), \(bind: clock.day(wait.answeredAt)), \(bind: wait.seconds), \(bind: wait.businessSeconds))
                    """)
            }
        }
        try await ReportDaysStore.markDirty(workspaceID: workspaceID, days: days, in: sql)
        try await sql.raw(queries.deleteFacts).run()
        try await sql.raw(queries.deleteWaits).run()
        try await sql.raw(queries.deleteBacklog).run()
        try await sql.raw(queries.deleteSLA).run()
        for start in stride(from: 0, to: factRows.count, by: 200) {
            try await sql.raw("""
                INSERT INTO report_facts (conversation_id, workspace_id, inbox_id, channel, customer_id, team_id, assignee_id, intent, language, sentiment,
                  priority, merged, created_at, created_day, created_slot, first_response_day, first_response, first_response_business,
                  responses, customer_messages, automatic_messages, first_resolved_day, reopened, one_touch, fcr, resolved_day, resolution,
                  resolution_business, survey_kind, survey_sent_day, survey_answered_day, survey_score, bot_answered, bot_handed_over,
                  bot_resolved, handover_reason, rule_touched, rule_resolved, macros, automated, terms)
                VALUES \(factRows[start..<min(start + 200, factRows.count)].joined(separator: ", "))
                """).run()
        }
        for start in stride(from: 0, to: waitRows.count, by: 1_000) {
            try await sql.raw("""
                INSERT INTO report_waits (workspace_id, conversation_id, day, seconds, business)
                VALUES \(waitRows[start..<min(start + 1_000, waitRows.count)].joined(separator: ", "))
                """).run()
        }
        for start in stride(from: 0, to: slaRows.count, by: 1_000) {
            try await sql.raw("""
                INSERT INTO report_sla (workspace_id, conversation_id, day, target, met, cause)
                VALUES \(slaRows[start..<min(start + 1_000, slaRows.count)].joined(separator: ", "))
                """).run()
        }
        for start in stride(from: 0, to: backlogRows.count, by: 1_000) {
            try await sql.raw("""
                INSERT INTO report_backlog (workspace_id, conversation_id, day, open, pending, snoozed)
                VALUES \(backlogRows[start..<min(start + 1_000, backlogRows.count)].joined(separator: ", "))
                """).run()
        }
    }

    /// A batch's reads and deletes. Every one leads with the conversation ids: with a few hundred
    /// of them in `IN (…)` SQLite preferred an index on the workspace and walked all of its rows
    /// for each batch, so `+workspace_id` takes that column out of the planner's choice (the
    /// workspace still narrows every statement). A test holds their plans to the ids.
    struct BatchQueries {
        let conversations, messages, firstMessages, events, surveys, oldDays, oldWaitDays, oldBacklogDays, oldSLADays: SQLQueryString
        let deleteFacts, deleteWaits, deleteBacklog, deleteSLA: SQLQueryString

        init(workspaceID: WorkspaceID, ids raw: [Int64]) {
            let ws = workspaceID.rawValue
            conversations = """
                SELECT c.id, c.inbox_id, i.kind AS channel, c.customer_id, c.team_id, c.assignee_id, c.intent, c.language, c.sentiment, c.priority,
                  c.merged_into, c.status, c.created_at, c.sla_policy_id
                FROM conversations c JOIN inboxes i ON i.id = c.inbox_id
                WHERE +c.workspace_id = \(bind: ws) AND c.id IN (\(binds: raw))
                """
            messages = """
                SELECT conversation_id, direction, author_agent_id, bot, delivery_status, created_at FROM messages
                WHERE +workspace_id = \(bind: ws) AND conversation_id IN (\(binds: raw)) ORDER BY conversation_id, id
                """
            // The customer's first message of each, for its topics.
            firstMessages = """
                SELECT conversation_id, text FROM messages WHERE id IN (
                  SELECT MIN(id) FROM messages WHERE +workspace_id = \(bind: ws) AND conversation_id IN (\(binds: raw)) AND direction = 'inbound'
                  GROUP BY conversation_id)
                """
            events = """
                SELECT conversation_id, kind, actor_kind, payload, created_at FROM events
                WHERE +workspace_id = \(bind: ws) AND conversation_id IN (\(binds: raw))
                  AND kind IN (\(binds: [DomainEventKind.conversationStatusChanged, .botHandedOver, .ruleFired, .macroApplied,
                                         .conversationAssigneeChanged].map(\.rawValue)))
                ORDER BY conversation_id, id
                """
            surveys = """
                SELECT conversation_id, kind, sent_at, answered_at, score FROM surveys
                WHERE +workspace_id = \(bind: ws) AND conversation_id IN (\(binds: raw))
                """
            oldDays = """
                SELECT created_day, first_response_day, first_resolved_day, resolved_day, survey_sent_day, survey_answered_day FROM report_facts
                WHERE +workspace_id = \(bind: ws) AND conversation_id IN (\(binds: raw))
                """
            oldWaitDays = "SELECT DISTINCT day FROM report_waits WHERE +workspace_id = \(bind: ws) AND conversation_id IN (\(binds: raw))"
            oldBacklogDays = "SELECT DISTINCT day FROM report_backlog WHERE +workspace_id = \(bind: ws) AND conversation_id IN (\(binds: raw))"
            oldSLADays = "SELECT DISTINCT day FROM report_sla WHERE +workspace_id = \(bind: ws) AND conversation_id IN (\(binds: raw))"
            deleteFacts = "DELETE FROM report_facts WHERE +workspace_id = \(bind: ws) AND conversation_id IN (\(binds: raw))"
            deleteWaits = "DELETE FROM report_waits WHERE +workspace_id = \(bind: ws) AND conversation_id IN (\(binds: raw))"
            deleteBacklog = "DELETE FROM report_backlog WHERE +workspace_id = \(bind: ws) AND conversation_id IN (\(binds: raw))"
            deleteSLA = "DELETE FROM report_sla WHERE +workspace_id = \(bind: ws) AND conversation_id IN (\(binds: raw))"
        }

        var all: [SQLQueryString] {
            [conversations, messages, firstMessages, events, surveys, oldDays, oldWaitDays, oldBacklogDays, oldSLADays, deleteFacts, deleteWaits,
             deleteBacklog, deleteSLA]
        }
    }
}
