import Foundation

/// Figures for one phase of the benchmark.
struct PhaseResult {
    var name: String
    var requests: Int
    var errors: Int
    var seconds: Double
    var latencies: [Double]
    /// Time after the last answer until the jobs the phase queued (reply sends) had run; it is
    /// counted in `seconds`, so a phase's rate includes the background work it caused.
    var settleSeconds: Double = 0
    /// The server's CPU time during the phase, and its SQLite writer thread's (nil when unknown).
    var serverCPUSeconds: Double = 0
    var writerCPUSeconds: Double?
    /// PostgreSQL's CPU time during the phase (its backends and background processes); nil on SQLite.
    var databaseCPUSeconds: Double?

    var throughput: Double { Double(requests) / seconds }

    func percentile(_ p: Double) -> Double {
        guard !latencies.isEmpty else { return 0 }
        let sorted = latencies.sorted()
        return sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)] * 1000
    }
}

/// N concurrent clients, each with its own share of the requests, over keep-alive connections.
struct LoadGenerator: Sendable {
    let port: Int
    let token: String
    let inboxID: Int64
    let inboxToken: String
    let clients: Int

    init(port: Int, token: String, inboxID: Int64, inboxToken: String, clients: Int) {
        self.port = port
        self.token = token
        self.inboxID = inboxID
        self.inboxToken = inboxToken
        self.clients = clients
    }

