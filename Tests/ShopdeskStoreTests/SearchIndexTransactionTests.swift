import Foundation
import ShopdeskCore
@testable import ShopdeskStore
import ShopdeskTestSupport
import Testing

/// On SQLite the writer holds the full-text entries of new rows until just before its COMMIT
/// (`SearchIndex.PendingRows`); these tests make sure an entry still commits with its row, and
/// only with it, whatever happens to the row inside the transaction.
@Suite("Search index inside transactions")
struct SearchIndexTransactionTests {
    /// Concurrent ingests share group-committed transactions; the ones that fail roll back, and
    /// their batch is replayed one by one. Every committed message is found by its own word, and
    /// no rolled-back one is.
    @Test(arguments: TestDatabase.kinds)
    func entriesCommitWithTheirRowsAndRollBackWithThem(kind: DatabaseKind) async throws {
        struct Refused: Error {}
        try await TestDatabase.with(kind) { database in
            let fixture = try await TestDatabase.fixture(database)
            let service = ConversationService(database: database, publisher: nil)
            let ws = fixture.workspace.id
            // Three digits each, so that no word is the prefix of another.
            let word: @Sendable (Int) -> String = { "parcel\($0 + 100)" }
            let committed = try await withThrowingTaskGroup(of: (Int, Bool).self) { group in
                for index in 0..<60 {
                    group.addTask {
                        do {
                            _ = try await service.ingest(.sample(inbox: fixture.inbox.id, email: "c\(index)@example.com",
                                                                 text: "Where is \(word(index))?", subject: "Order \(word(index))"),
                                                         workspaceID: ws) { _, _ in
                                if index % 7 == 0 { throw Refused() }
                            }
                            return (index, true)
                        } catch is Refused {
                            return (index, false)
                        }
                    }
                }
                var outcomes: [Int: Bool] = [:]
                for try await (index, stored) in group { outcomes[index] = stored }
                return outcomes
            }
            #expect(committed.values.filter { !$0 }.count == 9)
            for (index, stored) in committed {
                let hits = try await database.read {
                    try await SearchIndex.search(workspaceID: ws, query: word(index), limit: 5, kind: kind, in: $0)
                }
                #expect(hits.count == (stored ? 1 : 0), "\(word(index)) stored: \(stored)")
            }
        }
    }

    /// A customer created, renamed and another created and deleted, all in one transaction: the
    /// index holds the new name, not the old one, and nothing of the deleted customer.
    @Test(arguments: TestDatabase.kinds)
    func aRowChangedOrDeletedInItsOwnTransactionIsIndexedAsItEnds(kind: DatabaseKind) async throws {
        try await TestDatabase.with(kind) { database in
            let fixture = try await TestDatabase.fixture(database)
            let ws = fixture.workspace.id
            let now = Date()
            try await database.write { sql in
                var (renamed, _) = try await CustomerRepository.findOrCreate(
                    .init(name: "Quentin Oldname", email: "quentin@example.com"), workspaceID: ws, now: now, kind: kind, in: sql)
                renamed.name = "Quentin Newname"
                try await CustomerRepository.update(renamed, kind: kind, in: sql)
                let (deleted, _) = try await CustomerRepository.findOrCreate(
                    .init(name: "Zoltan Gone", email: "zoltan@example.com"), workspaceID: ws, now: now, kind: kind, in: sql)
                try await CustomerRepository.delete(deleted.id, workspaceID: ws, kind: kind, in: sql)
            }
            func names(_ query: String) async throws -> [String] {
                try await database.read {
                    try await CustomerRepository.list(workspaceID: ws, query: query, beforeID: nil, limit: 10, kind: kind, in: $0)
                }.compactMap(\.name)
            }
            #expect(try await names("newname") == ["Quentin Newname"])
            #expect(try await names("oldname").isEmpty)
            #expect(try await names("zoltan").isEmpty)
            if kind == .sqlite {
                let entries = try await database.read {
                    try await $0.raw("SELECT COUNT(*) AS n FROM customer_fts WHERE customer_fts MATCH 'body : zoltan'").first()?
                        .decode(column: "n", as: Int.self)
                }
                #expect(entries == 0)
            }
        }
    }
}
