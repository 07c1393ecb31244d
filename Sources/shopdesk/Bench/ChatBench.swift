import AsyncHTTPClient
import ArgumentParser
import Foundation
import HummingbirdWSClient
import Logging
import NIOCore
import ShopdeskCore
import ShopdeskServer
import ShopdeskStore
import Synchronization

extension Bench {
    /// Many chat widgets and agents connected to one `shopdesk serve`; how fast a visitor's
    /// message reaches every agent and a reply reaches the visitor, and what the server holds.
    struct Chat: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Connect thousands of chat widgets and dozens of agents to one server; report delivery latency and memory.")

        @Option(help: "Database for the server (default: a new SQLite file in a temporary directory).") var database: String?
        @Option(help: "Widget WebSockets (one visitor each).") var visitors = 5_000
        @Option(help: "Agent WebSockets.") var agents = 50
        @Option(help: "Visitor messages to time (sent by random visitors, one in flight per visitor).") var messages = 2_000
        @Option(help: "Agent replies to time (sent to random visitors' conversations).") var replies = 1_000
        @Option(help: "Messages per second while timing.") var rate = 200
        @Option(help: "Port for the server.") var port = 18_090

        func run() async throws {
            let logger = BenchScratch.logger
            let directory = try BenchScratch.directory()
            defer { try? FileManager.default.removeItem(at: directory) }
            let url = database ?? BenchScratch.sqliteURL(in: directory)
            let agentCount = agents
            let setup = try await Database.with(url: url, logger: logger) { database in
                try await Migrator.migrate(database)
                return try await ChatBenchSetup.prepare(database: database, agents: agentCount)
            }
            let server = try BenchServer.start(databaseURL: url, port: port, dataDirectory: directory.path)
            defer { server.stop() }
            let base = "http://127.0.0.1:\(port)"
            let load = LoadGenerator(port: port, token: setup.agentTokens[0], inboxID: 0, inboxToken: "", clients: 1)
            try await load.waitUntilHealthy()
            let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(
                connectionPool: .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)))
            let client = ChatBenchClient(http: http, base: base, key: setup.widgetKey)
            do {
                try await measure(client: client, setup: setup, server: server, url: url, logger: logger)
            } catch {
                try? await http.shutdown()
                throw error
            }
            try await http.shutdown()
        }

        private func measure(client: ChatBenchClient, setup: ChatBenchSetup.Prepared, server: BenchServer, url: String,
                             logger: Logger) async throws {
            let port = port

            BenchReport.say("Starting \(visitors) visitor sessions, each with a first message…")
            let visitorList = try await client.startVisitors(visitors)
            guard !visitorList.isEmpty else { throw BenchError("Give --visitors at least 1.") }
            let timing = DeliveryTimes()

            BenchReport.say("Connecting \(agents) agent sockets and \(visitorList.count) widget sockets…")
            let sockets = SocketCounter()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for token in setup.agentTokens {
                    group.addTask {
                        // Sockets end when the server stops at the end of the run; that is no failure.
                        try? await ChatBenchClient.agentSocket(port: port, token: token, sockets: sockets, logger: logger) { conversation in
                            timing.agentReceived(conversation: conversation)
                        }
                    }
                }
                for visitor in visitorList {
                    group.addTask {
                        try? await ChatBenchClient.visitorSocket(port: port, token: visitor.token, sockets: sockets, logger: logger) {
                            timing.visitorReceived(conversation: visitor.conversationID)
                        }
                    }
                }
                let expected = visitorList.count + setup.agentTokens.count
                let connectStart = ContinuousClock.now
                while sockets.ready < expected {
                    guard ContinuousClock.now - connectStart < .seconds(120) else {
                        throw BenchError("Only \(sockets.ready) of \(expected) sockets were ready after 120 seconds.")
                    }
                    // The handshakes complete on their own tasks; checking five times a second costs
                    // nothing next to them, and the 120 s bound above turns a hang into an error.
                    try await Task.sleep(for: .milliseconds(200))
                }
                let connected = ContinuousClock.now - connectStart
                let idleMemory = server.memory()
                BenchReport.say(String(format: "All %d sockets ready in %.1f s; server %.0f MiB resident.", expected,
                                       connected.seconds, idleMemory.current))

                BenchReport.say("Timing \(messages) visitor messages and \(replies) agent replies at \(rate)/s…")
                let interval = Duration.seconds(1.0 / Double(rate))
                var random = SystemRandomNumberGenerator()
                let total = messages + replies
                try await withThrowingTaskGroup(of: Void.self) { senders in
                    var next = ContinuousClock.now
                    for index in 0..<total {
                        next += interval
                        // A fixed send rate is the point of the measurement: wait for this message's
                        // slot (an absolute deadline, so slow sends do not stretch the schedule).
                        try await Task.sleep(until: next)
                        // Replies spread evenly among the visitor messages.
                        let isReply = (index * replies) / total != ((index + 1) * replies) / total
                        guard let visitor = timing.claimIdle(from: visitorList, using: &random) else { continue }
                        senders.addTask {
                            if isReply {
                                timing.started(conversation: visitor.conversationID, kind: .reply, expectedAgents: 0)
                                try await client.reply(conversation: visitor.conversationID, token: setup.agentTokens[0])
                            } else {
                                timing.started(conversation: visitor.conversationID, kind: .message, expectedAgents: setup.agentTokens.count)
                                try await client.send(visitor: visitor, text: "Where is my order? \(index)")
                            }
                        }
                    }
                    try await senders.waitForAll()
                }
                // The last sends are answered before their frames arrive: wait until nothing is
                // outstanding, at most 10 s (what is still missing then is reported as undelivered).
                let drainStart = ContinuousClock.now
                while timing.outstanding > 0 && ContinuousClock.now - drainStart < .seconds(10) {
                    try await Task.sleep(for: .milliseconds(20))
                }
                let memory = server.memory()
                let (toAgents, toVisitors, missing) = timing.results()
                Console.out("""

                    Chat: \(visitorList.count) widget sockets, \(setup.agentTokens.count) agent sockets, \(rate) messages/s, \
                    \(ProcessInfo.processInfo.activeProcessorCount) cores, \(url.hasPrefix("postgres") ? "PostgreSQL" : "SQLite")
                    | delivery | samples | p50 ms | p99 ms | max ms |
                    |---|---:|---:|---:|---:|
                    | visitor message → every agent socket | \(toAgents.count) | \(ChatBench.ms(toAgents, 0.5)) | \(ChatBench.ms(toAgents, 0.99)) | \(ChatBench.ms(toAgents, 1)) |
                    | agent reply → visitor's widget | \(toVisitors.count) | \(ChatBench.ms(toVisitors, 0.5)) | \(ChatBench.ms(toVisitors, 0.99)) | \(ChatBench.ms(toVisitors, 1)) |

                    Not delivered within the run: \(missing). Sockets connected in \(String(format: "%.1f", connected.seconds)) s.
                    Server memory: \(String(format: "%.0f", idleMemory.current)) MiB with all sockets idle, \
                    \(String(format: "%.0f", memory.current)) MiB after the run, \(String(format: "%.0f", memory.peak)) MiB peak.
                    """)
                // Stopping the server closes every socket, which ends their tasks.
                server.stop()
                group.cancelAll()
            }
        }
    }
}

