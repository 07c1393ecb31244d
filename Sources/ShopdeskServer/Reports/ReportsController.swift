import Foundation
import Hummingbird
import ShopdeskCore
import ShopdeskStore

/// The reports of docs/REPORTS.md: a period's figures beside the previous period's, the
/// conversations behind a figure, each as JSON or CSV. Admins see the whole workspace; agents
/// and viewers see the conversations assigned to them.
struct ReportsController {
    let services: AppServices

    /// The filters a report takes, as query parameters (comma-separated lists; `tag`,
    /// `customer_tag` and `custom.<key>` one value per parameter, since they may hold commas;
    /// `vip` true or false).
    static let filterNames = ["channel", "inbox", "team", "agent", "intent", "language", "priority", "tag", "customer_tag", "vip"]

    func register(_ api: APIRegistrar) {
        let database = services.database
        let query = ["from", "to", "compare", "format"] + Self.filterNames
        api.on(.get, "/reports/overview",
               "A period's figures (volume, speed, quality, satisfaction, automation, agents) with the previous period's, in the workspace's days",
               tag: "reports", query: query) { request, context in
            let scope = try await scope(request, context)
            let fresh = try await ReportFactsStore.catchUp(workspaceID: context.workspaceID, now: Date(), budget: 2, in: database)
            let ws = context.workspaceID
            if !fresh { try await Self.continueInBackground(ws, now: Date(), database: database) }
            let compare = request.queryString("compare") != "false"
            let clock = ReportClock(timeZone: TimeZone(identifier: scope.timeZone) ?? .gmt)
            // The previous period is read beside this one (on another connection): a report under
            // a filter the days do not keep reads the facts of both.
            async let before = compare ? database.read { sql in
                (try await ReportQueries.period(workspaceID: ws, from: scope.previousFrom, to: scope.from, filter: scope.filter, detail: false, in: sql),
                 try await ReportRevenue.revenue(workspaceID: ws, from: scope.previousFrom, to: scope.from, filter: scope.filter, clock: clock,
                                                 detail: false, in: sql))
            } : nil
            let (current, macros, revenue, time) = try await database.read { sql in
                let current = try await ReportQueries.period(workspaceID: ws, from: scope.from, to: scope.to, filter: scope.filter, in: sql)
                // The macros' names, for the ones used in the period (a deleted macro keeps its id).
                let macros = current.breakdowns["macro"] == nil ? [] : try await MacroRepository.list(workspaceID: ws, in: sql)
                let revenue = try await ReportRevenue.revenue(workspaceID: ws, from: scope.from, to: scope.to, filter: scope.filter, clock: clock, in: sql)
                // Online time: the agents the report is about (one's own, or those filtered on), or everyone.
                var time = try await AgentSessionRepository.time(workspaceID: ws, from: clock.start(of: scope.from), to: clock.start(of: scope.to), in: sql)
                if !scope.filter.agentIDs.isEmpty { time = time.filter { scope.filter.agentIDs.contains($0.key.rawValue) } }
                return (current, macros, revenue, time)
            }
            let previous = try await before
            var report = OverviewDTO(scope: scope, fresh: fresh, current: current, previous: previous?.0)
            report.revenue = RevenueSummaryDTO(current: revenue, previous: previous?.1)
            report.addTime(time)
            report.macroNames = Dictionary(macros.map { (String($0.id), $0.definition.name) }) { first, _ in first }
            if request.queryString("format") == "csv" {
                return csv(report.csvRows(), name: "shopdesk-report-\(report.from)-\(report.to).csv")
            }
            return try report.response(from: request, context: context)
        }
        api.on(.get, "/reports/topics",
               "What customers ask about: each intent's volume, change and negative share with examples, and the rising intents, words and phrases",
               tag: "reports", query: query) { request, context in
            let scope = try await scope(request, context)
            let ws = context.workspaceID
            let fresh = try await ReportFactsStore.catchUp(workspaceID: ws, now: Date(), budget: 2, in: database)
            if !fresh { try await Self.continueInBackground(ws, now: Date(), database: database) }
            let topics = try await ReportTopics.topics(workspaceID: ws, from: scope.from, to: scope.to, previousFrom: scope.previousFrom,
                                                       filter: scope.filter, in: database)
            let conversations = try await database.read { sql in
                let found = try await ConversationRepository.findMany(workspaceID: ws, ids: topics.examples.values.flatMap { $0 }, in: sql)
                return Dictionary(found.map { ($0.id, $0) }) { first, _ in first }
            }
            let report = TopicsDTO(scope: scope, fresh: fresh, topics: topics, conversations: conversations)
            if request.queryString("format") == "csv" {
                return csv(report.csvRows(), name: "shopdesk-topics-\(report.from)-\(report.to).csv", numeric: [2, 3, 4, 5, 6])
            }
            return try report.response(from: request, context: context)
        }
        api.on(.get, "/reports/agents/{id}/status",
               "An agent's status history in a period: each stretch connected to the agent app, online or away (agents see their own)",
               tag: "reports", query: ["from", "to"]) { request, context in
            let agent: AgentID = try request.id(context: context, "Agent")
            let scope = try await scope(request, context)
            guard context.agent.role >= .admin || agent == context.agent.id else {
                throw Problem(.forbidden, "Only admins see other agents' status history.")
            }
            let clock = ReportClock(timeZone: TimeZone(identifier: scope.timeZone) ?? .gmt)
            let (from, to) = (clock.start(of: scope.from), clock.start(of: scope.to))
            let stretches = try await database.read { sql in
                try await AgentSessionRepository.stretches(workspaceID: context.workspaceID, agent: agent, from: from, to: to, in: sql)
            }
            let items = stretches.map { StatusStretchDTO(status: $0.status.rawValue, startedAt: $0.startedAt, endedAt: $0.lastSeenAt,
                                                         seconds: Int(max(0, min($0.lastSeenAt, to).timeIntervalSince(max($0.startedAt, from))).rounded())) }
            return try Page(items: items, nextCursor: nil).response(from: request, context: context)
        }
        api.on(.get, "/reports/conversations", "The conversations behind a figure of a report (at most 1,000, newest first)",
               tag: "reports", query: query + ["metric", "limit"]) { request, context in
            let scope = try await scope(request, context)
            guard let metric = ReportQueries.Metric(rawValue: request.queryString("metric") ?? "created") else {
                throw Problem(.badRequest, "metric is one of \(ReportQueries.Metric.allCases.map(\.rawValue).joined(separator: ", ")).", field: "metric")
            }
            let limit = try request.queryInt("limit", default: 200, range: 1...1_000)
            let ws = context.workspaceID
            if try await !ReportFactsStore.catchUp(workspaceID: ws, now: Date(), budget: 2, in: database) {
                try await Self.continueInBackground(ws, now: Date(), database: database)
            }
            let (conversations, contacts) = try await database.read { sql in
                let ids = try await ReportQueries.conversations(workspaceID: ws, metric: metric, from: scope.from, to: scope.to,
                                                                 filter: scope.filter, limit: limit, in: sql)
                let conversations = try await ConversationRepository.findMany(workspaceID: ws, ids: ids, in: sql)
                return (conversations, try await CustomerRepository.contacts(workspaceID: ws, ids: conversations.map(\.customerID), in: sql))
            }
            if request.queryString("format") == "csv" {
                let name = "shopdesk-\(metric.rawValue)-\(ReportClock.text(scope.from))-\(ReportClock.text(scope.to)).csv"
                return csv(conversationRows(conversations, contacts), name: name, numeric: [0])
            }
            let items: [ConversationDTO] = conversations.map { ConversationDTO($0, contact: contacts[$0.customerID]) }
            return try Page(items: items, nextCursor: nil).response(from: request, context: context)
        }
    }

