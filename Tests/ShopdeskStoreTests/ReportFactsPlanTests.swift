import Foundation
import ShopdeskCore
import ShopdeskTestSupport
import SQLKit
import Testing
@testable import ShopdeskStore

/// The report facts' batch statements are planned by the conversation ids, not by an index on
/// the workspace: with a few hundred ids SQLite once chose `(workspace_id=?)` and walked every
/// row of the workspace per batch, which made a rebuild of a million conversations quadratic.
@Suite("Report facts: query plans")
struct ReportFactsPlanTests {
    @Test func aBatchIsReadAndDeletedByItsConversationIds() async throws {
        try await TestDatabase.with(.sqlite) { database in
            let queries = ReportFactsStore.BatchQueries(workspaceID: WorkspaceID(1), ids: Array(1...400))
            for query in queries.all {
                var explain = SQLQueryString("EXPLAIN QUERY PLAN ")
                explain.appendInterpolation(query)
                let statement = explain
                let plan = try await database.read { sql in
                    try await sql.raw(statement).all().map { try $0.decode(column: "detail", as: String.self) }
                }
                #expect(!plan.contains { $0.contains("workspace_id=?") || $0.hasPrefix("SCAN") }, "\(plan)")
            }
        }
    }

    /// Adding days up reads each day index by its days and the waits by theirs; never the workspace.
    @Test func daysAreAddedUpFromTheirDayIndexes() async throws {
        try await TestDatabase.with(.sqlite) { database in
            let days = Array(20_261_101...20_261_130)
            let queries = [ReportDaysStore.factsQuery(ReportDaysStore.onDays(1, days), postgres: false),
                           ReportDaysStore.waitsQuery(1, days, postgres: false)]
            for query in queries {
                var explain = SQLQueryString("EXPLAIN QUERY PLAN ")
                explain.appendInterpolation(query)
                let statement = explain
                let plan = try await database.read { sql in
                    try await sql.raw(statement).all().map { try $0.decode(column: "detail", as: String.self) }
                }
                #expect(!plan.contains { $0.hasSuffix("(workspace_id=?)") || $0.hasPrefix("SCAN") }, "\(plan)")
            }
        }
    }

    /// A period under a filter the days do not keep reads the facts by ranges of the day indexes
    /// (and the backlog's by the resolved one), never the whole workspace.
    @Test func aFilteredPeriodReadsItsFactsByTheirDayIndexes() async throws {
        try await TestDatabase.with(.sqlite) { database in
            var filter = ReportQueries.Filter()
            filter.channels = ["chat"]
            filter.languages = ["hr"]
            let narrowed = try ReportQueries.where_(filter)
            for detail in [true, false] {
                var explain = SQLQueryString("EXPLAIN QUERY PLAN ")
                explain.appendInterpolation(ReportDaysStore.factsQuery(
                    ReportQueries.factsCondition(1, from: 20_261_101, to: 20_261_201, detail: detail, narrowed: narrowed), postgres: false))
                let statement = explain
                let plan = try await database.read { sql in
                    try await sql.raw(statement).all().map { try $0.decode(column: "detail", as: String.self) }
                }
                #expect(plan.contains("MULTI-INDEX OR") && !plan.contains { $0.hasPrefix("SCAN") }, "\(plan)")
                // Every range is bounded by the period, or is the resolved index's (the backlog's):
                // an open range of the creation index would read the workspace's whole past.
                #expect(!plan.contains { $0.contains("report_facts_created") && !$0.contains("created_day>? AND created_day<?") }, "\(plan)")
            }
        }
    }
}
