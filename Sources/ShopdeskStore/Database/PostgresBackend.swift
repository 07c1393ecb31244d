import Foundation
import Logging
import NIOSSL
import PostgresKit
import PostgresNIO
import SQLKit

/// Lets separate `shopdesk serve` nodes tell each other about events (PostgreSQL LISTEN/NOTIFY).
public protocol NotificationListener: Sendable {
    /// Sends every payload, in order.
    func notify(channel: String, payloads: [String]) async throws
    /// Calls `onListening` once the server listens on `channel`, then `onNotification` for every
    /// notification on it until the task is cancelled.
    func listen(channel: String, onListening: @escaping @Sendable () async -> Void,
                _ onNotification: @escaping @Sendable (String) async -> Void) async throws
}

/// PostgreSQL through PostgresNIO's connection pool; every write is one transaction.
final class PostgresBackend: DatabaseBackend, NotificationListener {
    private let client: PostgresClient
    private let statements: PreparedStatementRegistry

    var listener: NotificationListener { self }

    private init(client: PostgresClient, statements: PreparedStatementRegistry) {
        self.client = client
        self.statements = statements
    }

    static func with<T: Sendable>(
        url: String,
        logger: Logger,
        _ body: (PostgresBackend) async throws -> T
    ) async throws -> T {
        let client = PostgresClient(configuration: try configuration(from: url), backgroundLogger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            // The body leases connections only once `run()` has begun (PostgresNIO warns about
            // a lease before it, which every node logged at start). `run()` marks itself running
            // before its first suspension, right after this task says it is calling it; by the
            // time the body has been resumed on another thread, it has.
            let (calling, signal) = AsyncStream<Void>.makeStream()
            group.addTask {
                signal.finish()
                await client.run()
            }
            for await _ in calling {}
            defer { group.cancelAll() }
            return try await body(PostgresBackend(client: client, statements: PreparedStatementRegistry(enabled: try preparesStatements(url))))
        }
    }

    func read<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await client.withConnection { connection in
            try await body(PreparingPostgresDatabase(connection: connection, registry: statements))
        }
    }

    func write<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await client.withConnection { connection in
            let database = PreparingPostgresDatabase(connection: connection, registry: statements)
            try await database.raw("BEGIN").run()
            do {
                let result = try await body(database)
                try await database.raw("COMMIT").run()
                return result
            } catch {
                try? await database.raw("ROLLBACK").run()
                throw error
            }
        }
    }

    func notify(channel: String, payloads: [String]) async throws {
        // One round trip per 500: `SELECT pg_notify($1, $2), pg_notify($3, $4), …` (a select list
        // holds at most 1,664 columns). PostgreSQL delivers them in the order they were called.
        for start in stride(from: 0, to: payloads.count, by: 500) {
            let calls = payloads[start..<min(payloads.count, start + 500)].map { "pg_notify(\(bind: channel), \(bind: $0))" as SQLQueryString }
            try await client.withConnection { connection in
                try await connection.sql().raw("SELECT \(SQLList(calls))").run()
            }
        }
    }

    func listen(channel: String, onListening: @escaping @Sendable () async -> Void,
                _ onNotification: @escaping @Sendable (String) async -> Void) async throws {
        try await client.withConnection { connection in
            // PostgresNIO hands over the notifications once the server confirmed the LISTEN.
            try await connection.listen(on: channel) { notifications in
                await onListening()
                for try await notification in notifications {
                    await onNotification(notification.payload)
                }
            }
        }
    }

    /// `prepared_statements=off` sends every statement unnamed, for a connection pooler in
    /// transaction mode that cannot keep a prepared statement on one server connection (PgBouncer
    /// before 1.21); on by default.
    static func preparesStatements(_ url: String) throws -> Bool {
        switch URLComponents(string: url)?.queryItems?.first(where: { $0.name == "prepared_statements" })?.value {
        case nil, "on": true
        case "off": false
        default: throw DatabaseURLError(url: url, reason: "prepared_statements is on or off.")
        }
    }

    /// `postgres://user:password@host:port/database?sslmode=require|disable&pool_size=20`:
    /// `pool_size` is the most connections this process opens (1–200, default 20); several
    /// nodes together must stay under the server's `max_connections`.
    static func configuration(from url: String) throws -> PostgresClient.Configuration {
        guard let components = URLComponents(string: url), let host = components.host, !host.isEmpty else {
            throw DatabaseURLError(url: url)
        }
        let sslMode = components.queryItems?.first(where: { $0.name == "sslmode" })?.value ?? "disable"
        let tls: PostgresClient.Configuration.TLS = switch sslMode {
        case "require", "verify-full": .require(.makeClientConfiguration())
        case "prefer": .prefer(.makeClientConfiguration())
        default: .disable
        }
        var configuration = PostgresClient.Configuration(
            host: host,
            port: components.port ?? 5432,
            username: components.user.flatMap { $0.removingPercentEncoding } ?? "postgres",
            password: components.password.flatMap { $0.removingPercentEncoding },
            database: String(components.path.dropFirst()).nilIfEmpty,
            tls: tls
        )
        var pool = 20
        if let value = components.queryItems?.first(where: { $0.name == "pool_size" })?.value {
            guard let size = Int(value), (1...200).contains(size) else { throw DatabaseURLError(url: url, reason: "pool_size is a number of connections from 1 to 200.") }
            pool = size
        }
        configuration.options.maximumConnections = pool
        // New rows' words wait in a GIN index's pending list until it holds this much, and
        // every search through the index reads the list from start to end: at the default 4 MB
        // that cost 4 ms of a 5 ms search. Set per connection, as it applies to the writing
        // session; an ALTER INDEX would lock every query of the table out while it runs.
        configuration.options.additionalStartupParameters.append(("gin_pending_list_limit", "128"))
        return configuration
    }
}

/// The database URL could not be understood; the message shows its shape without the password.
public struct DatabaseURLError: Error, CustomStringConvertible {
    let url: String
    var reason: String? = nil
    public var description: String {
        reason.map { "The database URL is not usable: \($0)" }
            ?? "The database URL is not of the form postgres://user:password@host:5432/database (or a SQLite file path)."
    }
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
