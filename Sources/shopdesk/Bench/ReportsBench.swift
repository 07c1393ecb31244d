import ArgumentParser
import Foundation
import ShopdeskCore
import ShopdeskServer
import ShopdeskStore
import SQLKit

extension Bench {
    /// `shopdesk bench reports`: a workspace with a million conversations and five million
    /// messages over two years, written straight into the tables; then the time to compute every
    /// conversation's report facts, and the latency and CPU of each report period as the
    /// overview endpoint reads it (this period and the previous one).
    struct Reports: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reports", abstract: "Load a large workspace and time the reports' facts and each report period.")

        @Option(help: "Database (default: a new SQLite file in a temporary directory).") var database: String?
        @Option(help: "Conversations to load.") var conversations = 1_000_000
        @Option(help: "Messages per conversation (customer and agent in turn).") var messages = 5
        @Option(help: "Days the conversations are spread over, ending today.") var days = 730
        @Option(name: .customLong("repeat"), help: "Times each report is read.") var repetitions = 20
        @Flag(help: "Time the reports of the workspace an earlier run loaded into --database (its facts kept), instead of loading one.")
        var reuse = false

        func run() async throws {
            let directory = try BenchScratch.directory()
            defer { try? FileManager.default.removeItem(at: directory) }
            let url = database ?? BenchScratch.sqliteURL(in: directory)
            let (conversations, messages, days, repetitions, reuse) = (conversations, messages, days, repetitions, reuse)
            try await Database.with(url: url, logger: BenchScratch.logger) { database in
                try await Migrator.migrate(database)
                if reuse {
                    guard let row = try await database.read({ try await $0.raw("SELECT MAX(workspace_id) AS ws FROM report_facts").first() }),
                          let id = try row.decode(column: "ws", as: Int64?.self) else { throw ValidationError("--reuse: \(url) has no loaded workspace") }
                    try await Self.time(workspace: WorkspaceID(id), database: database, repetitions: repetitions)
                    return
                }
                let workspace = try await ReportsBenchData.load(database: database, conversations: conversations, messagesEach: messages, days: days)
                var started = Date(), cpu = ProcessCPU.seconds()
                try await ReportFactsStore.rebuild(workspaceID: workspace, now: Date(), in: database)
                let rebuild = Date().timeIntervalSince(started), rebuildCPU = ProcessCPU.seconds() - cpu
                BenchReport.say(String(format: "Report facts and days of %d conversations computed in %.1f s (%.0f per second, %.1f s CPU).",
                                       conversations, rebuild, Double(conversations) / rebuild, rebuildCPU))
                // The days alone: every one marked and added up again from the facts.
                try await database.write { sql in
                    try await sql.raw("""
                        INSERT INTO report_dirty_days (workspace_id, day) SELECT DISTINCT workspace_id, created_day FROM report_facts
                        WHERE workspace_id = \(bind: workspace.rawValue)
                        """).run()
                }
                (started, cpu) = (Date(), ProcessCPU.seconds())
                _ = try await ReportFactsStore.catchUp(workspaceID: workspace, now: Date(), budget: 3_600, in: database)
                BenchReport.say(String(format: "Every day added up again in %.1f s (%.1f s CPU).", Date().timeIntervalSince(started),
                                       ProcessCPU.seconds() - cpu))
                try await Self.time(workspace: workspace, database: database, repetitions: repetitions)
            }
        }

