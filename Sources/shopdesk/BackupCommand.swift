import ArgumentParser
import Foundation
import ShopdeskServer
import ShopdeskStore

/// `shopdesk backup --to DIR`: the database (consistent, while Shopdesk serves) and the data
/// directory's files, including the secret key — keep the backup as safe as the server.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Back up the database, its files (attachments, raw emails, from any file store) and the data directory (the secret key) into a new directory.",
        discussion: "SQLite is copied with VACUUM INTO, PostgreSQL with pg_dump (its client programs must be installed); both while Shopdesk serves.")

    @OptionGroup var options: DatabaseOptions
    @Option(help: "The new directory to write the backup into.") var to: String

    func run() async throws {
        let configuration = try options.load()
        let logger = makeLogger(configuration)
        let manifest = try await Database.with(url: configuration.databaseURL, logger: logger) { database in
            try await Backup.create(database: database, configuration: configuration, to: to)
        }
        for sha256 in manifest.missingFiles ?? [] { Console.out("Not in the \(configuration.fileStoreName) store, so not backed up: \(sha256)") }
        Console.out("Backed up the \(manifest.engine) database (schema \(manifest.schemaVersion)) and \(manifest.files) files (\(manifest.bytes) bytes) into \(to).")
        Console.out("The backup holds the secret key that opens stored credentials: keep it as safe as the server.")
    }
}

/// `shopdesk restore --from DIR`: into an empty database and an empty data directory.
struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Restore a backup into an empty database, data directory and the configured file store, then bring the schema up to date.")

    @OptionGroup var options: DatabaseOptions
    @Option(help: "The backup's directory.") var from: String
    @Option(name: .customLong("data-dir"), help: "The data directory to restore the files into (default: SHOPDESK_DATA_DIR or ./data).") var dataDirectory: String?

    func run() async throws {
        var configuration = try options.load()
        if let dataDirectory { configuration.dataDirectory = dataDirectory }
        let manifest = try await Backup.restore(from: from, configuration: configuration, logger: makeLogger(configuration))
        Console.out("Restored the backup of \(manifest.createdAt) (schema \(manifest.schemaVersion), \(manifest.files) files) into \(configuration.databaseURL.hasPrefix("postgres") ? "the PostgreSQL database" : configuration.databaseURL) and \(configuration.dataDirectory).")
    }
}
