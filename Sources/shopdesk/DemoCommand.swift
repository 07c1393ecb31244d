import ArgumentParser
import Foundation
import Hummingbird
import Logging
import ShopdeskServer
import ShopdeskStore

struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create a demo shop in a fresh SQLite file, print the login, and serve it.")

    @Option(help: "Where the demo database goes; it is replaced on every run.") var file = "./data/demo.sqlite"
    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on.") var port = 8080
    @Option(help: "How many conversations to create.") var conversations = 1000
    @Flag(help: "Create the data and exit without serving.") var noServe = false

    func run() async throws {
        var configuration = try ServerConfiguration.load(environment: ProcessInfo.processInfo.environment, file: nil)
        configuration.databaseURL = "sqlite:" + file
        configuration.host = host
        configuration.port = port
        configuration.dataDirectory = (file as NSString).deletingLastPathComponent
        let settings = configuration
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: file + suffix) }
        let logger = makeLogger(configuration)
        let password = Secrets.token(bytes: 9)
        let conversationCount = conversations
        let serve = !noServe
        try await Database.with(url: settings.databaseURL, logger: logger) { database in
            try await Migrator.migrate(database)
            let started = ContinuousClock.now
            let result = try await DemoSeeder(database: database, passwordHasher: PasswordHasher(cost: settings.bcryptCost))
                .seed(ownerPassword: password, conversations: conversationCount)
            let elapsed = ContinuousClock.now - started
            // Written straight to the file descriptor: `print` would sit in a buffer while serving.
            let ready: @Sendable (Int) -> Void = { port in
                Console.out("""

                    Shopdesk demo is ready: \(result.conversations) conversations from \(result.customers) customers \
                    (created in \(elapsed.formatted(.units(allowed: [.seconds], fractionalPart: .show(length: 1))))).

                      URL:       http://\(settings.host):\(port)/
                      API:       http://\(settings.host):\(port)/api/v1/openapi.json
                      Chat:      http://\(settings.host):\(port)/demo/shop  (a sample shop page with the chat widget)
                      Help:      http://\(settings.host):\(port)/help/demo  (the public help center)
                      Phone:     http://\(settings.host):\(port)/demo/phone  (write as a customer on Telegram, WhatsApp, Viber, SMS, Messenger or Instagram)
                      Login:     \(result.ownerEmail)
                      Password:  \(password)

                    The other demo agents (ana@, joao@, olga@, emma@demo.shopdesk.test) share that password.
                    """)
            }
            guard serve else {
                ready(settings.port)
                return
            }
            var served = settings
            served.demoWidgetKey = result.widgetKey
            served.demoChannelsWorkspace = result.workspaceID.rawValue
            // The simulated providers answer on this server's own loopback address.
            served.allowPrivateWebhookTargets = true
            // Printed once the port is bound, with the port it got (`--port 0` picks a free one).
            try await runServer(configuration: served, database: database, logger: logger, onListening: { _, port in ready(port) })
        }
    }
}
