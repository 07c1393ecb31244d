import Foundation
import HTTPTypes
import HummingbirdWSClient
import ShopdeskCore
@testable import ShopdeskServer
import ShopdeskStore
import ShopdeskTestSupport
import Testing

/// A socket that comes back after a drop resumes from the last event it saw: what happened
/// meanwhile comes from the event log, once, only what its agent may see; too much missed, and it
/// is told to read everything again.
@Suite("Realtime catch-up after a reconnect")
struct RealtimeCatchUpTests {
    /// The JSON frames a socket receives until `done` says enough (or 20 seconds pass).
    static func frames(port: Int, token: String, after: Int64? = nil,
                       done: @escaping @Sendable ([[String: Any]]) -> Bool) async throws -> [[String: Any]] {
        let box = CatchUpFrames()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await WebSocketClient.connect(
                    url: "ws://127.0.0.1:\(port)/api/v1/realtime\(after.map { "?after=\($0)" } ?? "")",
                    configuration: .init(additionalHeaders: [.authorization: "Bearer \(token)"]), logger: TestDatabase.logger
                ) { inbound, outbound, _ in
                    for try await message in inbound.messages(maxSize: 1 << 20) {
                        guard case .text(let text) = message else { continue }
                        if await box.add(text, done) {
                            try await outbound.close(.normalClosure, reason: nil)
                            return
                        }
                    }
                }
            }
            group.addTask {
                try await Task.sleep(for: .seconds(60))
                throw HarnessError("The frames expected did not arrive within 60 seconds: \(await box.texts)")
            }
            try await group.next()
            group.cancelAll()
        }
        return CatchUpFrames.parse(await box.texts)
    }

    @Test(arguments: TestDatabase.kinds)
    func aReconnectGetsWhatItMissedOnceAndOnlyItsOwn(kind: DatabaseKind) async throws {
        try await Harness.run(kind, mode: .live) { harness in
            let port = try #require(harness.client.port)
            let rita = try await harness.agent(role: .admin, email: "rita@example.com")
            let id = try await harness.inbound(text: "Before the drop").int("conversation_id")
            // Connected once: the hello names the newest event so far.
            let hello = try await Self.frames(port: port, token: harness.ownerToken) { $0.contains { $0["type"] as? String == "hello" } }
            let cursor = try #require((hello.first?["last_event_id"] as? NSNumber)?.int64Value)
            #expect(cursor > 0)

            // While away: the customer writes, and a colleague is mentioned (hers, not the owner's).
            _ = try await harness.inbound(text: "While you were away")
            _ = try await harness.client.json(.post, "/api/v1/conversations/\(id)/messages", token: harness.ownerToken,
                                              body: #"{"text":"look","private":true,"mention_ids":[\#(rita.id)]}"#)

            let back = try await Self.frames(port: port, token: harness.ownerToken, after: cursor) { frames in
                frames.filter { $0["type"] as? String == "message.created" }.count >= 2
            }
            #expect(back.first?["type"] as? String == "hello" && back.first?["replay"] as? Bool == true)
            let replayed = back.dropFirst()
            let ids = replayed.compactMap { ($0["id"] as? NSNumber)?.int64Value }
            #expect(ids.allSatisfy { $0 > cursor } && ids == ids.sorted() && Set(ids).count == ids.count, "\(ids)")
            #expect(!replayed.contains { $0["type"] as? String == "notification.created" }, "Rita's notification is hers")
            #expect(replayed.contains { ($0["payload"] as? [String: Any])?["direction"] as? String == "note" })

            // Rita, from the same cursor, gets her notification.
            let hers = try await Self.frames(port: port, token: rita.token, after: cursor) { frames in
                frames.contains { $0["type"] as? String == "notification.created" }
            }
            #expect(hers.contains { ($0["payload"] as? [String: Any])?["agent_id"] as? Int == Int(rita.id) })
        }
    }

    @Test func tooMuchMissedSaysResync() async throws {
        try await Harness.run(.sqlite, mode: .live) { harness in
            let port = try #require(harness.client.port)
            let hello = try await Self.frames(port: port, token: harness.ownerToken) { $0.contains { $0["type"] as? String == "hello" } }
            let cursor = try #require((hello.first?["last_event_id"] as? NSNumber)?.int64Value)
            let messages = (0..<(RealtimeController.replayLimit / 2 + 1)).map { index in
                InboundMessage(inboxID: InboxID(harness.inboxID), channelMessageID: "away-\(index)",
                               customer: CustomerIdentity(name: "C \(index)", email: "c\(index)@example.com"), subject: "Q \(index)",
                               text: "Question \(index)", receivedAt: Date())
            }
            _ = try await harness.services.conversations.ingestBatch(messages, workspaceID: harness.workspaceID)
            let back = try await Self.frames(port: port, token: harness.ownerToken, after: cursor) { frames in
                frames.contains { $0["type"] as? String == "resync" }
            }
            #expect(back.filter { $0["type"] as? String == "message.created" }.isEmpty, "nothing replayed piecemeal")
        }
    }
}

actor CatchUpFrames {
    var texts: [String] = []

    func add(_ text: String, _ done: @Sendable ([[String: Any]]) -> Bool) -> Bool {
        texts.append(text)
        return done(Self.parse(texts))
    }

    static func parse(_ texts: [String]) -> [[String: Any]] {
        texts.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }
}
