import ArgumentParser
import Foundation
import Logging
import SQLKit
import ShopdeskCore
import ShopdeskStore

extension Bench {
    /// Times read-only SQL and full searches against an existing database, one at a time, for
    /// finding where a slow request spends its time.
    struct SQL: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sql", abstract: "Time SQL statements or searches on an existing database (read-only).")

        @Option(help: "The database (sqlite:PATH or postgres://…).") var database: String
        @Option(name: .customLong("repeat"), help: "Times to run each statement.") var repetitions: Int = 10
        @Option(help: "Time SearchIndex.search for these words instead of SQL (comma-separated).") var search: String?
        @Argument(help: "SQL statements to time.") var statements: [String] = []

        func run() async throws {
            var logger = Logger(label: "shopdesk.bench")
            logger.logLevel = .warning
            let statements = statements
            let count = max(1, repetitions)
            let words = search?.split(separator: ",").map(String.init) ?? []
            try await Database.with(url: database, logger: logger) { database in
                let kind = database.kind
                let workspace = try await database.read { sql in
                    try await sql.raw("SELECT MAX(id) AS id FROM workspaces").first()?.decode(column: "id", as: Int64.self)
                }
                for word in words {
                    let (milliseconds, rows) = try await time(count) {
                        try await database.read { sql in
                            try await SearchIndex.search(workspaceID: WorkspaceID(workspace ?? 1), query: word, limit: 20, kind: kind, in: sql).count
                        }
                    }
                    Console.out(String(format: "%8.2f ms  %5d hits  search %@", milliseconds, rows, word))
                }
                for statement in statements {
                    let (milliseconds, rows) = try await time(count) {
                        try await database.read { sql in try await sql.raw(SQLQueryString(statement)).all().count }
                    }
                    Console.out(String(format: "%8.2f ms  %5d rows  %@", milliseconds, rows, String(statement.prefix(120))))
                }
            }
        }

        /// Average milliseconds per run after one warm-up run, and the row count of the last.
        private func time(_ count: Int, _ body: () async throws -> Int) async throws -> (Double, Int) {
            var rows = try await body()
            let started = ContinuousClock.now
            for _ in 0..<count { rows = try await body() }
            let elapsed = ContinuousClock.now - started
            let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
            return (milliseconds / Double(count), rows)
        }
    }
}
