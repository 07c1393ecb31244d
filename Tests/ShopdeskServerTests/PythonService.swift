import Foundation
import ShopdeskTestSupport
import Testing

/// A Python program a test runs beside it (an S3-compatible server, a DNS server, an agent's
/// socket): it prints one line when it is ready and runs until its standard input closes.
final class PythonService: @unchecked Sendable {
    let process: Process
    private let input: Pipe
    /// What it printed when it was ready.
    let firstLine: String

    private init(process: Process, input: Pipe, firstLine: String) {
        (self.process, self.input, self.firstLine) = (process, input, firstLine)
    }

    /// Starts `script` with `arguments` and waits for its first line (read on a thread of its
    /// own); throws, naming `what`, when that line does not start with `expecting`.
    static func start(_ script: String, arguments: [String], what: String, expecting prefix: String = "") async throws -> PythonService {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Python.executable)
        process.arguments = ["-c", script] + arguments
        let stdout = Pipe(), stdin = Pipe()
        process.standardOutput = stdout
        process.standardInput = stdin
        process.standardError = FileHandle.nullDevice
        try await ChildProcess.launch(process)
        let line = await withCheckedContinuation { (continuation: CheckedContinuation<Data, Never>) in
            Thread.detachNewThread { continuation.resume(returning: stdout.fileHandleForReading.availableData) }
        }
        let service = PythonService(process: process, input: stdin, firstLine: String(decoding: line, as: UTF8.self))
        guard !service.firstLine.isEmpty, service.firstLine.hasPrefix(prefix) else {
            service.stop()
            throw HarnessError("\(what) did not start: \(service.firstLine)")
        }
        return service
    }

    /// Closes its input (it ends by itself), and terminates it if it is still running.
    func stop() {
        try? input.fileHandleForWriting.close()
        if process.isRunning { process.terminate() }
    }

    /// Closes its input and waits up to 5 s for it to end (it writes what it collected first).
    func finish() async throws {
        try? input.fileHandleForWriting.close()
        for _ in 0..<100 where process.isRunning { try await Task.sleep(for: .milliseconds(50)) }
    }

    /// Whether the tests that drive the real binary with an agent's socket can run: the binary
    /// is built, and Python has websocket-client (in CI it must, so its absence is a failure).
    static func binaryAndWebSocketClient() async throws -> Bool {
        guard FileManager.default.isExecutableFile(atPath: DurabilityTests.binary.path) else {
            Issue.record("The shopdesk binary is not at \(DurabilityTests.binary.path); run the tests with `swift test`, which builds it.")
            return false
        }
        guard try await Python.run("import websocket; print('ok')", input: "") == "ok\n" else {
            if ProcessInfo.processInfo.environment["CI"] == "true" { Issue.record("websocket-client is missing (SHOPDESK_TEST_PYTHON)") }
            return false
        }
        return true
    }
}
