import AsyncHTTPClient
import Foundation
import NIOCore
import ShopdeskCore
@testable import ShopdeskServer
import ShopdeskStore
import ShopdeskTestSupport
import SQLKit
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The real `shopdesk serve` with a Telegram inbox, killed with SIGKILL twice: while Telegram
/// delivers updates (every update answered 200 must be stored), and while replies go out (no
/// reply reaches the customer twice; every reply ends sent, or failed in words when the kill
/// cut its call off — none is left hanging).
@Suite("Channel durability", .serialized)
struct ChannelDurabilityTests {
    static let chats = 6

    @Test(arguments: TestDatabase.kinds)
    func webhooksAndSendsSurviveKill9(kind: DatabaseKind) async throws {
        guard FileManager.default.isExecutableFile(atPath: DurabilityTests.binary.path) else {
            Issue.record("The shopdesk binary is not at \(DurabilityTests.binary.path); run the tests with `swift test`, which builds it.")
            return
        }
        try await FakeTelegram.run { bot, base in
            switch kind {
            case .sqlite:
                let directory = FileManager.default.temporaryDirectory.appendingPathComponent("channel-durability-\(UUID().uuidString)")
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                defer { try? FileManager.default.removeItem(at: directory) }
                try await run(url: "sqlite:" + directory.appendingPathComponent("c.sqlite").path, directory: directory.path, bot: bot, base: base)
            case .postgres:
                try await TestDatabase.withPostgresURL { url in
                    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("channel-durability-\(UUID().uuidString)")
                    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                    defer { try? FileManager.default.removeItem(at: directory) }
                    try await run(url: url, directory: directory.path, bot: bot, base: base)
                }
            }
        }
    }

