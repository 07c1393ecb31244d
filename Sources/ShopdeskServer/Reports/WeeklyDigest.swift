import Foundation
import ShopdeskCore
import ShopdeskMail
import ShopdeskStore
import SQLKit

/// The weekly digest: on Monday at 08:00 in the workspace's time zone, each admin gets last
/// week's headline figures against the week before, its revenue from support and its rising
/// topics, in their language, from the workspace's first inbox that can send mail. Claimed once
/// per workspace and week (`report_digests`) before anything is sent; then the next week's is queued.
struct WeeklyDigest {
    let services: AppServices

    /// The hour (workspace time) the digest goes out on Mondays.
    static let hour = 8

    /// Queues the next digest (once per workspace: a newer call moves the same job).
    static func schedule(_ ws: WorkspaceID, now: Date, in sql: any SQLDatabase) async throws {
        guard let row = try await sql.raw("SELECT time_zone FROM workspaces WHERE id = \(bind: ws.rawValue)").first() else { return }
        let clock = ReportClock(timeZone: TimeZone(identifier: try row.decode(column: "time_zone", as: String.self)) ?? .gmt)
        _ = try await JobQueue.enqueue(kind: JobKind.reportsDigest, payload: [:], workspaceID: ws, runAt: nextRun(after: now, clock: clock),
                                       maxAttempts: 5, dedupeKey: "reports-digest:\(ws)", in: sql)
    }

    /// The next Monday 08:00 (workspace time) after `now`.
    static func nextRun(after now: Date, clock: ReportClock) -> Date {
        var monday = clock.monday(of: clock.day(now))
        while true {
            let run = clock.start(of: monday).addingTimeInterval(TimeInterval(hour * 3_600))
            if run > now { return run }
            monday = ReportClock.adding(7, to: monday)
        }
    }

    /// Queues every workspace's digest that wants one (at the job runner's start: workspaces made
    /// before the digest existed, or whose job was lost).
    static func scheduleAll(database: Database, now: Date) async throws {
        try await database.write { sql in
            for (ws, _) in try await ReportSettingsRepository.digestWorkspaces(in: sql) {
                let queued = try await sql.raw("""
                    SELECT id FROM jobs WHERE dedupe_key = \(bind: "reports-digest:\(ws)") AND status IN ('queued', 'running')
                    """).first()
                if queued == nil { try await schedule(ws, now: now, in: sql) }
            }
        }
    }

    /// Sends last week's digest (unless it went out already) and queues the next one.
    func run(_ ws: WorkspaceID, now: Date) async throws {
        guard try await send(ws, now: now) else { return }
        try await services.database.write { try await Self.schedule(ws, now: now.addingTimeInterval(60), in: $0) }
    }

    /// Returns whether the workspace still wants digests.
    @discardableResult
    func send(_ ws: WorkspaceID, now: Date) async throws -> Bool {
        let database = services.database
        guard let workspace = try await database.read({ try await WorkspaceRepository.find(ws, in: $0) }) else { return false }
        let settings = try await database.read { try await ReportSettingsRepository.find(workspaceID: ws, in: $0) }
        guard settings.digest else { return false }
        let clock = ReportClock(timeZone: TimeZone(identifier: workspace.timeZone) ?? .gmt)
        // The last full week, against the one before.
        let monday = ReportClock.adding(-7, to: clock.monday(of: clock.day(now)))
        let (end, before) = (ReportClock.adding(7, to: monday), ReportClock.adding(-7, to: monday))
        guard try await database.write({ try await ReportSettingsRepository.claimDigest(workspaceID: ws, week: monday, now: now, in: $0) }) else { return true }
        do {
            _ = try await ReportFactsStore.catchUp(workspaceID: ws, now: now, budget: 60, in: database)
            let topics = try await ReportTopics.topics(workspaceID: ws, from: monday, to: end, previousFrom: before, filter: ReportQueries.Filter(),
                                                       in: database)
            let (week, previous, revenue, admins, inbox) = try await database.read { sql in
                let none = ReportQueries.Filter()
                return (try await ReportQueries.period(workspaceID: ws, from: monday, to: end, filter: none, detail: false, in: sql),
                        try await ReportQueries.period(workspaceID: ws, from: before, to: monday, filter: none, detail: false, in: sql),
                        try await ReportRevenue.revenue(workspaceID: ws, from: monday, to: end, filter: none, clock: clock, detail: false, in: sql),
                        try await AgentRepository.list(workspaceID: ws, in: sql).filter { !$0.disabled && $0.role >= .admin },
                        try await InboxRepository.list(workspaceID: ws, in: sql).first { $0.email?.smtp != nil })
            }
            guard let inbox, !admins.isEmpty else {
                services.logger.info("No weekly digest: the workspace has no admin or no inbox that can send mail", metadata: ["workspace": "\(ws)"])
                return true
            }
            var sent = 0
            for admin in admins {
                let (subject, text) = DigestText.compose(workspace: workspace.name, from: monday, to: end, week: week, previous: previous,
                                                         topics: topics, revenue: revenue, locale: admin.locale, link: services.config.publicURL)
                do {
                    try await EmailSender(services: services).sendNotice(from: inbox, to: EmailAddress(name: admin.name, address: admin.email),
                                                                         subject: subject, text: text)
                    sent += 1
                } catch {
                    // One admin's address failing does not hold the others' digests back.
                    services.logger.warning("Weekly digest not sent", metadata: ["workspace": "\(ws)", "agent": "\(admin.id)", "error": "\(error)"])
                    if sent == 0 && admin.id == admins.last?.id { throw error }
                }
            }
            return true
        } catch {
            // Nothing went out: the next attempt may claim the week again.
            try await database.write { try await ReportSettingsRepository.releaseDigest(workspaceID: ws, week: monday, in: $0) }
            throw error
        }
    }
}
