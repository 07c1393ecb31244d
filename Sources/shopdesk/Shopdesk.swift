import ArgumentParser
import Foundation
import Logging
import ShopdeskServer

@main
struct Shopdesk: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "shopdesk",
        abstract: "Shopdesk: the customer-support helpdesk for online shops.",
        subcommands: [Serve.self, Migrate.self, Admin.self, Demo.self, Bench.self, Intel.self, Reports.self, BackupCommand.self, RestoreCommand.self, FilesCommand.self]
    )
}

/// Options shared by every command that opens the database.
struct DatabaseOptions: ParsableArguments {
    @Option(name: .long, help: "sqlite:PATH or postgres://user:password@host:5432/db (default: SHOPDESK_DATABASE_URL or sqlite:./data/shopdesk.sqlite)")
    var database: String?

    @Option(name: .long, help: "A JSON configuration file (default: SHOPDESK_CONFIG).")
    var config: String?

    func load() throws -> ServerConfiguration {
        var configuration = try ServerConfiguration.load(environment: ProcessInfo.processInfo.environment, file: config)
        if let database { configuration.databaseURL = database }
        return configuration
    }
}

func makeLogger(_ configuration: ServerConfiguration) -> Logger {
    var logger = Logger(label: "shopdesk")
    logger.logLevel = Logger.Level(rawValue: configuration.logLevel) ?? .info
    return logger
}
