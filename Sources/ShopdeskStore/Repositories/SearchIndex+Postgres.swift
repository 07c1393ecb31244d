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

    /// Each statement hands back only the `limit` best conversations among its matches (by
    /// score, then recency), never the matches themselves: the best of all sources is among the
    /// best of each, and decoding 600 candidate rows cost more server time than the search.
    /// Below this many messages (the planner's estimate for the table) one statement through
    /// the index is cheaper than the probes: a common word's postings are still few. Measured on
    /// 5,000 messages: 4.3 – 6.2 ms of database CPU with one statement, 6.0 – 8.5 with the probes.
    static let smallTable = 50_000

    static func postgresHits(workspaceID: WorkspaceID, tsquery: String, limit: Int, smallTable: Int = smallTable,
                             in sql: any SQLDatabase) async throws -> [Hit] {
        let estimate = try await sql.raw("SELECT CAST(reltuples AS BIGINT) AS n FROM pg_class WHERE oid = 'messages'::regclass")
            .first()?.decode(column: "n", as: Int64.self) ?? -1
        // -1: never analysed yet, which a table that has grown large has been by autovacuum.
        if estimate < Int64(smallTable) { return try await oneStatementHits(workspaceID: workspaceID, tsquery: tsquery, limit: limit, in: sql) }
        var best: [ConversationID: (score: Double, recency: Int64)] = [:]
        for (source, key) in [(Source.message, "conversation_id"), (.conversation, "id"), (.customer, "id")] {
            for hit in try await ranked(source, key: key, workspaceID: workspaceID, tsquery: tsquery, limit: limit, in: sql) {
                if hit.score > best[hit.id]?.score ?? -1 { best[hit.id] = (hit.score, hit.recency) }
            }
        }
        return best.sorted { ($0.value.score, $0.value.recency, $0.key.rawValue) > ($1.value.score, $1.value.recency, $1.key.rawValue) }
            .prefix(limit)
            .map { Hit(conversationID: $0.key, score: $0.value.score) }
    }

    /// Every source's newest matches through the GIN index and the ranking, in one statement.
    private static func oneStatementHits(workspaceID: WorkspaceID, tsquery: String, limit: Int, in sql: any SQLDatabase) async throws -> [Hit] {
        let ws = workspaceID.rawValue
        return try await sql.raw("""
            WITH q AS (SELECT to_tsquery('simple', \(bind: tsquery)) AS query), hits AS (
              SELECT m.conversation_id AS cid, ts_rank(m.search_vector, q.query) AS score FROM q,
                (SELECT conversation_id, search_vector FROM messages, q WHERE workspace_id = \(bind: ws) AND search_vector @@ q.query
                  ORDER BY id DESC LIMIT \(bind: candidates)) m
              UNION ALL
              SELECT c.id AS cid, ts_rank(c.search_vector, q.query) AS score FROM q,
                (SELECT id, search_vector FROM conversations, q WHERE workspace_id = \(bind: ws) AND search_vector @@ q.query
                  ORDER BY id DESC LIMIT \(bind: candidates)) c
              UNION ALL
              SELECT c.id AS cid, ts_rank(cu.search_vector, q.query) AS score FROM q,
                (SELECT id, search_vector FROM customers, q WHERE workspace_id = \(bind: ws) AND search_vector @@ q.query
                  ORDER BY id DESC LIMIT \(bind: candidates)) cu
                JOIN conversations c ON c.customer_id = cu.id
            )
            SELECT h.cid AS cid, CAST(MAX(h.score) AS DOUBLE PRECISION) AS score FROM hits h
            JOIN conversations c ON c.id = h.cid
            WHERE c.merged_into IS NULL
            GROUP BY h.cid, c.last_message_at ORDER BY MAX(h.score) DESC, c.last_message_at DESC LIMIT \(bind: limit)
            """).all().map { Hit(conversationID: try $0.id("cid"), score: try $0.double("score")) }
    }

    private struct Ranked {
        var id: ConversationID
        var score: Double
        var recency: Int64
    }

    /// What one statement said: its best conversations, and in its last row (`n` not NULL) how
    /// many matches it had and, for the probe, how far back its rows reached.
    private struct Step {
        var best: [Ranked] = []
        var matches = 0
        var oldest: Int64?
        var rows: Int64 = 0
    }

    /// The best conversations among the newest `candidates` rows of `source` in the workspace
    /// whose vector matches (`key` names the row's conversation, or for customers the customer).
    private static func ranked(
        _ source: Source, key: String, workspaceID: WorkspaceID, tsquery: String, limit: Int, in sql: any SQLDatabase
    ) async throws -> [Ranked] {
        let ws = workspaceID.rawValue
        let table: SQLQueryString = "\(unsafeRaw: source.table)", keyColumn: SQLQueryString = "\(unsafeRaw: key)"
        // A sub-select, so the query is parsed once per statement: written as a call, a
        // prepared statement's generic plan parsed it again for every row it tested.
        let query: SQLQueryString = "(SELECT to_tsquery('simple', \(bind: tsquery)))"
        let score: SQLQueryString = "CAST(ts_rank(search_vector, \(query)) AS DOUBLE PRECISION) AS score"
        let joined: SQLQueryString = source == .customer ? "c.customer_id = m.key" : "c.id = m.key"
        // `matches` (id, key, score) become their best conversations; `last` is the final row.
        func step(_ ctes: SQLQueryString, last: SQLQueryString) async throws -> Step {
            var result = Step()
            for row in try await sql.raw("""
                WITH \(ctes), top AS (SELECT c.id AS cid, MAX(m.score) AS score, c.last_message_at AS recency FROM m
                  JOIN conversations c ON \(joined) WHERE c.merged_into IS NULL GROUP BY c.id, c.last_message_at
                  ORDER BY score DESC, recency DESC LIMIT \(bind: limit))
                SELECT cid, score, recency, CAST(NULL AS BIGINT) AS n FROM top UNION ALL \(last)
                """).all() {
                if let matches = try row.decode(column: "n", as: Int64?.self) {
                    result.matches = Int(matches)
                    result.oldest = try row.decode(column: "cid", as: Int64?.self)
                    result.rows = try row.decode(column: "recency", as: Int64?.self) ?? 0
                } else {
                    result.best.append(Ranked(id: try row.id("cid"), score: try row.decode(column: "score", as: Double.self),
                                              recency: try row.decode(column: "recency", as: Int64.self)))
                }
            }
            return result
        }
        let counted: SQLQueryString = "SELECT CAST(NULL AS BIGINT), CAST(NULL AS DOUBLE PRECISION), CAST(NULL AS BIGINT), COUNT(id) FROM m"

        // The probe: the newest `probeRows` rows all read (a millisecond), so that the statement
        // also tells how far back they reach and whether the table has more.
        let probe = try await step("""
            newest AS MATERIALIZED (SELECT id, \(keyColumn) AS key, search_vector FROM \(table)
              WHERE workspace_id = \(bind: ws) ORDER BY id DESC LIMIT \(unsafeRaw: String(probeRows))),
            m AS MATERIALIZED (SELECT id, key, \(score) FROM newest WHERE search_vector @@ \(query) ORDER BY id DESC LIMIT \(bind: candidates))
            """, last: "SELECT MIN(id), CAST(NULL AS DOUBLE PRECISION), COUNT(id), (SELECT COUNT(id) FROM m) FROM newest")
        var best = probe.best, found = probe.matches
        guard found < candidates, var reached = probe.oldest, probe.rows == probeRows else { return best }
        if found > 0 {
            // The probe's density says how far back the rest lies; walk there if that is short.
            // The rows are written into the statement (a power of two, so a few statements are
            // reused): as a parameter, a prepared statement's generic plan would not know how few.
            let estimate = (candidates - found) * probeRows / found * 3 / 2
            let needed = 1 << (Int.bitWidth - max(estimate, 1).leadingZeroBitCount)
            if needed <= longestWalk * 2 {
                let walk = try await step("""
                    m AS MATERIALIZED (SELECT id, key, \(score) FROM (SELECT id, \(keyColumn) AS key, search_vector FROM \(table)
                      WHERE workspace_id = \(bind: ws) AND id < \(bind: reached) ORDER BY id DESC LIMIT \(unsafeRaw: String(needed))) newest
                      WHERE search_vector @@ \(query) LIMIT \(bind: candidates - found))
                    """, last: counted)
                best += walk.best
                found += walk.matches
                // Not filled: the walk read its whole window; the index takes over below it.
                guard found < candidates, let further = try await sql.raw("""
                    SELECT id FROM \(table) WHERE workspace_id = \(bind: ws) AND id < \(bind: reached)
                    ORDER BY id DESC LIMIT 1 OFFSET \(bind: needed - 1)
                    """).first()?.decode(column: "id", as: Int64.self) else { return best }
                reached = further
            }
        }
        // The index, for what is older. `id + 0` keeps the planner from walking the primary key.
        best += try await step("""
            m AS MATERIALIZED (SELECT id, \(keyColumn) AS key, \(score) FROM \(table) WHERE workspace_id = \(bind: ws)
              AND id < \(bind: reached) AND search_vector @@ \(query) ORDER BY id + 0 DESC LIMIT \(bind: candidates - found))
            """, last: counted).best
        return best
    }
}
