import Foundation
import ShopdeskCore
import SQLKit
import Synchronization

/// Each workspace's rules and SLA policies compiled once, with its business hours. The write path asks for the
/// current book inside its transaction: one indexed read of `workspaces.automation_version`,
/// which every rule or business-hours change increments, so an edit made on any node is in
/// force for the next write on every node.
public final class AutomationCache: Sendable {
    public struct Book: Sendable {
        public let version: Int64
        public let rules: RuleSet
        public let slaPolicies: SLAPolicySet
        public let calendar: BusinessCalendar
        public let workspaceName: String
        /// Where promoters are asked to review the shop (`{{workspace.review_url}}`).
        public var reviewURL: String? = nil
        /// Inboxes' and teams' assignment policies that pick agents, by scope (`inbox:3`); any
        /// other scope is manual, which the write path then knows without a query.
        var assignment: [String: AssignmentPolicy] = [:]
    }

    private let books = Mutex<[WorkspaceID: Book]>([:])

    public init() {}

    public func book(for workspaceID: WorkspaceID, in sql: any SQLDatabase) async throws -> Book {
        guard let row = try await sql.raw("""
            SELECT automation_version, name, time_zone, business_hours, survey FROM workspaces WHERE id = \(bind: workspaceID.rawValue)
            """).first() else { throw ShopdeskError.notFound("Workspace \(workspaceID)") }
        let version = try row.int64("automation_version")
        if let book = books.withLock({ $0[workspaceID] }), book.version == version { return book }
        let records = try await RuleRepository.list(workspaceID: workspaceID, in: sql)
        let calendar = try row.stringOrNil("business_hours").map { try JSONCoding.decode(BusinessCalendar.self, from: $0) }
            ?? BusinessCalendar(timeZone: try row.string("time_zone"), weekly: nil)
        let policies = try await SLAPolicyRepository.list(workspaceID: workspaceID, in: sql)
        let survey = try row.stringOrNil("survey").map { try JSONCoding.decode(SurveySettings.self, from: $0) }
        var book = Book(version: version, rules: RuleSet(records.map { ($0.id, $0.definition) }),
                        slaPolicies: SLAPolicySet(policies.map { ($0.id, $0.policy) }), calendar: calendar,
                        workspaceName: try row.string("name"), reviewURL: survey?.reviewURL)
        book.assignment = try await AssignmentRepository.automaticPolicies(workspaceID: workspaceID, in: sql)
        books.withLock { $0[workspaceID] = book }
        return book
    }
}
