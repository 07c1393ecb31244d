import Foundation
import ShopdeskCore
import ShopdeskStore
import ShopdeskTestSupport
import Testing

/// Events reach the other nodes through one NOTIFY statement per published batch.
@Suite("PostgreSQL notifications in batches")
struct NotifyBatchTests {
    @Test func everyPayloadArrivesOnceAndInOrder() async throws {
        guard TestDatabase.kinds.contains(.postgres) else { return }
        try await TestDatabase.with(.postgres) { database in
            let listener = try #require(database.listener)
            let heard = Heard()
            let listening = AsyncStream<Void>.makeStream()
            let task = Task {
                try await listener.listen(channel: "batch_test", onListening: { listening.continuation.yield() }) { payload in
                    await heard.add(payload)
                }
            }
            defer { task.cancel() }
            for await _ in listening.stream { break }
            // 1,201 payloads: more than one statement's 500, and a last statement of one.
            let payloads = (0..<1_201).map { "event \($0) " + String(repeating: "ž", count: $0 % 7) }
            try await listener.notify(channel: "batch_test", payloads: Array(payloads[0..<3]))
            try await listener.notify(channel: "batch_test", payloads: Array(payloads[3...]))
            try await listener.notify(channel: "batch_test", payloads: [])
            for _ in 0..<500 where await heard.all.count < payloads.count {
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(await heard.all == payloads)
        }
    }
}

private actor Heard {
    private(set) var all: [String] = []
    func add(_ payload: String) { all.append(payload) }
}
