import Foundation
import ShopdeskCore
import ShopdeskStore
import ShopdeskTestSupport
import SQLKit
import Testing
@testable import ShopdeskServer

/// The reports over a week computed by hand, in a workspace in Zagreb: which day a late-evening
/// message belongs to, what counts as a response, filters (custom fields and the customer's VIP
/// and tags too), an agent's own scope, the previous period, the conversations behind a figure
/// and CSV.
@Suite("Reports API", .serialized)
struct ReportsAPITests {
    /// Local time in Zagreb (UTC+1 in November).
    static func zagreb(_ day: Int, _ hour: Int, _ minute: Int = 0) -> Date {
        Calendar(identifier: .gregorian).date(from: DateComponents(timeZone: TimeZone(identifier: "Europe/Zagreb"),
                                                                   year: 2026, month: 11, day: day, hour: hour, minute: minute))!
    }

    /// Sets the times of a conversation's messages (in the order they were written), its creation,
    /// and its status changes, as if they had happened then.
    static func setTimes(_ harness: Harness, conversation: Int64, messages: [Date], statusChanges: [Date] = []) async throws {
        try await harness.database.write { sql in
            let ids = try await sql.raw("SELECT id FROM messages WHERE conversation_id = \(bind: conversation) ORDER BY id").all().map { try $0.decode(column: "id", as: Int64.self) }
            #expect(ids.count == messages.count, "conversation \(conversation) has \(ids.count) messages")
            for (id, at) in zip(ids, messages) {
                try await sql.raw("UPDATE messages SET created_at = \(bind: Int64((at.timeIntervalSince1970 * 1000).rounded())) WHERE id = \(bind: id)").run()
            }
            try await sql.raw("UPDATE conversations SET created_at = \(bind: Int64((messages[0].timeIntervalSince1970 * 1000).rounded())) WHERE id = \(bind: conversation)").run()
            let changes = try await sql.raw("""
                SELECT id FROM events WHERE conversation_id = \(bind: conversation) AND kind = 'conversation.status_changed' ORDER BY id
                """).all().map { try $0.decode(column: "id", as: Int64.self) }
            #expect(changes.count == statusChanges.count)
            for (id, at) in zip(changes, statusChanges) {
                try await sql.raw("UPDATE events SET created_at = \(bind: Int64((at.timeIntervalSince1970 * 1000).rounded())) WHERE id = \(bind: id)").run()
            }
        }
    }

