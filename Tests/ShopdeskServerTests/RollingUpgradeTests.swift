import AsyncHTTPClient
import Foundation
import NIOCore
import ShopdeskCore
@testable import ShopdeskServer
@testable import ShopdeskStore
import ShopdeskTestSupport
import SQLKit
import Testing

/// A rolling upgrade with two real versions: the previous version's binary (built by `.ci/run`
/// from the commit before the last schema change, named by `SHOPDESK_TEST_PREVIOUS_BINARY`)
/// creates the database and serves; this version migrates the database while the old node keeps
/// serving, then serves beside it. The old node must keep working on the new schema: every
/// message either node acknowledged is stored once, and neither answers with a server error.
@Suite("Rolling upgrade: the previous version and this one on one PostgreSQL")
struct RollingUpgradeTests {
    static var previousBinary: URL? {
        ProcessInfo.processInfo.environment["SHOPDESK_TEST_PREVIOUS_BINARY"].map { URL(fileURLWithPath: $0) }
    }

    @Test(.enabled(if: TestDatabase.kinds.contains(.postgres), "needs SHOPDESK_TEST_POSTGRES_URL"), .timeLimit(.minutes(5)))
    func oldAndNewNodesServeThroughTheMigration() async throws {
        guard let previous = Self.previousBinary, FileManager.default.isExecutableFile(atPath: previous.path) else {
            // CI builds the previous version; there its absence is a failure, not a skip, unless
            // the clone has no history to build it from (`.ci/run` says so).
            let environment = ProcessInfo.processInfo.environment
            if environment["CI"] == "true", environment["SHOPDESK_TEST_PREVIOUS_SKIP"] != "1" {
                Issue.record("SHOPDESK_TEST_PREVIOUS_BINARY names no binary")
            }
            return
        }
        try await TestDatabase.withPostgresURL(schemaVersion: 0) { url in
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("upgrade-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let environment = ["SHOPDESK_SECRET_KEY": Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedString(),
                               "SHOPDESK_DATA_DIR": directory.path, "SHOPDESK_API_RATE_LIMIT": "0", "SHOPDESK_ANONYMOUS_RATE_LIMIT": "0",
                               "SHOPDESK_LOG_LEVEL": "error"]
            // The previous version makes the schema, the workspace and its owner.
            let (created, createOutput) = try await Self.run(previous, ["admin", "create", "--database", url, "--email", "owner@upgrade.example",
                                                                       "--password", Harness.password, "--workspace", "Upgrade"], environment)
            #expect(created == 0, "the previous version could not create the workspace: \(createOutput)")
            let versionBefore = try await Self.schemaVersion(url)
            let current = Migrator.migrations.map(\.version).max() ?? 0
            #expect(versionBefore < current, "the previous version has an older schema (\(versionBefore) < \(current))")

            let old = try await ServerProcess.start(database: url, directory: directory.path, environment: environment, jobs: true, binary: previous)
            defer { old.kill() }
            let http = HTTPClient(eventLoopGroupProvider: .singleton)
            defer { _ = http.shutdown() }
            let client = Client(http: http)
            let (inboxToken, apiToken) = try await client.setUp(port: old.port)

            let acknowledged = Acknowledgements()
            let serverErrors = Acknowledgements()
            let ports = Ports([old.port])
            let load = Task {
                for index in 0..<120 {
                    let port = await ports.next()
                    let key = "upgrade-\(index)"
                    let answer = await client.post(port: port, "/api/v1/inboxes/\(inboxToken.inbox)/messages",
                                                   #"{"customer":{"email":"c\#(index % 7)@example.com"},"text":"question \#(key)","external_id":"\#(key)"}"#,
                                                   headers: [("X-Inbox-Token", inboxToken.token)])
                    if answer?.status == 201 { _ = await acknowledged.add(key, Int64(port)) }
                    if let status = answer?.status, status >= 500 { _ = await serverErrors.add("\(port) \(status) \(answer?.text ?? "")", 0) }
                    if index % 10 == 9, let conversation = answer?.conversation {
                        let reply = await client.post(port: port, "/api/v1/conversations/\(conversation)/messages", #"{"text":"answer \#(index)"}"#,
                                                      headers: [("Authorization", "Bearer \(apiToken)")])
                        if let status = reply?.status, status >= 500 { _ = await serverErrors.add("\(port) reply \(status) \(reply?.text ?? "")", 0) }
                    }
                    try? await Task.sleep(for: .milliseconds(15))
                }
            }
            // While the old node serves: this version's migrations (additive, so no --offline) ...
            try await Task.sleep(for: .milliseconds(300))
            let (migrated, migrateOutput) = try await Self.run(DurabilityTests.binary, ["migrate", "--database", url], environment)
            #expect(migrated == 0, "this version refused to migrate under the old node: \(migrateOutput)")
            #expect(try await Self.schemaVersion(url) == current)
            // ... and this version's node beside the old one.
            let new = try await ServerProcess.start(database: url, directory: directory.path, environment: environment, jobs: true)
            defer { new.kill() }
            await ports.add(new.port)
            await load.value

            let stored = try await Self.read(url) { sql in
                try await sql.raw("SELECT channel_message_id FROM messages WHERE direction = 'inbound'").all()
                    .map { try $0.decode(column: "channel_message_id", as: String.self) }
            }
            let acked = await acknowledged.all
            let errors = await serverErrors.all.keys.sorted()
            #expect(errors.isEmpty, "server errors: \(errors)")
            #expect(acked.count == 120, "\(acked.count) of 120 acknowledged")
            #expect(Set(acked.values).count == 2, "both versions took messages after the migration")
            #expect(Set(acked.keys).isSubset(of: Set(stored)) && stored.count == Set(stored).count, "lost or doubled messages")
        }
    }

