import Foundation
import SQLKit

/// `rate_counts`: what every node counted per caller and minute.
public enum RateCountRepository {
    /// Adds each `(key, window, delta)` and returns the totals, in one statement.
    public static func add(_ counts: [(key: String, window: Int64, delta: Int)], in sql: any SQLDatabase) async throws -> [(key: String, window: Int64, total: Int)] {
        guard !counts.isEmpty else { return [] }
        let rows: [SQLQueryString] = counts.map { "(\(bind: $0.key), \(bind: $0.window), \(bind: $0.delta))" }
        let query: SQLQueryString = "INSERT INTO rate_counts (key, window_start, count) VALUES " + rows.joined(separator: ", ")
            + " ON CONFLICT (key, window_start) DO UPDATE SET count = rate_counts.count + excluded.count RETURNING key, window_start, count"
        return try await sql.raw(query).all().map {
            (try $0.decode(column: "key", as: String.self), try $0.decode(column: "window_start", as: Int64.self), try $0.decode(column: "count", as: Int.self))
        }
    }

    /// Forgets windows before `window`.
    public static func prune(before window: Int64, in sql: any SQLDatabase) async throws {
        // workspace: the counts belong to callers (hashed tokens and addresses), not to a workspace.
        try await sql.raw("DELETE FROM rate_counts WHERE window_start < \(bind: window)").run()
    }
}
