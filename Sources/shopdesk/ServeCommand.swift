import ArgumentParser
import Foundation
import Hummingbird
import Logging
import ShopdeskServer
import ShopdeskStore

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the Shopdesk server (migrates the database first).")

    @OptionGroup var options: DatabaseOptions
    @Option(help: "Address to listen on.") var host: String?
    @Option(help: "Port to listen on (0: any free port; the address is printed once listening).") var port: Int?
    @Flag(help: "Do not run background jobs on this node.") var noJobs = false
    @Flag(help: "Every other node is stopped: apply migrations that nodes of the previous version would not survive (PostgreSQL).")
    var offlineMigrations = false

    func run() async throws {
        var configuration = try options.load()
        if let host { configuration.host = host }
        if let port { configuration.port = port }
        if noJobs { configuration.runJobs = false }
        let logger = makeLogger(configuration)
        let settings = configuration
        logger.info("Starting Shopdesk", metadata: ["database": "\(configuration.redactedDatabaseURL)",
                                                    "address": "\(configuration.host):\(configuration.port)"])
        let offline: Migrator.OfflineMigrations = offlineMigrations ? .allowed : .refusedWhileInUse
        try await Database.with(url: settings.databaseURL, logger: logger) { database in
            try await Migrator.migrate(database, offline: offline)
            try await runServer(configuration: settings, database: database, logger: logger) { host, port in
                // Scripts (and the durability test) wait for this line to know the server is up and where.
                Console.out("Shopdesk is listening on http://\(host):\(port)")
            }
        }
    }
}

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Bring the database schema up to date.")

    @OptionGroup var options: DatabaseOptions
    @Flag(help: "Every node is stopped: also apply migrations that running nodes of the previous version would not survive (PostgreSQL).")
    var offline = false

    func run() async throws {
        let configuration = try options.load()
        let logger = makeLogger(configuration)
        let policy: Migrator.OfflineMigrations = offline ? .allowed : .refusedWhileInUse
        let applied = try await Database.with(url: configuration.databaseURL, logger: logger) { try await Migrator.migrate($0, offline: policy) }
        Console.out(applied.isEmpty ? "The database is up to date." : "Applied schema versions \(applied.map(String.init).joined(separator: ", ")).")
    }
}

struct Admin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Manage workspaces and agents.", subcommands: [Create.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an owner agent, and the workspace if it does not exist.")

        @OptionGroup var options: DatabaseOptions
        @Option(help: "The agent's email (their login).") var email: String
        @Option(help: "At least 10 characters.") var password: String
        @Option(help: "The agent's name.") var name: String = "Owner"
        @Option(help: "The workspace's name.") var workspace: String = "My shop"
        @Option(help: "The workspace's time zone.") var timeZone: String = "UTC"

        func run() async throws {
            let configuration = try options.load()
            let logger = makeLogger(configuration)
            let hasher = PasswordHasher(cost: configuration.bcryptCost)
            let hash = try await hasher.hash(password)
            let (agent, workspaceName) = try await Database.with(url: configuration.databaseURL, logger: logger) { database in
                try await Migrator.migrate(database)
                return try await Provisioning.createOwner(database: database, workspace: workspace, timeZone: timeZone, email: email,
                                                          name: name, passwordHash: hash)
            }
            Console.out("Created owner \(agent.email) (agent \(agent.id)) in workspace \"\(workspaceName)\".")
        }
    }
}