        /// Each report page, as its endpoint reads it, `repetitions` times: p50, p95 and CPU.
        static func time(workspace: WorkspaceID, database: Database, repetitions: Int) async throws {
                var started = Date(), cpu = ProcessCPU.seconds()
                let today = Int(ReportClock(timeZone: .gmt).day(Date()))
                let tomorrow = ReportClock.adding(1, to: today)
                let periods: [(String, Int, ReportQueries.Filter)] = [
                    ("last 7 days", ReportClock.adding(-7, to: tomorrow), .init()),
                    ("last 30 days", ReportClock.adding(-30, to: tomorrow), .init()),
                    ("last 90 days", ReportClock.adding(-90, to: tomorrow), .init()),
                    ("last 365 days", ReportClock.adding(-365, to: tomorrow), .init()),
                    ("last 30 days, chat only", ReportClock.adding(-30, to: tomorrow), { var filter = ReportQueries.Filter(); filter.channels = ["chat"]; return filter }()),
                    ("last 365 days, chat only", ReportClock.adding(-365, to: tomorrow), { var filter = ReportQueries.Filter(); filter.channels = ["chat"]; return filter }()),
                    // Two dimensions: not a slice the days keep, so read from the facts.
                    ("last 30 days, chat in hr", ReportClock.adding(-30, to: tomorrow),
                     { var filter = ReportQueries.Filter(); filter.channels = ["chat"]; filter.languages = ["hr"]; return filter }()),
                ]
                let clock = ReportClock(timeZone: TimeZone(identifier: "Europe/Zagreb") ?? .gmt)
                // Each page as its endpoint reads it: the overview (both periods, revenue, online
                // time), the topics (intents and rising words against the previous period), the scoreboard.
                let pages: [(String, @Sendable (Int, ReportQueries.Filter) async throws -> Void)] = [
                    ("overview", { from, filter in
                        // As the endpoint does: the previous period beside this one.
                        let length = ReportClock.days(from: from, to: tomorrow).count
                        async let previous = database.read { sql in
                            let previous = try await ReportQueries.period(workspaceID: workspace, from: ReportClock.adding(-length, to: from), to: from,
                                                                          filter: filter, detail: false, in: sql)
                            _ = try await ReportRevenue.revenue(workspaceID: workspace, from: ReportClock.adding(-length, to: from), to: from, filter: filter,
                                                                clock: clock, detail: false, in: sql)
                            return previous.conversations
                        }
                        _ = try await database.read { sql in
                            let current = try await ReportQueries.period(workspaceID: workspace, from: from, to: tomorrow, filter: filter, in: sql)
                            _ = try await ReportRevenue.revenue(workspaceID: workspace, from: from, to: tomorrow, filter: filter, clock: clock, in: sql)
                            _ = try await AgentSessionRepository.time(workspaceID: workspace, from: clock.start(of: from), to: clock.start(of: tomorrow), in: sql)
                            return current.conversations
                        }
                        _ = try await previous
                    }),
                    ("topics", { from, filter in
                        let length = ReportClock.days(from: from, to: tomorrow).count
                        _ = try await ReportTopics.topics(workspaceID: workspace, from: from, to: tomorrow, previousFrom: ReportClock.adding(-length, to: from),
                                                          filter: filter, in: database)
                    }),
                ]
                Console.out("page      period                      p50 ms   p95 ms   CPU ms/report")
                for (page, read) in pages {
                    for (name, from, filter) in periods {
                        var timings: [Double] = []
                        cpu = ProcessCPU.seconds()
                        for _ in 0..<repetitions {
                            started = Date()
                            _ = try await ReportFactsStore.catchUp(workspaceID: workspace, now: Date(), budget: 2, in: database)
                            try await read(from, filter)
                            timings.append(Date().timeIntervalSince(started) * 1000)
                        }
                        let perReport = (ProcessCPU.seconds() - cpu) * 1000 / Double(repetitions)
                        timings.sort()
                        let p50 = timings[timings.count / 2], p95 = timings[min(timings.count - 1, Int(Double(timings.count) * 0.95))]
                        Console.out(page.padding(toLength: 10, withPad: " ", startingAt: 0) + name.padding(toLength: 26, withPad: " ", startingAt: 0)
                            + String(format: "%7.1f  %7.1f  %10.1f", p50, p95, perReport))
                    }
                }
                var timings: [Double] = []
                cpu = ProcessCPU.seconds()
                for _ in 0..<repetitions {
                    started = Date()
                    _ = try await database.read { sql in
                        try await Scoreboard.week(workspaceID: workspace, monday: clock.monday(of: today), clock: clock, in: sql)
                    }
                    timings.append(Date().timeIntervalSince(started) * 1000)
                }
                timings.sort()
                Console.out(String(format: "scoreboard (this week, 12 weeks of streaks)  %7.1f  %7.1f  %10.1f", timings[timings.count / 2],
                                   timings[min(timings.count - 1, Int(Double(timings.count) * 0.95))],
                                   (ProcessCPU.seconds() - cpu) * 1000 / Double(repetitions)))
        }
    }
}

