import Foundation
import ShopdeskCore
import SQLKit

/// Applies the schema versions that a database has not seen yet, each in one transaction.
public enum Migrator {
    struct Migration: Sendable {
        let version: Int64
        let name: String
        let statements: @Sendable (SchemaDialect) -> [String]
        /// SQLite only changes some constraints by rebuilding a table, which needs foreign-key
        /// enforcement off (outside the transaction); the migrator checks the keys afterwards.
        var rebuildsTables = false
        /// Set when its statements look additive but older nodes would still misread the result
        /// (a rewrite of data they use). Otherwise `MigrationSafety` judges by the statements.
        var offline = false
    }

    /// Whether migrations that nodes of the previous version would not survive may run now.
    public enum OfflineMigrations: Sendable {
        /// Tools, tests and fresh databases: nothing else is running.
        case allowed
        /// `serve` and `migrate` on PostgreSQL, where other nodes may be serving, unless told
        /// that every node is stopped.
        case refusedWhileInUse
    }

    static let migrations: [Migration] = [
        Migration(version: 1, name: "initial schema", statements: Schema.version1),
        // View counts read only this index instead of every conversation row.
        Migration(version: 2, name: "covering index for view counts", statements: { _ in
            ["CREATE INDEX conversations_counts ON conversations(workspace_id, merged_into, status, assignee_id)"]
        }),
        Migration(version: 3, name: "workspace-scoped search index", statements: Schema.version3),
        Migration(version: 4, name: "view counters", statements: Schema.version4),
        Migration(version: 5, name: "message classification", statements: Schema.version5),
        Migration(version: 6, name: "read markers", statements: Schema.version6),
        Migration(version: 7, name: "agent invitations", statements: Schema.version7),
        Migration(version: 8, name: "chat channel", statements: Schema.version8),
        Migration(version: 9, name: "email channel", statements: Schema.version9),
        Migration(version: 10, name: "automation", statements: Schema.version10),
        Migration(version: 11, name: "service level agreements", statements: Schema.version11),
        Migration(version: 12, name: "time-based rules and read-only history", statements: Schema.version12),
        Migration(version: 13, name: "assignment", statements: Schema.version13),
        Migration(version: 14, name: "surveys", statements: Schema.version14),
        Migration(version: 15, name: "customer tags and VIP", statements: Schema.version15),
        Migration(version: 16, name: "agent signatures", statements: Schema.version16),
        Migration(version: 17, name: "commerce", statements: Schema.version17),
        Migration(version: 18, name: "help center", statements: Schema.version18),
        Migration(version: 19, name: "chat bot", statements: Schema.version19),
        Migration(version: 20, name: "workspace models", statements: Schema.version20),
        Migration(version: 21, name: "email html", statements: Schema.version21),
        Migration(version: 22, name: "imap checkpoints", statements: Schema.version22),
        Migration(version: 23, name: "raw mail in the database", statements: Schema.version23),
        Migration(version: 24, name: "mailbox checks", statements: Schema.version24),
        Migration(version: 25, name: "striped view counters, conversation numbers from sequences", statements: Schema.version25),
        Migration(version: 26, name: "order modification times", statements: { _ in
            // Snapshots never move backwards: a replayed old webhook body loses to a newer stored one.
            ["ALTER TABLE orders ADD COLUMN shop_updated_at BIGINT"]
        }),
        Migration(version: 27, name: "agent emails unique per workspace", statements: Schema.version27, rebuildsTables: true),
        Migration(version: 28, name: "messaging channel opt-outs", statements: Schema.version28),
        Migration(version: 29, name: "replies sent as channel templates", statements: Schema.version29),
        Migration(version: 30, name: "comments on posts as conversations", statements: Schema.version30),
        Migration(version: 31, name: "replies scheduled to send later", statements: Schema.version31),
        Migration(version: 32, name: "saved views", statements: Schema.version32),
        Migration(version: 33, name: "followers and notifications", statements: Schema.version33),
        Migration(version: 34, name: "custom fields", statements: Schema.version34),
        Migration(version: 35, name: "web push subscriptions", statements: Schema.version35),
        Migration(version: 36, name: "boards by a custom field", statements: Schema.version36),
        Migration(version: 37, name: "report facts", statements: Schema.version37),
        Migration(version: 38, name: "report days", statements: Schema.version38),
        Migration(version: 39, name: "shopify tokens", statements: Schema.version39),
        Migration(version: 40, name: "shop backfill", statements: Schema.version40),
        Migration(version: 41, name: "returns", statements: Schema.version41),
        Migration(version: 42, name: "campaigns", statements: Schema.version42),
        Migration(version: 43, name: "exchanges", statements: Schema.version43),
        Migration(version: 44, name: "order actions asked by rules", statements: Schema.version44, rebuildsTables: true),
        Migration(version: 45, name: "reports: backlog, topics, online time, scoreboard", statements: Schema.version45),
        Migration(version: 46, name: "workspace intents", statements: Schema.version46),
        Migration(version: 47, name: "two-factor sign-in", statements: Schema.version47),
        Migration(version: 48, name: "audit log", statements: Schema.version48),
        Migration(version: 49, name: "file store in the database", statements: Schema.version49),
        Migration(version: 50, name: "shared rate limits", statements: Schema.version50),
        Migration(version: 51, name: "mail authentication results", statements: Schema.version51),
        Migration(version: 52, name: "retention policies", statements: Schema.version52),
        Migration(version: 53, name: "single sign-on", statements: Schema.version53),
        Migration(version: 54, name: "mailboxes connected with OAuth", statements: Schema.version54),
        Migration(version: 55, name: "single sign-on only", statements: Schema.version55),
    ]

