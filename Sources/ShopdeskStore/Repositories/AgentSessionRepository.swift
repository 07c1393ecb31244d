import Foundation
import ShopdeskCore
import SQLKit

/// When agents were connected, online or away: one row per unbroken stretch (`agent_sessions`),
/// extended by each heartbeat of the agent app's realtime socket and started anew after a gap or
/// when the agent switches between online and away. The reports read each agent's online time
/// and status history from it.
public enum AgentSessionRepository {
    /// A heartbeat later than this after the last one starts a new stretch (the app beats every
    /// 30 s; a missed beat or two is a slow network, not a break).
    public static let gap: TimeInterval = 90

    public enum Status: String, Sendable, Codable { case online, away }

    public struct Stretch: Sendable, Equatable {
        public var agentID: AgentID
        public var status: Status
        public var startedAt: Date
        public var lastSeenAt: Date
    }

    /// Records that the agent is connected now, in the status their away switch says.
    public static func beat(_ agent: AgentID, workspaceID: WorkspaceID, at now: Date, in sql: any SQLDatabase) async throws {
        guard let row = try await sql.raw("""
            SELECT away_at FROM agents WHERE workspace_id = \(bind: workspaceID.rawValue) AND id = \(bind: agent.rawValue)
            """).first() else { return }
        let status: Status = try row.int64OrNil("away_at") == nil ? .online : .away
        try await extend(agent, workspaceID: workspaceID, status: status, at: now, in: sql)
    }

    /// Extends the agent's latest stretch when it is recent and in this status; starts one otherwise.
    public static func extend(_ agent: AgentID, workspaceID: WorkspaceID, status: Status, at now: Date, in sql: any SQLDatabase) async throws {
        let latest = try await sql.raw("""
            SELECT id, status, last_seen_at FROM agent_sessions
            WHERE workspace_id = \(bind: workspaceID.rawValue) AND agent_id = \(bind: agent.rawValue)
            ORDER BY last_seen_at DESC LIMIT 1
            """).first()
        if let latest, try latest.string("status") == status.rawValue,
           try latest.int64("last_seen_at") >= now.addingTimeInterval(-gap).millis {
            try await sql.raw("""
                UPDATE agent_sessions SET last_seen_at = \(bind: max(now.millis, try latest.int64("last_seen_at")))
                WHERE workspace_id = \(bind: workspaceID.rawValue) AND id = \(bind: try latest.int64("id"))
                """).run()
            return
        }
        // A switch while connected ends the previous stretch now, so the two meet.
        if let latest, try latest.string("status") != status.rawValue,
           try latest.int64("last_seen_at") >= now.addingTimeInterval(-gap).millis {
            try await sql.raw("""
                UPDATE agent_sessions SET last_seen_at = \(bind: now.millis)
                WHERE workspace_id = \(bind: workspaceID.rawValue) AND id = \(bind: try latest.int64("id"))
                """).run()
        }
        try await sql.raw("""
            INSERT INTO agent_sessions (workspace_id, agent_id, status, started_at, last_seen_at)
            VALUES (\(bind: workspaceID.rawValue), \(bind: agent.rawValue), \(bind: status.rawValue), \(bind: now.millis), \(bind: now.millis))
            """).run()
    }

    /// The stretches that overlap `[from, to)`, oldest first (of one agent, or of all).
    public static func stretches(workspaceID: WorkspaceID, agent: AgentID?, from: Date, to: Date, in sql: any SQLDatabase) async throws -> [Stretch] {
        let only: SQLQueryString = agent.map { " AND agent_id = \(bind: $0.rawValue)" } ?? ""
        return try await sql.raw("""
            SELECT agent_id, status, started_at, last_seen_at FROM agent_sessions
            WHERE workspace_id = \(bind: workspaceID.rawValue) AND last_seen_at >= \(bind: from.millis) AND started_at < \(bind: to.millis)\(only)
            ORDER BY started_at
            """).all().map { row in
                Stretch(agentID: try row.id("agent_id"), status: Status(rawValue: try row.string("status")) ?? .online,
                        startedAt: try row.date("started_at"), lastSeenAt: try row.date("last_seen_at"))
            }
    }

    /// Seconds online and away per agent within `[from, to)`.
    public static func time(workspaceID: WorkspaceID, from: Date, to: Date, in sql: any SQLDatabase) async throws
        -> [AgentID: (online: Int, away: Int)] {
        var time: [AgentID: (online: Int, away: Int)] = [:]
        for stretch in try await stretches(workspaceID: workspaceID, agent: nil, from: from, to: to, in: sql) {
            let seconds = Int(max(0, min(stretch.lastSeenAt, to).timeIntervalSince(max(stretch.startedAt, from))).rounded())
            var line = time[stretch.agentID] ?? (0, 0)
            if stretch.status == .online { line.online += seconds } else { line.away += seconds }
            time[stretch.agentID] = line
        }
        return time
    }
}
