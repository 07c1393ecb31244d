import Foundation
import Hummingbird
import ShopdeskCore
import ShopdeskStore

/// The team scoreboard: a week's goals (set by admins), each agent's progress and streak, and
/// the customers' kudos; its TV link (opt-in, a secret URL an admin creates and can turn off);
/// and the report settings (goals, the weekly digest).
struct ScoreboardController {
    let services: AppServices

    func register(_ api: APIRegistrar, on router: Router<AppRequestContext>) {
        let database = services.database
        api.on(.get, "/reports/scoreboard", "The team scoreboard of a week (Monday first, the workspace's calendar): goals, progress, streaks, kudos",
               tag: "reports", query: ["week"]) { request, context in
            try await scoreboard(context.workspaceID, week: request.queryString("week"), tvLink: context.agent.role >= .admin)
        }
        api.on(.get, "/reports/settings", "The report settings: the scoreboard's weekly goals and the weekly digest", tag: "reports",
               role: .admin) { _, context in
            let ws = context.workspaceID
            return ReportSettingsDTO(try await database.read { try await ReportSettingsRepository.find(workspaceID: ws, in: $0) })
        }
        api.on(.put, "/reports/settings", "Set the scoreboard's weekly goals and whether admins get the weekly digest", tag: "reports",
               role: .admin, body: "ReportSettings") { request, context in
            let body = try await request.decode(as: ReportSettingsDTO.self, context: context)
            let settings: ReportSettings
            do throws(ShopdeskError) {
                settings = try ReportSettings(goals: body.goals.map { .init(metric: $0.metric, target: $0.target) }, digest: body.digest).validated()
            } catch {
                throw Problem(.unprocessableContent, error.message, field: error.field)
            }
            let ws = context.workspaceID
            try await database.write { sql in
                try await ReportSettingsRepository.save(settings, workspaceID: ws, in: sql)
                if settings.digest { try await WeeklyDigest.schedule(ws, now: Date(), in: sql) }
            }
            return ReportSettingsDTO(settings)
        }
        api.on(.post, "/reports/scoreboard/tv", "Create (or replace) the scoreboard's TV link: a secret URL that shows the scoreboard without signing in",
               tag: "reports", role: .admin, status: 201) { _, context in
            let token = Secrets.token(prefix: "tv_")
            let ws = context.workspaceID
            try await database.write { try await ReportSettingsRepository.setTVHash(Secrets.sha256Hex(token), workspaceID: ws, in: $0) }
            let base = services.config.publicURL.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 } ?? ""
            return Created(body: TVLinkDTO(path: "/tv/\(token)", url: "\(base)/tv/\(token)"))
        }
        api.on(.delete, "/reports/scoreboard/tv", "Turn the scoreboard's TV link off", tag: "reports", role: .admin, status: 204) { _, context in
            let ws = context.workspaceID
            try await database.write { try await ReportSettingsRepository.setTVHash(nil, workspaceID: ws, in: $0) }
            return Response(status: .noContent)
        }
        // The TV page: server-rendered, no script, refreshed every 30 s by the page itself.
        router.get("tv/:token") { request, context -> Response in
            let token = context.parameters.get("token") ?? ""
            let ws = try await database.read { try await ReportSettingsRepository.workspace(tvTokenHash: Secrets.sha256Hex(token), in: $0) }
            guard let ws else {
                return Response(status: .notFound, headers: [.contentType: "text/plain; charset=utf-8"],
                                body: .init(byteBuffer: ByteBuffer(string: "This TV link was turned off or never existed.")))
            }
            let board = try await scoreboard(ws, week: nil, tvLink: false)
            return TVPage.render(board, language: TVPage.language(request))
        }
    }

    /// The scoreboard of the week with `week` in it (this week without), caught up first.
    func scoreboard(_ ws: WorkspaceID, week: String?, tvLink: Bool) async throws -> ScoreboardDTO {
        let database = services.database
        guard let workspace = try await database.read({ try await WorkspaceRepository.find(ws, in: $0) }) else {
            throw Problem(.notFound, "This workspace no longer exists.")
        }
        let clock = ReportClock(timeZone: TimeZone(identifier: workspace.timeZone) ?? .gmt)
        var day = clock.day(Date())
        if let week {
            guard let chosen = ReportClock.day(week) else { throw Problem(.badRequest, "`week` is a day written as 2026-11-30.", field: "week") }
            day = chosen
        }
        if try await !ReportFactsStore.catchUp(workspaceID: ws, now: Date(), budget: 2, in: database) {
            try await ReportsController.continueInBackground(ws, now: Date(), database: database)
        }
        let monday = clock.monday(of: day)
        let (board, hasTV) = try await database.read { sql in
            (try await Scoreboard.week(workspaceID: ws, monday: monday, clock: clock, in: sql),
             tvLink ? try await ReportSettingsRepository.hasTV(workspaceID: ws, in: sql) : false)
        }
        return ScoreboardDTO(board, workspace: workspace.name, timeZone: workspace.timeZone, tvLink: hasTV)
    }
}