    /// Returns the versions that were applied now (empty when the database was current).
    /// `upTo` stops at a version (tests of a migration start from the schema before it).
    @discardableResult
    public static func migrate(_ database: Database, upTo last: Int64 = .max, offline: OfflineMigrations = .allowed) async throws -> [Int64] {
        let dialect = SchemaDialect(kind: database.kind)
        // SQLite is one process's file: its node is stopped while the next version starts.
        if offline == .refusedWhileInUse, database.kind == .postgres {
            try await refuseOfflineMigrations(database, dialect, upTo: last)
        }
        if database.kind == .sqlite {
            // A fresh database has no schema_migrations yet: everything is pending.
            let applied = (try? await database.read { sql in
                try await sql.raw("SELECT version FROM schema_migrations").all().map { try $0.decode(column: "version", as: Int64.self) }
            }) ?? []
            guard migrations.contains(where: { $0.rebuildsTables && $0.version <= last && !applied.contains($0.version) }) else {
                return try await apply(database, dialect, upTo: last, checkForeignKeys: false)
            }
            return try await database.withForeignKeysOff { try await apply(database, dialect, upTo: last, checkForeignKeys: true) }
        }
        // On PostgreSQL each migration is a transaction of its own: a fresh database's whole
        // schema in one transaction takes a lock per table, index and sequence, and a few dozen
        // databases migrating at once (the test suite) ran out of the server's shared lock table
        // ("out of shared memory"). Each transaction takes the advisory lock and reads what is
        // applied again, so two nodes starting at once still apply each migration once.
        let applied = Set((try? await database.read { sql in
            try await sql.raw("SELECT version FROM schema_migrations").all().map { try $0.decode(column: "version", as: Int64.self) }
        }) ?? [])
        var appliedNow: [Int64] = []
        for migration in migrations where migration.version <= last && !applied.contains(migration.version) {
            appliedNow += try await apply(database, dialect, upTo: migration.version, checkForeignKeys: false)
        }
        return appliedNow
    }

    /// Throws `OfflineMigrationError` when a database already in use has pending migrations that
    /// older nodes would not survive. A fresh database has no older nodes.
    private static func refuseOfflineMigrations(_ database: Database, _ dialect: SchemaDialect, upTo last: Int64) async throws {
        let applied = Set((try? await database.read { sql in
            try await sql.raw("SELECT version FROM schema_migrations").all().map { try $0.decode(column: "version", as: Int64.self) }
        }) ?? [])
        guard !applied.isEmpty else { return }
        let blocking = migrations.filter { $0.version <= last && !applied.contains($0.version) }
            .compactMap { migration in MigrationSafety.firstBlocking(migration, dialect).map { (migration.version, migration.name, $0) } }
        if !blocking.isEmpty { throw OfflineMigrationError(versions: blocking) }
    }

    private static func apply(_ database: Database, _ dialect: SchemaDialect, upTo last: Int64, checkForeignKeys: Bool) async throws -> [Int64] {
        try await database.write { sql in
            if database.kind == .postgres {
                // Two nodes starting at once must not both migrate.
                try await sql.raw("SELECT pg_advisory_xact_lock(7461001)").run()
            }
            try await sql.raw("""
                CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL,
                  applied_at BIGINT NOT NULL)
                """).run()
            let applied = Set(try await sql.raw("SELECT version FROM schema_migrations").all()
                .map { try $0.decode(column: "version", as: Int64.self) })
            var appliedNow: [Int64] = []
            for migration in migrations where !applied.contains(migration.version) && migration.version <= last {
                for statement in migration.statements(dialect) {
                    try await sql.raw(SQLQueryString(statement)).run()
                }
                try await sql.raw("""
                    INSERT INTO schema_migrations (version, name, applied_at)
                    VALUES (\(bind: migration.version), \(bind: migration.name), \(bind: Timestamps.millis(Date())))
                    """).run()
                appliedNow.append(migration.version)
            }
            if checkForeignKeys, let broken = try await sql.raw("PRAGMA foreign_key_check").first() {
                throw StoredValueError(column: try broken.decode(column: "table", as: String.self), value: "a row whose foreign key points nowhere")
            }
            return appliedNow
        }
    }
}
