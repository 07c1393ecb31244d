import Foundation
import ShopdeskCore
import ShopdeskMail
import ShopdeskStore
import ShopdeskTestSupport
import SQLKit
import Testing
@testable import ShopdeskServer

/// The team scoreboard over the hand-computed Zagreb week (`ReportsAPITests.week`): goals set by
/// an admin (and refused when they make no sense), each agent's progress, a streak the next week,
/// the customer's five-star comment as kudos; the TV link, which works without signing in until
/// it is turned off; and the Monday digest, sent once to the admins over SMTP.
@Suite("Reports: scoreboard, TV and digest", .serialized)
struct ScoreboardTests {
    @Test(arguments: TestDatabase.kinds)
    func goalsProgressStreaksKudosAndTheTV(kind: DatabaseKind) async throws {
        try await Harness.run(kind) { harness in
            let token = harness.ownerToken
            let (c1, _, _, luka) = try await ReportsAPITests.week(harness)
            // Luka takes the Monday conversation: resolved, five stars, "Hvala!".
            _ = try await harness.client.json(.patch, "/api/v1/conversations/\(c1)", token: token, body: "{\"assignee_id\":\(luka.id)}")

            for (body, field) in [(#"{"goals":[{"metric":"csat","target":90},{"metric":"csat","target":80}],"digest":true}"#, "goals"),
                                  (#"{"goals":[{"metric":"first_response_minutes","target":0}],"digest":true}"#, "goals")] {
                let refused = try await harness.client.json(.put, "/api/v1/reports/settings", token: token, body: body)
                #expect(refused.status == .unprocessableContent && refused.text.contains(field), "\(refused.text)")
            }
            let unknown = try await harness.client.json(.put, "/api/v1/reports/settings", token: token,
                                                        body: #"{"goals":[{"metric":"speed","target":1}],"digest":true}"#)
            #expect(unknown.status.code / 100 == 4 && unknown.text.contains("metric"), "\(unknown.status) \(unknown.text)")
            let agentTries = try await harness.client.json(.put, "/api/v1/reports/settings", token: luka.token, body: #"{"goals":[],"digest":false}"#)
            #expect(agentTries.status == .forbidden)
            let saved = try await harness.client.json(.put, "/api/v1/reports/settings", token: token,
                                                      body: #"{"goals":[{"metric":"resolved","target":1},{"metric":"csat","target":90}],"digest":true}"#)
            #expect(saved.status == .ok, "\(saved.text)")

            let board = try await harness.client.json(.get, "/api/v1/reports/scoreboard?week=2026-11-26", token: luka.token)
            let body = try #require(board.body as? [String: Any], "\(board.text)")
            #expect(body["week"] as? String == "2026-11-23" && body["week_end"] as? String == "2026-11-29")
            let agents = try #require(body["agents"] as? [[String: Any]])
            let lukaLine = try #require(agents.first { $0["agent_id"] as? Int == Int(luka.id) })
            #expect(lukaLine["goals_met"] as? Int == 2 && lukaLine["streak"] as? Int == 0, "\(lukaLine)")
            #expect(agents.first?["agent_id"] as? Int == Int(luka.id), "the one who met the goals comes first")
            let kudos = try #require(body["kudos"] as? [[String: Any]])
            #expect(kudos.first?["comment"] as? String == "Hvala!" && kudos.first?["agent_id"] as? Int == Int(luka.id))
            #expect(body["tv_link"] as? Bool == false, "an agent is not told about the TV link")

            // The next week: nothing resolved yet, but a streak of one week behind.
            let next = try await harness.client.json(.get, "/api/v1/reports/scoreboard?week=2026-11-30", token: token)
            let nextLuka = ((next.body as? [String: Any])?["agents"] as? [[String: Any]])?.first { $0["agent_id"] as? Int == Int(luka.id) }
            #expect(nextLuka?["streak"] as? Int == 1 && nextLuka?["goals_met"] as? Int == 0, "\(next.text)")

            // The TV link: made by an admin, works without signing in, in the TV's language, until turned off.
            #expect(try await harness.client.json(.post, "/api/v1/reports/scoreboard/tv", token: luka.token).status == .forbidden)
            let link = try await harness.client.json(.post, "/api/v1/reports/scoreboard/tv", token: token)
            #expect(link.status == .created, "\(link.text)")
            let path = try link.string("path")
            let tv = try await harness.client.json(.get, path, headers: ["Accept-Language": "hr-HR,hr;q=0.9,en;q=0.5"])
            #expect(tv.status == .ok && tv.text.contains("Ljestvica tima") && tv.text.contains("http-equiv=\"refresh\""), "\(tv.text.prefix(300))")
            #expect(tv.text.contains("Test agent") && tv.headers[.init("Referrer-Policy")!] == "no-referrer")
            #expect(try await harness.client.json(.get, "/tv/tv_guess").status == .notFound)
            // Another workspace's owner making and turning off their own link leaves this one as it is.
            let stranger = try await harness.stranger()
            #expect(try await harness.client.json(.post, "/api/v1/reports/scoreboard/tv", token: stranger.token).status == .created)
            #expect(try await harness.client.json(.delete, "/api/v1/reports/scoreboard/tv", token: stranger.token).status == .noContent)
            #expect(try await harness.client.json(.get, path).status == .ok, "still on after a stranger's")
            let boardAdmin = try await harness.client.json(.get, "/api/v1/reports/scoreboard", token: token)
            #expect((boardAdmin.body as? [String: Any])?["tv_link"] as? Bool == true)
            #expect(try await harness.client.json(.delete, "/api/v1/reports/scoreboard/tv", token: token).status == .noContent)
            #expect(try await harness.client.json(.get, path).status == .notFound)
        }
    }

    @Test func theMondayDigestGoesToAdminsOnce() async throws {
        guard let sink = try await SMTPSink.start() else { return }
        defer { sink.stop() }
        try await Harness.run(.sqlite, configure: Harness.localServers) { harness in
            _ = try await EmailSendingTests.sendingInbox(harness, sink)
            _ = try await ReportsAPITests.week(harness)
            let monday = ReportsAPITests.zagreb(30, 8, 5)
            let digest = WeeklyDigest(services: harness.services)
            try await digest.run(harness.workspaceID, now: monday)
            try await digest.run(harness.workspaceID, now: monday.addingTimeInterval(600))
            let received = try sink.messages()
            #expect(received.count == 1, "one admin, one digest for the week")
            let mail = ParsedEmail.parse(try #require(received.first))
            #expect(mail.subject?.contains("2026-11-23 – 2026-11-29") == true, "\(mail.subject ?? "")")
            let text = mail.text ?? ""
            // Three new conversations against one the week before; first response 30 min (median of 30 and 60 min).
            #expect(text.contains("New conversations: 3 (▲ 200 %)") && text.contains("First response (median): 30 min"), "\(text)")
            #expect(text.contains("Satisfaction: 100 % (1 answers)"), "\(text)")
            // The next one is queued for Monday 7 December, 08:00 in Zagreb.
            let next = try await harness.database.read { sql in
                try await sql.raw("SELECT run_at FROM jobs WHERE kind = 'reports.digest' AND status = 'queued'").all()
                    .map { try $0.decode(column: "run_at", as: Int64.self) }
            }
            #expect(next == [Int64(ReportsAPITests.zagreb(30, 8).addingTimeInterval(7 * 86_400).timeIntervalSince1970 * 1000)], "\(next)")
            // Turned off, nothing more goes out and nothing is queued again.
            _ = try await harness.client.json(.put, "/api/v1/reports/settings", token: harness.ownerToken, body: #"{"goals":[],"digest":false}"#)
            try await digest.run(harness.workspaceID, now: monday.addingTimeInterval(7 * 86_400))
            #expect(try sink.messages().count == 1)
        }
    }
}
