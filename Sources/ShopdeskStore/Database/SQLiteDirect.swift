import Foundation
import Logging
import NIOCore
import NIOPosix
import SQLKit
import SQLiteKit
// sqlite-nio's vendored SQLite (symbols prefixed `sqlite_nio_`). It is not a product of that
// package; SwiftPM makes the module visible to us because SQLiteNIO depends on it. Using the
// same copy of SQLite keeps one library in the binary with the options sqlite-nio compiles in
// (FTS5 among them).
import VaporCSQLite
import CShopdeskSQLite

/// One `sqlite3` connection driven synchronously from whichever thread calls it.
///
/// sqlite-nio runs every statement as a work item on a thread pool and resumes the caller on an
/// event loop: three thread hand-offs per statement, about 55 µs on our machine, which capped the
/// single writer near 1,000 writes/s. Here a statement runs on the calling thread, prepared once
/// and kept in a cache, so a write of fourteen statements costs what SQLite itself costs.
///
/// Not thread-safe by design (opened with `SQLITE_OPEN_NOMUTEX`): a connection has one user at
/// a time. The writer connection is only used by `SQLiteGroupCommitter`, which runs on its own
/// thread; a reader connection belongs to one caller between `SQLiteReaderPool.acquire` and
/// `release`. That discipline is why the class can be `@unchecked Sendable`.
final class SQLiteDirectConnection: @unchecked Sendable {
    private var handle: OpaquePointer?
    private var statements: [String: OpaquePointer] = [:]
    /// Distinct SQL texts kept prepared. Our repositories issue well under a hundred; texts with
    /// a variable number of `IN (?, ?, …)` placeholders make more, so the cache is bounded.
    private let statementCacheLimit = 256
    let path: String

    /// Readers open read-write too and are made read-only with `PRAGMA query_only`: a
    /// `SQLITE_OPEN_READONLY` connection cannot recover a WAL left behind by a crash.
    init(path: String) throws {
        self.path = path
        var opened: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE
        let status = sqlite_nio_sqlite3_open_v2(path, &opened, flags, nil)
        guard status == SQLITE_OK, let opened else {
            let message = opened.flatMap { sqlite_nio_sqlite3_errmsg($0) }.map { String(cString: $0) } ?? "error \(status)"
            if let opened { sqlite_nio_sqlite3_close_v2(opened) }
            throw SQLiteDirectError(code: status, message: "Could not open SQLite database at \(path): \(message)")
        }
        handle = opened
        // Plans must not depend on bound values, or cached statements are re-parsed on every
        // use (see shopdesk_sqlite.h).
        let qpsg = shopdesk_sqlite_enable_qpsg(UnsafeMutableRawPointer(opened))
        guard qpsg == SQLITE_OK else {
            sqlite_nio_sqlite3_close_v2(opened)
            throw SQLiteDirectError(code: qpsg, message: "Could not configure SQLite database at \(path).")
        }
        // Wait for another process's lock instead of failing at once (a `shopdesk migrate`
        // running beside a server, for example).
        sqlite_nio_sqlite3_busy_timeout(opened, 5000)
    }

    deinit {
        close()
    }

    func close() {
        for statement in statements.values { sqlite_nio_sqlite3_finalize(statement) }
        statements.removeAll()
        if let handle { sqlite_nio_sqlite3_close_v2(handle) }
        handle = nil
    }

    /// How often SQLite had to parse cached statements again, summed over the cache. Stays 0
    /// when plans do not depend on bound values; a test keeps it that way.
    var reprepares: Int {
        statements.values.reduce(0) { $0 + Int(sqlite_nio_sqlite3_stmt_status($1, SQLITE_STMTSTATUS_REPREPARE, 0)) }
    }

