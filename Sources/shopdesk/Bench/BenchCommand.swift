import ArgumentParser
import Foundation
import Logging
import ShopdeskCore
import ShopdeskServer
import ShopdeskStore

struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Measure Shopdesk.", subcommands: [API.self, Chat.self, Email.self, Channels.self, Rules.self, Text.self, SQL.self, Reports.self, Campaigns.self])

    struct API: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Load a `shopdesk serve` child process over HTTP and report throughput, latency and memory.")

        @Option(help: "Database for the server (default: a new SQLite file in a temporary directory).") var database: String?
        @Option(help: "Concurrent HTTP clients.") var clients = 8
        @Option(help: "Conversations to create (customer + first message each).") var conversations = 10_000
        @Option(help: "Agent replies on random conversations.") var replies = 5_000
        @Option(help: "List requests (first page of 50 open conversations).") var lists = 2_000
        @Option(help: "Search requests.") var searches = 500
        @Option(help: "Messages to load into the database before measuring (e.g. 1000000).") var scale = 0
        @Option(help: "Port for the server.") var port = 18_080

        func run() async throws {
            let logger = BenchScratch.logger
            let directory = try BenchScratch.directory()
            defer { try? FileManager.default.removeItem(at: directory) }
            let url = database ?? BenchScratch.sqliteURL(in: directory)
            let scale = scale
            BenchReport.say("Preparing \(url.hasPrefix("postgres") ? "PostgreSQL" : "SQLite") database…")
            let setup = try await Database.with(url: url, logger: logger) { database in
                try await Migrator.migrate(database)
                return try await BenchSetup.prepare(database: database, scaleMessages: scale)
            }
            let server = try BenchServer.start(databaseURL: url, port: port, dataDirectory: directory.path)
            defer { server.stop() }
            let load = LoadGenerator(port: port, token: setup.token, inboxID: setup.inboxID,
                                     inboxToken: setup.inboxToken, clients: clients)
            try await load.waitUntilHealthy()
            // Each phase ends when its jobs have run too: the sends that replies queue are part of
            // replying, and must not run in the background of the next phase.
            let (results, memory) = try await Database.with(url: url, logger: logger) { database in
                var results: [PhaseResult] = []
                var ids: [Int64] = []
                results.append(try await Self.measured(server, database) {
                    let created = try await load.createConversations(conversations)
                    ids = created.ids
                    return created.result
                })
                results.append(try await Self.measured(server, database) { try await load.reply(replies, conversationIDs: ids) })
                results.append(try await Self.measured(server, database) { try await load.list(lists) })
                results.append(try await Self.measured(server, database) { try await load.search(searches) })
                return (results, server.memory())
            }
            BenchReport.print(results: results, memory: memory, databaseURL: url, clients: clients, scale: scale,
                              preloaded: setup.preloadedMessages)
        }
    }
}

extension Bench.API {
    /// Runs a phase until its jobs have settled, and charges it the server's CPU time meanwhile.
    static func measured(_ server: BenchServer, _ database: Database,
                         _ phase: () async throws -> PhaseResult) async throws -> PhaseResult {
        let before = server.cpuSeconds()
        let databaseBefore = BenchServer.postgresCPUSeconds()
        var result = try await settled(try await phase(), database)
        let after = server.cpuSeconds()
        result.serverCPUSeconds = after.server - before.server
        if database.kind == .postgres {
            result.databaseCPUSeconds = BenchServer.postgresCPUSeconds(from: databaseBefore, to: BenchServer.postgresCPUSeconds())
        }
        if let start = before.writer, let end = after.writer { result.writerCPUSeconds = end - start }
        return result
    }

    /// Waits until no job is due or running, and counts the wait in the phase's time.
    static func settled(_ phase: PhaseResult, _ database: Database) async throws -> PhaseResult {
        let started = ContinuousClock.now
        while true {
            let now = Int64(Date().timeIntervalSince1970 * 1000)
            let pending = try await database.read { sql in
                try await sql.raw("""
                    SELECT COUNT(*) AS n FROM jobs WHERE status = 'running' OR (status = 'queued' AND run_at <= \(bind: now))
                    """).first()?.decode(column: "n", as: Int.self) ?? 0
            }
            if pending == 0 { break }
            // Reason for the sleep: the server's job queue sends this process no signal when it
            // empties, so it is polled; 20 ms between looks keeps the poll from competing with it.
            try await Task.sleep(for: .milliseconds(20))
        }
        let waited = ContinuousClock.now - started
        var result = phase
        result.settleSeconds = Double(waited.components.seconds) + Double(waited.components.attoseconds) / 1e18
        result.seconds += result.settleSeconds
        return result
    }
}

/// Where a benchmark keeps its server's files: a fresh temporary directory, removed afterwards.
enum BenchScratch {
    static let logger: Logger = {
        var logger = Logger(label: "shopdesk.bench")
        logger.logLevel = .warning
        return logger
    }()

    static func directory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("shopdesk-bench-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    static func sqliteURL(in directory: URL) -> String {
        "sqlite:" + directory.appendingPathComponent("bench.sqlite").path
    }
}