enum ChatBench {
    static func ms(_ values: [Double], _ p: Double) -> String {
        guard !values.isEmpty else { return "–" }
        let sorted = values.sorted()
        let index = min(sorted.count - 1, max(0, Int((Double(sorted.count) * p).rounded(.up)) - 1))
        return String(format: "%.1f", sorted[index] * 1000)
    }
}

/// An owner, agents with API tokens, and one chat inbox they all work in.
enum ChatBenchSetup {
    struct Prepared: Sendable {
        var agentTokens: [String]
        var widgetKey: String
    }

    static func prepare(database: Database, agents count: Int) async throws -> Prepared {
        let suffix = UUID().uuidString.prefix(8).lowercased()
        let (owner, _) = try await Provisioning.createOwner(database: database, workspace: "Chat bench \(suffix)", timeZone: "UTC",
                                                          email: "chat-\(suffix)@bench.test", name: "Bench Owner", passwordHash: "unused")
        let key = Secrets.token(prefix: "sdw_", bytes: 16)
        let agents = try await database.write { sql in
            var agents = [owner]
            for index in 1..<max(1, count) {
                agents.append(try await AgentRepository.create(workspaceID: owner.workspaceID, email: "agent\(index)-\(suffix)@bench.test",
                                                               name: "Agent \(index)", role: .agent, passwordHash: "unused", locale: "en",
                                                               now: Date(), in: sql))
            }
            let inbox = try await InboxRepository.create(workspaceID: owner.workspaceID, kind: .chat, name: "Chat", webhookURL: nil,
                                                         secret: Secrets.token(prefix: "sdi_"), now: Date(), chat: ChatSettings(),
                                                         widgetKey: key, in: sql)
            try await InboxRepository.setMembers(of: inbox.id, workspaceID: inbox.workspaceID, to: agents.map(\.id), in: sql)
            return agents
        }
        var tokens: [String] = []
        for agent in agents { tokens.append(try await Provisioning.createToken(database: database, agent: agent, name: "bench")) }
        return Prepared(agentTokens: tokens, widgetKey: key)
    }
}