    /// Runs `sql` with `binds` and hands every result row to `onRow`. A text holding several
    /// statements separated by `;` runs them all when there are no binds (schema scripts).
    func execute(_ sql: String, binds: [any Encodable & Sendable], onRow: (SQLiteDirectRow) -> Void) throws {
        guard let handle else { throw SQLiteDirectError(code: SQLITE_MISUSE, message: "The SQLite connection is closed.") }
        if let cached = statements[sql] {
            try run(cached, binds: binds, onRow: onRow)
            return
        }
        var statement: OpaquePointer?
        var tail: UnsafePointer<CChar>?
        let (status, remainder): (Int32, String) = sql.withCString { text in
            let status = sqlite_nio_sqlite3_prepare_v3(handle, text, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, &tail)
            let remainder = tail.map { String(cString: $0) } ?? ""
            return (status, remainder)
        }
        guard status == SQLITE_OK else { throw error(status, sql: sql) }
        guard let statement else { return }   // only whitespace or a comment
        let rest = remainder.trimmingCharacters(in: .whitespacesAndNewlines)
        if rest.isEmpty {
            if statements.count >= statementCacheLimit {
                for old in statements.values { sqlite_nio_sqlite3_finalize(old) }
                statements.removeAll(keepingCapacity: true)
            }
            statements[sql] = statement
            try run(statement, binds: binds, onRow: onRow)
        } else {
            defer { sqlite_nio_sqlite3_finalize(statement) }
            guard binds.isEmpty else {
                throw SQLiteDirectError(code: SQLITE_MISUSE, message: "Binds are only supported for a single statement.")
            }
            try run(statement, binds: [], onRow: onRow)
            try execute(rest, binds: [], onRow: onRow)
        }
    }

    private func run(_ statement: OpaquePointer, binds: [any Encodable & Sendable], onRow: (SQLiteDirectRow) -> Void) throws {
        defer {
            sqlite_nio_sqlite3_reset(statement)
            sqlite_nio_sqlite3_clear_bindings(statement)
        }
        for (offset, value) in binds.enumerated() {
            let status = try bind(value, at: Int32(offset + 1), to: statement)
            guard status == SQLITE_OK else { throw error(status, sql: nil) }
        }
        var columns: SQLiteDirectColumns?
        while true {
            let status = sqlite_nio_sqlite3_step(statement)
            if status == SQLITE_DONE { return }
            guard status == SQLITE_ROW else { throw error(status, sql: statement) }
            let names = columns ?? SQLiteDirectColumns(statement)
            columns = names
            var values: [SQLiteData] = []
            values.reserveCapacity(names.names.count)
            for index in 0..<Int32(names.names.count) {
                values.append(Self.value(statement, index))
            }
            onRow(SQLiteDirectRow(columns: names, values: values))
        }
    }

    private func bind(_ value: any Encodable & Sendable, at index: Int32, to statement: OpaquePointer) throws -> Int32 {
        // The types our repositories bind, without going through an Encoder. Bool comes before
        // the integers so that it is never mistaken for one (it is stored as 0/1 either way).
        switch value {
        case let string as String: return bindText(string, index, statement)
        case let bool as Bool: return sqlite_nio_sqlite3_bind_int64(statement, index, bool ? 1 : 0)
        case let int as Int64: return sqlite_nio_sqlite3_bind_int64(statement, index, int)
        case let int as Int: return sqlite_nio_sqlite3_bind_int64(statement, index, Int64(int))
        case let double as Double: return sqlite_nio_sqlite3_bind_double(statement, index, double)
        case let data as Data:
            return data.withUnsafeBytes {
                // An empty blob needs a non-null pointer too (null would mean NULL).
                sqlite_nio_sqlite3_bind_blob64(statement, index, $0.baseAddress ?? UnsafeRawPointer(bitPattern: 1), UInt64($0.count), sqliteTransient)
            }
        default:
            switch try SQLiteDataEncoder().encode(value) {
            case .integer(let int): return sqlite_nio_sqlite3_bind_int64(statement, index, Int64(int))
            case .float(let double): return sqlite_nio_sqlite3_bind_double(statement, index, double)
            case .text(let string): return bindText(string, index, statement)
            case .null: return sqlite_nio_sqlite3_bind_null(statement, index)
            case .blob(let buffer):
                return buffer.withUnsafeReadableBytes {
                    sqlite_nio_sqlite3_bind_blob64(statement, index, $0.baseAddress, UInt64($0.count), sqliteTransient)
                }
            }
        }
    }

