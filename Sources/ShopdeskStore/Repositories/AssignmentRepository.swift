import Foundation
import ShopdeskCore
import SQLKit

/// One agent's availability for assignment.
public struct AgentAvailability: Sendable, Equatable {
    public var agentID: AgentID
    public var name: String
    public var language: String
    public var online: Bool
    public var away: Bool
    public var load: Int
    public var capacity: Int
}

/// Assignment policies of inboxes and teams, agents' capacity and away switch, rotations.
public enum AssignmentRepository {
    /// Open conversations an agent takes when nobody set their capacity.
    public static let defaultCapacity = 20
    /// An agent counts as online this long after their app's last heartbeat (it beats every 30 s).
    public static let onlineWindow: TimeInterval = 90

    public enum Scope: Sendable {
        case inbox(InboxID)
        case team(TeamID)
        var key: String {
            switch self {
            case .inbox(let id): "inbox:\(id)"
            case .team(let id): "team:\(id)"
            }
        }
    }

    public static func policy(_ scope: Scope, in sql: any SQLDatabase) async throws -> AssignmentPolicy {
        let row: (any SQLRow)? = switch scope {
        case .inbox(let id): try await sql.raw("SELECT assignment FROM inboxes WHERE id = \(bind: id.rawValue)").first()
        case .team(let id): try await sql.raw("SELECT assignment FROM teams WHERE id = \(bind: id.rawValue)").first()
        }
        return try row?.stringOrNil("assignment").map { try JSONCoding.decode(AssignmentPolicy.self, from: $0) } ?? AssignmentPolicy()
    }

    public static func setPolicy(_ policy: AssignmentPolicy, for scope: Scope, workspaceID: WorkspaceID, in sql: any SQLDatabase) async throws {
        let text = try JSONCoding.string(policy)
        switch scope {
        case .inbox(let id):
            try await sql.raw("UPDATE inboxes SET assignment = \(bind: text) WHERE id = \(bind: id.rawValue) AND workspace_id = \(bind: workspaceID.rawValue)").run()
        case .team(let id):
            try await sql.raw("UPDATE teams SET assignment = \(bind: text) WHERE id = \(bind: id.rawValue) AND workspace_id = \(bind: workspaceID.rawValue)").run()
        }
        try await RuleRepository.bumpVersion(workspaceID, in: sql)
        if policy.reassignWhenOffline {
            try await JobQueue.enqueue(kind: JobKind.assignmentSweep, payload: [:], workspaceID: workspaceID, runAt: Date(),
                                       dedupeKey: "assignment-sweep:\(workspaceID)", in: sql)
        }
    }

    /// Every inbox's and team's policy that is not manual, by scope key.
    static func automaticPolicies(workspaceID: WorkspaceID, in sql: any SQLDatabase) async throws -> [String: AssignmentPolicy] {
        var policies: [String: AssignmentPolicy] = [:]
        for row in try await sql.raw("""
            SELECT 'inbox' AS kind, id, assignment FROM inboxes WHERE workspace_id = \(bind: workspaceID.rawValue) AND assignment IS NOT NULL
            UNION ALL SELECT 'team' AS kind, id, assignment FROM teams WHERE workspace_id = \(bind: workspaceID.rawValue) AND assignment IS NOT NULL
            """).all() {
            let policy = try JSONCoding.decode(AssignmentPolicy.self, from: try row.string("assignment"))
            if policy.mode != .manual { policies["\(try row.string("kind")):\(try row.int64("id"))"] = policy }
        }
        return policies
    }

    /// Availability of the given agents (enabled ones only), with their open conversations.
    public static func availability(workspaceID: WorkspaceID, agents: [AgentID]?, now: Date,
                                    in sql: any SQLDatabase) async throws -> [AgentAvailability] {
        var filter: SQLQueryString = ""
        if let agents {
            guard !agents.isEmpty else { return [] }
            filter = " AND id IN (\(binds: agents.map(\.rawValue)))"
        }
        let rows = try await sql.raw("""
            SELECT id, name, locale, capacity, away_at, last_seen_at FROM agents
            WHERE workspace_id = \(bind: workspaceID.rawValue) AND disabled_at IS NULL\(filter) ORDER BY id
            """).all()
        let loads = Dictionary(uniqueKeysWithValues: try await sql.raw("""
            SELECT assignee_key, CAST(SUM(n) AS BIGINT) AS open FROM conversation_counts WHERE workspace_id = \(bind: workspaceID.rawValue)
              AND status = 'open' GROUP BY assignee_key
            """).all().map { (try $0.int64("assignee_key"), try $0.int("open")) })
        let since = now.addingTimeInterval(-onlineWindow).millis
        return try rows.map { row in
            let id: AgentID = try row.id("id")
            let away = try row.int64OrNil("away_at") != nil
            let seen = try row.int64OrNil("last_seen_at") ?? 0
            return AgentAvailability(agentID: id, name: try row.string("name"), language: try row.string("locale"),
                                     online: !away && seen >= since, away: away,
                                     load: loads[id.rawValue] ?? 0, capacity: try row.int64OrNil("capacity").map(Int.init) ?? defaultCapacity)
        }
    }

    public static func setAway(_ agent: AgentID, workspaceID: WorkspaceID, away: Bool, now: Date, in sql: any SQLDatabase) async throws {
        try await sql.raw("""
            UPDATE agents SET away_at = \(bind: away ? now.millis : nil) WHERE workspace_id = \(bind: workspaceID.rawValue) AND id = \(bind: agent.rawValue)
            """).run()
    }

    public static func setCapacity(_ agent: AgentID, workspaceID: WorkspaceID, capacity: Int, in sql: any SQLDatabase) async throws -> Bool {
        guard (0...1000).contains(capacity) else {
            throw ShopdeskError.invalid(field: "capacity", "Capacity is the number of open conversations at once, from 0 to 1000.")
        }
        return try await sql.raw("""
            UPDATE agents SET capacity = \(bind: Int64(capacity)) WHERE id = \(bind: agent.rawValue) AND workspace_id = \(bind: workspaceID.rawValue)
            RETURNING id
            """).first() != nil
    }

    static func lastPicked(_ scope: Scope, in sql: any SQLDatabase) async throws -> AgentID? {
        try await sql.raw("SELECT agent_id FROM assignment_cursors WHERE scope = \(bind: scope.key)").first()?.id("agent_id")
    }

    static func setLastPicked(_ agent: AgentID, _ scope: Scope, in sql: any SQLDatabase) async throws {
        // workspace: a scope is an inbox or a team, whose ids are this workspace's (checked by the caller's read).
        try await sql.raw("DELETE FROM assignment_cursors WHERE scope = \(bind: scope.key)").run()
        try await sql.raw("INSERT INTO assignment_cursors (scope, agent_id) VALUES (\(bind: scope.key), \(bind: agent.rawValue))").run()
    }
}
