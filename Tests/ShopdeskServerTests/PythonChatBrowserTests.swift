import Foundation
import ShopdeskCore
@testable import ShopdeskServer
import ShopdeskStore
import ShopdeskTestSupport
import Testing

/// The chat widget and the agent app driven by Selenium from Python (PyPI) in the system's
/// Chromium and chromedriver (Debian's packages): a client we did not write checks the same
/// flow as `ChatWidgetBrowserTests`, including a server restart in the middle.
@Suite("Chat driven from Python with Selenium", .serialized, .timeLimit(.minutes(10)))
struct PythonChatBrowserTests {
    static var chromedriver: String { ProcessInfo.processInfo.environment["SHOPDESK_TEST_CHROMEDRIVER"] ?? "/usr/bin/chromedriver" }

    @Test func anAgentAndAVisitorChatThroughARestart() async throws {
        guard try await SeleniumSession.available(chromedriver: Self.chromedriver) else { return }
        // Selenium's two Chromiums take one of the places the CDP tests share.
        try await Browser.holdingPlace { try await Self.chatThroughARestart() }
    }

    private static func chatThroughARestart() async throws {
        try await TestDatabase.with(.sqlite) { database in
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("shopdesk-selenium-\(UUID().uuidString)").path
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let hash = try await PasswordHasher(cost: 4).hash(Harness.password)
            let (owner, _) = try await Provisioning.createOwner(database: database, workspace: "Selenium shop", timeZone: "UTC",
                                                                email: "selenium-owner@example.com", name: "Olivia Owner", passwordHash: hash)
            let token = try await Provisioning.createToken(database: database, agent: owner, name: "tests")
            let port = try FreePort.pick()
            let base = "http://127.0.0.1:\(port)"
            try await ShopPage.serve(widgetBase: base, key: { try await LiveServer.key(database: database, workspace: owner.workspaceID) }) { shopURL in
                try await LiveServer.run(database: database, directory: directory, port: port) {
                    _ = try await LiveServer.post(base + "/api/v1/inboxes", token: token,
                                                  body: ##"{"name":"Site chat","kind":"chat","chat":{"greeting":"Hi! Ask us anything.","color":"#1d6b4f"}}"##)
                }
                let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Python/chat_flow.py").path
                let session = try await SeleniumSession.start(script: script, config: [
                    "base": base, "shop": shopURL, "email": owner.email, "password": Harness.password,
                    "chromium": Browser.executable ?? "/usr/bin/chromium", "chromedriver": Self.chromedriver,
                ])
                defer { session.stop() }
                try await LiveServer.run(database: database, directory: directory, port: port) {
                    session.send("GO")
                    try await session.expect("STOP")
                }
                session.send("STOPPED")
                try await session.expect("START")
                try await LiveServer.run(database: database, directory: directory, port: port) {
                    session.send("STARTED")
                    try await session.expect("DONE")
                    let list = try await LiveServer.get(base + "/api/v1/conversations?status=open", token: token)
                    let items = (try JSONSerialization.jsonObject(with: Data(list.utf8)) as? [String: Any])?["items"] as? [[String: Any]] ?? []
                    #expect(items.count == 1, "the restart started no second conversation")
                    let id = try #require(items.first?["id"] as? Int)
                    let messages = try await LiveServer.get(base + "/api/v1/conversations/\(id)/messages", token: token)
                    #expect(messages.components(separatedBy: "Still there?").count == 2, "exactly one copy of the resent message")
                }
            }
        }
    }
}

/// A Python script we talk to line by line over its stdin and stdout. Its output is read on a
/// thread of its own (a blocking read must not hold one of the threads that run Swift tasks,
/// among them the server the script talks to).
final class SeleniumSession: @unchecked Sendable {
    private let process: Process
    private let input: FileHandle
    private var lines: AsyncStream<String>.Iterator

    /// Whether Python, Selenium, Chromium and chromedriver are all here; in CI they must be.
    static func available(chromedriver: String) async throws -> Bool {
        var ready = Browser.executable != nil && FileManager.default.isExecutableFile(atPath: chromedriver)
        if ready { ready = try await Python.run("import selenium; print('ok')", input: "").hasPrefix("ok") }
        if !ready, ProcessInfo.processInfo.environment["CI"] == "true" {
            Issue.record("CI must provide Python with Selenium, Chromium and chromedriver")
        }
        return ready
    }

    static func start(script: String, config: [String: String]) async throws -> SeleniumSession {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Python.executable)
        process.arguments = [script]
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try await ChildProcess.launch(process)
        let (stream, continuation) = AsyncStream<String>.makeStream()
        let reader = stdout.fileHandleForReading
        Thread.detachNewThread {
            var buffer = Data()
            while true {
                let chunk = reader.availableData
                if chunk.isEmpty { break }
                buffer.append(chunk)
                while let end = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                    continuation.yield(String(decoding: buffer[buffer.startIndex..<end], as: UTF8.self))
                    buffer = Data(buffer[buffer.index(after: end)...])
                }
            }
            continuation.finish()
        }
        let session = SeleniumSession(process: process, input: stdin.fileHandleForWriting, lines: stream.makeAsyncIterator())
        session.send(String(decoding: try JSONSerialization.data(withJSONObject: config), as: UTF8.self))
        return session
    }

    private init(process: Process, input: FileHandle, lines: AsyncStream<String>.Iterator) {
        self.process = process
        self.input = input
        self.lines = lines
    }

    func send(_ line: String) {
        input.write(Data((line + "\n").utf8))
    }

    /// Waits for the script to reach `marker`; its failure (or its end) fails the test with the reason.
    func expect(_ marker: String) async throws {
        while let line = await lines.next() {
            if line == marker { return }
            if line.hasPrefix("FAIL") { throw HarnessError("The Selenium script: \(line)") }
        }
        throw HarnessError("The Selenium script ended before \(marker).")
    }

    func stop() {
        if process.isRunning { process.terminate() }
    }
}