    static func run(_ binary: URL, _ arguments: [String], _ environment: [String: String]) async throws -> (Int32, String) {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try await ChildProcess.launch(process)
        return await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                process.waitUntilExit()
                continuation.resume(returning: (process.terminationStatus, text))
            }
        }
    }

    static func schemaVersion(_ url: String) async throws -> Int64 {
        try await read(url) { sql in
            try await sql.raw("SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations").first()?.decode(column: "v", as: Int64.self) ?? 0
        }
    }

    static func read<T: Sendable>(_ url: String, _ body: @Sendable @escaping (any SQLDatabase) async throws -> T) async throws -> T {
        try await Database.with(url: url, logger: TestDatabase.logger) { database in try await database.read(body) }
    }

    actor Ports {
        private var ports: [Int]
        private var turn = 0
        init(_ ports: [Int]) { self.ports = ports }
        func add(_ port: Int) { ports.append(port) }
        func next() -> Int { turn += 1; return ports[turn % ports.count] }
    }

    /// HTTP as the old node's API takes it: a sign-in with its session cookie and CSRF token,
    /// which makes an API inbox and a personal token; then plain requests.
    struct Client: Sendable {
        let http: HTTPClient

        struct Answer { var status: Int; var text: String; var conversation: Int64? }

        func post(port: Int, _ path: String, _ body: String, headers: [(String, String)]) async -> Answer? {
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            for (name, value) in headers { request.headers.add(name: name, value: value) }
            request.body = .bytes(ByteBuffer(string: body))
            guard let response = try? await http.execute(request, timeout: .seconds(15)),
                  let bytes = try? await response.body.collect(upTo: 1 << 20) else { return nil }
            let text = String(buffer: bytes)
            let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
            let conversation = (object?["conversation_id"] as? NSNumber)?.int64Value
            return Answer(status: Int(response.status.code), text: text, conversation: conversation)
        }

        func setUp(port: Int) async throws -> (inboxToken: (inbox: Int64, token: String), apiToken: String) {
            var login = HTTPClientRequest(url: "http://127.0.0.1:\(port)/api/v1/auth/login")
            login.method = .POST
            login.headers.add(name: "Content-Type", value: "application/json")
            login.body = .bytes(ByteBuffer(string: #"{"email":"owner@upgrade.example","password":"\#(Harness.password)"}"#))
            let response = try await http.execute(login, timeout: .seconds(15))
            let body = try await response.body.collect(upTo: 1 << 20)
            let csrf = ((try JSONSerialization.jsonObject(with: Data(String(buffer: body).utf8)) as? [String: Any])?["csrf_token"] as? String) ?? ""
            let cookie = response.headers["set-cookie"].first.map { String($0.prefix { $0 != ";" }) } ?? ""
            let session = [("Cookie", cookie), ("X-CSRF-Token", csrf)]
            let inbox = try #require(await post(port: port, "/api/v1/inboxes", #"{"name":"API"}"#, headers: session))
            let inboxObject = try #require(try JSONSerialization.jsonObject(with: Data(inbox.text.utf8)) as? [String: Any])
            let inboxID = try #require(((inboxObject["inbox"] as? [String: Any])?["id"] as? NSNumber)?.int64Value, "\(inbox.text)")
            let token = try #require(await post(port: port, "/api/v1/tokens", #"{"name":"upgrade"}"#, headers: session))
            let tokenObject = try #require(try JSONSerialization.jsonObject(with: Data(token.text.utf8)) as? [String: Any])
            return ((inboxID, inboxObject["token"] as? String ?? ""), tokenObject["token"] as? String ?? "")
        }
    }
}
