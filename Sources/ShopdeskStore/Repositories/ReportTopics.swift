import Foundation
import ShopdeskCore
import SQLKit

/// What customers ask about, against the period before: each intent's volume and negative share,
/// and the intents, words and phrases whose share of conversations grew significantly faster than
/// the rest (docs/REPORTS.md, "Topics").
public enum ReportTopics {
    /// Fewer conversations than this in the period never make a rising topic ("3 → 6" is noise).
    public static let minimumCount = 10
    /// The z of the two-proportion test an intent must reach (one-sided, about 0.5 %), and a word
    /// or phrase, of which hundreds are tested at once (about 0.05 %).
    public static let intentZ = 2.58
    public static let termZ = 3.3
    /// Words and phrases listed at most.
    public static let termLimit = 25
    /// Under a filter the words are counted from the conversations' own facts: for periods up to
    /// this many days (a longer one lists the intents only, and says so).
    public static let filteredTermDays = 92

    public struct Line: Sendable, Equatable {
        public var key: String
        public var count: Int
        public var previous: Int
        public var negative: Int
        /// The two-proportion test's z (nil when the previous period had no conversations).
        public var z: Double?
        public var rising: Bool
    }

    public struct Topics: Sendable {
        public var conversations: Int
        public var previousConversations: Int
        /// Every intent of the period (`""` for none), most frequent first.
        public var intents: [Line]
        /// The rising words and phrases, steepest first.
        public var terms: [Line]
        /// Intent → its newest conversations in the period (at most three, for the ten most frequent).
        public var examples: [String: [ConversationID]]
        /// The words were not counted: a filtered period longer than `filteredTermDays`.
        public var termsSkipped = false
    }

    /// z of the share `count / total` against `previous / previousTotal` (pooled), or nil when a
    /// period is empty.
    public static func z(count: Int, total: Int, previous: Int, previousTotal: Int) -> Double? {
        guard total > 0, previousTotal > 0 else { return nil }
        let now = Double(count) / Double(total), before = Double(previous) / Double(previousTotal)
        let pooled = Double(count + previous) / Double(total + previousTotal)
        let spread = (pooled * (1 - pooled) * (1 / Double(total) + 1 / Double(previousTotal))).squareRoot()
        guard spread > 0 else { return nil }
        return ((now - before) / spread * 100).rounded() / 100
    }

    static func line(_ key: String, count: Int, total: Int, previous: Int, previousTotal: Int, negative: Int, threshold: Double) -> Line {
        let z = z(count: count, total: total, previous: previous, previousTotal: previousTotal)
        return Line(key: key, count: count, previous: previous, negative: negative, z: z,
                    rising: count >= minimumCount && (z ?? 0) >= threshold)
    }

    /// The topics of `[from, to)` against `[previousFrom, from)`; the two periods and the words
    /// are read side by side (each on its own connection).
    public static func topics(workspaceID: WorkspaceID, from: Int, to: Int, previousFrom: Int, filter: ReportQueries.Filter,
                              in database: Database) async throws -> Topics {
        async let previousPeriod = database.read { sql in
            try await ReportQueries.period(workspaceID: workspaceID, from: previousFrom, to: from, filter: filter, detail: false, in: sql)
        }
        let skipTerms = filter != ReportQueries.Filter() && ReportClock.days(from: from, to: to).count > filteredTermDays
        async let words: (now: [String: Int], before: [String: Int]) = skipTerms
            ? ([:], [:])
            : termCounts(workspaceID: workspaceID, from: from, to: to, previousFrom: previousFrom, filter: filter, in: database)
        let current = try await database.read { sql in
            try await ReportQueries.period(workspaceID: workspaceID, from: from, to: to, filter: filter, detail: false, in: sql)
        }
        let previous = try await previousPeriod
        let now = current.breakdowns["intent"] ?? [:], before = previous.breakdowns["intent"] ?? [:]
        let negative = current.breakdowns["negative"] ?? [:]
        let intents = Set(now.keys).union(before.keys).map { key in
            line(key, count: now[key] ?? 0, total: current.conversations, previous: before[key] ?? 0,
                 previousTotal: previous.conversations, negative: negative[key] ?? 0, threshold: intentZ)
        }.sorted { $0.count != $1.count ? $0.count > $1.count : $0.key < $1.key }

        let (termsNow, termsBefore) = try await words
        let terms = termsNow.compactMap { key, count -> Line? in
            guard count >= minimumCount else { return nil }
            let line = line(key, count: count, total: current.conversations, previous: termsBefore[key] ?? 0,
                            previousTotal: previous.conversations, negative: 0, threshold: termZ)
            return line.rising ? line : nil
        }.sorted { ($0.z ?? 0) != ($1.z ?? 0) ? ($0.z ?? 0) > ($1.z ?? 0) : $0.key < $1.key }

        let narrowed = try ReportQueries.where_(filter)
        // The newest days first, in the index's order (a second sort key made PostgreSQL sort a
        // year of the intent for three rows).
        let examples = try await database.read { sql in
            var examples: [String: [ConversationID]] = [:]
            for intent in intents.prefix(10) where !intent.key.isEmpty && intent.count > 0 {
                examples[intent.key] = try await sql.raw("""
                    SELECT f.conversation_id FROM report_facts f
                    WHERE f.workspace_id = \(bind: workspaceID.rawValue) AND f.intent = \(bind: intent.key)
                      AND f.created_day >= \(bind: from) AND f.created_day < \(bind: to)\(narrowed)
                    ORDER BY f.created_day DESC LIMIT 3
                    """).all().map { try $0.id("conversation_id") }
            }
            return examples
        }
        return Topics(conversations: current.conversations, previousConversations: previous.conversations, intents: intents,
                      terms: Array(terms.prefix(termLimit)), examples: examples, termsSkipped: skipTerms)
    }

