import Foundation

/// `shopdesk serve` as a child process, so its memory is measured apart from the load generator.
final class BenchServer: Sendable {
    let process: Process

    private init(process: Process) { self.process = process }

    static func start(databaseURL: String, port: Int, dataDirectory: String, environment extra: [String: String] = [:]) throws -> BenchServer {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? CommandLine.arguments[0])
        process.arguments = ["serve", "--database", databaseURL, "--port", String(port)]
        var environment = ProcessInfo.processInfo.environment
        environment["SHOPDESK_DATA_DIR"] = dataDirectory
        environment["SHOPDESK_LOG_LEVEL"] = "warning"
        // The chat bench starts thousands of visitors from one address on purpose.
        environment["SHOPDESK_WIDGET_SESSIONS_PER_ADDRESS"] = "1000000"
        // It measures throughput from one token and one address: the per-caller limits would measure themselves.
        environment["SHOPDESK_API_RATE_LIMIT"] = "0"
        environment["SHOPDESK_MAIL_AUTH"] = "off"
        environment["SHOPDESK_ANONYMOUS_RATE_LIMIT"] = "0"
        environment.merge(extra) { _, new in new }
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

    /// CPU time used so far, in seconds: the whole server, and its SQLite writer thread (found by
    /// its name, `shopdesk-writer`; nil on PostgreSQL, which has none), from /proc.
    func cpuSeconds() -> (server: Double, writer: Double?) {
        let directory = "/proc/\(process.processIdentifier)"
        let server = Self.cpuSeconds(stat: directory + "/stat") ?? 0
        let threads = (try? FileManager.default.contentsOfDirectory(atPath: directory + "/task")) ?? []
        let writer = threads.first { thread in
            (try? String(contentsOfFile: "\(directory)/task/\(thread)/comm", encoding: .utf8))?
                .trimmingCharacters(in: .whitespacesAndNewlines) == "shopdesk-writer"
        }.flatMap { Self.cpuSeconds(stat: "\(directory)/task/\($0)/stat") }
        return (server, writer)
    }

    /// CPU time used so far by every PostgreSQL process on this machine (backends, WAL writer,
    /// checkpointer…), per process id, from /proc: the database's share of a request when the
    /// bench runs on PostgreSQL. Zero for SQLite, whose work is inside the server's own figure.
    static func postgresCPUSeconds() -> [Int32: Double] {
        var seconds: [Int32: Double] = [:]
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = Int32(entry),
                  (try? String(contentsOfFile: "/proc/\(entry)/comm", encoding: .utf8))?.hasPrefix("postgres") == true,
                  let cpu = cpuSeconds(stat: "/proc/\(entry)/stat") else { continue }
            seconds[pid] = cpu
        }
        return seconds
    }

    /// The PostgreSQL CPU time spent between two `postgresCPUSeconds` samples; a process that
    /// started in between counts from zero, one that ended is lost (the pool keeps its backends).
    static func postgresCPUSeconds(from before: [Int32: Double], to after: [Int32: Double]) -> Double {
        after.reduce(0) { total, entry in total + max(0, entry.value - (before[entry.key] ?? 0)) }
    }

    /// utime + stime of a /proc stat file. The command name (field 2) may hold spaces, so the
    /// fields are counted from the parenthesis that closes it.
    private static func cpuSeconds(stat path: String) -> Double? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // After the name: state is field 3, utime field 14, stime field 15.
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }
}
