import ArgumentParser
import Foundation
import ShopdeskServer

/// `shopdesk files migrate --to s3` and `shopdesk files check`.
struct FilesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "files",
        abstract: "Move files between stores (local, database, s3) and check that none is lost.",
        subcommands: [MigrateFiles.self, CheckFiles.self])

    struct MigrateFiles: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "migrate",
            abstract: "Copy every file the database refers to into another store.",
            discussion: """
                Runs while Shopdesk serves: files never change, and what the target has is skipped, so run it again \
                until it copies nothing, then set SHOPDESK_FILE_STORE to the new store and restart the nodes. The old \
                store is left as it was. The target's settings come from the configuration (SHOPDESK_S3_* for s3).
                """)

        @OptionGroup var options: DatabaseOptions
        @Option(help: "The store the files are in (default: SHOPDESK_FILE_STORE, or local).") var from: String?
        @Option(help: "The store to copy them into: local, database or s3.") var to: String

        func run() async throws {
            let configuration = try options.load()
            let from = from ?? configuration.fileStoreName
            let outcome = try await FileMigration.migrate(configuration: configuration, from: from, to: to, logger: makeLogger(configuration)) { files, bytes in
                Console.out("… \(files) files (\(bytes) bytes) copied")
            }
            Console.out("Copied \(outcome.copied) files (\(outcome.bytes) bytes) from \(from) to \(to); \(outcome.present) were there already.")
            try FilesCommand.report(outcome, store: from)
            Console.out("Now set SHOPDESK_FILE_STORE=\(to) and restart every node.")
        }
    }

    struct CheckFiles: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "Read every file the database refers to from the configured store and check its hash.")

        @OptionGroup var options: DatabaseOptions

        func run() async throws {
            let configuration = try options.load()
            let outcome = try await FileMigration.check(configuration: configuration, logger: makeLogger(configuration))
            Console.out("\(outcome.present) files (\(outcome.bytes) bytes) are whole in the \(configuration.fileStoreName) store.")
            try FilesCommand.report(outcome, store: configuration.fileStoreName)
        }
    }

    /// Names lost or damaged files, and fails the command when there are any.
    static func report(_ outcome: FileMigration.Outcome, store: String) throws {
        for sha256 in outcome.missing { Console.out("missing from \(store): \(sha256)") }
        for sha256 in outcome.damaged { Console.out("damaged in \(store) (the bytes do not have this hash): \(sha256)") }
        if !outcome.missing.isEmpty || !outcome.damaged.isEmpty {
            throw ValidationError("\(outcome.missing.count) files missing and \(outcome.damaged.count) damaged in \(store).")
        }
    }
}
