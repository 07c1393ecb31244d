import Foundation
import Logging
import SQLKit
import SQLiteKit

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
        do {
            try await database.raw("BEGIN IMMEDIATE").run()
            do {
                for write in batch { try await write.run(database) }
            } catch {
                try await database.raw("ROLLBACK").run()
                await commitOneByOne(batch, database)
                return
            }
            try await database.raw("COMMIT").run()
        } catch {
            logger.error("SQLite commit failed, \(batch.count) writes rolled back", metadata: ["error": "\(error)"])
            try? await database.raw("ROLLBACK").run()
            for write in batch { write.complete(error) }
            return
        }
        for write in batch { write.complete(nil) }
    }

    /// After a failed batch: each write in its own transaction, so one failure stays its own.
    private func commitOneByOne(_ batch: [PendingWrite], _ database: any SQLDatabase) async {
        for write in batch {
            do {
                try await database.raw("BEGIN IMMEDIATE").run()
                do {
                    try await write.run(database)
                } catch {
                    try await database.raw("ROLLBACK").run()
                    write.complete(error)
                    continue
                }
                try await database.raw("COMMIT").run()
                write.complete(nil)
            } catch {
                try? await database.raw("ROLLBACK").run()
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