    private func bindText(_ string: String, _ index: Int32, _ statement: OpaquePointer) -> Int32 {
        var string = string
        return string.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { text in
                // An empty string has no buffer; SQLite needs a non-null pointer for '' (null means NULL).
                guard let base = text.baseAddress else {
                    return sqlite_nio_sqlite3_bind_text64(statement, index, "", 0, sqliteTransient, UInt8(SQLITE_UTF8))
                }
                return sqlite_nio_sqlite3_bind_text64(statement, index, base, UInt64(text.count),
                                                      sqliteTransient, UInt8(SQLITE_UTF8))
            }
        }
    }

    private static func value(_ statement: OpaquePointer, _ index: Int32) -> SQLiteData {
        switch sqlite_nio_sqlite3_column_type(statement, index) {
        case SQLITE_INTEGER:
            return .integer(SQLiteInt64(sqlite_nio_sqlite3_column_int64(statement, index)))
        case SQLITE_FLOAT:
            return .float(sqlite_nio_sqlite3_column_double(statement, index))
        case SQLITE_TEXT:
            guard let text = sqlite_nio_sqlite3_column_text(statement, index) else { return .text("") }
            let length = Int(sqlite_nio_sqlite3_column_bytes(statement, index))
            return .text(String(decoding: UnsafeBufferPointer(start: text, count: length), as: UTF8.self))
        case SQLITE_BLOB:
            let length = Int(sqlite_nio_sqlite3_column_bytes(statement, index))
            var buffer = ByteBufferAllocator().buffer(capacity: length)
            if let bytes = sqlite_nio_sqlite3_column_blob(statement, index), length > 0 {
                buffer.writeBytes(UnsafeRawBufferPointer(start: bytes, count: length))
            }
            return .blob(buffer)
        default:
            return .null
        }
    }

    private func error(_ status: Int32, sql: String?) -> SQLiteDirectError {
        let message = handle.flatMap { sqlite_nio_sqlite3_errmsg($0) }.map { String(cString: $0) } ?? "error \(status)"
        return SQLiteDirectError(code: status, message: message, sql: sql)
    }

    private func error(_ status: Int32, sql statement: OpaquePointer) -> SQLiteDirectError {
        error(status, sql: sqlite_nio_sqlite3_sql(statement).map { String(cString: $0) })
    }
}

/// SQLite's "copy the bytes now" destructor marker (`SQLITE_TRANSIENT`, a macro Swift cannot import).
private let sqliteTransient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// A statement failed. `code` is SQLite's extended result code.
public struct SQLiteDirectError: Error, CustomStringConvertible {
    public let code: Int32
    public let message: String
    public var sql: String?

    init(code: Int32, message: String, sql: String? = nil) {
        self.code = code
        self.message = message
        self.sql = sql
    }

    public var description: String {
        if let sql { return "SQLite error \(code): \(message) (in: \(sql.prefix(200)))" }
        return "SQLite error \(code): \(message)"
    }
}

/// The column names of one statement's result, shared by all of its rows.
final class SQLiteDirectColumns: Sendable {
    let names: [String]
    /// Built once per result and shared by its rows: a list page decodes some thirty columns of
    /// fifty rows by name. Scanning the names cost string comparisons, and a `Dictionary` the
    /// seeded SipHash of every name asked for; an FNV-1a table over the few short names costs a
    /// handful of multiplications and one comparison that succeeds.
    private let slots: [Int32]
    private let mask: Int

    init(_ statement: OpaquePointer) {
        let count = sqlite_nio_sqlite3_column_count(statement)
        names = (0..<count).map { index in
            sqlite_nio_sqlite3_column_name(statement, index).map { String(cString: $0) } ?? ""
        }
        var size = 8
        while size < names.count * 2 { size *= 2 }
        var slots = [Int32](repeating: -1, count: size)
        for (position, name) in names.enumerated() {
            var slot = Self.hash(name) & (size - 1)
            var duplicate = false
            while slots[slot] >= 0 {
                // The first of two same-named columns wins, as a scan would find it.
                if names[Int(slots[slot])] == name { duplicate = true; break }
                slot = (slot + 1) & (size - 1)
            }
            if !duplicate { slots[slot] = Int32(position) }
        }
        self.slots = slots
        mask = size - 1
    }

