import ArgumentParser
import Foundation
import ShopdeskServer
import ShopdeskStore

extension Bench {
    struct Email: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Receive thousands of realistic emails through the whole path; report speed and check the threading.")

        @Option(help: "Database (default: a new SQLite file in a temporary directory).") var database: String?
        @Option(help: "Conversations (threads) to create.") var threads = 2_000
        @Option(help: "Messages per thread.") var perThread = 5
        @Option(help: "Messages received at once.") var concurrency = 16

        func run() async throws {
            let logger = BenchScratch.logger
            let directory = try BenchScratch.directory()
            defer { try? FileManager.default.removeItem(at: directory) }
            let url = database ?? BenchScratch.sqliteURL(in: directory)
            let (threads, perThread, concurrency) = (threads, perThread, concurrency)
            let report = try await Database.with(url: url, logger: logger) { database in
                try await Migrator.migrate(database)
                return try await EmailBenchmark.run(database: database, dataDirectory: directory.path, threads: threads,
                                                    perThread: perThread, concurrency: concurrency, logger: logger)
            }
            Console.out("""

                Email: \(report.messages) messages (\(report.averageBytes / 1024) KB on average) in \(report.threads) threads, \
                \(concurrency) at a time, \(url.hasPrefix("postgres") ? "PostgreSQL" : "SQLite"), \
                \(ProcessInfo.processInfo.activeProcessorCount) cores
                | messages/s | p50 ms | p99 ms | seconds | misthreaded | duplicates |
                |---:|---:|---:|---:|---:|---:|
                | \(Int(report.perSecond)) | \(String(format: "%.1f", report.p50Milliseconds)) | \(String(format: "%.1f", report.p99Milliseconds)) \
                | \(String(format: "%.1f", report.seconds)) | \(report.misthreaded) | \(report.duplicates) |
                """)
            if report.misthreaded > 0 { throw BenchError("\(report.misthreaded) threads were not threaded correctly.") }
        }
    }
}
