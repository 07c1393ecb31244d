import Foundation
import Logging
import Synchronization
import SQLKit

/// SQLite in WAL mode: one writer connection with group commit, and a few reader connections.
///
/// Durability: `synchronous=FULL`, so a committed write is on disk before its caller hears back.
/// Throughput comes from group commit in `SQLiteGroupCommitter`, not from weaker syncing.
///
/// Statements run in place on a connection of our own (`SQLiteDirectConnection`): the writer's
/// on its dedicated thread, a reader's on the calling task's thread (reads are CPU work on
/// pages already in memory, which is what Swift's cooperative threads are for).
final class SQLiteBackend: DatabaseBackend {
    private let writer: SQLiteGroupCommitter
    private let readers: SQLiteReaderPool
    private let logger: Logger

    private init(writer: SQLiteGroupCommitter, readers: SQLiteReaderPool, logger: Logger) {
        self.writer = writer
        self.readers = readers
        self.logger = logger
    }

    static func with<T: Sendable>(
        path: String,
        readerCount: Int = 4,
        logger: Logger,
        _ body: (SQLiteBackend) async throws -> T
    ) async throws -> T {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        var opened: [SQLiteDirectConnection] = []
        defer { for connection in opened { connection.close() } }

        let writerConnection = try SQLiteDirectConnection(path: path)
        opened.append(writerConnection)
        try configure(writerConnection, pragmas: [
            "PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL", "PRAGMA foreign_keys=ON",
            "PRAGMA temp_store=MEMORY", "PRAGMA cache_size=-32000",
        ])
        var readerConnections: [SQLiteDirectConnection] = []
        for _ in 0..<readerCount {
            let reader = try SQLiteDirectConnection(path: path)
            opened.append(reader)
            try configure(reader, pragmas: [
                "PRAGMA foreign_keys=ON", "PRAGMA query_only=ON", "PRAGMA temp_store=MEMORY",
                "PRAGMA cache_size=-16000",
            ])
            readerConnections.append(reader)
        }
        let executor = DedicatedThreadExecutor(name: "shopdesk-writer")
        defer { executor.shutdown() }
        let backend = SQLiteBackend(
            writer: SQLiteGroupCommitter(connection: writerConnection, executor: executor, logger: logger),
            readers: SQLiteReaderPool(connections: readerConnections),
            logger: logger
        )
        // Writes still in flight must finish on the writer thread before the connections close,
        // also when `body` throws.
        let outcome: Result<T, any Error>
        do { outcome = .success(try await body(backend)) } catch { outcome = .failure(error) }
        await backend.writer.finish()
        return try outcome.get()
    }

    func read<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        let connection = await readers.acquire()
        defer { readers.release(connection) }
        return try await body(SQLiteDirectDatabase(connection: connection, logger: logger))
    }

    func write<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await writer.submit(body)
    }

    func withForeignKeysOff<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        try await writer.setForeignKeys(false)
        let outcome: Result<T, any Error>
        do { outcome = .success(try await body()) } catch { outcome = .failure(error) }
        try await writer.setForeignKeys(true)
        return try outcome.get()
    }

    private static func configure(_ connection: SQLiteDirectConnection, pragmas: [String]) throws {
        for pragma in pragmas {
            try connection.execute(pragma, binds: []) { _ in }
        }
    }
}

/// Hands out reader connections one caller at a time; callers beyond the pool size wait in line.
/// The common case (a connection is idle) takes a lock and no suspension.
final class SQLiteReaderPool: Sendable {
    private struct State {
        var idle: [SQLiteDirectConnection]
        var waiters: [CheckedContinuation<SQLiteDirectConnection, Never>] = []
    }

    private let state: Mutex<State>

    init(connections: [SQLiteDirectConnection]) {
        state = Mutex(State(idle: connections))
    }

    func acquire() async -> SQLiteDirectConnection {
        if let connection = state.withLock({ $0.idle.popLast() }) { return connection }
        return await withCheckedContinuation { continuation in
            let ready: SQLiteDirectConnection? = state.withLock { state in
                // A connection may have come back between the first look and now.
                if let connection = state.idle.popLast() { return connection }
                state.waiters.append(continuation)
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }

    func release(_ connection: SQLiteDirectConnection) {
        let waiter: CheckedContinuation<SQLiteDirectConnection, Never>? = state.withLock { state in
            if state.waiters.isEmpty {
                state.idle.append(connection)
                return nil
            }
            return state.waiters.removeFirst()
        }
        waiter?.resume(returning: connection)
    }
}