    func index(of column: String) -> Int? {
        var slot = Self.hash(column) & mask
        while true {
            let position = slots[slot]
            if position < 0 { return nil }
            if names[Int(position)] == column { return Int(position) }
            slot = (slot + 1) & mask
        }
    }

    private static func hash(_ name: String) -> Int {
        // Column names are native strings, whose bytes are contiguous: hashing the buffer spares
        // the per-byte bookkeeping of iterating `utf8` (this was 3 % of a list request).
        name.utf8.withContiguousStorageIfAvailable(hash) ?? Array(name.utf8).withUnsafeBufferPointer(hash)
    }

    private static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
        return Int(truncatingIfNeeded: hash ^ (hash >> 29))
    }
}

/// A result row. Common column types decode directly; anything else goes through SQLiteKit's
/// decoder, so values read exactly as they did through sqlite-nio.
struct SQLiteDirectRow: SQLRow {
    let columns: SQLiteDirectColumns
    let values: [SQLiteData]

    var allColumns: [String] { columns.names }

    func contains(column: String) -> Bool { columns.index(of: column) != nil }

    func decodeNil(column: String) throws -> Bool {
        guard let index = columns.index(of: column) else { return true }
        return values[index] == .null
    }

    func decode<D: Decodable>(column: String, as type: D.Type) throws -> D {
        guard let index = columns.index(of: column) else {
            throw DecodingError.keyNotFound(SQLiteDirectColumnKey(stringValue: column), .init(
                codingPath: [], debugDescription: "The result has no column \"\(column)\"."))
        }
        let value = values[index]
        // Each branch has checked that D is exactly the type produced, so the bit casts only spare
        // the generic code a dynamic cast per column.
        switch value {
        case .integer(let int):
            if D.self == Int64.self { return unsafeBitCast(Int64(int), to: D.self) }
            if D.self == Int64?.self { return unsafeBitCast(Int64(int) as Int64?, to: D.self) }
            if D.self == Int.self { return unsafeBitCast(Int(int), to: D.self) }
        case .text(let string):
            if D.self == String.self { return unsafeBitCast(string, to: D.self) }
            if D.self == String?.self { return unsafeBitCast(string as String?, to: D.self) }
        case .float(let double):
            if D.self == Double.self { return unsafeBitCast(double, to: D.self) }
        case .null:
            if D.self == Int64?.self { return unsafeBitCast(Int64?.none, to: D.self) }
            if D.self == String?.self { return unsafeBitCast(String?.none, to: D.self) }
        case .blob(let buffer):
            if D.self == Data.self { return Data(buffer.readableBytesView) as! D }
        }
        return try SQLiteDataDecoder().decode(D.self, from: value)
    }
}

private struct SQLiteDirectColumnKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

/// SQLKit's view of a direct connection: queries are serialized by SQLKit and run in place.
struct SQLiteDirectDatabase: SQLDatabase {
    let connection: SQLiteDirectConnection
    let logger: Logger
    /// The writer's full-text entries waiting for its commit; nil on readers.
    var pendingSearch: SearchIndex.PendingRows? = nil
    var eventLoop: any EventLoop { MultiThreadedEventLoopGroup.singleton.any() }
    var dialect: any SQLDialect { SQLiteDialect() }
    var queryLogLevel: Logger.Level? { nil }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> ()) async throws {
        try run(query, onRow)
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> ()) -> EventLoopFuture<Void> {
        eventLoop.makeCompletedFuture { try run(query, onRow) }
    }

    private func run(_ query: any SQLExpression, _ onRow: (any SQLRow) -> ()) throws {
        var serializer = SQLSerializer(database: self)
        query.serialize(to: &serializer)
        try connection.execute(serializer.sql, binds: serializer.binds) { onRow($0) }
    }
}
