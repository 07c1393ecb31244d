import Foundation

/// `shopdesk serve` as a child process, so its memory is measured apart from the load generator.
final class BenchServer: Sendable {
    let process: Process

    private init(process: Process) { self.process = process }

    static func start(databaseURL: String, port: Int, dataDirectory: String) throws -> BenchServer {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0])
        process.arguments = ["serve", "--database", databaseURL, "--port", String(port)]
        var environment = ProcessInfo.processInfo.environment
        environment["SHOPDESK_DATA_DIR"] = dataDirectory
        environment["SHOPDESK_LOG_LEVEL"] = "warning"
        // The chat bench starts thousands of visitors from one address on purpose.
        environment["SHOPDESK_WIDGET_SESSIONS_PER_ADDRESS"] = "1000000"
        process.environment = environment
        try process.run()
        return BenchServer(process: process)
    }

    /// Resident memory now and at its peak, in MiB, from /proc.
    func memory() -> (current: Double, peak: Double) {
        guard let status = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/status", encoding: .utf8) else { return (0, 0) }
        func value(_ key: String) -> Double {
            guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix(key) }),
                  let kilobytes = line.split(whereSeparator: \.isWhitespace).dropFirst().first.flatMap({ Double($0) }) else { return 0 }
            return kilobytes / 1024
        }
        return (value("VmRSS:"), value("VmHWM:"))
    }

    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }
}
