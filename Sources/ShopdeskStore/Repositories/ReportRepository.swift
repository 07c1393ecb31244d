import Foundation
import ShopdeskCore
import SQLKit

/// Conversations over a period by what customers wanted and how they felt, with how fast they
/// got a first answer: what the models' labels are for beyond routing.
public enum ReportRepository {
    public struct IntentLine: Sendable {
        public var intent: String?
        public var conversations: Int
        public var negative: Int
        public var urgent: Int
        /// Mean seconds to the first agent reply, over the conversations that have one.
        public var meanFirstResponseSeconds: Double?
    }

    public static func intents(workspaceID: WorkspaceID, from: Date, to: Date, in sql: any SQLDatabase) async throws -> [IntentLine] {
        try await sql.raw("""
            SELECT intent, COUNT(*) AS n,
              CAST(SUM(CASE WHEN sentiment = 'negative' THEN 1 ELSE 0 END) AS BIGINT) AS negative,
              CAST(SUM(CASE WHEN urgent <> 0 THEN 1 ELSE 0 END) AS BIGINT) AS urgent_count,
              CAST(AVG(CASE WHEN first_response_at IS NOT NULL THEN (first_response_at - created_at) / 1000.0 END) AS DOUBLE PRECISION) AS mean_first
            FROM conversations
            WHERE workspace_id = \(bind: workspaceID.rawValue) AND merged_into IS NULL
              AND created_at >= \(bind: from.millis) AND created_at < \(bind: to.millis)
            GROUP BY intent ORDER BY n DESC
            """).all().map {
                IntentLine(intent: try $0.stringOrNil("intent"), conversations: try $0.int("n"), negative: try $0.int("negative"),
                           urgent: try $0.int("urgent_count"),
                           meanFirstResponseSeconds: try $0.decode(column: "mean_first", as: Double?.self))
            }
    }
}
