import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Figures for one phase of the benchmark.
struct PhaseResult {
    var name: String
    var requests: Int
    var errors: Int
    var seconds: Double
    var latencies: [Double]

    var throughput: Double { Double(requests) / seconds }

    func percentile(_ p: Double) -> Double {
        guard !latencies.isEmpty else { return 0 }
        let sorted = latencies.sorted()
        return sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)] * 1000
    }
}

/// N concurrent clients, each with its own share of the requests, over keep-alive connections.
struct LoadGenerator: Sendable {
    let baseURL: String
    let token: String
    let inboxID: Int64
    let inboxToken: String
    let clients: Int
    let http: HTTPClient

    init(baseURL: String, token: String, inboxID: Int64, inboxToken: String, clients: Int) {
        self.baseURL = baseURL
        self.token = token
        self.inboxID = inboxID
        self.inboxToken = inboxToken
        self.clients = clients
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: clients)
        http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    func shutdown() async throws { try await http.shutdown() }

    func waitUntilHealthy() async throws {
        for _ in 0..<300 {
            if let response = try? await http.execute(HTTPClientRequest(url: baseURL + "/healthz"), timeout: .seconds(2)),
               response.status == .ok {
                return
            }
            // The child server needs a moment to migrate and bind its port; poll, bounded to 30 s.
            try await Task.sleep(for: .milliseconds(100))
        }
        throw BenchError("The server did not become healthy within 30 seconds.")
    }

    func createConversations(_ count: Int) async throws -> (result: PhaseResult, ids: [Int64]) {
        let run = UUID().uuidString.prefix(6)
        let collected = IDCollector()
        let result = try await phase("create conversation", count: count) { index, generator in
            let body = """
                {"customer":{"email":"c\(index)-\(run)@bench.test","name":"\(generator.name())"},\
                "subject":"\(generator.sentence(words: 4))","text":"\(generator.sentence(words: 20))"}
                """
            let response = try await send(.POST, "/api/v1/inboxes/\(inboxID)/messages", body: body, inbox: true)
            if let id = try? JSONSerialization.jsonObject(with: Data(response.utf8)) as? [String: Any],
               let conversation = id["conversation_id"] as? Int64 ?? (id["conversation_id"] as? Int).map(Int64.init) {
                await collected.add(conversation)
            }
        }
        return (result, await collected.ids)
    }

    func reply(_ count: Int, conversationIDs: [Int64]) async throws -> PhaseResult {
        guard !conversationIDs.isEmpty else { throw BenchError("No conversations to reply to.") }
        return try await phase("reply", count: count) { index, generator in
            let id = conversationIDs[Int(generator.next() % UInt64(conversationIDs.count))]
            _ = try await send(.POST, "/api/v1/conversations/\(id)/messages", body: #"{"text":"\#(generator.sentence(words: 12))"}"#)
        }
    }

    func list(_ count: Int) async throws -> PhaseResult {
        try await phase("list open (50, with customer and last message)", count: count) { _, _ in
            _ = try await send(.GET, "/api/v1/conversations?view=open&limit=50")
        }
    }

    func search(_ count: Int) async throws -> PhaseResult {
        try await phase("search", count: count) { _, generator in
            let query = generator.word().addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? "order"
            _ = try await send(.GET, "/api/v1/search?q=\(query)&limit=20")
        }
    }

    /// Runs `count` requests split across the clients and times each one.
    private func phase(
        _ name: String, count: Int, _ request: @escaping @Sendable (Int, inout TextGenerator) async throws -> Void
    ) async throws -> PhaseResult {
        let started = ContinuousClock.now
        let perClient = try await withThrowingTaskGroup(of: ([Double], Int).self) { group in
            for client in 0..<clients {
                group.addTask {
                    var generator = TextGenerator(seed: UInt64(client + 1) * 7919)
                    var latencies: [Double] = []
                    var errors = 0
                    for index in stride(from: client, to: count, by: clients) {
                        let start = ContinuousClock.now
                        do { try await request(index, &generator) } catch { errors += 1 }
                        let elapsed = ContinuousClock.now - start
                        latencies.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
                    }
                    return (latencies, errors)
                }
            }
            var all: [([Double], Int)] = []
            for try await part in group { all.append(part) }
            return all
        }
        let elapsed = ContinuousClock.now - started
        return PhaseResult(name: name, requests: count, errors: perClient.reduce(0) { $0 + $1.1 },
                           seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18,
                           latencies: perClient.flatMap(\.0))
    }

    private func send(_ method: HTTPMethod, _ path: String, body: String? = nil, inbox: Bool = false) async throws -> String {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        if inbox {
            request.headers.add(name: "X-Inbox-Token", value: inboxToken)
        } else {
            request.headers.add(name: "Authorization", value: "Bearer \(token)")
        }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await http.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 16 * 1024 * 1024)
        guard (200..<300).contains(response.status.code) else {
            throw BenchError("\(method) \(path) answered \(response.status.code): \(String(buffer: bytes).prefix(200))")
        }
        return String(buffer: bytes)
    }
}

actor IDCollector {
    private(set) var ids: [Int64] = []
    func add(_ id: Int64) { ids.append(id) }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

enum BenchReport {
    /// Progress that shows up at once, also when the output goes to a file.
    static func say(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    static func print(results: [PhaseResult], memory: (current: Double, peak: Double), databaseURL: String, clients: Int, scale: Int,
                      preloaded: Int) {
        let engine = databaseURL.hasPrefix("postgres") ? "PostgreSQL" : "SQLite"
        Swift.print("\n\(engine), \(clients) clients, \(ProcessInfo.processInfo.activeProcessorCount) cores" +
                    (preloaded > 0 ? ", \(preloaded) messages preloaded" : ""))
        Swift.print("| phase | requests | errors | req/s | p50 ms | p99 ms |")
        Swift.print("|---|---:|---:|---:|---:|---:|")
        for result in results {
            Swift.print(String(format: "| %@ | %d | %d | %.0f | %.1f | %.1f |", result.name, result.requests, result.errors,
                               result.throughput, result.percentile(0.5), result.percentile(0.99)))
        }
        Swift.print(String(format: "\nServer memory: %.0f MiB resident at the end, %.0f MiB peak.", memory.current, memory.peak))
    }
}
