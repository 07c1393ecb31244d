import AsyncHTTPClient
import Foundation
import NIOCore
import ShopdeskCore
import ShopdeskServer
import ShopdeskStore
import ShopdeskTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Runs the real `shopdesk` binary, posts messages from concurrent clients, kills the server
/// with SIGKILL mid-stream, and checks that every message it acknowledged with 201 is stored.
@Suite("Durability", .serialized)
struct DurabilityTests {
    static var binary: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("shopdesk")
    }

    @Test(arguments: TestDatabase.kinds)
    func acknowledgedMessagesSurviveKill9(kind: DatabaseKind) async throws {
        let binaryPath = Self.binary.path
        guard FileManager.default.isExecutableFile(atPath: binaryPath) else {
            Issue.record("The shopdesk binary is not at \(binaryPath); run the tests with `swift test`, which builds it.")
            return
        }
        switch kind {
        case .sqlite:
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("durability-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            try await run(url: "sqlite:" + directory.appendingPathComponent("d.sqlite").path, directory: directory.path)
        case .postgres:
            try await TestDatabase.withPostgresURL { url in
                try await run(url: url, directory: FileManager.default.temporaryDirectory.path)
            }
        }
    }

    private func run(url: String, directory: String) async throws {
        let inboxToken = "sdi_durability"
        let inboxID = try await Database.with(url: url, logger: TestDatabase.logger) { database in
            try await Migrator.migrate(database)
            let (owner, _) = try await Provisioning.createOwner(database: database, workspace: "Durable", timeZone: "UTC",
                                                                email: "durable-\(UUID().uuidString.prefix(6))@example.com", name: "D",
                                                                passwordHash: "x")
            return try await database.write {
                try await InboxRepository.create(workspaceID: owner.workspaceID, kind: .api, name: "API", webhookURL: nil,
                                                 secret: inboxToken, now: Date(), in: $0)
            }.id.rawValue
        }
        let server = try await ServerProcess.start(database: url, directory: directory)
        let (process, port) = (server.process, server.port)
        defer { server.kill() }

        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        defer { _ = http.shutdown() }
        try await waitUntilHealthy(http, port: port)

        let acknowledged = Acknowledgements()
        let killAfter = 300
        await withTaskGroup(of: Void.self) { group in
            for client in 0..<8 {
                group.addTask {
                    for index in 0..<200 {
                        let external = "c\(client)-m\(index)"
                        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/api/v1/inboxes/\(inboxID)/messages")
                        request.method = .POST
                        request.headers.add(name: "X-Inbox-Token", value: inboxToken)
                        request.headers.add(name: "Content-Type", value: "application/json")
                        request.body = .bytes(ByteBuffer(string: #"{"customer":{"email":"k\#(client)@example.com"},"text":"message \#(external)","external_id":"\#(external)"}"#))
                        guard let response = try? await http.execute(request, timeout: .seconds(10)), response.status == .created,
                              let body = try? await response.body.collect(upTo: 1 << 16),
                              let json = try? JSONSerialization.jsonObject(with: Data(body.readableBytesView)) as? [String: Any],
                              let id = (json["message_id"] as? NSNumber)?.int64Value else { return }
                        if await acknowledged.add(external, id) == killAfter {
                            kill(process.processIdentifier, SIGKILL)
                        }
                    }
                }
            }
        }
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)
        let acked = await acknowledged.all
        #expect(acked.count >= killAfter)

        let stored = try await Database.with(url: url, logger: TestDatabase.logger) { database in
            try await database.read { sql in
                try await sql.raw("SELECT id, channel_message_id FROM messages").all().map {
                    (try $0.decode(column: "channel_message_id", as: String.self), try $0.decode(column: "id", as: Int64.self))
                }
            }
        }
        let storedByExternal = Dictionary(stored, uniquingKeysWith: { first, _ in first })
        let lost = acked.filter { storedByExternal[$0.key] != $0.value }
        #expect(lost.isEmpty, "\(lost.count) acknowledged messages were lost")
        #expect(stored.count == storedByExternal.count, "a message was stored twice")
    }

    private func waitUntilHealthy(_ http: HTTPClient, port: Int) async throws {
        for _ in 0..<200 {
            if let response = try? await http.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)/healthz"), timeout: .seconds(1)),
               response.status.code < 500 || response.status.code == 503 {
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw HarnessError("The server did not start within 20 seconds")
    }
}

actor Acknowledgements {
    private(set) var all: [String: Int64] = [:]

    func add(_ external: String, _ id: Int64) -> Int {
        all[external] = id
        return all.count
    }
}

/// The real `shopdesk serve` as a child process, on a port of the system's choosing.
struct ServerProcess {
    let process: Process
    let port: Int

    static func start(database url: String, directory: String, environment extra: [String: String] = [:], jobs: Bool = false,
                      binary: URL = DurabilityTests.binary) async throws -> ServerProcess {
        let process = Process()
        process.executableURL = binary
        // Port 0: the system picks a free port and the server prints it; a port chosen here could be
        // taken by another test's server before this one binds it.
        process.arguments = ["serve", "--database", url, "--port", "0"] + (jobs ? [] : ["--no-jobs"])
        let output = Pipe()
        process.standardOutput = output
        var environment = ProcessInfo.processInfo.environment
        environment["SHOPDESK_DATA_DIR"] = directory
        environment["SHOPDESK_LOG_LEVEL"] = "error"
        environment["SHOPDESK_MAIL_AUTH"] = "off"
        environment.merge(extra) { _, new in new }
        process.environment = environment
        try await ChildProcess.launch(process)
        do {
            return ServerProcess(process: process, port: try await listeningPort(output.fileHandleForReading))
        } catch {
            ServerProcess(process: process, port: 0).kill()
            throw error
        }
    }

    /// SIGKILL, as a crash or the OOM killer would, and waits for it to be gone.
    func kill() {
        if process.isRunning {
            Glibc.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    /// Reads the server's standard output (on a thread of its own: the reads block) until it says
    /// where it listens; throws if the process ends first.
    private static func listeningPort(_ handle: FileHandle) async throws -> Int {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Int, any Error>) in
            Thread.detachNewThread {
                var text = ""
                var answered = false
                // Keeps reading after the answer so the server never blocks on a full pipe.
                while case let chunk = handle.availableData, !chunk.isEmpty {
                    guard !answered else { continue }
                    text += String(decoding: chunk, as: UTF8.self)
                    guard let start = text.range(of: "listening on http://"),
                          let end = text[start.upperBound...].firstIndex(of: "\n") else { continue }
                    guard let port = text[start.upperBound..<end].split(separator: ":").last.flatMap({ Int($0) }) else { continue }
                    answered = true
                    continuation.resume(returning: port)
                }
                if !answered {
                    continuation.resume(throwing: HarnessError("The server ended before listening; it printed: \(text)"))
                }
            }
        }
    }

}
