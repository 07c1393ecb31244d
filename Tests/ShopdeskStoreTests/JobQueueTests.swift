import Foundation
import ShopdeskCore
import ShopdeskStore
import ShopdeskTestSupport
import Testing

@Suite("Durable job queue")
struct JobQueueTests {
    @Test(arguments: TestDatabase.kinds)
    func claimRetryBackoffAndDeadLetter(kind: DatabaseKind) async throws {
        try await TestDatabase.with(kind) { database in
            let fixture = try await TestDatabase.fixture(database)
            let ws = fixture.workspace.id
            let now = Date()
            let id = try await database.write {
                try await JobQueue.enqueue(kind: "test.job", payload: ["n": .number(1)], workspaceID: ws, runAt: now,
                                           maxAttempts: 2, in: $0)
            }
            let later = try await database.write {
                try await JobQueue.enqueue(kind: "test.later", payload: [:], workspaceID: ws, runAt: now.addingTimeInterval(600), in: $0)
            }
            let claimed = try await database.write { try await JobQueue.claim(limit: 10, now: now, lease: .seconds(30), kind: kind, in: $0) }
            #expect(claimed.map(\.id) == [id])
            #expect(claimed.first?.attempts == 1)
            // A second claim while leased gets nothing.
            #expect(try await database.write { try await JobQueue.claim(limit: 10, now: now, lease: .seconds(30), kind: kind, in: $0) }.isEmpty)

            let firstFailure = try await database.write { try await JobQueue.fail(claimed[0], error: "boom", now: now, in: $0) }
            #expect(firstFailure == .queued)
            #expect(try await database.write { try await JobQueue.claim(limit: 10, now: now, lease: .seconds(30), kind: kind, in: $0) }.isEmpty)
            let retried = try await database.write {
                try await JobQueue.claim(limit: 10, now: now.addingTimeInterval(JobQueue.backoff(attempt: 1) + 1), lease: .seconds(30), kind: kind, in: $0)
            }
            #expect(retried.map(\.id) == [id])
            let secondFailure = try await database.write { try await JobQueue.fail(retried[0], error: "boom again", now: now, in: $0) }
            #expect(secondFailure == .dead)
            let dead = try await database.read { try await JobQueue.list(workspaceID: ws, status: .dead, limit: 10, in: $0) }
            #expect(dead.map(\.id) == [id])
            #expect(dead.first?.lastError == "boom again")

            #expect(try await database.write { try await JobQueue.retry(id, workspaceID: ws, now: now, in: $0) })
            let revived = try await database.write { try await JobQueue.claim(limit: 10, now: now, lease: .seconds(30), kind: kind, in: $0) }
            #expect(revived.map(\.id) == [id])
            try await database.write { try await JobQueue.complete(id, now: now, in: $0) }
            _ = later
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func anExpiredLeaseIsClaimedAgain(kind: DatabaseKind) async throws {
        try await TestDatabase.with(kind) { database in
            let now = Date()
            let id = try await database.write {
                try await JobQueue.enqueue(kind: "test.job", payload: [:], workspaceID: nil, runAt: now, in: $0)
            }
            _ = try await database.write { try await JobQueue.claim(limit: 1, now: now, lease: .seconds(5), kind: kind, in: $0) }
            let reclaimed = try await database.write {
                try await JobQueue.claim(limit: 1, now: now.addingTimeInterval(6), lease: .seconds(5), kind: kind, in: $0)
            }
            #expect(reclaimed.map(\.id) == [id])
            #expect(reclaimed.first?.attempts == 2)
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func dedupeKeyMovesTheTimer(kind: DatabaseKind) async throws {
        try await TestDatabase.with(kind) { database in
            let now = Date()
            let first = try await database.write {
                try await JobQueue.enqueue(kind: JobKind.snoozeWake, payload: [:], workspaceID: nil, runAt: now.addingTimeInterval(60),
                                           dedupeKey: "wake:1", in: $0)
            }
            let second = try await database.write {
                try await JobQueue.enqueue(kind: JobKind.snoozeWake, payload: [:], workspaceID: nil, runAt: now.addingTimeInterval(600),
                                           dedupeKey: "wake:1", in: $0)
            }
            #expect(first == second)
            let due = try await database.write {
                try await JobQueue.claim(limit: 5, now: now.addingTimeInterval(120), lease: .seconds(5), kind: kind, in: $0)
            }
            #expect(due.isEmpty)
        }
    }
}
