import Foundation
import Logging
import SQLKit

/// Group commit for SQLite: writes that arrive while a transaction is being committed wait and
/// then share the next transaction, so N concurrent writers pay for one fsync instead of N.
///
/// The batch runs optimistically in one transaction. If any write throws, the whole batch is
/// rolled back and every write of it runs again alone, in order, in its own transaction: the
/// failing one gets its error and the others commit. Write bodies may therefore run twice and
/// must only touch the database. Nobody is answered before the COMMIT that holds their write
/// has returned, so an acknowledged write is durable.
actor SQLiteGroupCommitter {
    private struct PendingWrite: Sendable {
        let run: @Sendable (any SQLDatabase) async throws -> Void
        let complete: @Sendable ((any Error)?) -> Void
    }

    private let database: SQLiteDirectDatabase
    private let executor: DedicatedThreadExecutor
    private let logger: Logger
    private var pending: [PendingWrite] = []
    private var draining = false
    private var drained: [CheckedContinuation<Void, Never>] = []
    private let maxBatch = 512

    /// The actor runs on the writer's own thread (see `DedicatedThreadExecutor`).
    nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }

    init(connection: SQLiteDirectConnection, executor: DedicatedThreadExecutor, logger: Logger) {
        self.database = SQLiteDirectDatabase(connection: connection, logger: logger, pendingSearch: SearchIndex.PendingRows())
        self.executor = executor
        self.logger = logger
    }

    /// Returns once every write submitted so far has committed or failed.
    func finish() async {
        guard draining else { return }
        await withCheckedContinuation { drained.append($0) }
    }

    func submit<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        let slot = ResultSlot<T>()
        return try await withCheckedThrowingContinuation { continuation in
            pending.append(PendingWrite(
                run: { database in slot.store(try await body(database)) },
                complete: { error in
                    if let error {
                        continuation.resume(throwing: error)
                    } else if let value = slot.take() {
                        continuation.resume(returning: value)
                    } else {
                        continuation.resume(throwing: CancellationError())
                    }
                }
            ))
            if !draining {
                draining = true
                // The preference keeps the write bodies (nonisolated async closures) on the
                // writer thread too, instead of hopping to the cooperative pool and back.
                Task(executorPreference: executor) { await self.drain() }
            }
        }
    }

    /// `PRAGMA foreign_keys` only takes effect between transactions, so this waits until no
    /// batch is running and sets it before the next one can start (the actor runs one at a time).
    func setForeignKeys(_ enabled: Bool) async throws {
        while draining { await finish() }
        try database.connection.execute("PRAGMA foreign_keys=\(enabled ? "ON" : "OFF")", binds: []) { _ in }
    }

    private func drain() async {
        while !pending.isEmpty {
            let batch = Array(pending.prefix(maxBatch))
            pending.removeFirst(batch.count)
            await commit(batch)
        }
        draining = false
        for waiter in drained { waiter.resume() }
        drained.removeAll()
    }

    private func commit(_ batch: [PendingWrite]) async {
        do {
            try await database.raw("BEGIN IMMEDIATE").run()
            do {
                for write in batch { try await write.run(database) }
                try writePendingSearch()
            } catch {
                try await rollback()
                await commitOneByOne(batch)
                return
            }
            try await database.raw("COMMIT").run()
        } catch {
            logger.error("SQLite commit failed, \(batch.count) writes rolled back", metadata: ["error": "\(error)"])
            try? await rollback()
            for write in batch { write.complete(error) }
            return
        }
        for write in batch { write.complete(nil) }
    }

    /// The transaction's full-text entries, written last (see `SearchIndex.PendingRows`).
    private func writePendingSearch() throws {
        try database.pendingSearch?.write(to: database.connection)
    }

    private func rollback() async throws {
        database.pendingSearch?.discard()
        try await database.raw("ROLLBACK").run()
    }

    /// After a failed batch: each write in its own transaction, so one failure stays its own.
    private func commitOneByOne(_ batch: [PendingWrite]) async {
        for write in batch {
            do {
                try await database.raw("BEGIN IMMEDIATE").run()
                do {
                    try await write.run(database)
                    try writePendingSearch()
                } catch {
                    try await rollback()
                    write.complete(error)
                    continue
                }
                try await database.raw("COMMIT").run()
                write.complete(nil)
            } catch {
                try? await rollback()
                write.complete(error)
            }
        }
    }
}

/// Carries one write's result from inside the batch to its waiting caller.
final class ResultSlot<T: Sendable>: @unchecked Sendable {
    // Written once by the committer before `complete` and read once after; the lock keeps
    // the hand-over well-defined even though the two never overlap in time.
    private let lock = NSLock()
    private var value: T?

    func store(_ newValue: T) { lock.withLock { value = newValue } }
    func take() -> T? { lock.withLock { value } }
}
