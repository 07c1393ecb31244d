import Foundation
import Logging
import NIOCore
import PostgresKit
import PostgresNIO
import SQLKit
import Synchronization

/// Runs the statements of one PostgreSQL connection, the ones this process runs often as named
/// prepared statements: PostgreSQL parses and plans a prepared statement once per connection, where
/// an unnamed statement (PostgresKit's way) is parsed, analysed and planned again on every call.
///
/// What is prepared (`PreparedStatementRegistry.name(for:)`): a statement seen three times, with
/// the same SQL and the same parameter types, up to 400 of them per process. Never prepared:
/// statements that select or return `*` (a column added by a newer node's migration would make
/// PostgreSQL refuse the cached plan, "cached plan must not change result type", during a rolling
/// upgrade), statements with a parameter PostgresNIO cannot bind directly, and a statement that
/// failed as a prepared one other than by a constraint, a serialization failure or a cancellation
/// (PostgresNIO remembers a failed preparation for the connection's life).
struct PreparingPostgresDatabase: SQLDatabase {
    let connection: PostgresConnection
    let registry: PreparedStatementRegistry
    private let plain: any SQLDatabase

    init(connection: PostgresConnection, registry: PreparedStatementRegistry) {
        self.connection = connection
        self.registry = registry
        self.plain = connection.sql()
    }

    var logger: Logger { plain.logger }
    var eventLoop: any EventLoop { plain.eventLoop }
    var version: (any SQLDatabaseReportedVersion)? { plain.version }
    var dialect: any SQLDialect { plain.dialect }
    var queryLogLevel: Logger.Level? { nil }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) -> EventLoopFuture<Void> {
        plain.execute(sql: query, onRow)
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        let (sql, binds) = serialize(query)
        guard registry.isEnabled, let (bindings, types) = Self.directBindings(binds),
              let name = registry.name(for: sql, types: types)
        else {
            return try await plain.execute(sql: query, onRow)
        }
        do {
            try await CurrentStatement.$value.withValue((name, sql)) {
                let rows = try await connection.execute(NamedStatement(bindings: bindings), logger: connection.logger)
                for try await row in rows {
                    onRow(row.sql())
                }
            }
        } catch {
            registry.failed(name, error: error)
            throw error
        }
    }

    func withSession<R: Sendable>(_ closure: @escaping @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        try await closure(self)
    }

    /// The parameters as PostgresNIO binds them itself, or nil when one needs PostgresKit's
    /// `Encodable` machinery (arrays, JSON): such a statement is sent unnamed, as before.
    static func directBindings(_ binds: [any Encodable & Sendable]) -> (PostgresBindings, types: [UInt32])? {
        var bindings = PostgresBindings(capacity: binds.count)
        var types: [UInt32] = []
        types.reserveCapacity(binds.count)
        for bind in binds {
            guard let type = append(bind, to: &bindings) else { return nil }
            types.append(type)
        }
        return (bindings, types)
    }

    /// Binds as PostgresKit's own fast path does (a nil optional as NULL, a type PostgresNIO
    /// encodes itself as that), so a prepared statement gets the very bytes an unnamed one would.
    /// The answer is the parameter's type (0 for NULL, which PostgreSQL infers), nil if unbound.
    private static func append<T: Encodable>(_ value: T, to bindings: inout PostgresBindings) -> UInt32? {
        if (value as Optional<Any>) == nil {
            bindings.appendNull()
            return 0
        }
        guard let direct = value as? any PostgresThrowingDynamicTypeEncodable,
              (try? bindings.append(direct, context: .default)) != nil else { return nil }
        return direct.psqlType.rawValue
    }
}

/// PostgresNIO names a prepared statement by its type; one type serves every statement by
/// reading the name and SQL of the statement being run from the task.
private enum CurrentStatement {
    @TaskLocal static var value: (name: String, sql: String) = ("", "")
}

private struct NamedStatement: PostgresPreparedStatement {
    typealias Row = PostgresRow
    static var name: String { CurrentStatement.value.name }
    static var sql: String { CurrentStatement.value.sql }
    let bindings: PostgresBindings
    func makeBindings() throws -> PostgresBindings { bindings }
    func decodeRow(_ row: PostgresRow) throws -> PostgresRow { row }
}

/// Which statements this process prepares, and under which names (`sd1`, `sd2`, …: numbered, so
/// two statements never share one). Shared by every connection of a backend.
final class PreparedStatementRegistry: Sendable {
    static let limit = 400
    static let sightings = 3
    let isEnabled: Bool

    private struct Key: Hashable {
        let sql: String
        let types: [UInt32]
    }
    private struct State {
        var named: [Key: String] = [:]
        var seen: [Key: Int] = [:]
        var refused: Set<String> = []
    }
    private let state = Mutex(State())

    init(enabled: Bool) {
        self.isEnabled = enabled
    }

    /// The statement's name once it is worth preparing, else nil (run it unnamed).
    func name(for sql: String, types: [UInt32]) -> String? {
        guard Self.mayPrepare(sql) else { return nil }
        let key = Key(sql: sql, types: types)
        return state.withLock { state in
            if let name = state.named[key] {
                return state.refused.contains(name) ? nil : name
            }
            guard state.named.count < Self.limit else { return nil }
            let count = (state.seen[key] ?? 0) + 1
            guard count >= Self.sightings else {
                // Statements built with a varying number of values are seen once each; forget
                // them in bulk rather than keep every shape ever sent.
                if state.seen.count >= 10_000 { state.seen.removeAll(keepingCapacity: true) }
                state.seen[key] = count
                return nil
            }
            state.seen[key] = nil
            let name = "sd\(state.named.count + 1)"
            state.named[key] = name
            return name
        }
    }

    /// A prepared statement failed. A constraint violation, a serialization failure or a
    /// cancelled query is the data's or the moment's answer and says nothing about the
    /// preparation; anything else may have been the preparation failing, which PostgresNIO keeps
    /// answering on that connection, so the statement is sent unnamed from now on.
    func failed(_ name: String, error: any Error) {
        if let error = error as? PSQLError, error.code == .server,
           let state = error.serverInfo?[.sqlState],
           state.hasPrefix("23") || state.hasPrefix("40") || state == "57014" {
            return
        }
        _ = state.withLock { $0.refused.insert(name) }
    }

    /// False for statements that select or return every column (`*`, `t.*`, but not `count(*)`).
    static func mayPrepare(_ sql: String) -> Bool {
        var previous: UInt8 = 0
        for byte in sql.utf8 {
            if byte == UInt8(ascii: "*"), previous != UInt8(ascii: "(") { return false }
            if byte != UInt8(ascii: " ") { previous = byte }
        }
        return true
    }
}
