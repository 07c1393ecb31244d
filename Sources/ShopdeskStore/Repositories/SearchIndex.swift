import Foundation
import ShopdeskCore
import SQLKit

/// Full-text search kept in the same transaction as the rows it indexes, so it is never stale.
///
/// Three sources are indexed: message text, conversation subjects, and customer name, email and
/// phone. Text is folded by `SearchText.fold` before indexing and before querying, so both
/// engines treat "čćđ" like "ccd" and Cyrillic like Cyrillic.
public enum SearchIndex {
    enum Source: String {
        case message, conversation, customer

        var ftsTable: String { "\(rawValue)_fts" }
        var table: String { "\(rawValue)s" }
        /// Written out in full: a constant text is the statement cache's key without building it.
        var ftsInsert: String {
            switch self {
            case .message: "INSERT INTO message_fts (rowid, ws, body) VALUES (?, ?, ?)"
            case .conversation: "INSERT INTO conversation_fts (rowid, ws, body) VALUES (?, ?, ?)"
            case .customer: "INSERT INTO customer_fts (rowid, ws, body) VALUES (?, ?, ?)"
            }
        }
    }

    /// Indexes a row's text; `isNew` skips removing a previous entry that cannot exist.
    static func index(
        _ source: Source, id: Int64, workspaceID: WorkspaceID, text: String, isNew: Bool = false, kind: DatabaseKind,
        in sql: any SQLDatabase
    ) async throws {
        let folded = SearchText.fold(text)
        switch kind {
        case .sqlite:
            if let pending = (sql as? SQLiteDirectDatabase)?.pendingSearch {
                if isNew {
                    pending.add(source, id: id, workspace: "w\(workspaceID)", body: folded)
                    return
                }
                if pending.replace(source, id: id, body: folded) { return }
            }
            if !isNew {
                // workspace: an index entry of a row this transaction is writing, keyed by that row's own id.
                try await sql.raw("DELETE FROM \(unsafeRaw: source.ftsTable) WHERE rowid = \(bind: id)").run()
            }
            try await sql.raw("""
                INSERT INTO \(unsafeRaw: source.ftsTable) (rowid, ws, body) VALUES (\(bind: id), \(bind: "w\(workspaceID)"), \(bind: folded))
                """).run()
        case .postgres:
            // workspace: an index entry of a row this transaction is writing, keyed by that row's own id.
            try await sql.raw("""
                UPDATE \(unsafeRaw: source.table) SET search_vector = to_tsvector('simple', \(bind: folded))
                WHERE id = \(bind: id)
                """).run()
        }
    }

    /// The full-text vector of a row being inserted, as an extra column and value for its INSERT
    /// (both empty on SQLite). PostgreSQL computes the vector in the INSERT itself: indexing
    /// with an UPDATE afterwards cost a second round trip and a second version of the row. Call
    /// `indexInserted` after the INSERT for SQLite's entry.
    static func insertedVector(_ text: String?, kind: DatabaseKind) -> (column: SQLQueryString, value: SQLQueryString) {
        guard kind == .postgres, let text else { return ("", "") }
        return (", search_vector", ", to_tsvector('simple', \(bind: SearchText.fold(text)))")
    }

    /// Indexes a new row whose INSERT carried `insertedVector`: SQLite's entry; nothing on PostgreSQL.
    static func indexInserted(
        _ source: Source, id: Int64, workspaceID: WorkspaceID, text: String?, kind: DatabaseKind, in sql: any SQLDatabase
    ) async throws {
        guard kind == .sqlite, let text else { return }
        try await index(source, id: id, workspaceID: workspaceID, text: text, isNew: true, kind: kind, in: sql)
    }

    /// Removes a row's entry (SQLite; PostgreSQL's vector goes with the row).
    static func remove(_ source: Source, id: Int64, kind: DatabaseKind, in sql: any SQLDatabase) async throws {
        guard kind == .sqlite else { return }
        (sql as? SQLiteDirectDatabase)?.pendingSearch?.remove(source, id: id)
        // workspace: an index entry of a row this transaction is writing, keyed by that row's own id.
        try await sql.raw("DELETE FROM \(unsafeRaw: source.ftsTable) WHERE rowid = \(bind: id)").run()
    }