    /// Leaves the rest of a catch-up to a job (one per workspace at a time).
    static func continueInBackground(_ workspaceID: WorkspaceID, now: Date, database: Database) async throws {
        _ = try await database.write { sql in
            try await JobQueue.enqueue(kind: JobKind.reportsCatchUp, payload: [:], workspaceID: workspaceID, runAt: now, maxAttempts: 3,
                                       dedupeKey: "reports-catch-up:\(workspaceID)", in: sql)
        }
    }

    /// The period, its previous one and the filters of a request, with an agent's scope applied.
    struct Scope: Sendable {
        var from: Int
        var to: Int
        var previousFrom: Int
        var timeZone: String
        var filter: ReportQueries.Filter
        /// The filter was narrowed to the agent's own conversations.
        var ownOnly: Bool
    }

    /// A report's period from `from` and `to` (days, 2026-11-30, in the workspace's time zone;
    /// [from, to)), the last `defaultDays` until today when left out; at most two years.
    static func period(_ request: Request, workspaceID: WorkspaceID, defaultDays: Int, database: Database)
        async throws -> (workspace: Workspace, clock: ReportClock, from: Int, to: Int) {
        let workspace = try await database.read { try await WorkspaceRepository.find(workspaceID, in: $0) }
        guard let workspace else { throw Problem(.notFound, "This workspace no longer exists.") }
        let clock = ReportClock(timeZone: TimeZone(identifier: workspace.timeZone) ?? .gmt)
        let day = { (name: String) throws -> Int? in
            guard let text = request.queryString(name) else { return nil }
            guard let day = ReportClock.day(text) else {
                throw Problem(.badRequest, "`\(name)` is a day written as 2026-11-30.", field: name)
            }
            return day
        }
        let to = try day("to") ?? ReportClock.adding(1, to: clock.day(Date()))
        let from = try day("from") ?? ReportClock.adding(-defaultDays, to: to)
        let length: Int = ReportClock.days(from: from, to: to).count
        guard from < to else { throw Problem(.badRequest, "`from` comes before `to` (the period is [from, to)).", field: "from") }
        guard length <= 731 else { throw Problem(.badRequest, "A report covers at most two years (731 days).", field: "from") }
        return (workspace, clock, from, to)
    }

