import Foundation
import Logging
import ShopdeskCore
import ShopdeskStore
import SQLKit

/// Runs a test body against a fresh SQLite file and, when `SHOPDESK_TEST_POSTGRES_URL` is set,
/// against a fresh PostgreSQL database created for that one test.
public enum TestDatabase {
    public static var kinds: [DatabaseKind] {
        ProcessInfo.processInfo.environment["SHOPDESK_TEST_POSTGRES_URL"] == nil ? [.sqlite] : [.sqlite, .postgres]
    }

    /// Quiet unless SHOPDESK_TEST_LOG names a level: tests provoke failures on purpose.
    public static let logger: Logger = {
        var logger = Logger(label: "shopdesk.tests")
        logger.logLevel = ProcessInfo.processInfo.environment["SHOPDESK_TEST_LOG"].flatMap(Logger.Level.init(rawValue:)) ?? .critical
        return logger
    }()

    /// `schemaVersion` stops the migrations there (a test of a later migration starts from it).
    public static func with<T: Sendable>(
        _ kind: DatabaseKind, schemaVersion: Int64 = .max, _ body: @Sendable (Database) async throws -> T
    ) async throws -> T {
        switch kind {
        case .sqlite:
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("shopdesk-test-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: directory) }
            // One reader: a hundred tests hold a database open at once, and every connection
            // costs descriptors (see ChildProcess for why their count matters).
            return try await Database.with(url: directory.appendingPathComponent("test.sqlite").path, logger: logger,
                                           sqliteReaders: 1) { database in
                try await Migrator.migrate(database, upTo: schemaVersion)
                return try await body(database)
            }
        case .postgres:
            return try await withPostgresURL(schemaVersion: schemaVersion) { url in
                try await Database.with(url: url, logger: logger) { try await body($0) }
            }
        }
    }

    /// A fresh, migrated PostgreSQL database for one test, by URL, so a test can open it twice
    /// (two server nodes). Dropped afterwards.
    public static func withPostgresURL<T: Sendable>(
        schemaVersion: Int64 = .max, _ body: @Sendable (String) async throws -> T
    ) async throws -> T {
        // At most `PostgresSlots.limit` test databases at once: every test runs in parallel, and
        // each holds a pool (or two or three, as nodes), which together outran max_connections.
        await PostgresSlots.shared.acquire()
        defer { Task { await PostgresSlots.shared.release() } }
        let adminURL = ProcessInfo.processInfo.environment["SHOPDESK_TEST_POSTGRES_URL"]!
        let name = "shopdesk_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
        try await Database.with(url: adminURL, logger: logger) { admin in
            try await admin.read { try await $0.raw("CREATE DATABASE \(unsafeRaw: name)").run() }
        }
        var components = URLComponents(string: adminURL)!
        components.path = "/" + name
        // Many tests run at once, some with two or three nodes: small pools keep them all under
        // the server's max_connections.
        components.queryItems = (components.queryItems ?? []) + [URLQueryItem(name: "pool_size", value: "6")]
        let result: Result<T, any Error>
        do {
            _ = try await Database.with(url: components.string!, logger: logger) { try await Migrator.migrate($0, upTo: schemaVersion) }
            result = .success(try await body(components.string!))
        } catch {
            result = .failure(error)
        }
        try await Database.with(url: adminURL, logger: logger) { admin in
            try await admin.read { try await $0.raw("DROP DATABASE IF EXISTS \(unsafeRaw: name) WITH (FORCE)").run() }
        }
        return try result.get()
    }

    /// A workspace with one admin agent and one API inbox, the usual starting point.
    public struct Fixture: Sendable {
        public var workspace: Workspace
        public var agent: Agent
        public var inbox: Inbox
    }

    public static func fixture(_ database: Database, name: String = "Test shop") async throws -> Fixture {
        try await database.write { sql in
            let now = Date()
            let workspace = try await WorkspaceRepository.create(name: name, timeZone: "Europe/Zagreb", now: now, in: sql)
            let agent = try await AgentRepository.create(
                workspaceID: workspace.id, email: "agent-\(UUID().uuidString.prefix(8))@example.com", name: "Ana", role: .admin,
                passwordHash: "x", locale: "en", now: now, in: sql)
            let inbox = try await InboxRepository.create(
                workspaceID: workspace.id, kind: .api, name: "API", webhookURL: nil, secret: "s", now: now, in: sql)
            return Fixture(workspace: workspace, agent: agent, inbox: inbox)
        }
    }
}

extension InboundMessage {
    public static func sample(
        inbox: InboxID, email: String = "marta@example.com", text: String = "Where is my order #1234?",
        subject: String? = "Order status", channelID: String? = nil
    ) -> InboundMessage {
        InboundMessage(inboxID: inbox, channelMessageID: channelID, customer: .init(name: "Marta", email: email),
                       subject: subject, text: text, receivedAt: Date())
    }
}

/// A counting semaphore for the tests' PostgreSQL databases.
actor PostgresSlots {
    static let shared = PostgresSlots()
    static let limit = 24
    private var used = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []

    func acquire() async {
        if used < Self.limit {
            used += 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func release() {
        if waiting.isEmpty {
            used -= 1
        } else {
            waiting.removeFirst().resume()
        }
    }
}
