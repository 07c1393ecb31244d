import Foundation
import Logging
import SQLKit
import SQLiteKit

/// Group commit for SQLite: writes that arrive while a transaction is being committed wait and
/// then share the next transaction, so N concurrent writers pay for one fsync instead of N.
///
/// Each write runs inside its own SAVEPOINT: a write that throws is rolled back alone and its
/// caller gets the error, while the others in the batch commit. Nobody is answered before the
/// COMMIT of their batch has returned, so an acknowledged write is durable.
actor SQLiteGroupCommitter {
    private struct PendingWrite: Sendable {
        let run: @Sendable (any SQLDatabase) async throws -> Void
        let complete: @Sendable ((any Error)?) -> Void
    }

    private let connection: SQLiteConnection
    private let logger: Logger
    private var pending: [PendingWrite] = []
    private var draining = false
    private let maxBatch = 512

    init(connection: SQLiteConnection, logger: Logger) {
        self.connection = connection
        self.logger = logger
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
                Task { await self.drain() }
            }
        }
    }

    private func drain() async {
        while !pending.isEmpty {
            let batch = Array(pending.prefix(maxBatch))
            pending.removeFirst(batch.count)
            await commit(batch)
        }
        draining = false
    }

    private func commit(_ batch: [PendingWrite]) async {
        let database = connection.sql()
        var outcomes: [(any Error)?] = []
        do {
            try await database.raw("BEGIN IMMEDIATE").run()
            for write in batch {
                try await database.raw("SAVEPOINT pending_write").run()
                do {
                    try await write.run(database)
                    try await database.raw("RELEASE pending_write").run()
                    outcomes.append(nil)
                } catch {
                    try await database.raw("ROLLBACK TO pending_write").run()
                    try await database.raw("RELEASE pending_write").run()
                    outcomes.append(error)
                }
            }
            try await database.raw("COMMIT").run()
        } catch {
            logger.error("SQLite commit failed, \(batch.count) writes rolled back", metadata: ["error": "\(error)"])
            try? await database.raw("ROLLBACK").run()
            for write in batch { write.complete(error) }
            return
        }
        for (write, outcome) in zip(batch, outcomes) { write.complete(outcome) }
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
