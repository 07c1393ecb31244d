import Foundation
import Logging
import SQLKit

/// Which SQL engine is behind a `Database`; repositories branch on it only for full-text search.
public enum DatabaseKind: String, Sendable {
    case sqlite, postgres
}

/// Runs a unit of work against an engine. `write` bodies run inside one transaction.
protocol DatabaseBackend: Sendable {
    func read<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T
    func write<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T
    func withForeignKeysOff<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T
}

extension DatabaseBackend {
    func withForeignKeysOff<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T { try await body() }
}

/// The one handle the rest of Shopdesk uses to reach storage.
///
/// Obtain it with `Database.with(url:logger:_:)`, which owns the connections for the duration of
/// the closure and closes them afterwards. Write bodies must not call `write` again (the SQLite
/// writer is a single connection, so a nested write would wait for itself).
public struct Database: Sendable {
    public let kind: DatabaseKind
    let backend: any DatabaseBackend
    /// Called after a write that touched a notification channel commits (PostgreSQL LISTEN/NOTIFY).
    public let listener: (any NotificationListener)?

    public func read<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await backend.read(body)
    }

    public func write<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await backend.write(body)
    }

    /// Runs `body` with SQLite's foreign-key enforcement off for its writes (PostgreSQL: as is).
    /// Only the migrator uses it, before the server takes requests, to rebuild a table.
    func withForeignKeysOff<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        try await backend.withForeignKeysOff(body)
    }

    /// Opens the database named by `url` (`sqlite:PATH`, a plain path, or `postgres://…`), runs
    /// `body`, then closes every connection, also when `body` throws.
    ///   `sqliteReaders` is how many read connections an SQLite database keeps (each holds two
    ///   descriptors); the test suite, which opens a hundred databases at once, asks for fewer.
    public static func with<T: Sendable>(
        url: String,
        logger: Logger,
        sqliteReaders: Int = 4,
        _ body: @Sendable (Database) async throws -> T
    ) async throws -> T {
        if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") {
            return try await PostgresBackend.with(url: url, logger: logger) { backend in
                try await body(Database(kind: .postgres, backend: backend, listener: backend.listener))
            }
        }
        let path = url.hasPrefix("sqlite:") ? String(url.dropFirst("sqlite:".count)) : url
        return try await SQLiteBackend.with(path: path, readerCount: max(1, sqliteReaders), logger: logger) { backend in
            try await body(Database(kind: .sqlite, backend: backend, listener: nil))
        }
    }
}
