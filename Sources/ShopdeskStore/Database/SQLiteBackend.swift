import Foundation
import Logging
import NIOPosix
import SQLKit
import SQLiteKit

/// SQLite in WAL mode: one writer connection with group commit, and a few reader connections.
///
/// Durability: `synchronous=FULL`, so a committed write is on disk before its caller hears back.
/// Throughput comes from group commit in `SQLiteGroupCommitter`, not from weaker syncing.
final class SQLiteBackend: DatabaseBackend {
    private let writer: SQLiteGroupCommitter
    private let readers: SQLiteReaderPool

    private init(writer: SQLiteGroupCommitter, readers: SQLiteReaderPool) {
        self.writer = writer
        self.readers = readers
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
        // The writer gets a thread of its own: on the shared pool its statements would wait
        // behind readers' statements, and every write holds the single write transaction.
        let writerThread = NIOThreadPool(numberOfThreads: 1)
        let readerThreads = NIOThreadPool(numberOfThreads: readerCount)
        writerThread.start()
        readerThreads.start()
        var opened: [SQLiteConnection] = []
        defer {
            writerThread.shutdownGracefully { _ in }
            readerThreads.shutdownGracefully { _ in }
        }
        do {
            let writerConnection = try await open(path: path, threads: writerThread, logger: logger)
            opened.append(writerConnection)
            try await configure(writerConnection, pragmas: [
                "PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL", "PRAGMA foreign_keys=ON",
                "PRAGMA busy_timeout=5000", "PRAGMA temp_store=MEMORY", "PRAGMA cache_size=-32000",
            ])
            var readerConnections: [SQLiteConnection] = []
            for _ in 0..<readerCount {
                let reader = try await open(path: path, threads: readerThreads, logger: logger)
                opened.append(reader)
                try await configure(reader, pragmas: [
                    "PRAGMA foreign_keys=ON", "PRAGMA busy_timeout=5000", "PRAGMA query_only=ON",
                    "PRAGMA temp_store=MEMORY", "PRAGMA cache_size=-16000",
                ])
                readerConnections.append(reader)
            }
            let backend = SQLiteBackend(
                writer: SQLiteGroupCommitter(connection: writerConnection, logger: logger),
                readers: SQLiteReaderPool(connections: readerConnections)
            )
            let result = try await body(backend)
            try await closeAll(opened)
            return result
        } catch {
            try? await closeAll(opened)
            throw error
        }
    }

    func read<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        let connection = await readers.acquire()
        do {
            let result = try await body(connection.sql())
            await readers.release(connection)
            return result
        } catch {
            await readers.release(connection)
            throw error
        }
    }

    func write<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await writer.submit(body)
    }

    private static func open(path: String, threads: NIOThreadPool, logger: Logger) async throws -> SQLiteConnection {
        try await SQLiteConnection.open(storage: .file(path: path), threadPool: threads, logger: logger,
                                        on: MultiThreadedEventLoopGroup.singleton.any())
    }

    private static func configure(_ connection: SQLiteConnection, pragmas: [String]) async throws {
        for pragma in pragmas {
            _ = try await connection.query(pragma)
        }
    }

    private static func closeAll(_ connections: [SQLiteConnection]) async throws {
        for connection in connections {
            try await connection.close()
        }
    }
}

/// Hands out reader connections one caller at a time; callers beyond the pool size wait in line.
actor SQLiteReaderPool {
    private var idle: [SQLiteConnection]
    private var waiters: [CheckedContinuation<SQLiteConnection, Never>] = []

    init(connections: [SQLiteConnection]) {
        idle = connections
    }

    func acquire() async -> SQLiteConnection {
        if let connection = idle.popLast() { return connection }
        return await withCheckedContinuation { waiters.append($0) }
    }

    func release(_ connection: SQLiteConnection) {
        if waiters.isEmpty {
            idle.append(connection)
        } else {
            waiters.removeFirst().resume(returning: connection)
        }
    }
}
