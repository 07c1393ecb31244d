import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import ShopdeskCore
@testable import ShopdeskServer
import ShopdeskStore
import ShopdeskTestSupport
import Testing

/// A running application on a fresh database with a workspace, its owner (with an API token)
/// and an API inbox (with its token).
struct Harness: Sendable {
    let services: AppServices
    let database: Database
    let client: any TestClientProtocol
    let workspaceID: WorkspaceID
    let owner: Agent
    let ownerToken: String
    let inboxID: Int64
    let inboxToken: String
    static let password = "correct horse battery"
    /// The explicit opt-in a test needs to reach its own mail or shop server on 127.0.0.1: the
    /// outbound address guard refuses loopback and private hosts otherwise.
    static let localServers: @Sendable (inout ServerConfiguration) -> Void = { $0.allowPrivateWebhookTargets = true }

    static func configuration(_ directory: String) -> ServerConfiguration {
        var configuration = ServerConfiguration()
        // No DNS lookups for received mail unless a test serves them (MailAuthenticationTests).
        configuration.mailAuthentication = false
        configuration.bcryptCost = 4
        configuration.runJobs = false
        configuration.dataDirectory = directory
        configuration.port = 0
        return configuration
    }

    /// Runs `body` against the app on each database kind the tests have.
    static func run(
        _ kind: DatabaseKind,
        mode: TestingSetup = .router,
        configure: @Sendable (inout ServerConfiguration) -> Void = { _ in },
        _ body: @Sendable (Harness) async throws -> Void
    ) async throws {
        try await TestDatabase.with(kind) { database in
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("shopdesk-files-\(UUID().uuidString)").path
            defer { try? FileManager.default.removeItem(atPath: directory) }
            var configuration = configuration(directory)
            configure(&configuration)
            let hash = try await PasswordHasher(cost: 4).hash(password)
            let (owner, _) = try await Provisioning.createOwner(database: database, workspace: "Shop \(UUID().uuidString.prefix(6))",
                                                                timeZone: "UTC", email: "owner-\(UUID().uuidString.prefix(8))@example.com",
                                                                name: "Olivia Owner", passwordHash: hash)
            let token = try await Provisioning.createToken(database: database, agent: owner, name: "tests")
            let services = AppServices.make(configuration: configuration, database: database, logger: TestDatabase.logger)
            let app = try buildApplication(services: services)
            try await app.test(mode) { client in
                let created = try await client.json(.post, "/api/v1/inboxes", token: token, body: #"{"name":"Website"}"#)
                let inbox = try created.object("inbox")
                let harness = Harness(services: services, database: database, client: client, workspaceID: owner.workspaceID, owner: owner, ownerToken: token,
                                      inboxID: try inbox.int("id"), inboxToken: try created.string("token"))
                try await body(harness)
            }
        }
    }

    /// Posts a customer message through the API inbox; returns the parsed answer.
    @discardableResult
    func inbound(email: String = "marta@example.com", text: String = "Where is my order #1234?", externalID: String? = nil,
                 subject: String? = "Order") async throws -> JSONResponse {
        var body: [String: Any] = ["customer": ["email": email, "name": "Marta"], "text": text]
        if let externalID { body["external_id"] = externalID }
        if let subject { body["subject"] = subject }
        return try await client.json(.post, "/api/v1/inboxes/\(inboxID)/messages", headers: ["X-Inbox-Token": inboxToken],
                                     body: String(decoding: try JSONSerialization.data(withJSONObject: body), as: UTF8.self))
    }

    /// Runs due jobs as the job runner would at `now`, until none is due; returns how many ran.
    @discardableResult
    func runJobs(at now: Date = Date()) async throws -> Int {
        let runner = JobRunner(services: services)
        var total = 0
        while true {
            let ran = try await runner.runDueJobs(now: now)
            total += ran
            if ran == 0 { return total }
        }
    }

    /// Creates an agent with `role` and returns an API token for them.
    func agent(role: Role, email: String? = nil) async throws -> (id: Int64, token: String) {
        let address = email ?? "\(role.rawValue)-\(UUID().uuidString.prefix(6))@example.com"
        let created = try await client.json(.post, "/api/v1/agents", token: ownerToken,
                                            body: #"{"email":"\#(address)","name":"Test \#(role.rawValue)","password":"\#(Self.password)","role":"\#(role.rawValue)"}"#)
        let id = try created.int("id")
        let agent = try await database.read { try await AgentRepository.find(workspaceID: workspaceID, id: AgentID(id), in: $0) }!
        return (id, try await Provisioning.createToken(database: database, agent: agent, name: "test"))
    }
}

extension Harness {
    /// The id of the newest conversation the owner sees (a test's only one).
    func firstConversationID() async throws -> Int {
        try #require(try await client.json(.get, "/api/v1/conversations?view=all", token: ownerToken).items.first?["id"] as? Int)
    }

    /// Where a reply stands with its channel: its delivery state and the provider's words.
    func delivery(of id: Int64) async throws -> (DeliveryStatus?, String?) {
        let message = try await database.read { try await MessageRepository.find(workspaceID: workspaceID, id: MessageID(id), in: $0) }
        return (message?.deliveryStatus, message?.deliveryError)
    }

    /// The owner of a second workspace on the same database, and an API token for them: the
    /// stranger every cross-workspace test tries the first workspace's ids with.
    func stranger() async throws -> (agent: Agent, token: String) {
        let hash = try await PasswordHasher(cost: 4).hash(Self.password)
        let (agent, _) = try await Provisioning.createOwner(database: database, workspace: "Other \(UUID().uuidString.prefix(6))", timeZone: "UTC",
                                                            email: "stranger-\(UUID().uuidString.prefix(8))@example.org", name: "Stranger", passwordHash: hash)
        return (agent, try await Provisioning.createToken(database: database, agent: agent, name: "stranger"))
    }
}

/// A response with its JSON body parsed.
struct JSONResponse: @unchecked Sendable {
    // The parsed body is built once and only read afterwards.
    let status: HTTPResponse.Status
    let headers: HTTPFields
    let body: Any?
    let text: String

    func object(_ key: String) throws -> JSONResponse {
        guard let value = (body as? [String: Any])?[key] else { throw HarnessError("No \(key) in \(text)") }
        return JSONResponse(status: status, headers: headers, body: value, text: "\(value)")
    }

    func string(_ key: String) throws -> String {
        guard let value = (body as? [String: Any])?[key] as? String else { throw HarnessError("No string \(key) in \(text)") }
        return value
    }

    func int(_ key: String) throws -> Int64 {
        guard let value = (body as? [String: Any])?[key] as? NSNumber else { throw HarnessError("No number \(key) in \(text)") }
        return value.int64Value
    }

    func bool(_ key: String) throws -> Bool {
        guard let value = (body as? [String: Any])?[key] as? Bool else { throw HarnessError("No true or false \(key) in \(text)") }
        return value
    }

    /// The objects of an array field (empty when there is none).
    func list(_ key: String) throws -> [[String: Any]] {
        guard let value = (body as? [String: Any])?[key] as? [[String: Any]] else { throw HarnessError("No array \(key) in \(text)") }
        return value
    }

    var items: [[String: Any]] { ((body as? [String: Any])?["items"] as? [[String: Any]]) ?? [] }
    var detail: String { ((body as? [String: Any])?["detail"] as? String) ?? "" }
}

struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension TestClientProtocol {
    func json(
        _ method: HTTPRequest.Method, _ path: String, token: String? = nil, headers extra: [String: String] = [:], body: String? = nil
    ) async throws -> JSONResponse {
        var headers: HTTPFields = [:]
        if let token { headers[.authorization] = "Bearer \(token)" }
        if body != nil { headers[.contentType] = "application/json" }
        for (name, value) in extra { headers[HTTPField.Name(name)!] = value }
        return try await execute(uri: path, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) }) { response in
            let text = String(buffer: response.body)
            let parsed = text.isEmpty ? nil : try? JSONSerialization.jsonObject(with: Data(text.utf8))
            return JSONResponse(status: response.status, headers: response.headers, body: parsed, text: text)
        }
    }
}
