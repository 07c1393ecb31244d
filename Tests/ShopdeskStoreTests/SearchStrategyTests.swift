import Foundation
import ShopdeskCore
@testable import ShopdeskStore
import ShopdeskTestSupport
import SQLKit
import Testing

/// PostgreSQL's search finds each source's newest matches by walking the newest rows or through
/// the index, chosen by how common the words are. Whatever it chose, it must find what one
/// plain statement over everything finds.
@Suite("PostgreSQL search: walking or the index, the same answer")
struct SearchStrategyTests {
    @Test func everyWayOfFindingCandidatesAgreesWithTheWholeTable() async throws {
        guard TestDatabase.kinds.contains(.postgres) else { return }
        try await TestDatabase.with(.postgres) { database in
            let fixture = try await TestDatabase.fixture(database)
            let ws = fixture.workspace.id
            // 1,500 conversations of two messages: "paket" everywhere (the first walk fills
            // up), "hitno" in one message of 25 (a longer walk), "rijetko" in the three
            // oldest (the index), and a customer named Zvonimir among the oldest.
            let conversations = (0..<1_500).map { n in
                ScaleLoad.Conversation(
                    customerName: n == 10 ? "Zvonimir Rijetko" : "Kupac \(n)", customerEmail: "kupac\(n)@example.hr",
                    subject: n % 50 == 0 ? "Hitno pitanje \(n)" : "Pitanje \(n)",
                    messages: ["Gdje je moj paket \(n)?" + (n < 3 ? " rijetko" : ""), "Paket stiže" + (n % 25 == 7 ? ", hitno" : "")])
            }
            for part in stride(from: 0, to: conversations.count, by: 500) {
                try await ScaleLoad.write(Array(conversations[part..<part + 500]), workspaceID: ws, inboxID: fixture.inbox.id,
                                          lastAt: Date().addingTimeInterval(Double(part)), in: database)
            }
            // Both ways: the probes (as for a large table), and one statement (a small one).
            for (query, small) in ["paket", "hitno", "rijetko", "hitno paket", "zvonimir", "pita", "nema-toga"].flatMap({ [($0, 0), ($0, 1 << 40)] }) {
                let tsquery = Self.tsquery(query)
                let found = try await database.read {
                    try await SearchIndex.postgresHits(workspaceID: ws, tsquery: tsquery, limit: 10_000, smallTable: small, in: $0)
                }
                let expected = try await Self.wholeTable(query, workspace: ws, database: database)
                #expect(Set(found.map(\.conversationID.rawValue)) == expected, "\(query)")
                #expect(found.map(\.score) == found.map(\.score).sorted(by: >), "\(query): best first")
                // The first page ranks as the statement over everything ranks (ties may differ).
                let page = try await database.read {
                    try await SearchIndex.postgresHits(workspaceID: ws, tsquery: tsquery, limit: 20, smallTable: small, in: $0)
                }
                #expect(page.map(\.score) == (try await Self.bestScores(query, workspace: ws, limit: 20, database: database)), "\(query)")
            }
            // Every connection keeps the search indexes' pending lists short (see PostgresBackend).
            let pending = try await database.read { try await $0.raw("SHOW gin_pending_list_limit").first()?.decode(column: "gin_pending_list_limit", as: String.self) }
            #expect(pending == "128kB")
            let rare = try await database.read { try await SearchIndex.search(workspaceID: ws, query: "rijetko", limit: 10, kind: .postgres, in: $0) }
            #expect(rare.count == 4, "the three oldest conversations and Zvonimir's")
        }
    }

    static func tsquery(_ query: String) -> String {
        let terms = query.split(separator: " ").map { SearchText.fold(String($0)) }
        return terms.enumerated().map { $0.offset == terms.count - 1 ? "\($0.element):*" : $0.element }.joined(separator: " & ")
    }

    /// The scores of the best `limit` conversations among those candidates.
    static func bestScores(_ query: String, workspace: WorkspaceID, limit: Int, database: Database) async throws -> [Double] {
        let terms = query.split(separator: " ").map { SearchText.fold(String($0)) }
        let tsquery = terms.enumerated().map { $0.offset == terms.count - 1 ? "\($0.element):*" : $0.element }.joined(separator: " & ")
        let ws = workspace.rawValue
        return try await database.read { sql in
            try await sql.raw("""
                WITH q AS (SELECT to_tsquery('simple', \(bind: tsquery)) AS query), hits AS (
                  SELECT m.conversation_id AS cid, ts_rank(m.search_vector, q.query) AS score FROM q,
                    (SELECT conversation_id, search_vector FROM messages, q WHERE workspace_id = \(bind: ws) AND search_vector @@ q.query
                      ORDER BY id DESC LIMIT 200) m
                  UNION ALL SELECT c.id AS cid, ts_rank(c.search_vector, q.query) AS score FROM q,
                    (SELECT id, search_vector FROM conversations, q WHERE workspace_id = \(bind: ws) AND search_vector @@ q.query
                      ORDER BY id DESC LIMIT 200) c
                  UNION ALL SELECT c.id AS cid, ts_rank(cu.search_vector, q.query) AS score FROM q,
                    (SELECT id, search_vector FROM customers, q WHERE workspace_id = \(bind: ws) AND search_vector @@ q.query
                      ORDER BY id DESC LIMIT 200) cu JOIN conversations c ON c.customer_id = cu.id)
                SELECT CAST(MAX(h.score) AS DOUBLE PRECISION) AS score FROM hits h JOIN conversations c ON c.id = h.cid
                WHERE c.merged_into IS NULL GROUP BY h.cid, c.last_message_at ORDER BY MAX(h.score) DESC, c.last_message_at DESC
                LIMIT \(bind: limit)
                """).all().map { try $0.decode(column: "score", as: Double.self) }
        }
    }

    /// The newest 200 matches of each source, by one statement over each whole table.
    static func wholeTable(_ query: String, workspace: WorkspaceID, database: Database) async throws -> Set<Int64> {
        let terms = query.split(separator: " ").map { SearchText.fold(String($0)) }
        let tsquery = terms.enumerated().map { $0.offset == terms.count - 1 ? "\($0.element):*" : $0.element }.joined(separator: " & ")
        let ws = workspace.rawValue
        return try await database.read { sql in
            Set(try await sql.raw("""
                SELECT conversation_id AS id FROM (SELECT id, conversation_id FROM messages WHERE workspace_id = \(bind: ws)
                  AND search_vector @@ to_tsquery('simple', \(bind: tsquery)) ORDER BY id DESC LIMIT 200) m
                UNION SELECT id FROM (SELECT id FROM conversations WHERE workspace_id = \(bind: ws)
                  AND search_vector @@ to_tsquery('simple', \(bind: tsquery)) ORDER BY id DESC LIMIT 200) c
                UNION SELECT c.id FROM (SELECT id FROM customers WHERE workspace_id = \(bind: ws)
                  AND search_vector @@ to_tsquery('simple', \(bind: tsquery)) ORDER BY id DESC LIMIT 200) cu
                  JOIN conversations c ON c.customer_id = cu.id
                """).all().map { try $0.decode(column: "id", as: Int64.self) })
        }
    }
}
