import Foundation
import ShopdeskCore
import ShopdeskServer
import ShopdeskStore
import ShopdeskTestSupport
import Testing

/// Mail taken in by the real `shopdesk serve` over SMTP from several connections at once, the
/// process killed with SIGKILL in the middle, restarted, and everything sent again (as sending
/// MTAs retry what was not acknowledged, and sometimes what was): every message acknowledged
/// before the kill is stored, and no message is stored twice.
@Suite("Email durability", .serialized)
struct EmailDurabilityTests {
    static let total = 240
    static let killAfter = 80

    @Test(arguments: TestDatabase.kinds)
    func mailAcknowledgedBeforeAKillIsKeptAndMailSentAgainIsNotDoubled(kind: DatabaseKind) async throws {
        guard Python.available else { return }
        guard FileManager.default.isExecutableFile(atPath: DurabilityTests.binary.path) else {
            Issue.record("The shopdesk binary is not at \(DurabilityTests.binary.path); run the tests with `swift test`, which builds it.")
            return
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mail-kill-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        switch kind {
        case .sqlite: try await run(url: "sqlite:" + directory.appendingPathComponent("m.sqlite").path, directory: directory.path)
        case .postgres: try await TestDatabase.withPostgresURL { try await run(url: $0, directory: directory.path) }
        }
    }

    private func run(url: String, directory: String) async throws {
        let suffix = UUID().uuidString.prefix(6).lowercased()
        let address = "support-\(suffix)@shop.example"
        let inboxID = try await Database.with(url: url, logger: TestDatabase.logger) { database in
            try await Migrator.migrate(database)
            let (owner, _) = try await Provisioning.createOwner(database: database, workspace: "Mail kill", timeZone: "UTC",
                                                              email: "owner-\(suffix)@example.com", name: "O", passwordHash: "x")
            return try await database.write {
                try await InboxRepository.create(workspaceID: owner.workspaceID, kind: .email, name: "Mail", webhookURL: nil,
                                                 secret: "sdi_\(suffix)", now: Date(), email: EmailSettings(address: address), in: $0)
            }.id
        }
        let messages = (0..<Self.total).map { index in
            MailFixture.mail(from: "Customer \(index % 30) <c\(index % 30)-\(suffix)@example.hr>", subject: "Narudžba \(1000 + index)",
                             id: "kill-\(index)-\(suffix)@example.hr", body: "Poruka \(index): gdje je moja narudžba?")
        }
        let ids = (0..<Self.total).map { "kill-\($0)-\(suffix)@example.hr" }

        let smtpPort = try FreePort.pick()
        let first = try await ServerProcess.start(database: url, directory: directory, environment: ["SHOPDESK_SMTP_PORT": String(smtpPort)])
        defer { first.kill() }
        try await EmailChannelTests.waitForPort(smtpPort)
        let acknowledged = try await Self.send(messages, to: address, port: smtpPort, connections: 4,
                                               killing: first.process.processIdentifier, after: Self.killAfter)
        first.process.waitUntilExit()
        #expect(first.process.terminationReason == .uncaughtSignal, "the server was killed mid-stream")
        #expect(acknowledged.count >= Self.killAfter && acknowledged.count < Self.total, "\(acknowledged.count) acknowledged")

        // Restarted on the same database, everything arrives again: all of it is taken, once.
        let second = try await ServerProcess.start(database: url, directory: directory, environment: ["SHOPDESK_SMTP_PORT": String(smtpPort)])
        defer { second.kill() }
        try await EmailChannelTests.waitForPort(smtpPort)
        let resent = try await Self.send(messages, to: address, port: smtpPort, connections: 2, killing: nil, after: 0)
        #expect(resent.count == Self.total, "every message is acknowledged after the restart")

        let (stored, records) = try await Database.with(url: url, logger: TestDatabase.logger) { database in
            try await database.read { sql in
                let stored = try await sql.raw("""
                    SELECT channel_message_id FROM messages WHERE inbox_id = \(bind: inboxID.rawValue)
                    """).all().map { try $0.decode(column: "channel_message_id", as: String.self) }
                let records = try await sql.raw("""
                    SELECT COUNT(*) AS n FROM inbound_emails WHERE inbox_id = \(bind: inboxID.rawValue) AND status = 'stored' AND raw IS NOT NULL
                    """).first()?.decode(column: "n", as: Int.self) ?? 0
                return (stored, records)
            }
        }
        #expect(Set(acknowledged).isSubset(of: Set(stored)), "a message acknowledged before the kill was lost")
        #expect(stored.count == Set(stored).count, "a message was stored twice")
        #expect(Set(stored) == Set(ids), "\(Set(ids).subtracting(stored).count) messages missing")
        #expect(records == Self.total, "each message's raw original is kept once")
    }

    /// Sends every message over `connections` SMTP connections at once; returns the Message-IDs
    /// the server answered 250 for. With `killing`, Python kills that process (SIGKILL) right
    /// after the `after`th acknowledgement, while the other connections are mid-transaction.
    static func send(_ messages: [String], to address: String, port: Int, connections: Int, killing pid: Int32?,
                     after: Int) async throws -> [String] {
        let script = """
            import json, os, re, signal, smtplib, sys, threading
            request = json.load(sys.stdin)
            acknowledged, lock = [], threading.Lock()
            def deliver(share):
                try:
                    client = smtplib.SMTP('127.0.0.1', request['port'], timeout=30)
                    for message in share:
                        client.sendmail('sender@example.hr', [request['to']], message.encode('utf-8'))
                        with lock:
                            acknowledged.append(re.search(r'Message-ID: <([^>]+)>', message).group(1))
                            if request['pid'] and len(acknowledged) == request['after']:
                                os.kill(request['pid'], signal.SIGKILL)
                    client.quit()
                except Exception:
                    pass
            shares = [request['messages'][i::request['connections']] for i in range(request['connections'])]
            threads = [threading.Thread(target=deliver, args=(share,)) for share in shares]
            for thread in threads: thread.start()
            for thread in threads: thread.join()
            print(json.dumps(acknowledged))
            """
        let request = try JSONSerialization.data(withJSONObject: [
            "port": port, "to": address, "messages": messages, "connections": connections, "pid": pid.map(Int.init) ?? 0, "after": after,
        ] as [String: Any])
        let output = try await Python.run(script, input: String(decoding: request, as: UTF8.self))
        return (try? JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String]) ?? []
    }
}