/// CPU time this process has used (user + system), in seconds.
enum ProcessCPU {
    static func seconds() -> Double {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1_000_000
    }
}

/// Rows written straight into the tables, as the write path would have left them: customers,
/// conversations over `days`, messages alternating customer and agent, resolutions as events.
enum ReportsBenchData {
    static func load(database: Database, conversations: Int, messagesEach: Int, days: Int) async throws -> WorkspaceID {
        let suffix = UUID().uuidString.prefix(8).lowercased()
        let (agent, _) = try await Provisioning.createOwner(database: database, workspace: "Reports \(suffix)", timeZone: "Europe/Zagreb",
                                                          email: "reports-\(suffix)@bench.test", name: "Bench", passwordHash: "unused")
        let ws = agent.workspaceID
        var inboxIDs: [Int64] = []
        for (kind, name) in [(InboxKind.email, "Email"), (.chat, "Chat"), (.api, "Shop")] {
            inboxIDs.append(try await database.write {
                try await InboxRepository.create(workspaceID: ws, kind: kind, name: name, webhookURL: nil, secret: Secrets.token(prefix: "sdi_"),
                                                 now: Date(), in: $0)
            }.id.rawValue)
        }
        let inboxes = inboxIDs
        let now = Timestamps.millis(Date())
        let span = Int64(days) * 86_400_000
        let customers = max(1, conversations / 4)
        let intents = ["order_status", "return_request", "refund_request", "address_change", "product_question", "cancel_order", nil]
        let languages = ["en", "pt", "ru", "hr"]
        // What customers write first, in the four languages (the topics' words and phrases).
        let questions = [
            "Where is my order? It has not arrived yet", "The parcel arrived damaged, the box was crushed", "I want to return the shoes, wrong size",
            "Can I change the delivery address?", "Please cancel my order before it ships", "When will the refund reach my card?",
            "Onde está o meu pedido? Ainda não chegou", "O pacote chegou danificado", "Quero trocar o tamanho do tênis",
            "Где мой заказ? Посылка ещё не пришла", "Посылка пришла повреждённой", "Хочу вернуть товар, не подошёл размер",
            "Gdje je moja narudžba? Paket još nije stigao", "Paket je stigao oštećen", "Želim vratiti cipele, pogrešna veličina",
            "Is the blue jacket back in stock?", "Do you have a discount code for the newsletter?", "Tem cupom de desconto?",
        ]
        let started = Date()
        BenchReport.say("Loading \(customers) customers, \(conversations) conversations, \(conversations * messagesEach) messages…")
        var firstCustomer: Int64 = .max
        for start in stride(from: 0, to: customers, by: 20_000) {
            let first = try await database.write { sql -> Int64 in
                var first: Int64 = .max
                for chunk in stride(from: start, to: min(start + 20_000, customers), by: 500) {
                    let rows = (chunk..<min(chunk + 500, customers)).map { n -> SQLQueryString in
                        "(\(bind: ws.rawValue), \(bind: "Customer \(n)"), \(bind: "c\(n)@bench.test"), \(bind: now), \(bind: now))"
                    }
                    let ids = try await sql.raw("""
                        INSERT INTO customers (workspace_id, name, email, created_at, updated_at) VALUES \(rows.joined(separator: ", ")) RETURNING id
                        """).all().map { try $0.decode(column: "id", as: Int64.self) }
                    first = min(first, ids.min() ?? .max)
                }
                return first
            }
            firstCustomer = min(firstCustomer, first)
        }
        let firstCustomerID = firstCustomer
        let ownerID = agent.id.rawValue
        for start in stride(from: 0, to: conversations, by: 10_000) {
            try await database.write { sql in
                var random = SeededGenerator(seed: UInt64(start) + 11)
                for chunk in stride(from: start, to: min(start + 10_000, conversations), by: 250) {
                    var conversationRows: [SQLQueryString] = []
                    var plans: [(created: Int64, times: [Int64], resolvedAt: Int64?)] = []
                    for n in chunk..<min(chunk + 250, conversations) {
                        // Spread evenly over the days, within the hour.
                        let created = now - span + Int64(n) * span / Int64(conversations) + Int64(random.next() % 3_600_000)
                        var times: [Int64] = [created]
                        for index in 1..<max(1, messagesEach) {
                            let gap: Int64 = index % 2 == 1 ? Int64(60_000 + random.next() % 14_400_000) : Int64(600_000 + random.next() % 86_400_000)
                            times.append(times[index - 1] + gap)
                        }
                        // Open conversations are the recent ones (four in ten of the last ten days, three in a thousand before).
                        let recent = created > now - 10 * 86_400_000
                        let open = recent ? random.next() % 10 < 4 : random.next() % 1_000 < 3
                        let resolved: Int64? = open ? nil : times.last! + Int64(60_000 + random.next() % 3_600_000)
                        plans.append((created, times, resolved))
                        let inbox = inboxes[Int(random.next() % UInt64(inboxes.count))]
                        let customer = firstCustomerID + Int64(random.next() % UInt64(customers))
                        let status = resolved == nil ? "open" : "resolved"
                        conversationRows.append("""
                            (\(bind: ws.rawValue), \(bind: Int64(n + 1)), \(bind: inbox), \(bind: customer), \(bind: "Question \(n)"), \(bind: status),
                             1, \(bind: random.next() % 3 == 0 ? ownerID : nil), \(bind: languages[Int(random.next() % 4)]),
                             \(bind: intents[Int(random.next() % UInt64(intents.count))]), \(bind: times.last!), \(bind: times.count),
                             \(bind: random.next() % 5 == 0 ? "negative" : "neutral"),
                             \(bind: times.count > 1 ? times[1] : nil), \(bind: resolved), \(bind: created), \(bind: resolved ?? times.last!))
                            """)
                    }
                    let ids = try await sql.raw("""
                        INSERT INTO conversations (workspace_id, number, inbox_id, customer_id, subject, status, priority, assignee_id, language,
                          intent, last_message_at, message_count, sentiment, first_response_at, resolved_at, created_at, updated_at)
                        VALUES \(conversationRows.joined(separator: ", ")) RETURNING id, inbox_id, customer_id
                        """).all()
                    var messageRows: [SQLQueryString] = [], eventRows: [SQLQueryString] = []
                    for (row, plan) in zip(ids, plans) {
                        let id = try row.decode(column: "id", as: Int64.self), inbox = try row.decode(column: "inbox_id", as: Int64.self)
                        let question = questions[Int(id % Int64(questions.count))]
                        let customer = try row.decode(column: "customer_id", as: Int64.self)
                        for (index, at) in plan.times.enumerated() {
                            let inbound = index % 2 == 0
                            messageRows.append("""
                                (\(bind: ws.rawValue), \(bind: id), \(bind: inbox), \(bind: inbound ? "inbound" : "outbound"),
                                 \(bind: inbound ? nil : ownerID), \(bind: inbound ? customer : nil), \(bind: inbound ? question : "On its way."), \(bind: at))
                                """)
                        }
                        if let resolved = plan.resolvedAt {
                            eventRows.append("""
                                (\(bind: ws.rawValue), \(bind: id), 'conversation.status_changed', 'agent', \(bind: ownerID),
                                 '{"from":"open","to":"resolved"}', \(bind: resolved))
                                """)
                        }
                    }
                    for part in stride(from: 0, to: messageRows.count, by: 500) {
                        try await sql.raw("""
                            INSERT INTO messages (workspace_id, conversation_id, inbox_id, direction, author_agent_id, author_customer_id, text, created_at)
                            VALUES \(messageRows[part..<min(part + 500, messageRows.count)].joined(separator: ", "))
                            """).run()
                    }
                    if !eventRows.isEmpty {
                        try await sql.raw("""
                            INSERT INTO events (workspace_id, conversation_id, kind, actor_kind, actor_id, payload, created_at)
                            VALUES \(eventRows.joined(separator: ", "))
                            """).run()
                    }
                }
            }
            if (start + 10_000) % 100_000 == 0 {
                BenchReport.say("  \(start + 10_000) conversations (\(Int(Double(start + 10_000) / Date().timeIntervalSince(started))) per second)")
            }
        }
        return ws
    }
}