    private func run(url: String, directory: String, bot: FakeTelegram, base: String) async throws {
        let key = Data((0..<32).map { _ in UInt8.random(in: 0...255) })
        let box = SecretBox(keyBytes: key)
        let secret = "sdc_durability_secret"
        let (inboxID, token) = try await Database.with(url: url, logger: TestDatabase.logger) { database in
            try await Migrator.migrate(database)
            let (owner, _) = try await Provisioning.createOwner(database: database, workspace: "Durable channels", timeZone: "UTC",
                                                                email: "channels-\(UUID().uuidString.prefix(6))@example.com", name: "D",
                                                                passwordHash: "x")
            let settings = ChannelSettings(values: ["api_base": base],
                                           sealed: ["bot_token": try box.seal(FakeTelegram.token), "webhook_secret": try box.seal(secret)])
            let inbox = try await database.write {
                try await InboxRepository.create(workspaceID: owner.workspaceID, kind: .telegram, name: "Telegram", webhookURL: nil,
                                                 secret: "sdi_x", now: Date(), channel: settings, in: $0)
            }
            return (inbox.id.rawValue, try await Provisioning.createToken(database: database, agent: owner, name: "durability"))
        }
        // Jobs claimed by the killed server are taken over after their lease: 5 s here, not 2 minutes.
        let environment = ["SHOPDESK_SECRET_KEY": key.base64EncodedString(), "SHOPDESK_ALLOW_PRIVATE_WEBHOOKS": "1", "SHOPDESK_JOB_LEASE_SECONDS": "5"]
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        defer { _ = http.shutdown() }

        // 1. Updates from Telegram, the server killed after 100 of them were answered 200.
        var server = try await ServerProcess.start(database: url, directory: directory, environment: environment, jobs: true)
        let acknowledged = Acknowledgements()
        await withTaskGroup(of: Void.self) { group in
            for chat in 0..<Self.chats {
                group.addTask { [server] in
                    for index in 1...40 {
                        var request = HTTPClientRequest(url: "http://127.0.0.1:\(server.port)/api/v1/channels/telegram/\(inboxID)/webhook")
                        request.method = .POST
                        request.headers.add(name: "Content-Type", value: "application/json")
                        request.headers.add(name: "X-Telegram-Bot-Api-Secret-Token", value: secret)
                        request.body = .bytes(ByteBuffer(string: TelegramChannelTests.update(index, chat: Int64(9000 + chat), text: "update \(chat)-\(index)")))
                        guard let response = try? await http.execute(request, timeout: .seconds(10)), response.status == .ok else { return }
                        if await acknowledged.add("\(9000 + chat):\(index)", 0) == 100 { Glibc.kill(server.process.processIdentifier, SIGKILL) }
                    }
                }
            }
        }
        server.kill()
        let acked = Set(await acknowledged.all.keys)
        #expect(acked.count >= 100)
        let stored = try await Self.read(url) { sql in
            try await sql.raw("SELECT channel_message_id FROM messages WHERE direction = 'inbound'").all()
                .map { try $0.decode(column: "channel_message_id", as: String.self) }
        }
        #expect(acked.subtracting(stored).isEmpty, "\(acked.subtracting(stored).count) acknowledged updates were lost")
        #expect(stored.count == Set(stored).count, "an update was stored twice")

        // 2. Replies in every conversation, stored by a node that runs no jobs; then a node that
        // sends them, Telegram slow to answer, killed mid-send.
        await bot.slowDown(.milliseconds(30))
        server = try await ServerProcess.start(database: url, directory: directory, environment: environment, jobs: false)
        let conversations = try await Self.read(url) { sql in
            try await sql.raw("SELECT id FROM conversations").all().map { try $0.decode(column: "id", as: Int64.self) }
        }
        var replies = 0
        for conversation in conversations {
            for index in 0..<15 {
                var request = HTTPClientRequest(url: "http://127.0.0.1:\(server.port)/api/v1/conversations/\(conversation)/messages")
                request.method = .POST
                request.headers.add(name: "Authorization", value: "Bearer \(token)")
                request.headers.add(name: "Content-Type", value: "application/json")
                request.body = .bytes(ByteBuffer(string: #"{"text":"reply \#(conversation)-\#(index)"}"#))
                let response = try await http.execute(request, timeout: .seconds(10))
                #expect(response.status == .created)
                replies += 1
            }
        }
        server.kill()
        server = try await ServerProcess.start(database: url, directory: directory, environment: environment, jobs: true)
        for _ in 0..<2000 where await bot.sent.count < 30 { try await Task.sleep(for: .milliseconds(5)) }
        server.kill()
        let atKill = await bot.sent.count
        #expect(atKill < replies, "every reply went out before the kill; nothing was cut off")

        server = try await ServerProcess.start(database: url, directory: directory, environment: environment, jobs: true)
        defer { server.kill() }
        var pending = replies
        for _ in 0..<600 where pending > 0 {
            try await Task.sleep(for: .milliseconds(100))
            pending = try await Self.read(url) { sql in
                try await sql.raw("SELECT COUNT(*) AS n FROM messages WHERE direction = 'outbound' AND delivery_status IN ('queued', 'sending')")
                    .first()!.decode(column: "n", as: Int.self)
            }
        }
        #expect(pending == 0, "\(pending) replies were left queued or sending")
        let outcomes = try await Self.read(url) { sql in
            try await sql.raw("SELECT text, delivery_status, delivery_error FROM messages WHERE direction = 'outbound'").all().map {
                (try $0.decode(column: "text", as: String.self), try $0.decode(column: "delivery_status", as: String.self),
                 try $0.decode(column: "delivery_error", as: String?.self))
            }
        }
        let delivered = await bot.sent.compactMap(\.text)
        #expect(delivered.count == Set(delivered).count, "a reply reached the customer twice")
        for (text, status, error) in outcomes {
            if status == "sent" { #expect(delivered.contains(text), "\(text) is marked sent but Telegram never got it") }
            else { #expect(status == "failed" && error?.contains("cut off") == true, "\(text): \(status) \(error ?? "")") }
        }
        // Only sends in flight at the kill can be cut off: at most one batch of the job runner.
        #expect(outcomes.filter { $0.1 == "failed" }.count <= 64)
        #expect(outcomes.filter { $0.1 == "sent" }.count >= replies - 64)
    }

    private static func read<T: Sendable>(_ url: String, _ body: @Sendable @escaping (any SQLDatabase) async throws -> T) async throws -> T {
        try await Database.with(url: url, logger: TestDatabase.logger) { database in try await database.read(body) }
    }
}

@Suite("Channel transport failures")
struct ChannelTransportFailureTests {
    /// Only a request that may have reached the provider makes a send's outcome unknown; one that
    /// never had a connection (refused, timed out connecting, or waiting for a free one in the
    /// pool, as under load) is put back in the queue.
    @Test func aRequestThatNeverGotAConnectionIsSafeToRetry() {
        #expect(GuardedChannelHTTP.neverConnected(HTTPClientError.getConnectionFromPoolTimeout))
        #expect(GuardedChannelHTTP.neverConnected(HTTPClientError.connectTimeout))
        #expect(!GuardedChannelHTTP.neverConnected(HTTPClientError.readTimeout))
        #expect(!GuardedChannelHTTP.neverConnected(HTTPClientError.cancelled))
    }
}