    /// Name, email (whole, and split at "@" and "." so that "shop" finds "ana@shop.hr") and phone.
    public static func customerText(name: String?, email: String?, phone: String?) -> String {
        var text = ""
        for part in [name, email] { if let part { text += part; text += " " } }
        if let email {
            text.unicodeScalars.append(contentsOf: email.unicodeScalars.lazy.map { $0 == "@" || $0 == "." ? " " : $0 })
            text += " "
        }
        if let phone { text += phone }
        if text.hasSuffix(" ") { text.removeLast() }
        return text
    }

    /// Full-text entries of rows created in the SQLite writer's open transaction, written just
    /// before it commits.
    ///
    /// FTS5 keeps new entries in memory and writes them out as a new index segment whenever a
    /// statement of the transaction opens a statement journal (a multi-row INSERT, an upsert):
    /// an ingest wrote three or four one-entry segments that FTS5 then had to merge, some 10 %
    /// of the writer thread's time. Written together at the end, a group-committed batch of
    /// ingests makes one segment. Nothing reads the index inside a write, and searches use other
    /// connections, which see the transaction only once it commits, entries included.
    ///
    /// Used only on the writer's thread, like its connection (hence `@unchecked Sendable`).
    final class PendingRows: @unchecked Sendable {
        private struct Key: Hashable {
            let source: Source
            let id: Int64
        }
        private var rows: [(key: Key, workspace: String, body: String)] = []
        private var positions: [Key: Int] = [:]

        func add(_ source: Source, id: Int64, workspace: String, body: String) {
            let key = Key(source: source, id: id)
            if let position = positions[key] {
                rows[position].body = body
            } else {
                positions[key] = rows.count
                rows.append((key, workspace, body))
            }
        }

        /// Changes a pending entry's text; false when the row's entry is already in the index.
        func replace(_ source: Source, id: Int64, body: String) -> Bool {
            guard let position = positions[Key(source: source, id: id)] else { return false }
            rows[position].body = body
            return true
        }

        func remove(_ source: Source, id: Int64) {
            guard let position = positions.removeValue(forKey: Key(source: source, id: id)) else { return }
            // Kept in place (positions stay valid) and skipped when written.
            rows[position].body = ""
            rows[position].workspace = ""
        }

        /// Writes the entries through `connection` and forgets them.
        func write(to connection: SQLiteDirectConnection) throws {
            defer { discard() }
            for row in rows where !row.workspace.isEmpty {
                try connection.execute(row.key.source.ftsInsert, binds: [row.key.id, row.workspace, row.body]) { _ in }
            }
        }

        /// Forgets the entries of a transaction that rolled back.
        func discard() {
            rows.removeAll(keepingCapacity: true)
            positions.removeAll(keepingCapacity: true)
        }
    }

    public struct Hit: Sendable, Equatable {
        public var conversationID: ConversationID
        public var score: Double
    }

    /// How many of the most recent matches per source are ranked. Ranking every match of a
    /// common word would cost time in proportion to the whole mailbox; support searches are
    /// about recent conversations, so relevance is judged among the newest matches. Ten pages'
    /// worth: with 500 a search took 1.5–1.8 ms of server CPU in `shopdesk bench api`, with 200
    /// 0.9–1.0 ms (each candidate is a row lookup, then a join).
    static let candidates = 200

    /// The FTS5 query for `terms`: every word must occur; with `prefixLast` the last one is a
    /// prefix (it may still be being typed: "refun" finds "refund"). With `workspace`, only that
    /// workspace's rows match.
    static func ftsMatch(_ terms: [String], workspace: WorkspaceID?, prefixLast: Bool = true) -> String {
        let words = terms.enumerated().map { index, term in
            prefixLast && index == terms.count - 1 ? "\"\(term)\"*" : "\"\(term)\""
        }
        let body = "body : (" + words.joined(separator: " AND ") + ")"
        return workspace.map { "ws : \"w\($0)\" AND " + body } ?? body
    }

