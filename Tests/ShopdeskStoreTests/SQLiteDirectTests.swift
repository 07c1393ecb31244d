import Foundation
import Testing
@testable import ShopdeskStore

/// Our own SQLite connection: values round-trip, errors are readable, statements stay prepared.
@Suite("SQLite connection")
struct SQLiteDirectTests {
    private func withConnection(_ body: (SQLiteDirectConnection) throws -> Void) throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("shopdesk-direct-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let connection = try SQLiteDirectConnection(path: directory.appendingPathComponent("t.sqlite").path)
        defer { connection.close() }
        try body(connection)
    }

    @Test func valuesRoundTripThroughBindsAndRows() throws {
        try withConnection { connection in
            try connection.execute("CREATE TABLE t (i INTEGER, r REAL, s TEXT, b BLOB, n TEXT)", binds: []) { _ in }
            let text = "Narudžba #12 — заказ 🙂"
            try connection.execute("INSERT INTO t VALUES (?, ?, ?, ?, ?)",
                                   binds: [Int64.max, 2.5, text, Data([0, 1, 2]), String?.none]) { _ in }
            try connection.execute("INSERT INTO t VALUES (?, ?, ?, ?, ?)", binds: [true, 0.0, "", Data(), "x"]) { _ in }
            var rows: [SQLiteDirectRow] = []
            try connection.execute("SELECT * FROM t ORDER BY rowid", binds: []) { rows.append($0) }
            #expect(rows.count == 2)
            #expect(try rows[0].decode(column: "i", as: Int64.self) == Int64.max)
            #expect(try rows[0].decode(column: "r", as: Double.self) == 2.5)
            #expect(try rows[0].decode(column: "s", as: String.self) == text)
            #expect(try rows[0].decode(column: "b", as: Data.self) == Data([0, 1, 2]))
            #expect(try rows[0].decode(column: "n", as: String?.self) == nil)
            #expect(try rows[0].decodeNil(column: "n"))
            #expect(try rows[1].decode(column: "i", as: Bool.self) == true)
            #expect(try rows[1].decode(column: "s", as: String.self) == "")   // empty text is not NULL
            #expect(try rows[1].decode(column: "n", as: String?.self) == "x")
            #expect(throws: (any Error).self) { try rows[0].decode(column: "missing", as: Int64.self) }
        }
    }

    @Test func columnsAreFoundByNameAmongManyAndTheFirstOfTwinsWins() throws {
        try withConnection { connection in
            let names = (0..<45).map { "column_\($0)_" + String(repeating: "x", count: $0 % 7) } + ["id", "a", "b"]
            let select = names.enumerated().map { "\($0.offset) AS \($0.element)" }.joined(separator: ", ")
            var row: SQLiteDirectRow?
            try connection.execute("SELECT \(select), 100 AS id, 7 AS zz", binds: []) { row = $0 }
            let found = try #require(row)
            for (position, name) in names.enumerated() {
                #expect(try found.decode(column: name, as: Int64.self) == Int64(position))
            }
            #expect(try found.decode(column: "id", as: Int64.self) == Int64(names.count - 3), "the first of two columns named id")
            #expect(try found.decode(column: "zz", as: Int64.self) == 7)
            #expect(!found.contains(column: "column_1") && !found.contains(column: ""))
        }
    }

    @Test func errorsNameTheProblemAndTheStatement() throws {
        try withConnection { connection in
            try connection.execute("CREATE TABLE u (k TEXT UNIQUE)", binds: []) { _ in }
            try connection.execute("INSERT INTO u VALUES (?)", binds: ["a"]) { _ in }
            do {
                try connection.execute("INSERT INTO u VALUES (?)", binds: ["a"]) { _ in }
                Issue.record("a duplicate key was accepted")
            } catch let error as SQLiteDirectError {
                #expect(error.description.contains("UNIQUE constraint failed: u.k"))
                #expect(error.description.contains("INSERT INTO u"))
            }
            // The statement that failed is reset and usable again.
            try connection.execute("INSERT INTO u VALUES (?)", binds: ["b"]) { _ in }
        }
    }

    @Test func cachedStatementsAreNotParsedAgainWhenBindsChange() throws {
        try withConnection { connection in
            try connection.execute("""
                CREATE TABLE v (id INTEGER PRIMARY KEY, state TEXT, at INTEGER);
                CREATE INDEX v_open ON v (at) WHERE state = 'open'
                """, binds: []) { _ in }
            for index in 0..<50 {
                try connection.execute("INSERT INTO v (state, at) VALUES (?, ?)", binds: [index % 2 == 0 ? "open" : "closed", Int64(index)]) { _ in }
            }
            // A bound LIMIT and a parameter compared with a partial index's condition are the two
            // cases that made SQLite re-parse a statement on every new value.
            var seen = 0
            for limit in 1...20 {
                try connection.execute("SELECT id FROM v WHERE state = ? ORDER BY at DESC LIMIT ?",
                                       binds: [limit % 2 == 0 ? "open" : "closed", Int64(limit)]) { _ in seen += 1 }
            }
            #expect(seen == (1...20).reduce(0, +))
            #expect(connection.reprepares == 0)
        }
    }
}
