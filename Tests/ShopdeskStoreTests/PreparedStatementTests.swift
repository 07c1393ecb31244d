import Foundation
@testable import ShopdeskStore
import ShopdeskTestSupport
import SQLKit
import Testing

/// Statements run often are prepared once per PostgreSQL connection; whatever is prepared must
/// answer exactly as the unnamed statement would, and nothing may fail because it was prepared.
@Suite("Prepared statements on PostgreSQL")
struct PreparedStatementTests {
    @Test func onlyStatementsWhoseResultCannotChangeShapeArePrepared() {
        #expect(PreparedStatementRegistry.mayPrepare("SELECT id, name FROM inboxes WHERE id = $1"))
        #expect(PreparedStatementRegistry.mayPrepare("SELECT COUNT(*) AS n FROM jobs"))
        #expect(PreparedStatementRegistry.mayPrepare("SELECT count( *) AS n FROM jobs"))
        #expect(!PreparedStatementRegistry.mayPrepare("SELECT * FROM inboxes WHERE id = $1"))
        #expect(!PreparedStatementRegistry.mayPrepare("SELECT t.id, a.* FROM api_tokens t JOIN agents a ON a.id = t.agent_id"))
        #expect(!PreparedStatementRegistry.mayPrepare("INSERT INTO tags (name) VALUES ($1) RETURNING *"))
    }

    @Test func theURLCanTurnThemOff() throws {
        #expect(try PostgresBackend.preparesStatements("postgres://u@db/shop"))
        #expect(try PostgresBackend.preparesStatements("postgres://u@db/shop?pool_size=5&prepared_statements=on"))
        #expect(try !PostgresBackend.preparesStatements("postgres://u@db/shop?prepared_statements=off"))
        #expect(throws: DatabaseURLError.self) { try PostgresBackend.preparesStatements("postgres://u@db/shop?prepared_statements=no") }
    }

    @Test func aStatementIsNamedOnItsThirdSightingPerParameterTypes() {
        let registry = PreparedStatementRegistry(enabled: true)
        let sql = "SELECT id FROM conversations WHERE workspace_id = $1 AND id = $2"
        #expect(registry.name(for: sql, types: [20, 20]) == nil)
        #expect(registry.name(for: sql, types: [20, 20]) == nil)
        let name = registry.name(for: sql, types: [20, 20])
        #expect(name == "sd1")
        #expect(registry.name(for: sql, types: [20, 20]) == "sd1")
        // A NULL first (type left to the server) is another statement than a value of a type.
        #expect(registry.name(for: sql, types: [20, 0]) == nil)
        // A constraint violation is the data's answer; anything else may be the preparation's.
        registry.failed("sd1", error: CancellationError())
        #expect(registry.name(for: sql, types: [20, 20]) == nil)
    }

    @Test func preparedAnswersMatchAndSurviveSchemaChangesAndFailures() async throws {
        guard TestDatabase.kinds.contains(.postgres) else { return }
        try await TestDatabase.withPostgresURL { url in
            // One connection, so every statement below meets the ones it prepared.
            let single = url.replacingOccurrences(of: "pool_size=6", with: "pool_size=1")
            try await Database.with(url: single, logger: TestDatabase.logger) { database in
                try await database.write { sql in
                    try await sql.raw("CREATE TABLE probe (id BIGINT PRIMARY KEY, name TEXT, at DOUBLE PRECISION)").run()
                }
                // A NULL first: the server infers the column's type for it; later values of
                // another Swift type must not be read as the inferred one.
                for id in 1...4 {
                    try await database.write { sql in
                        try await sql.raw("INSERT INTO probe (id, name, at) VALUES (\(bind: Int64(id)), \(bind: nil as String?), \(bind: nil as Double?))").run()
                    }
                }
                for id in 5...9 {
                    try await database.write { sql in
                        try await sql.raw("INSERT INTO probe (id, name, at) VALUES (\(bind: Int64(id)), \(bind: "n\(id)"), \(bind: Double(id) + 0.5))").run()
                    }
                }
                let rows = try await database.read { sql in
                    try await sql.raw("SELECT id, name, at FROM probe WHERE id >= \(bind: Int64(1)) ORDER BY id").all()
                }
                #expect(try rows.map { try $0.decode(column: "name", as: String?.self) } == [nil, nil, nil, nil, "n5", "n6", "n7", "n8", "n9"])
                #expect(try rows.map { try $0.decode(column: "at", as: Double?.self) } == [nil, nil, nil, nil, 5.5, 6.5, 7.5, 8.5, 9.5])
                let prepared = try await database.read { sql in
                    try await sql.raw("SELECT name FROM pg_prepared_statements WHERE name LIKE \(bind: "sd%")").all().map { try $0.decode(column: "name", as: String.self) }
                }
                #expect(prepared.count >= 3, "the repeated inserts and the BEGIN/COMMIT are prepared: \(prepared)")

                // A column added by a newer node's migration: the prepared reads still answer.
                let read: @Sendable () async throws -> [String] = {
                    try await database.read { sql in
                        try await sql.raw("SELECT name FROM probe WHERE id > \(bind: Int64(6)) ORDER BY id").all()
                            .map { try $0.decode(column: "name", as: String.self) }
                    }
                }
                for _ in 0..<4 { _ = try await read() }
                try await database.write { try await $0.raw("ALTER TABLE probe ADD COLUMN extra TEXT").run() }
                #expect(try await read() == ["n7", "n8", "n9"])

                // A constraint violation answers as itself, every time.
                for _ in 0..<4 {
                    await #expect(throws: (any Error).self) {
                        try await database.write { try await $0.raw("INSERT INTO probe (id, name) VALUES (\(bind: Int64(5)), \(bind: "again"))").run() }
                    }
                }

                // A statement that failed while prepared (here: its table did not exist yet) is
                // sent unnamed from then on, so it works once the table is there.
                let late: @Sendable () async throws -> Int = {
                    try await database.read { sql in
                        try await sql.raw("SELECT COUNT(*) AS n FROM later WHERE id > \(bind: Int64(0))").first()?.decode(column: "n", as: Int.self) ?? -1
                    }
                }
                for _ in 0..<4 { await #expect(throws: (any Error).self) { _ = try await late() } }
                try await database.write { try await $0.raw("CREATE TABLE later (id BIGINT)").run() }
                #expect(try await late() == 0)
            }
        }
    }
}
