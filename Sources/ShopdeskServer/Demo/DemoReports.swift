import Foundation
import ShopdeskCore
import ShopdeskStore
import SQLKit

/// The demo's scoreboard: weekly goals, and each agent's working hours online over the last
/// three weeks (as the agent app's heartbeat would have recorded them), so the board, the
/// streaks and the online time have something to show.
enum DemoReports {
    static func install(workspaceID: WorkspaceID, agents: [AgentID], database: Database, now: Date) async throws {
        let goals = ReportSettings(goals: [.init(metric: .resolved, target: 15), .init(metric: .csat, target: 80),
                                           .init(metric: .firstResponseMinutes, target: 120), .init(metric: .onlineHours, target: 20)])
        let calendar = { () -> Calendar in
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "Europe/Zagreb") ?? .gmt
            return calendar
        }()
        try await database.write { sql in
            try await ReportSettingsRepository.save(goals, workspaceID: workspaceID, in: sql)
            for (index, agent) in agents.enumerated() {
                for daysAgo in 1...21 {
                    guard let day = calendar.date(byAdding: .day, value: -daysAgo, to: now),
                          !calendar.isDateInWeekend(day), (daysAgo + index) % 6 != 0,
                          let start = calendar.date(bySettingHour: 8 + index % 3, minute: 0, second: 0, of: day) else { continue }
                    // A morning online, a lunch away, an afternoon online.
                    for (status, from, hours) in [("online", 0.0, 4.0), ("away", 4.0, 0.75), ("online", 4.75, 3.5)] {
                        let begin = start.addingTimeInterval(from * 3_600), end = begin.addingTimeInterval(hours * 3_600)
                        try await sql.raw("""
                            INSERT INTO agent_sessions (workspace_id, agent_id, status, started_at, last_seen_at)
                            VALUES (\(bind: workspaceID.rawValue), \(bind: agent.rawValue), \(bind: status),
                                    \(bind: Int64(begin.timeIntervalSince1970 * 1000)), \(bind: Int64(end.timeIntervalSince1970 * 1000)))
                            """).run()
                    }
                }
            }
        }
    }
}
