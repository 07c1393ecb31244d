import ArgumentParser
import Foundation
import Hummingbird
import NIOCore
import ShopdeskCore
import ShopdeskServer
import ShopdeskStore
import Synchronization

extension Bench {
    /// A Telegram inbox on a `shopdesk serve` child process, with a local Bot API server in this
    /// process: updates posted to the inbox's webhook (stored and visible per second), then agent
    /// replies sent through the Bot API (sent per second, and the time from stored to received
    /// by the provider).
    struct Channels: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Post Telegram updates to a server's channel webhook and send replies to a local Bot API; report rates, latency and CPU.")

        @Option(help: "Database for the server (default: a new SQLite file in a temporary directory).") var database: String?
        @Option(help: "Concurrent HTTP clients.") var clients = 8
        @Option(help: "Inbound updates (one customer message each, over 2,000 chats).") var updates = 10_000
        @Option(help: "Agent replies, each sent to Telegram by the send job.") var replies = 5_000
        @Option(help: "Port for the server.") var port = 18_100
        @Option(help: "Port for the local Bot API server.") var providerPort = 18_101

        func run() async throws {
            let logger = BenchScratch.logger
            let directory = try BenchScratch.directory()
            defer { try? FileManager.default.removeItem(at: directory) }
            let url = database ?? BenchScratch.sqliteURL(in: directory)
            let setup = try await Database.with(url: url, logger: logger) { database in
                try await Migrator.migrate(database)
                return try await BenchSetup.prepare(database: database, scaleMessages: 0)
            }
            let provider = BenchBotAPI()
            let providerApp = Application(router: provider.router(), configuration: .init(address: .hostname("127.0.0.1", port: providerPort)),
                                          logger: logger)
            let providerTask = Task { try await providerApp.runService() }
            defer { providerTask.cancel() }
            let server = try BenchServer.start(databaseURL: url, port: port, dataDirectory: directory.path, environment: [
                "SHOPDESK_PUBLIC_URL": "http://127.0.0.1:\(port)", "SHOPDESK_ALLOW_PRIVATE_WEBHOOKS": "true",
            ])
            defer { server.stop() }
            let load = LoadGenerator(port: port, token: setup.token, inboxID: setup.inboxID, inboxToken: setup.inboxToken, clients: clients)
            try await load.waitUntilHealthy()

            // The inbox, created as an admin would; connecting it gives the Bot API our secret.
            let created = try RawHTTPConnection(port: port).request("POST", "/api/v1/inboxes", headers: [
                ("Authorization", "Bearer \(setup.token)"), ("Content-Type", "application/json"),
            ], body: #"{"name":"Telegram","kind":"telegram","channel":{"bot_token":"\#(BenchBotAPI.token)","api_base":"http://127.0.0.1:\#(providerPort)"}}"#)
            guard created.status == 201, let inbox = LoadGenerator.integer("id", in: created.body), let secret = provider.secret else {
                throw BenchError("The Telegram inbox could not be created and connected: \(created.status) \(created.body.prefix(300))")
            }
            let updates = updates, replies = replies
            let (results, memory) = try await Database.with(url: url, logger: logger) { database in
                var results: [PhaseResult] = []
                results.append(try await Bench.API.measured(server, database) {
                    try await load.phase("telegram update → stored", count: updates,
                                         inboxHeaders: [("X-Telegram-Bot-Api-Secret-Token", secret)]) { index, generator, send in
                        let chat = 100_000 + index % 2_000
                        let body = """
                            {"update_id":\(index + 1),"message":{"message_id":\(index + 1),"from":{"id":\(chat),"is_bot":false,\
                            "first_name":"\(generator.name())"},"chat":{"id":\(chat),"type":"private"},"date":1764750000,\
                            "text":"\(generator.sentence(words: 16))"}}
                            """
                        _ = try send("POST", "/api/v1/channels/telegram/\(inbox)/webhook", body, true)
                    }
                })
                let conversations = try await database.read { sql in
                    try await sql.raw("SELECT id FROM conversations WHERE inbox_id = \(bind: inbox) ORDER BY id").all()
                        .map { try $0.decode(column: "id", as: Int64.self) }
                }
                guard !conversations.isEmpty else { throw BenchError("No conversation was stored from the updates.") }
                let stored = Mutex<[Int: ContinuousClock.Instant]>([:])
                var sendPhase = try await Bench.API.measured(server, database) {
                    try await load.phase("reply → sent to Telegram", count: replies) { index, _, send in
                        let id = conversations[index % conversations.count]
                        _ = try send("POST", "/api/v1/conversations/\(id)/messages", #"{"text":"reply \#(index) — your order ships today"}"#, false)
                        let now = ContinuousClock.now
                        stored.withLock { $0[index] = now }
                    }
                }
                let arrivals = provider.arrivals
                let delays = stored.withLock { stored in
                    stored.compactMap { index, at in arrivals[index].map { $0 - at } }
                }
                sendPhase.latencies = delays.map { Double($0.components.seconds) + Double($0.components.attoseconds) / 1e18 }
                sendPhase.name = "reply → sent to Telegram (latency: stored → received by the Bot API)"
                sendPhase.errors += replies - arrivals.count
                results.append(sendPhase)
                return (results, server.memory())
            }
            BenchReport.print(results: results, memory: memory, databaseURL: url, clients: clients, scale: 0, preloaded: 0)
        }
    }
}

/// The Bot API methods a Telegram inbox calls, answered at once; notes when each reply arrived.
final class BenchBotAPI: Sendable {
    static let token = "424242:bench-token"
    private let state = Mutex<(secret: String?, arrivals: [Int: ContinuousClock.Instant], counter: Int)>((nil, [:], 0))

    var secret: String? { state.withLock { $0.secret } }
    var arrivals: [Int: ContinuousClock.Instant] { state.withLock { $0.arrivals } }

    func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.post("bot{token}/{method}") { request, context -> Response in
            let body = try await request.body.collect(upTo: 1 << 20)
            let fields = (try? JSONSerialization.jsonObject(with: Data(buffer: body))) as? [String: Any] ?? [:]
            return self.answer(token: context.parameters.get("token") ?? "", method: context.parameters.get("method") ?? "", fields: fields)
        }
        router.get("bot{token}/{method}") { _, context -> Response in
            self.answer(token: context.parameters.get("token") ?? "", method: context.parameters.get("method") ?? "", fields: [:])
        }
        return router
    }

    private func answer(token: String, method: String, fields: [String: Any]) -> Response {
        guard token == Self.token else { return Self.json(#"{"ok":false,"error_code":401,"description":"Unauthorized"}"#, status: .unauthorized) }
        switch method {
        case "setWebhook":
            state.withLock { $0.secret = fields["secret_token"] as? String }
            return Self.json(#"{"ok":true,"result":true}"#)
        case "sendMessage":
            let now = ContinuousClock.now
            let text = fields["text"] as? String ?? ""
            let index = text.split(separator: " ").dropFirst().first.flatMap { Int($0) }
            // A chat's message ids count both ways in Telegram; the bench's customers wrote ids up
            // to the number of updates, so the bot's continue above them.
            let id = state.withLock { state in
                if let index { state.arrivals[index] = now }
                state.counter += 1
                return 10_000_000 + state.counter
            }
            return Self.json(#"{"ok":true,"result":{"message_id":\#(id),"date":1764750000,"chat":{"id":1,"type":"private"}}}"#)
        default:
            return Self.json(#"{"ok":true,"result":{"id":1,"is_bot":true,"first_name":"Bench","username":"bench_bot"}}"#)
        }
    }

    static func json(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