    /// How many conversations of the period, and of the one before, named each word or phrase:
    /// from each day's counts when the report is not filtered and those days are current,
    /// otherwise from the conversations' facts.
    static func termCounts(workspaceID: WorkspaceID, from: Int, to: Int, previousFrom: Int, filter: ReportQueries.Filter,
                           in database: Database) async throws -> (now: [String: Int], before: [String: Int]) {
        let ws = workspaceID.rawValue
        let fromDays = try await database.read { sql in
            guard filter == ReportQueries.Filter(),
                  let cursor = try await sql.raw("SELECT rebuild_after FROM report_cursors WHERE workspace_id = \(bind: ws)").first(),
                  try cursor.int64OrNil("rebuild_after") == nil,
                  try await !ReportDaysStore.anyDirty(workspaceID: workspaceID, from: previousFrom, to: to, in: sql) else { return nil as (now: [String: Int], before: [String: Int])? }
            return try await termCountsFromDays(workspaceID: workspaceID, from: from, to: to, previousFrom: previousFrom, in: sql)
        }
        if let fromDays { return fromDays }
        // The two periods' words side by side.
        async let before = database.read { sql in
            try await termCountsFromFacts(workspaceID: workspaceID, start: previousFrom, end: from, filter: filter, in: sql)
        }
        let now = try await database.read { sql in
            try await termCountsFromFacts(workspaceID: workspaceID, start: from, end: to, filter: filter, in: sql)
        }.filter { $0.value >= minimumCount }
        return (now, now.mapValues { _ in 0 }.merging(try await before.filter { now[$0.key] != nil }) { _, count in count })
    }

    static func termCountsFromDays(workspaceID: WorkspaceID, from: Int, to: Int, previousFrom: Int,
                                   in sql: any SQLDatabase) async throws -> (now: [String: Int], before: [String: Int]) {
        var now: [String: Int] = [:], before: [String: Int] = [:]
        // Only words named often enough now can rise; their earlier counts come in the same pass.
        for row in try await sql.raw("""
            SELECT term, CAST(SUM(CASE WHEN day >= \(bind: from) THEN n ELSE 0 END) AS BIGINT) AS now,
              CAST(SUM(CASE WHEN day < \(bind: from) THEN n ELSE 0 END) AS BIGINT) AS before
            FROM report_terms WHERE workspace_id = \(bind: workspaceID.rawValue) AND day >= \(bind: previousFrom) AND day < \(bind: to)
            GROUP BY term HAVING SUM(CASE WHEN day >= \(bind: from) THEN n ELSE 0 END) >= \(bind: minimumCount)
            """).all() {
            let term = try row.string("term")
            now[term] = try row.int("now")
            before[term] = try row.int("before")
        }
        return (now, before)
    }

    /// How many conversations created in `[start, end)` under the filter named each word or phrase.
    static func termCountsFromFacts(workspaceID: WorkspaceID, start: Int, end: Int, filter: ReportQueries.Filter,
                                    in sql: any SQLDatabase) async throws -> [String: Int] {
        let narrowed = try ReportQueries.where_(filter)
        let joined = sql.dialect.name == "postgresql" ? "string_agg(f.terms, ',')" : "group_concat(f.terms)"
        guard let text = try await sql.raw("""
            SELECT \(unsafeRaw: joined) AS terms FROM report_facts f
            WHERE f.workspace_id = \(bind: workspaceID.rawValue) AND f.created_day >= \(bind: start) AND f.created_day < \(bind: end)
              AND f.terms IS NOT NULL\(narrowed)
            """).first()?.stringOrNil("terms") else { return [:] }
        var counts: [Substring: Int] = [:]
        for term in text.split(separator: ",") { counts[term, default: 0] += 1 }
        return Dictionary(uniqueKeysWithValues: counts.map { (String($0.key), $0.value) })
    }
}