    /// The week of 23–29 November 2026 in Zagreb (and one conversation the week before), written
    /// through the API and then dated in the database: see `aWeekComputedByHand` for its figures.
    static func week(_ harness: Harness) async throws -> (c1: Int64, c2: Int64, c3: Int64, agent: (id: Int64, token: String)) {
        let token = harness.ownerToken
        let ws = harness.workspaceID.rawValue
        try await harness.database.write { try await $0.raw("UPDATE workspaces SET time_zone = 'Europe/Zagreb' WHERE id = \(bind: ws)").run() }
        let field = try await harness.client.json(.post, "/api/v1/custom-fields", token: token, body: #"""
            {"entity":"conversation","key":"reason","label":"Reason","kind":"dropdown","options":["Refund","Delivery"]}
            """#)
        #expect(field.status == .created, "\(field.text)")
        let agent = try await harness.agent(role: .agent, email: "luka@example.com")
        let post = { (id: Int64, body: String) in
            let answer = try await harness.client.json(.post, "/api/v1/conversations/\(id)/messages", token: token, body: body)
            #expect(answer.status == .created, "\(answer.text)")
        }

        // Monday 09:00: answered at 09:30, resolved at 10:00, a five-star survey. Refund.
        let c1 = try await harness.inbound(email: "ana@example.com", text: "Gdje je moja narudžba?").int("conversation_id")
        try await post(c1, #"{"text":"Stiže sutra."}"#)
        _ = try await harness.client.json(.patch, "/api/v1/conversations/\(c1)", token: token, body: #"{"status":"resolved"}"#)
        _ = try await harness.client.json(.patch, "/api/v1/conversations/\(c1)/fields", token: token, body: #"{"reason":"Refund"}"#)
        try await Self.setTimes(harness, conversation: c1, messages: [Self.zagreb(23, 9), Self.zagreb(23, 9, 30)],
                                statusChanges: [Self.zagreb(23, 10)])
        // Tuesday 23:30 (Wednesday in UTC? no: 22:30 UTC, still Tuesday there): a note, the
        // answer an hour later, then a second question answered two hours later. Luka's.
        let c2 = try await harness.inbound(email: "ivo@example.com", text: "Mogu li vratiti?").int("conversation_id")
        try await post(c2, #"{"text":"Provjeri adresu.","private":true}"#)
        try await post(c2, #"{"text":"Naravno."}"#)
        _ = try await harness.inbound(email: "ivo@example.com", text: "Kako?")
        try await post(c2, #"{"text":"Ovako."}"#)
        _ = try await harness.client.json(.patch, "/api/v1/conversations/\(c2)", token: token, body: "{\"assignee_id\":\(agent.id)}")
        try await Self.setTimes(harness, conversation: c2, messages: [Self.zagreb(24, 23, 30), Self.zagreb(24, 23, 35), Self.zagreb(25, 0, 30),
                                                                      Self.zagreb(25, 1), Self.zagreb(25, 3)])
        // Sunday 23:50, answered after midnight: created this week, first response next week.
        let c3 = try await harness.inbound(email: "eva@example.com", text: "Halo?").int("conversation_id")
        try await post(c3, #"{"text":"Tu smo."}"#)
        try await Self.setTimes(harness, conversation: c3, messages: [Self.zagreb(29, 23, 50), Self.zagreb(30, 0, 20)])
        // The week before: one conversation.
        let c4 = try await harness.inbound(email: "mia@example.com", text: "Pozdrav").int("conversation_id")
        try await Self.setTimes(harness, conversation: c4, messages: [Self.zagreb(18, 12)])
        try await harness.database.write { sql in
            try await sql.raw("""
                INSERT INTO surveys (workspace_id, conversation_id, kind, created_at, sent_at, answered_at, score, comment)
                VALUES (\(bind: ws), \(bind: c1), 'csat', \(bind: Int64((Self.zagreb(23, 10).timeIntervalSince1970 * 1000).rounded())), \(bind: Int64((Self.zagreb(23, 10, 5).timeIntervalSince1970 * 1000).rounded())),
                        \(bind: Int64((Self.zagreb(24, 8).timeIntervalSince1970 * 1000).rounded())), 5, 'Hvala!')
                """).run()
        }
        // The times were written behind the events' back: computed again from the rows.
        try await ReportFactsStore.rebuild(workspaceID: harness.workspaceID, now: Date(), in: harness.database)

        return (c1, c2, c3, agent)
    }

    @Test(arguments: TestDatabase.kinds)
    func aWeekComputedByHand(kind: DatabaseKind) async throws {
        try await Harness.run(kind) { harness in
            let token = harness.ownerToken
            let (c1, c2, c3, agent) = try await Self.week(harness)
            _ = (c2, c3)

            let week = try await harness.client.json(.get, "/api/v1/reports/overview?from=2026-11-23&to=2026-11-30", token: token)
            #expect(week.status == .ok, "\(week.text)")
            let body = try #require(week.body as? [String: Any])
            #expect(body["time_zone"] as? String == "Europe/Zagreb" && body["previous_from"] as? String == "2026-11-16")
            let current = try #require(body["current"] as? [String: Any]), previous = try #require(body["previous"] as? [String: Any])
            #expect(current["conversations"] as? Int == 3 && previous["conversations"] as? Int == 1)
            let days = (current["created_by_day"] as? [[String: Any]] ?? []).map { "\($0["day"]!)=\($0["count"]!)" }
            #expect(days == ["2026-11-23=1", "2026-11-24=1", "2026-11-25=0", "2026-11-26=0", "2026-11-27=0", "2026-11-28=0", "2026-11-29=1"])
            // The backlog at each day's end: the week before left one open (c4); c1 came and went on
            // Monday, c2 stayed open from Tuesday, c3 from Sunday.
            let backlog = (current["backlog"] as? [[String: Any]] ?? []).map { "\($0["open"]!)/\($0["pending"]!)/\($0["snoozed"]!)" }
            #expect(backlog == ["1/0/0", "2/0/0", "2/0/0", "2/0/0", "2/0/0", "2/0/0", "3/0/0"], "\(backlog)")
            let heatmap = try #require(current["heatmap"] as? [[Int]])
            #expect(heatmap[0][9] == 1 && heatmap[1][23] == 1 && heatmap[6][23] == 1 && heatmap.joined().reduce(0, +) == 3)
            // First responses in the week: 30 and 60 minutes (the note did not count; c3's falls next week).
            let first = try #require((current["first_response"] as? [String: Any])?["calendar"] as? [String: Any])
            #expect(first["count"] as? Int == 2 && first["median"] as? Int == 1_800 && first["p90"] as? Int == 3_600 && first["mean"] as? Double == 2_700)
            let next = try #require((current["next_response"] as? [String: Any])?["calendar"] as? [String: Any])
            #expect(next["count"] as? Int == 1 && next["median"] as? Int == 7_200)
            let resolution = try #require((current["resolution"] as? [String: Any])?["calendar"] as? [String: Any])
            #expect(resolution["count"] as? Int == 1 && resolution["median"] as? Int == 3_600)
            #expect(current["fcr"] as? Int == 1 && current["fcr_base"] as? Int == 1 && current["reopened"] as? Int == 0)
            #expect(current["responses"] as? Int == 4 && current["customer_messages"] as? Int == 4)
            let csat = try #require(current["csat"] as? [String: Any])
            #expect(csat["answers"] as? Double == 1 && csat["percent"] as? Double == 100 && csat["mean"] as? Double == 5)
            // The previous week keeps its topics (for the change per topic), not its other breakdowns.
            let before = (previous["breakdowns"] as? [String: Any]) ?? [:]
            #expect((before["intent"] as? [[String: Any]])?.compactMap { $0["count"] as? Int }.reduce(0, +) == 1 && before["channel"] == nil)
            let channels = (current["breakdowns"] as? [String: Any])?["channel"] as? [[String: Any]]
            #expect(channels?.count == 1 && channels?.first?["count"] as? Int == 3)

            // Filters: a custom field's value, an agent; a field that does not exist is the request's fault.
            let refunds = try await harness.client.json(.get, "/api/v1/reports/overview?from=2026-11-23&to=2026-11-30&custom.reason=Refund", token: token)
            #expect(((refunds.body as? [String: Any])?["current"] as? [String: Any])?["conversations"] as? Int == 1, "\(refunds.text)")
            // By the customer: VIP (Ana), a customer tag (Ivo's); the customers' labels are read as they are now.
            let ana = try await harness.client.json(.get, "/api/v1/conversations/\(c1)", token: token).int("customer_id")
            let ivo = try await harness.client.json(.get, "/api/v1/conversations/\(c2)", token: token).int("customer_id")
            _ = try await harness.client.json(.patch, "/api/v1/customers/\(ana)", token: token, body: #"{"vip":true}"#)
            _ = try await harness.client.json(.patch, "/api/v1/customers/\(ivo)", token: token, body: #"{"tags":["veleprodaja"]}"#)
            for (query, expected) in [("vip=true", 1), ("vip=false", 2), ("customer_tag=veleprodaja", 1), ("customer_tag=veleprodaja&vip=true", 0)] {
                let narrowed = try await harness.client.json(.get, "/api/v1/reports/overview?from=2026-11-23&to=2026-11-30&\(query)", token: token)
                #expect(((narrowed.body as? [String: Any])?["current"] as? [String: Any])?["conversations"] as? Int == expected, "\(query): \(narrowed.text)")
            }
            let tooMany = try await harness.client.json(.get, "/api/v1/reports/overview?channel=" + (1...101).map { "c\($0)" }.joined(separator: ","), token: token)
            #expect(tooMany.status == .badRequest && tooMany.detail.contains("100"), "\(tooMany.text)")
            #expect((previous["created_by_day"] as? [Any])?.isEmpty == true, "the previous period's days are not read")
            let unknown = try await harness.client.json(.get, "/api/v1/reports/overview?custom.colour=red", token: token)
            #expect(unknown.status == .badRequest)
            let badDay = try await harness.client.json(.get, "/api/v1/reports/overview?from=2026-02-30", token: token)
            #expect(badDay.status == .badRequest && badDay.detail.contains("2026-11-30"))
            // Luka sees his own conversations' figures only, whatever he asks for.
            let own = try await harness.client.json(.get, "/api/v1/reports/overview?from=2026-11-23&to=2026-11-30&agent=\(harness.owner.id.rawValue)",
                                                    token: agent.token)
            let ownBody = try #require(own.body as? [String: Any])
            #expect(ownBody["own_only"] as? Bool == true && (ownBody["current"] as? [String: Any])?["conversations"] as? Int == 1)

            // Another workspace's owner sees none of it, whatever they ask for.
            let stranger = try await harness.stranger()
            let theirs = try await harness.client.json(.get, "/api/v1/reports/overview?from=2026-11-23&to=2026-11-30&inbox=\(harness.inboxID)",
                                                       token: stranger.token)
            #expect(((theirs.body as? [String: Any])?["current"] as? [String: Any])?["conversations"] as? Int == 0, "\(theirs.text)")
            let theirList = try await harness.client.json(.get, "/api/v1/reports/conversations?metric=created&from=2026-11-23&to=2026-11-30",
                                                          token: stranger.token)
            #expect(theirList.status == .ok && theirList.items.isEmpty)

            // The conversations behind a figure, and as CSV.
            let behind = try await harness.client.json(.get, "/api/v1/reports/conversations?metric=fcr&from=2026-11-23&to=2026-11-30", token: token)
            #expect(behind.items.map { $0["id"] as? Int } == [Int(c1)])
            let created = try await harness.client.json(.get, "/api/v1/reports/conversations?metric=created&from=2026-11-23&to=2026-11-30", token: token)
            #expect(Set(created.items.compactMap { $0["id"] as? Int }) == [Int(c1), Int(c2), Int(c3)])
            let csv = try await harness.client.json(.get, "/api/v1/reports/overview?from=2026-11-23&to=2026-11-30&format=csv", token: token)
            #expect(csv.headers[.contentType]?.hasPrefix("text/csv") == true && csv.text.hasPrefix("\u{FEFF}figure,"))
            #expect(csv.text.contains("\r\nconversations,3,1\r\n") && csv.text.contains("\r\n2026-11-29,1,3,0,0\r\n"), "\(csv.text)")
        }
    }

    /// The facts kept by following events equal the facts computed from nothing, after a random
    /// mix of messages, notes, status changes and assignments, read in between at random.
    @Test(arguments: TestDatabase.kinds)
    func incrementalFactsEqualARebuild(kind: DatabaseKind) async throws {
        try await Harness.run(kind) { harness in
            let token = harness.ownerToken
            var generator = SeededGenerator(seed: kind == .sqlite ? 17 : 29)
            var conversations: [Int64] = []
            var emails: [String] = []
            for step in 0..<60 {
                switch Int.random(in: 0..<7, using: &generator) {
                case 0 where conversations.count < 8, _ where conversations.isEmpty:
                    emails.append("c\(step)@example.com")
                    conversations.append(try await harness.inbound(email: emails.last!, text: "Question \(step)").int("conversation_id"))
                case 1:
                    let id = conversations.randomElement(using: &generator)!
                    _ = try await harness.client.json(.post, "/api/v1/conversations/\(id)/messages", token: token, body: #"{"text":"Answer"}"#)
                case 2:
                    let id = conversations.randomElement(using: &generator)!
                    _ = try await harness.client.json(.post, "/api/v1/conversations/\(id)/messages", token: token, body: #"{"text":"Note","private":true}"#)
                case 3:
                    let id = conversations.randomElement(using: &generator)!
                    let status = ["resolved", "open", "pending"].randomElement(using: &generator)!
                    _ = try await harness.client.json(.patch, "/api/v1/conversations/\(id)", token: token, body: "{\"status\":\"\(status)\"}")
                case 4:
                    // The customer writes again (into their conversation, or a new one once it is resolved).
                    let email = emails.randomElement(using: &generator)!
                    let id = try await harness.inbound(email: email, text: "And another thing \(step)").int("conversation_id")
                    if !conversations.contains(id) { conversations.append(id); emails.append(email) }
                case 5:
                    let id = conversations.randomElement(using: &generator)!
                    _ = try await harness.client.json(.patch, "/api/v1/conversations/\(id)", token: token,
                                                      body: "{\"assignee_id\":\(Bool.random(using: &generator) ? String(harness.owner.id.rawValue) : "null")}")
                case 6 where Bool.random(using: &generator):
                    // A catch-up a minute and more later: the events so far have settled, and the
                    // cursor moves past them (later ones must still be seen).
                    _ = try await ReportFactsStore.catchUp(workspaceID: harness.workspaceID, now: Date().addingTimeInterval(120), budget: 5,
                                                           in: harness.database)
                default:
                    // A report read in between catches the facts up.
                    _ = try await harness.client.json(.get, "/api/v1/reports/overview", token: token)
                }
            }
            _ = try await harness.client.json(.get, "/api/v1/reports/overview", token: token)
            let incremental = try await Self.facts(harness)
            let stored = try await harness.database.read {
                try await $0.raw("SELECT COUNT(*) AS n FROM conversations WHERE workspace_id = \(bind: harness.workspaceID.rawValue)").first()?
                    .decode(column: "n", as: Int64.self)
            }
            #expect(incremental.filter { !$0.hasPrefix("wait") }.count == Int(stored ?? 0) && stored ?? 0 >= Int64(conversations.count))
            try await ReportFactsStore.rebuild(workspaceID: harness.workspaceID, now: Date(), in: harness.database)
            let rebuilt = try await Self.facts(harness)
            #expect(incremental == rebuilt)
        }
    }

    /// What a report request had no time for is finished by a job, which runs once per workspace at a time.
    @Test func aCatchUpJobComputesWhatARequestLeft() async throws {
        try await Harness.run(.sqlite) { harness in
            for index in 0..<3 { _ = try await harness.inbound(email: "c\(index)@example.com", text: "Question \(index)") }
            try await ReportsController.continueInBackground(harness.workspaceID, now: Date(), database: harness.database)
            try await ReportsController.continueInBackground(harness.workspaceID, now: Date(), database: harness.database)
            let queued = try await harness.database.read {
                try await $0.raw("SELECT COUNT(*) AS n FROM jobs WHERE kind = 'reports.catch_up' AND status = 'queued'").first()?.decode(column: "n", as: Int64.self)
            }
            #expect(queued == 1, "one job per workspace")
            _ = try await harness.runJobs()
            #expect(try await Self.facts(harness).count == 3)
            // Once the events have been read, reading the report again writes nothing.
            let stamp = { try await harness.database.read {
                try await $0.raw("SELECT updated_at FROM report_cursors").first()?.decode(column: "updated_at", as: Int64.self)
            } }
            let before = try await stamp()
            #expect(try await ReportFactsStore.catchUp(workspaceID: harness.workspaceID, now: Date().addingTimeInterval(5), budget: 5, in: harness.database))
            #expect(try await stamp() == before, "a catch-up with nothing new took a write")
            // A new message is read (and written) at the next catch-up.
            _ = try await harness.inbound(email: "c0@example.com", text: "One more")
            #expect(try await ReportFactsStore.catchUp(workspaceID: harness.workspaceID, now: Date().addingTimeInterval(10), budget: 5, in: harness.database))
            #expect(try await stamp() != before)
        }
    }

    /// Every fact row and wait of the workspace, as text, in conversation order.
    static func facts(_ harness: Harness) async throws -> [String] {
        let ws = harness.workspaceID.rawValue
        return try await harness.database.read { sql in
            let columns = ["conversation_id", "assignee_id", "created_day", "first_response", "responses", "customer_messages", "first_resolved_day",
                           "reopened", "one_touch", "fcr", "resolved_day", "resolution", "bot_answered"]
            var lines = try await sql.raw("SELECT * FROM report_facts WHERE workspace_id = \(bind: ws) ORDER BY conversation_id").all().map { row in
                try columns.map { try row.decode(column: $0, as: Int64?.self).map(String.init) ?? "-" }.joined(separator: " ")
            }
            lines += try await sql.raw("SELECT conversation_id, day, seconds FROM report_waits WHERE workspace_id = \(bind: ws) ORDER BY conversation_id, day, seconds")
                .all().map { "wait \(try $0.decode(column: "conversation_id", as: Int64.self)) \(try $0.decode(column: "day", as: Int64.self)) \(try $0.decode(column: "seconds", as: Int64.self))" }
            return lines
        }
    }
}
