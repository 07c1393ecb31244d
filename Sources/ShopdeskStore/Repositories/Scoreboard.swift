import Foundation
import ShopdeskCore
import SQLKit

/// The team scoreboard of one week (Monday to Sunday in the workspace's time zone): each agent's
/// figures against the lead's weekly goals, how many weeks in a row before this one they met
/// every goal, and the customers' best survey comments of the week (kudos).
public enum Scoreboard {
    /// Weeks looked back for a streak.
    public static let streakWeeks = 12

    public struct AgentLine: Sendable, Equatable {
        public var agentID: AgentID
        public var name: String
        /// Metric → this week's value (nil: nothing to measure, such as CSAT without answers).
        public var values: [ReportSettings.GoalMetric: Double?]
        /// Weeks in a row before this one with every goal met.
        public var streak: Int
    }

    public struct Kudos: Sendable, Equatable {
        public var agentID: AgentID?
        public var conversationID: ConversationID
        public var kind: String
        public var score: Int
        public var comment: String
        public var answeredAt: Date
    }

    public struct Week: Sendable {
        public var monday: Int
        public var goals: [ReportSettings.Goal]
        public var agents: [AgentLine]
        public var kudos: [Kudos]
    }

    public static func week(workspaceID: WorkspaceID, monday: Int, clock: ReportClock, in sql: any SQLDatabase) async throws -> Week {
        let settings = try await ReportSettingsRepository.find(workspaceID: workspaceID, in: sql)
        let agents = try await AgentRepository.list(workspaceID: workspaceID, in: sql).filter { !$0.disabled && $0.role != .viewer }
        let current = try await values(workspaceID: workspaceID, monday: monday, clock: clock, in: sql)
        var streaks: [AgentID: Int] = [:]
        if !settings.goals.isEmpty {
            // Back week by week while anyone's streak still runs.
            var running = Set(agents.map(\.id))
            var week = monday
            for _ in 0..<streakWeeks where !running.isEmpty {
                week = ReportClock.adding(-7, to: week)
                let values = try await values(workspaceID: workspaceID, monday: week, clock: clock, in: sql)
                for agent in running {
                    if settings.goals.allSatisfy({ $0.met(values[agent]?[$0.metric] ?? nil) }) {
                        streaks[agent, default: 0] += 1
                    } else {
                        running.remove(agent)
                    }
                }
            }
        }
        let lines = agents.map { agent in
            AgentLine(agentID: agent.id, name: agent.name,
                      values: current[agent.id] ?? Dictionary(uniqueKeysWithValues: ReportSettings.GoalMetric.allCases.map { ($0, nil) }),
                      streak: streaks[agent.id] ?? 0)
        }
        return Week(monday: monday, goals: settings.goals, agents: lines,
                    kudos: try await kudos(workspaceID: workspaceID, from: clock.start(of: monday),
                                           to: clock.start(of: ReportClock.adding(7, to: monday)), in: sql))
    }

    /// Each agent's figures of the week starting `monday`: from the report days (or facts) and the online stretches.
    static func values(workspaceID: WorkspaceID, monday: Int, clock: ReportClock, in sql: any SQLDatabase) async throws
        -> [AgentID: [ReportSettings.GoalMetric: Double?]] {
        let end = ReportClock.adding(7, to: monday)
        let period = try await ReportQueries.period(workspaceID: workspaceID, from: monday, to: end, filter: ReportQueries.Filter(), in: sql)
        let time = try await AgentSessionRepository.time(workspaceID: workspaceID, from: clock.start(of: monday), to: clock.start(of: end), in: sql)
        var values: [AgentID: [ReportSettings.GoalMetric: Double?]] = [:]
        for id in Set(period.agents.keys.map(AgentID.init)).union(time.keys) {
            let line = period.agents[id.rawValue] ?? ReportQueries.AgentLine()
            values[id] = [
                .resolved: Double(line.resolved),
                .csat: line.csatAnswers == 0 ? nil : (Double(line.csatSatisfied) / Double(line.csatAnswers) * 1000).rounded() / 10,
                .firstResponseMinutes: line.firstResponses == 0 ? nil
                    : (Double(line.firstResponseSum) / Double(line.firstResponses) / 60 * 10).rounded() / 10,
                .onlineHours: ((Double(time[id]?.online ?? 0) / 3_600) * 10).rounded() / 10,
            ]
        }
        return values
    }

    /// The week's survey answers at the top of the scale with a comment, newest first.
    static func kudos(workspaceID: WorkspaceID, from: Date, to: Date, in sql: any SQLDatabase) async throws -> [Kudos] {
        try await sql.raw("""
            SELECT s.conversation_id, s.kind, s.score, s.comment, s.answered_at, c.assignee_id FROM surveys s
            JOIN conversations c ON c.id = s.conversation_id AND c.workspace_id = s.workspace_id
            WHERE s.workspace_id = \(bind: workspaceID.rawValue) AND s.answered_at >= \(bind: from.millis) AND s.answered_at < \(bind: to.millis)
              AND s.comment IS NOT NULL AND s.comment <> ''
              AND ((s.kind = 'nps' AND s.score >= 9) OR (s.kind <> 'nps' AND s.score >= 5))
            ORDER BY s.answered_at DESC LIMIT 10
            """).all().map { row in
                Kudos(agentID: try row.idOrNil("assignee_id"), conversationID: try row.id("conversation_id"), kind: try row.string("kind"),
                      score: try row.int("score"), comment: String(try row.string("comment").prefix(500)), answeredAt: try row.date("answered_at"))
            }
    }
}
