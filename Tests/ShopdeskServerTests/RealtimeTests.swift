import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import HummingbirdWSClient
import Logging
import ShopdeskCore
@testable import ShopdeskServer
import ShopdeskStore
import ShopdeskTestSupport
import Testing

@Suite("Realtime")
struct RealtimeTests {
    /// Connects to `port`'s realtime socket, calls `trigger` once the server said hello, and
    /// returns the first pushed event whose type is `type`.
    static func firstEvent(
        port: Int, token: String, type: String, trigger: @escaping @Sendable () async throws -> Void
    ) async throws -> [String: Any] {
        try await firstEvent(port: port, headers: [.authorization: "Bearer \(token)"], type: type, trigger: trigger)
    }

    static func firstEvent(
        port: Int, headers: HTTPFields, type: String, trigger: @escaping @Sendable () async throws -> Void
    ) async throws -> [String: Any] {
        let found = EventBox()
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await WebSocketClient.connect(
                    url: "ws://127.0.0.1:\(port)/api/v1/realtime",
                    configuration: .init(additionalHeaders: headers),
                    logger: TestDatabase.logger
                ) { inbound, outbound, _ in
                    for try await message in inbound.messages(maxSize: 1 << 20) {
                        guard case .text(let text) = message,
                              let json = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else { continue }
                        if json["type"] as? String == "hello" { try await trigger() }
                        if json["type"] as? String == type {
                            await found.set(text)
                            try await outbound.close(.normalClosure, reason: nil)
                            return
                        }
                    }
                }
            }
            group.addTask {
                try await Task.sleep(for: .seconds(60))
                throw HarnessError("No \(type) event arrived within 60 seconds")
            }
            try await group.next()
            group.cancelAll()
        }
        let text = try #require(await found.text)
        return try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test(arguments: TestDatabase.kinds)
    func newMessagesArePushedToAgents(kind: DatabaseKind) async throws {
        try await Harness.run(kind, mode: .live) { harness in
            let port = try #require(harness.client.port)
            let event = try await Self.firstEvent(port: port, token: harness.ownerToken, type: "message.created") {
                try await harness.inbound(text: "Live hello")
            }
            #expect(event["conversation_id"] != nil)
            #expect((event["payload"] as? [String: Any])?["direction"] as? String == "inbound")
        }
    }

    @Test func theSocketNeedsCredentials() async throws {
        try await Harness.run(.sqlite, mode: .live) { harness in
            let port = try #require(harness.client.port)
            await #expect(throws: (any Error).self) {
                try await WebSocketClient.connect(url: "ws://127.0.0.1:\(port)/api/v1/realtime", logger: TestDatabase.logger) { _, _, _ in }
            }
        }
    }

    @Test func cookieSocketsMustComeFromThisServersPages() async throws {
        #expect(RealtimeController.sameOrigin([], authority: "desk.shop.example"))
        #expect(RealtimeController.sameOrigin(["https://desk.shop.example"], authority: "desk.shop.example:443"))
        #expect(!RealtimeController.sameOrigin(["https://evil.example"], authority: "desk.shop.example"))
        #expect(!RealtimeController.sameOrigin(["https://desk.shop.example.evil.example"], authority: "desk.shop.example"))
        #expect(!RealtimeController.sameOrigin(["https://desk.shop.example", "https://evil.example"], authority: "desk.shop.example"))
        #expect(!RealtimeController.sameOrigin(["null"], authority: "desk.shop.example"))

        // A real browser-like handshake with the session cookie and this server's origin works.
        try await Harness.run(.sqlite, mode: .live) { harness in
            let port = try #require(harness.client.port)
            let login = try await harness.client.json(.post, "/api/v1/auth/login",
                                                      body: #"{"email":"\#(harness.owner.email)","password":"\#(Harness.password)"}"#)
            let cookie = try #require(login.headers[.setCookie]?.split(separator: ";").first.map(String.init))
            let event = try await Self.firstEvent(port: port, headers: [.cookie: cookie], type: "message.created") {
                try await harness.inbound(text: "same origin")
            }
            #expect(event["type"] as? String == "message.created")
        }
    }

    @Test(.enabled(if: TestDatabase.kinds.contains(.postgres), "needs SHOPDESK_TEST_POSTGRES_URL"))
    func aMessagePostedOnOneNodeReachesASocketOnAnother() async throws {
        try await TestDatabase.withPostgresURL { url in
            let hash = try await PasswordHasher(cost: 4).hash(Harness.password)
            let (token, inboxID, inboxToken) = try await Database.with(url: url, logger: TestDatabase.logger) { database in
                let (owner, _) = try await Provisioning.createOwner(database: database, workspace: "Nodes", timeZone: "UTC",
                                                                    email: "nodes@example.com", name: "N", passwordHash: hash)
                let token = try await Provisioning.createToken(database: database, agent: owner, name: "t")
                let inbox = try await database.write {
                    try await InboxRepository.create(workspaceID: owner.workspaceID, kind: .api, name: "API", webhookURL: nil,
                                                     secret: "sdi_nodes", now: Date(), in: $0)
                }
                return (token, inbox.id.rawValue, "sdi_nodes")
            }
            try await Self.node(url) { nodeA in
                try await Self.node(url) { nodeB in
                    let event = try await Self.firstEvent(port: nodeB.port!, token: token, type: "message.created") {
                        _ = try await nodeA.json(.post, "/api/v1/inboxes/\(inboxID)/messages", headers: ["X-Inbox-Token": inboxToken],
                                                 body: #"{"customer":{"email":"far@example.com"},"text":"from node A"}"#)
                    }
                    #expect(event["type"] as? String == "message.created")
                }
            }
        }
    }

    /// One `shopdesk serve` node on the database at `url`, live on a free port.
    static func node(_ url: String, configure: @Sendable (inout ServerConfiguration) -> Void = { _ in },
                     _ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        try await Database.with(url: url, logger: TestDatabase.logger) { database in
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("node-\(UUID().uuidString)").path
            defer { try? FileManager.default.removeItem(atPath: directory) }
            var configuration = Harness.configuration(directory)
            configure(&configuration)
            let app = try await buildApplication(configuration: configuration, database: database, logger: TestDatabase.logger)
            try await app.test(.live) { client in
                // Ready once it hears the other nodes (its LISTEN may take a while on a loaded machine).
                for _ in 0..<300 {
                    let health = try await client.json(.get, "/healthz")
                    if (try? health.string("realtime")) == "relaying" { break }
                    try await Task.sleep(for: .milliseconds(100))
                }
                try await body(client)
            }
        }
    }
}

actor EventBox {
    private(set) var text: String?
    func set(_ value: String) { text = value }
}