    /// Conversations matching every word of `query` in one of the sources, best match first,
    /// then most recent.
    ///
    /// SQLite ranks without FTS5's `bm25()`: bm25 counts, on its first call, every document
    /// holding each term, which for a common word in a large mailbox costs more than the whole
    /// rest of the search (14 ms of 15 at a million messages). A conversation scores by where
    /// the words were found among the newest candidates: 3 for its subject, 2 for its
    /// customer, 1 for each message. Whole-word matches come first; the last word is tried as
    /// a prefix only when whole words do not fill the page, because a prefix merges the
    /// postings of every word it starts (21 ms for a common word at a million messages).
    public static func search(
        workspaceID: WorkspaceID, query: String, limit: Int, kind: DatabaseKind, in sql: any SQLDatabase
    ) async throws -> [Hit] {
        let terms = SearchText.queryTerms(query)
        guard !terms.isEmpty else { return [] }
        let ws = workspaceID.rawValue
        switch kind {
        case .sqlite:
            // Matching the workspace token costs as much again as the words; with one workspace
            // in the database (the usual self-hosted case) every row is the workspace's anyway.
            let workspaces = try await sql.raw("SELECT COUNT(*) AS n FROM workspaces").first()?.decode(column: "n", as: Int.self) ?? 0
            let scope = workspaces > 1 ? workspaceID : nil
            var hits = try await sqliteHits(ftsMatch(terms, workspace: scope, prefixLast: false), workspace: ws, limit: limit, in: sql)
            if hits.count < limit {
                var seen = Set(hits.map(\.conversationID))
                let more = try await sqliteHits(ftsMatch(terms, workspace: scope), workspace: ws, limit: limit, in: sql)
                for hit in more where hits.count < limit && seen.insert(hit.conversationID).inserted {
                    hits.append(hit)
                }
            }
            return hits
        case .postgres:
            let tsquery = terms.enumerated().map { $0.offset == terms.count - 1 ? "\($0.element):*" : $0.element }.joined(separator: " & ")
            return try await postgresHits(workspaceID: workspaceID, tsquery: tsquery, limit: limit, in: sql)
        }
    }

    /// `CROSS JOIN` is SQLite's way to fix the join order: the few hundred candidates drive
    /// the lookups. Left to choose, the planner walked the workspace's conversations and
    /// probed the candidates for each, 92 ms instead of 2.6 ms at 200,000 conversations.
    private static func sqliteHits(_ match: String, workspace ws: Int64, limit: Int, in sql: any SQLDatabase) async throws -> [Hit] {
        try await sql.raw("""
            WITH hits AS (
              SELECT m.conversation_id AS cid, 1 AS weight FROM
                (SELECT rowid AS rid FROM message_fts WHERE message_fts MATCH \(bind: match)
                  ORDER BY rowid DESC LIMIT \(bind: candidates)) s
                CROSS JOIN messages m ON m.id = s.rid
              UNION ALL
              SELECT s.rid AS cid, 3 AS weight FROM
                (SELECT rowid AS rid FROM conversation_fts WHERE conversation_fts MATCH \(bind: match)
                  ORDER BY rowid DESC LIMIT \(bind: candidates)) s
              UNION ALL
              SELECT c.id AS cid, 2 AS weight FROM
                (SELECT rowid AS rid FROM customer_fts WHERE customer_fts MATCH \(bind: match)
                  ORDER BY rowid DESC LIMIT \(bind: candidates)) s
                CROSS JOIN conversations c ON c.customer_id = s.rid
            )
            SELECT h.cid AS cid, CAST(SUM(h.weight) AS REAL) AS score FROM hits h CROSS JOIN conversations c ON c.id = h.cid
            WHERE c.workspace_id = \(bind: ws) AND c.merged_into IS NULL
            GROUP BY h.cid, c.last_message_at ORDER BY SUM(h.weight) DESC, c.last_message_at DESC LIMIT \(bind: limit)
            """).all().map { Hit(conversationID: try $0.id("cid"), score: try $0.double("score")) }
    }
}
