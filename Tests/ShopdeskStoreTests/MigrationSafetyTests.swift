import Foundation
import ShopdeskCore
@testable import ShopdeskStore
import ShopdeskTestSupport
import SQLKit
import Testing

/// A rolling upgrade's rule: while a new node migrates, nodes of the previous version keep
/// serving, so a migration may only add; one that drops, renames or rebuilds is refused on a
/// database in use unless the operator says every node is stopped.
@Suite("Migrations during a rolling upgrade")
struct MigrationSafetyTests {
    @Test func additiveStatementsAreToldFromOnesOlderNodesWouldNotSurvive() {
        for statement in [
            "CREATE TABLE sso_logins (state_hash TEXT PRIMARY KEY)", "create index x on y(z)", "CREATE UNIQUE INDEX a ON b(c)",
            "ALTER TABLE messages ADD COLUMN mail_auth TEXT", "ALTER TABLE workspaces ADD COLUMN require_two_factor INTEGER NOT NULL DEFAULT 0",
            "ALTER TABLE order_actions ALTER COLUMN agent_id DROP NOT NULL", "UPDATE agents SET x = 1", "INSERT INTO t SELECT 1", "DROP INDEX old_one",
        ] { #expect(MigrationSafety.isAdditive(statement), "\(statement)") }
        for statement in [
            "DROP TABLE agents", "ALTER TABLE a RENAME TO b", "ALTER TABLE a RENAME COLUMN b TO c", "ALTER TABLE a DROP COLUMN b",
            "ALTER TABLE a ADD COLUMN b TEXT NOT NULL", "ALTER TABLE a ALTER COLUMN b TYPE BIGINT", "ALTER TABLE a ADD CONSTRAINT c UNIQUE (d)",
            "ALTER TABLE agents DROP CONSTRAINT agents_email_key", "DELETE FROM x", "TRUNCATE x",
            "ALTER INDEX a RENAME TO b", "ALTER INDEX a SET TABLESPACE b",
            // It takes an ACCESS EXCLUSIVE lock on the index, which every query of its table waits for.
            "ALTER INDEX messages_search SET (gin_pending_list_limit = 128)",
        ] { #expect(!MigrationSafety.isAdditive(statement), "\(statement)") }
    }

    /// The migrations that need every node stopped, per engine. A new one that is not additive
    /// fails here until it is added to this list on purpose (and the release notes say so).
    @Test func theMigrationsThatNeedEveryNodeStoppedAreKnown() {
        let offline = { (kind: DatabaseKind) in
            Migrator.migrations.filter { MigrationSafety.firstBlocking($0, SchemaDialect(kind: kind)) != nil }.map(\.version)
        }
        #expect(offline(.postgres) == [25, 27])
        #expect(offline(.sqlite) == [3, 25, 27, 44])
    }

    @Test(.enabled(if: TestDatabase.kinds.contains(.postgres), "needs SHOPDESK_TEST_POSTGRES_URL"))
    func aDatabaseInUseIsNotMigratedPastOlderNodesWithoutBeingTold() async throws {
        try await TestDatabase.withPostgresURL(schemaVersion: 24) { url in
            try await Database.with(url: url, logger: TestDatabase.logger) { database in
                do {
                    try await Migrator.migrate(database, offline: .refusedWhileInUse)
                    Issue.record("migrations 25 and 27 ran on a database in use")
                } catch let error as OfflineMigrationError {
                    #expect(error.versions.map(\.version) == [25, 27])
                    #expect(error.description.contains("shopdesk migrate --offline") && error.description.contains("DROP TABLE conversation_counts"))
                }
                #expect(try await Self.version(database) == 24, "nothing was applied")
                #expect(try await Migrator.migrate(database, offline: .allowed).last == Migrator.migrations.last?.version)
            }
        }
        // Past those two, today's upgrades only add: a database at 30 goes to the end with older nodes serving.
        try await TestDatabase.withPostgresURL(schemaVersion: 30) { url in
            try await Database.with(url: url, logger: TestDatabase.logger) { database in
                let applied = try await Migrator.migrate(database, offline: .refusedWhileInUse)
                #expect(applied.count == Migrator.migrations.count - 30)
            }
        }
        // A fresh database has no older nodes.
        try await TestDatabase.withPostgresURL(schemaVersion: 0) { url in
            try await Database.with(url: url, logger: TestDatabase.logger) { database in
                let applied = try await Migrator.migrate(database, offline: .refusedWhileInUse)
                #expect(applied.count == Migrator.migrations.count)
            }
        }
    }

    static func version(_ database: Database) async throws -> Int64 {
        try await database.read { sql in
            try await sql.raw("SELECT MAX(version) AS v FROM schema_migrations").first()?.decode(column: "v", as: Int64.self) ?? 0
        }
    }
}