    func waitUntilHealthy() async throws {
        for _ in 0..<300 {
            if let connection = try? RawHTTPConnection(port: port),
               let answer = try? connection.request("GET", "/healthz", headers: []), answer.status == 200 {
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
        let inboxID = inboxID
        let result = try await phase("create conversation", count: count) { index, generator, send in
            let body = """
                {"customer":{"email":"c\(index)-\(run)@bench.test","name":"\(generator.name())"},\
                "subject":"\(generator.sentence(words: 4))","text":"\(generator.sentence(words: 20))"}
                """
            let response = try send("POST", "/api/v1/inboxes/\(inboxID)/messages", body, true)
            if let id = Self.integer("conversation_id", in: response.body) { collected.add(id) }
        }
        return (result, collected.ids)
    }

    func reply(_ count: Int, conversationIDs: [Int64]) async throws -> PhaseResult {
        guard !conversationIDs.isEmpty else { throw BenchError("No conversations to reply to.") }
        return try await phase("reply", count: count) { _, generator, send in
            let id = conversationIDs[Int(generator.next() % UInt64(conversationIDs.count))]
            _ = try send("POST", "/api/v1/conversations/\(id)/messages", #"{"text":"\#(generator.sentence(words: 12))"}"#, false)
        }
    }

    func list(_ count: Int) async throws -> PhaseResult {
        try await phase("list open (50, with customer and last message)", count: count) { _, _, send in
            _ = try send("GET", "/api/v1/conversations?view=open&limit=50", nil, false)
        }
    }

    func search(_ count: Int) async throws -> PhaseResult {
        try await phase("search", count: count) { _, generator, send in
            let query = generator.word().addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "order"
            _ = try send("GET", "/api/v1/search?q=\(query)&limit=20", nil, false)
        }
    }

    /// Sends one request on the client's connection: method, path, JSON body, inbox token
    /// instead of the agent's bearer token. Returns the answer; a non-2xx answer throws.
    typealias Send = (String, String, String?, Bool) throws -> RawHTTPConnection.Answer

    /// Runs `count` requests split across the clients, each client on a thread of its own with
    /// one keep-alive connection, and times each request.
    ///   `inboxHeaders` replaces the inbox token header (a provider's webhook secret, say).
    func phase(
        _ name: String, count: Int, inboxHeaders: [(String, String)]? = nil,
        _ request: @escaping @Sendable (Int, inout TextGenerator, Send) throws -> Void
    ) async throws -> PhaseResult {
        let clients = clients
        let port = port
        let bearer = [("Authorization", "Bearer \(token)")]
        let inbox = inboxHeaders ?? [("X-Inbox-Token", inboxToken)]
        let started = ContinuousClock.now
        let parts = try await withThrowingTaskGroup(of: ([Double], Int).self) { group in
            for client in 0..<clients {
                group.addTask {
                    try await withCheckedThrowingContinuation { continuation in
                        Thread {
                            do {
                                let connection = try RawHTTPConnection(port: port)
                                let send: Send = { method, path, body, useInbox in
                                    var headers = useInbox ? inbox : bearer
                                    if body != nil { headers.append(("Content-Type", "application/json")) }
                                    let answer = try connection.request(method, path, headers: headers, body: body)
                                    guard (200..<300).contains(answer.status) else {
                                        throw BenchError("\(method) \(path) answered \(answer.status): \(answer.body.prefix(200))")
                                    }
                                    return answer
                                }
                                var generator = TextGenerator(seed: UInt64(client + 1) * 7919)
                                var latencies: [Double] = []
                                var errors = 0
                                for index in stride(from: client, to: count, by: clients) {
                                    let start = ContinuousClock.now
                                    do { try request(index, &generator, send) } catch { errors += 1 }
                                    let elapsed = ContinuousClock.now - start
                                    latencies.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
                                }
                                continuation.resume(returning: (latencies, errors))
                            } catch {
                                continuation.resume(throwing: error)
                            }
                        }.start()
                    }
                }
            }
            var all: [([Double], Int)] = []
            for try await part in group { all.append(part) }
            return all
        }
        let elapsed = ContinuousClock.now - started
        return PhaseResult(name: name, requests: count, errors: parts.reduce(0) { $0 + $1.1 },
                           seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18,
                           latencies: parts.flatMap(\.0))
    }

    /// The integer after `"key":` in a JSON text, without parsing the whole document.
    static func integer(_ key: String, in json: String) -> Int64? {
        guard let range = json.range(of: "\"\(key)\":") else { return nil }
        return Int64(json[range.upperBound...].drop { $0 == " " }.prefix { $0.isNumber })
    }
}

/// Conversation ids the create phase saw, from all client threads.
final class IDCollector: @unchecked Sendable {
    // Appended to by the client threads under the lock, read once they have all finished.
    private let lock = NSLock()
    private var collected: [Int64] = []

    func add(_ id: Int64) { lock.withLock { collected.append(id) } }
    var ids: [Int64] { lock.withLock { collected } }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

enum BenchReport {
    /// Progress that shows up at once, also when the output goes to a file (`Console` writes
    /// straight to the file descriptor, unbuffered).
    static func say(_ line: String) {
        Console.out(line)
    }

    static func print(results: [PhaseResult], memory: (current: Double, peak: Double), databaseURL: String, clients: Int, scale: Int,
                      preloaded: Int) {
        let engine = databaseURL.hasPrefix("postgres") ? "PostgreSQL" : "SQLite"
        Console.out("\n\(engine), \(clients) clients, \(ProcessInfo.processInfo.activeProcessorCount) cores" +
                    (preloaded > 0 ? ", \(preloaded) messages preloaded" : ""))
        Console.out("| phase | requests | errors | req/s | p50 ms | p99 ms | jobs settled s | server CPU µs/req | database CPU µs/req | writer busy |")
        Console.out("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for result in results {
            let perRequest = result.requests > 0 ? result.serverCPUSeconds / Double(result.requests) * 1e6 : 0
            let database = result.databaseCPUSeconds.map { String(format: "%.0f", $0 / Double(max(1, result.requests)) * 1e6) } ?? "–"
            let writer = result.writerCPUSeconds.map { String(format: "%.0f %%", $0 / result.seconds * 100) } ?? "–"
            Console.out(String(format: "| %@ | %d | %d | %.0f | %.1f | %.1f | %.2f | %.0f | %@ | %@ |", result.name, result.requests,
                               result.errors, result.throughput, result.percentile(0.5), result.percentile(0.99), result.settleSeconds,
                               perRequest, database, writer))
        }
        Console.out(String(format: "\nServer memory: %.0f MiB resident at the end, %.0f MiB peak.", memory.current, memory.peak))
    }
}
