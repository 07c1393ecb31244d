import Foundation
import ShopdeskCore
import SQLKit

/// PostgreSQL's search: the newest `candidates` matches of each source, found the way their
/// frequency makes cheap, then ranked with `ts_rank`.
///
/// A word in a fifth of the messages (a shop's "order") is found fastest by walking the newest
/// rows backwards and testing each vector (about a microsecond a row, stopping at the 200th
/// match); the GIN index would hand over every posting first (50 ms for 250,000 at a million
/// messages) and fetch each row. A rare word is the opposite: the walk would read the whole
/// table. PostgreSQL's planner cannot tell them apart (a prefix query or an unseen word gets a
/// fixed estimate), and chose the walk for words that do not occur at all: 0.5–0.8 s at a
/// million. So the choice is made here, from what a first walk over the newest thousand rows
/// found: enough matches end the search; some give the density, from which a longer walk is
/// bounded; few send the rest to the index.
extension SearchIndex {
    /// Rows walked first.
    static let probeRows = 1_000
    /// The longest second walk: beyond it the index costs less (at a million messages and 2 %
    /// density the index is about 60 ms, the walk 10 ms).
    static let longestWalk = 10_000

    static func postgresHits(workspaceID: WorkspaceID, tsquery: String, limit: Int, in sql: any SQLDatabase) async throws -> [Hit] {
        var scores: [ConversationID: Double] = [:]
        func add(_ id: ConversationID, _ score: Double) { scores[id] = max(scores[id] ?? 0, score) }
        for candidate in try await candidates(.message, key: "conversation_id", workspaceID: workspaceID, tsquery: tsquery, in: sql) {
            add(ConversationID(candidate.key), candidate.score)
        }
        for candidate in try await candidates(.conversation, key: "id", workspaceID: workspaceID, tsquery: tsquery, in: sql) {
            add(ConversationID(candidate.key), candidate.score)
        }
        let customers = try await candidates(.customer, key: "id", workspaceID: workspaceID, tsquery: tsquery, in: sql)
        if !customers.isEmpty {
            let score = Dictionary(customers.map { ($0.key, $0.score) }, uniquingKeysWith: max)
            for row in try await sql.raw("""
                SELECT id, customer_id FROM conversations WHERE workspace_id = \(bind: workspaceID.rawValue)
                  AND customer_id IN (\(binds: Array(score.keys)))
                """).all() {
                add(try row.id("id"), score[try row.decode(column: "customer_id", as: Int64.self)] ?? 0)
            }
        }
        guard !scores.isEmpty else { return [] }
        // Merged conversations drop out; equal scores go to the most recent conversation.
        var recency: [ConversationID: Int64] = [:]
        for row in try await sql.raw("""
            SELECT id, last_message_at FROM conversations WHERE workspace_id = \(bind: workspaceID.rawValue)
              AND id IN (\(binds: scores.keys.map(\.rawValue))) AND merged_into IS NULL
            """).all() {
            recency[try row.id("id")] = try row.decode(column: "last_message_at", as: Int64.self)
        }
        return recency.keys
            .sorted { (scores[$0] ?? 0, recency[$0] ?? 0, $0.rawValue) > (scores[$1] ?? 0, recency[$1] ?? 0, $1.rawValue) }
            .prefix(limit)
            .map { Hit(conversationID: $0, score: scores[$0] ?? 0) }
    }

    private struct Candidate {
        var id: Int64
        var key: Int64
        var score: Double
    }

    /// The newest `candidates` rows of `source` in the workspace whose vector matches, with the
    /// row's `key` column and its rank.
    private static func candidates(
        _ source: Source, key: String, workspaceID: WorkspaceID, tsquery: String, in sql: any SQLDatabase
    ) async throws -> [Candidate] {
        let ws = workspaceID.rawValue
        let table: SQLQueryString = "\(unsafeRaw: source.table)", keyColumn: SQLQueryString = "\(unsafeRaw: key)"
        let query: SQLQueryString = "to_tsquery('simple', \(bind: tsquery))"
        let score: SQLQueryString = "CAST(ts_rank(search_vector, \(query)) AS DOUBLE PRECISION) AS score"
        func decode(_ rows: [any SQLRow]) throws -> [Candidate] {
            try rows.map { Candidate(id: try $0.decode(column: "id", as: Int64.self), key: try $0.decode(column: "key", as: Int64.self),
                                     score: try $0.decode(column: "score", as: Double.self)) }
        }
        // Walks the newest `rows` rows before `before`, newest first, stopping at `wanted` matches.
        // `rows` is written into the statement (a power of two, so a few statements are reused):
        // as a parameter, a prepared statement's generic plan would not know how few they are.
        func walk(rows: Int, before: Int64?, wanted: Int) async throws -> [Candidate] {
            let older: SQLQueryString = before.map { " AND id < \(bind: $0)" } ?? ""
            return try decode(try await sql.raw("""
                SELECT id, key, \(score) FROM (SELECT id, \(keyColumn) AS key, search_vector FROM \(table)
                  WHERE workspace_id = \(bind: ws)\(older) ORDER BY id DESC LIMIT \(unsafeRaw: String(rows))) newest
                WHERE search_vector @@ \(query) LIMIT \(bind: wanted)
                """).all())
        }
        // The oldest id among the newest `rows` rows before `before`; nil when there are fewer.
        func floor(rows: Int, before: Int64?) async throws -> Int64? {
            let older: SQLQueryString = before.map { " AND id < \(bind: $0)" } ?? ""
            return try await sql.raw("""
                SELECT id FROM \(table) WHERE workspace_id = \(bind: ws)\(older) ORDER BY id DESC LIMIT 1 OFFSET \(bind: rows - 1)
                """).first()?.decode(column: "id", as: Int64.self)
        }

        var found = try await walk(rows: probeRows, before: nil, wanted: candidates)
        guard found.count < candidates, var reached = try await floor(rows: probeRows, before: nil) else { return found }
        if !found.isEmpty {
            // The probe's density says how far back the rest lies; walk there if that is short.
            let estimate = (candidates - found.count) * probeRows / found.count * 3 / 2
            let needed = 1 << (Int.bitWidth - max(estimate, 1).leadingZeroBitCount)
            if needed <= longestWalk * 2 {
                found += try await walk(rows: needed, before: reached, wanted: candidates - found.count)
                guard found.count < candidates, let further = try await floor(rows: needed, before: reached) else { return found }
                reached = further
            }
        }
        // The index, for what is older. `id + 0` keeps the planner from walking the primary key.
        found += try decode(try await sql.raw("""
            SELECT id, \(keyColumn) AS key, \(score) FROM \(table) WHERE workspace_id = \(bind: ws) AND id < \(bind: reached) AND search_vector @@ \(query)
            ORDER BY id + 0 DESC LIMIT \(bind: candidates - found.count)
            """).all())
        return found
    }
}