    private func scope(_ request: Request, _ context: AuthenticatedContext) async throws -> Scope {
        let ws = context.workspaceID
        let (workspace, _, from, to) = try await Self.period(request, workspaceID: ws, defaultDays: 7, database: services.database)
        let length: Int = ReportClock.days(from: from, to: to).count

        // Each filter is an OR of its values, at most 100 of them (a longer list is a mistake, and
        // would exceed what one statement may bind).
        let pairs = FormURLEncoding.pairs(request.uri.query ?? "")
        for name in Set(pairs.map(\.name)) where Self.filterNames.contains(name) || name.hasPrefix("custom.") {
            let count = pairs.filter { $0.name == name }.reduce(0) { $0 + $1.value.split(separator: ",").count }
            guard count <= 100 else { throw Problem(.badRequest, "`\(name)` takes at most 100 values.", field: name) }
        }
        var filter = ReportQueries.Filter()
        let list = { (name: String) in request.queryFields(name).flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }.filter { !$0.isEmpty } }
        let ids = { (name: String) throws -> [Int64] in
            try list(name).map { text in
                guard let id = Int64(text), id > 0 else { throw Problem(.badRequest, "`\(name)` is a list of ids such as 1,2.", field: name) }
                return id
            }
        }
        filter.channels = list("channel")
        filter.inboxIDs = try ids("inbox")
        filter.teamIDs = try ids("team")
        filter.agentIDs = try ids("agent")
        filter.intents = list("intent")
        filter.languages = list("language")
        filter.priorities = try list("priority").map { text in
            guard let priority = Priority(rawValue: text) else { throw Problem(.badRequest, "priority is low, normal, high or urgent.", field: "priority") }
            return priority
        }
        filter.tags = request.queryFields("tag").filter { !$0.isEmpty }
        do {
            filter.customerTags = try request.queryFields("customer_tag").filter { !$0.isEmpty }.map { value throws(ShopdeskError) in try TagName.normalize(value) }
        } catch { throw Problem(.badRequest, error.message, field: "customer_tag") }
        switch request.queryString("vip") {
        case nil: break
        case "true": filter.customerVIP = true
        case "false": filter.customerVIP = false
        default: throw Problem(.badRequest, "vip is true or false.", field: "vip")
        }
        let customNames = Set(pairs.map(\.name).filter { $0.hasPrefix("custom.") })
        if !customNames.isEmpty {
            let defined = try await services.database.read { try await CustomFieldRepository.list(workspaceID: ws, entity: .conversation, in: $0) }
            for name in customNames.sorted() {
                let key = String(name.dropFirst("custom.".count))
                guard let field = defined.first(where: { $0.key == key }) else {
                    throw Problem(.badRequest, "There is no conversation field \"\(key.prefix(40))\".", field: name)
                }
                var values: [String] = []
                for value in request.queryFields(name) {
                    do { values.append(try field.normalized(value)) } catch { throw Problem(.badRequest, error.message, field: name) }
                }
                filter.fields.append((field.id, values))
            }
        }
        // Agents (and viewers) see their own conversations' figures; admins everyone's.
        let ownOnly = context.agent.role < .admin
        if ownOnly { filter.agentIDs = [context.agent.id.rawValue] }
        return Scope(from: from, to: to, previousFrom: ReportClock.adding(-length, to: from), timeZone: workspace.timeZone,
                     filter: filter, ownOnly: ownOnly)
    }

    private func conversationRows(_ conversations: [Conversation], _ contacts: [CustomerID: CustomerContact]) -> [[String]] {
        var rows = [["number", "subject", "status", "customer", "created_at", "resolved_at"]]
        for item in conversations {
            let contact = contacts[item.customerID]
            let who: String = contact?.name ?? contact?.email ?? contact?.phone ?? ""
            rows.append([String(item.number), item.subject ?? "", item.state.status.rawValue, who,
                         Timestamps.iso8601(item.createdAt), item.resolvedAt.map(Timestamps.iso8601) ?? ""])
        }
        return rows
    }

    private func csv(_ rows: [[String]], name: String, numeric: Set<Int> = [1, 2]) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/csv; charset=utf-8"
        headers[.contentDisposition] = "attachment; filename=\"\(name)\""
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: CSVTable.write(rows, numericColumns: numeric))))
    }
}

/// One stretch of an agent's status history; `seconds` is the part inside the period asked for.
struct StatusStretchDTO: Encodable {
    var status: String
    var startedAt: Date
    var endedAt: Date
    var seconds: Int
}
