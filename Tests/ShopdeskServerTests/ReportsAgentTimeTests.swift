import Foundation
import ShopdeskCore
import ShopdeskStore
import ShopdeskTestSupport
import SQLKit
import Testing
@testable import ShopdeskServer

/// Agents' online time and status history: heartbeats 30 s apart make one stretch, a gap starts
/// another, the away switch ends one and starts the other at the moment it is pressed; the
/// report counts the parts inside the period (days of the workspace's calendar) and an agent
/// sees only their own history.
@Suite("Reports: agents' online time")
struct ReportsAgentTimeTests {
    @Test(arguments: TestDatabase.kinds)
    func heartbeatsMakeStretchesAndTheReportCountsThem(kind: DatabaseKind) async throws {
        try await Harness.run(kind) { harness in
            let ws = harness.workspaceID
            try await harness.database.write { try await $0.raw("UPDATE workspaces SET time_zone = 'Europe/Zagreb' WHERE id = \(bind: ws.rawValue)").run() }
            let luka = try await harness.agent(role: .agent, email: "luka@example.com")
            let lukaID = AgentID(luka.id)
            // Tuesday 24 November, 08:00–09:00 in Zagreb online (beats every 30 s), a 20-minute
            // break (no beats), then 09:20–09:40 online and 09:40–10:00 away.
            let start = ReportsAPITests.zagreb(24, 8)
            try await harness.database.write { sql in
                for beat in stride(from: 0, through: 3_600, by: 30) {
                    try await AgentSessionRepository.beat(lukaID, workspaceID: ws, at: start.addingTimeInterval(TimeInterval(beat)), in: sql)
                }
                for beat in stride(from: 4_800, through: 6_000, by: 30) {
                    try await AgentSessionRepository.beat(lukaID, workspaceID: ws, at: start.addingTimeInterval(TimeInterval(beat)), in: sql)
                }
                try await AssignmentRepository.setAway(lukaID, workspaceID: ws, away: true, now: start.addingTimeInterval(6_000), in: sql)
                try await AgentSessionRepository.extend(lukaID, workspaceID: ws, status: .away, at: start.addingTimeInterval(6_000), in: sql)
                for beat in stride(from: 6_030, through: 7_200, by: 30) {
                    try await AgentSessionRepository.beat(lukaID, workspaceID: ws, at: start.addingTimeInterval(TimeInterval(beat)), in: sql)
                }
            }
            let history = try await harness.client.json(.get, "/api/v1/reports/agents/\(luka.id)/status?from=2026-11-24&to=2026-11-25",
                                                        token: harness.ownerToken)
            #expect(history.items.map { "\($0["status"]!) \($0["seconds"]!)" } == ["online 3600", "online 1200", "away 1200"], "\(history.text)")

            let week = try await harness.client.json(.get, "/api/v1/reports/overview?from=2026-11-23&to=2026-11-30", token: harness.ownerToken)
            let agents = (((week.body as? [String: Any])?["current"] as? [String: Any])?["agents"] as? [[String: Any]]) ?? []
            let line = try #require(agents.first { $0["agent_id"] as? Int == Int(luka.id) }, "\(week.text)")
            #expect(line["online_seconds"] as? Int == 4_800 && line["away_seconds"] as? Int == 1_200)
            // The day before has none of it; Luka may read his own history, not the owner's.
            let monday = try await harness.client.json(.get, "/api/v1/reports/overview?from=2026-11-23&to=2026-11-24", token: harness.ownerToken)
            #expect(!monday.text.contains("\"online_seconds\":4800"))
            let own = try await harness.client.json(.get, "/api/v1/reports/agents/\(luka.id)/status?from=2026-11-24&to=2026-11-25", token: luka.token)
            #expect(own.status == .ok && own.items.count == 3)
            let other = try await harness.client.json(.get, "/api/v1/reports/agents/\(harness.owner.id.rawValue)/status", token: luka.token)
            #expect(other.status == .forbidden)
            // The away switch through the API starts an away stretch at once.
            let back = try await harness.client.json(.put, "/api/v1/auth/me/availability", token: luka.token, body: #"{"away":false}"#)
            #expect(back.status == .noContent)
            let now = try await harness.database.read { sql in
                try await AgentSessionRepository.stretches(workspaceID: ws, agent: lukaID, from: Date().addingTimeInterval(-60),
                                                           to: Date().addingTimeInterval(60), in: sql)
            }
            #expect(now.map(\.status) == [.online])
        }
    }
}