struct ReportSettingsDTO: ResponseEncodable, Decodable {
    struct GoalDTO: Codable { var metric: ReportSettings.GoalMetric; var target: Double }
    var goals: [GoalDTO]
    var digest: Bool

    init(_ settings: ReportSettings) {
        goals = settings.goals.map { GoalDTO(metric: $0.metric, target: $0.target) }
        digest = settings.digest
    }
}

struct TVLinkDTO: ResponseEncodable {
    /// The path on this server, and the full URL when the server knows its public address.
    var path: String
    var url: String
}

struct ScoreboardDTO: ResponseEncodable {
    struct GoalDTO: Encodable { var metric: String; var target: Double; var lowerIsBetter: Bool }
    struct ProgressDTO: Encodable { var metric: String; var value: Double?; var progress: Double; var met: Bool }
    struct AgentDTO: Encodable {
        var agentId: Int64
        var name: String
        var values: [String: Double?]
        var progress: [ProgressDTO]
        var goalsMet: Int
        var streak: Int
    }
    struct KudosDTO: Encodable {
        var agentId: Int64?
        var agentName: String?
        var conversationId: Int64
        var kind: String
        var score: Int
        var comment: String
        var answeredAt: Date
    }

    var workspace: String
    var timeZone: String
    var week: String
    var weekEnd: String
    var goals: [GoalDTO]
    var agents: [AgentDTO]
    var kudos: [KudosDTO]
    /// Whether a TV link exists (told to admins only).
    var tvLink: Bool

    init(_ board: Scoreboard.Week, workspace: String, timeZone: String, tvLink: Bool) {
        self.workspace = workspace
        self.timeZone = timeZone
        week = ReportClock.text(board.monday)
        weekEnd = ReportClock.text(ReportClock.adding(6, to: board.monday))
        goals = board.goals.map { GoalDTO(metric: $0.metric.rawValue, target: $0.target, lowerIsBetter: $0.metric.lowerIsBetter) }
        let names = Dictionary(board.agents.map { ($0.agentID, $0.name) }) { first, _ in first }
        agents = board.agents.map { line in
            let progress = board.goals.map { goal in
                let value = line.values[goal.metric] ?? nil
                return ProgressDTO(metric: goal.metric.rawValue, value: value, progress: (goal.progress(value) * 1000).rounded() / 1000, met: goal.met(value))
            }
            return AgentDTO(agentId: line.agentID.rawValue, name: line.name,
                            values: Dictionary(uniqueKeysWithValues: line.values.map { ($0.key.rawValue, $0.value) }),
                            progress: progress, goalsMet: progress.filter(\.met).count, streak: line.streak)
        }.sorted { ($0.goalsMet, $0.progress.map(\.progress).reduce(0, +), $1.name) > ($1.goalsMet, $1.progress.map(\.progress).reduce(0, +), $0.name) }
        kudos = board.kudos.map {
            KudosDTO(agentId: $0.agentID?.rawValue, agentName: $0.agentID.flatMap { names[$0] }, conversationId: $0.conversationID.rawValue,
                     kind: $0.kind, score: $0.score, comment: $0.comment, answeredAt: $0.answeredAt)
        }
        self.tvLink = tvLink
    }
}