struct BenchVisitor: Sendable {
    var token: String
    var conversationID: Int64
}

/// The widget's and the agent app's calls, as the bench makes them.
struct ChatBenchClient: Sendable {
    let http: HTTPClient
    let base: String
    let key: String

    func startVisitors(_ count: Int) async throws -> [BenchVisitor] {
        try await withThrowingTaskGroup(of: BenchVisitor.self) { group in
            var started: [BenchVisitor] = []
            for index in 0..<count {
                if index >= 64, let visitor = try await group.next() { started.append(visitor) }
                group.addTask {
                    let session = try await json("POST", "/api/v1/widget/\(key)/sessions",
                                                 body: #"{"page":{"url":"https://shop.example/p/\#(index)","title":"Product \#(index)"}}"#)
                    guard let token = session["token"] as? String else { throw BenchError("No visitor token: \(session)") }
                    let sent = try await json("POST", "/api/v1/widget/messages", headers: ["X-Visitor-Token": token],
                                              body: #"{"client_id":"first","text":"Hello from visitor \#(index)"}"#)
                    guard let conversation = (sent["conversation_id"] as? NSNumber)?.int64Value else { throw BenchError("No conversation: \(sent)") }
                    return BenchVisitor(token: token, conversationID: conversation)
                }
            }
            for try await visitor in group { started.append(visitor) }
            return started
        }
    }

    func send(visitor: BenchVisitor, text: String) async throws {
        _ = try await json("POST", "/api/v1/widget/messages", headers: ["X-Visitor-Token": visitor.token],
                           body: #"{"client_id":"\#(UUID().uuidString)","text":"\#(text)"}"#)
    }

    func reply(conversation: Int64, token: String) async throws {
        _ = try await json("POST", "/api/v1/conversations/\(conversation)/messages", headers: ["Authorization": "Bearer \(token)"],
                           body: #"{"text":"Your parcel is on its way."}"#)
    }

    private func json(_ method: String, _ path: String, headers: [String: String] = [:], body: String) async throws -> [String: Any] {
        var request = HTTPClientRequest(url: base + path)
        request.method = .init(rawValue: method)
        request.headers.add(name: "Content-Type", value: "application/json")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(string: body))
        let response = try await http.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        guard (200..<300).contains(Int(response.status.code)) else {
            throw BenchError("\(method) \(path) answered \(response.status.code): \(String(buffer: bytes))")
        }
        return (try? JSONSerialization.jsonObject(with: Data(buffer: bytes)) as? [String: Any]) ?? [:]
    }

    /// An agent's realtime socket; calls `received` with the conversation of each inbound message.
    static func agentSocket(
        port: Int, token: String, sockets: SocketCounter, logger: Logger, received: @escaping @Sendable (Int64) -> Void
    ) async throws {
        try await WebSocketClient.connect(url: "ws://127.0.0.1:\(port)/api/v1/realtime",
                                          configuration: .init(additionalHeaders: [.authorization: "Bearer \(token)"]), logger: logger) { inbound, _, _ in
            for try await message in inbound.messages(maxSize: 1 << 20) {
                guard case .text(let text) = message else { continue }
                if text.hasPrefix(#"{"type":"hello""#) { sockets.add(); continue }
                guard text.contains(#""type":"message.created""#), text.contains(#""direction":"inbound""#),
                      let conversation = Self.number("conversation_id", in: text) else { continue }
                received(conversation)
            }
        }
    }

    /// A widget's socket; calls `received` when a reply arrives.
    static func visitorSocket(
        port: Int, token: String, sockets: SocketCounter, logger: Logger, received: @escaping @Sendable () -> Void
    ) async throws {
        try await WebSocketClient.connect(url: "ws://127.0.0.1:\(port)/api/v1/widget/socket", logger: logger) { inbound, outbound, _ in
            try await outbound.write(.text(#"{"type":"auth","token":"\#(token)"}"#))
            for try await message in inbound.messages(maxSize: 1 << 20) {
                guard case .text(let text) = message else { continue }
                if text.hasPrefix(#"{"type":"ready""#) || text.contains(#""type":"ready""#) { sockets.add(); continue }
                if text.contains(#""type":"message""#), text.contains(#""from":"agent""#) { received() }
            }
        }
    }

    static func number(_ key: String, in text: String) -> Int64? {
        guard let range = text.range(of: "\"\(key)\":") else { return nil }
        return Int64(text[range.upperBound...].prefix { $0.isNumber })
    }
}

final class SocketCounter: Sendable {
    private let count = Atomic<Int>(0)
    func add() { count.add(1, ordering: .relaxed) }
    var ready: Int { count.load(ordering: .relaxed) }
}

/// Send times by conversation (one message in flight per visitor) and the delays measured.
final class DeliveryTimes: Sendable {
    enum Kind { case message, reply }
    private struct Pending { var start: ContinuousClock.Instant; var kind: Kind; var waitingAgents: Int }
    private struct State {
        var pending: [Int64: Pending] = [:]
        var busy: Set<Int64> = []
        var toAgents: [Double] = []
        var toVisitors: [Double] = []
    }
    private let state = Mutex(State())

    /// A random visitor with nothing in flight.
    func claimIdle(from visitors: [BenchVisitor], using random: inout SystemRandomNumberGenerator) -> BenchVisitor? {
        for _ in 0..<20 {
            let candidate = visitors.randomElement(using: &random)!
            let claimed = state.withLock { state in state.busy.insert(candidate.conversationID).inserted }
            if claimed { return candidate }
        }
        return nil
    }

    func started(conversation: Int64, kind: Kind, expectedAgents: Int) {
        state.withLock { $0.pending[conversation] = Pending(start: .now, kind: kind, waitingAgents: expectedAgents) }
    }

    func agentReceived(conversation: Int64) {
        let now = ContinuousClock.now
        state.withLock { state in
            guard var pending = state.pending[conversation], pending.kind == .message else { return }
            state.toAgents.append((now - pending.start).seconds)
            pending.waitingAgents -= 1
            if pending.waitingAgents <= 0 {
                state.pending[conversation] = nil
                state.busy.remove(conversation)
            } else {
                state.pending[conversation] = pending
            }
        }
    }

    func visitorReceived(conversation: Int64) {
        let now = ContinuousClock.now
        state.withLock { state in
            guard let pending = state.pending[conversation], pending.kind == .reply else { return }
            state.toVisitors.append((now - pending.start).seconds)
            state.pending[conversation] = nil
            state.busy.remove(conversation)
        }
    }

    var outstanding: Int { state.withLock { $0.pending.count } }

    func results() -> (toAgents: [Double], toVisitors: [Double], missing: Int) {
        state.withLock { ($0.toAgents, $0.toVisitors, $0.pending.count) }
    }
}
