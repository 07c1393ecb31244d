import Foundation
import Hummingbird
import SQLKit
import ShopdeskCore
import ShopdeskStore

/// `GET/PUT /workspace/retention`: how many months closed conversations keep their words, and
/// whether they are then anonymised or deleted. The
/// sweep is a job per workspace that anonymises a batch, then runs again at once while more are
/// due, else a day later.
struct RetentionController {
    let services: AppServices

    struct RetentionDTO: ResponseEncodable {
        var months: Int
        /// `anonymise` or `delete`.
        var action: String
        /// Conversations anonymised by the policy so far.
        var anonymised: Int
    }
    struct RetentionBody: Decodable { var months: Int; var action: String? }

    func register(_ api: APIRegistrar) {
        let database = services.database
        api.on(.get, "/workspace/retention", "How long closed conversations keep what was written (months; 0: forever)", tag: "workspace", role: .admin) { _, context in
            let ws = context.workspaceID
            return try await database.read { sql in
                let policy = try await Retention.policy(workspaceID: ws, in: sql)
                return RetentionDTO(months: policy.months, action: policy.action.rawValue,
                             anonymised: try await sql.raw("SELECT COUNT(*) AS n FROM conversations WHERE workspace_id = \(bind: ws.rawValue) AND anonymised_at IS NOT NULL")
                                .first()?.decode(column: "n", as: Int.self) ?? 0)
            }
        }
        api.on(.put, "/workspace/retention",
               "Anonymise conversations resolved (or spam) with no new message for this many months (1–120; 0 keeps everything)",
               tag: "workspace", role: .admin, body: "RetentionBody") { request, context in
            let body = try await request.decode(as: RetentionBody.self, context: context)
            guard body.months == 0 || Retention.Policy.range.contains(body.months) else {
                throw Problem(.unprocessableContent, "Keep conversations for 1 to 120 months, or 0 to keep them for good.", field: "months")
            }
            guard let action = Retention.Policy.Action(rawValue: body.action ?? "anonymise") else {
                throw Problem(.unprocessableContent, "The action is anonymise (keep the conversations without their words) or delete.", field: "action")
            }
            let ws = context.workspaceID
            try await database.write { sql in
                try await Retention.setPolicy(.init(months: body.months, action: action), workspaceID: ws, in: sql)
                if body.months > 0 { try await Self.schedule(ws, at: Date(), in: sql) }
            }
            await services.hub.wakeJobRunner()
            return RetentionDTO(months: body.months, action: action.rawValue, anonymised: 0)
        }
    }

    static func schedule(_ workspaceID: WorkspaceID, at time: Date, in sql: any SQLDatabase) async throws {
        try await JobQueue.enqueue(kind: JobKind.retentionSweep, payload: [:], workspaceID: workspaceID, runAt: time, maxAttempts: 5,
                                   dedupeKey: "retention:\(workspaceID.rawValue)", in: sql)
    }

    /// The job: one batch, the files no row names any more deleted, and the next run scheduled.
    static func sweep(workspaceID: WorkspaceID, now: Date, services: AppServices) async throws {
        let policy = try await services.database.read { try await Retention.policy(workspaceID: workspaceID, in: $0) }
        guard policy.months > 0 else { return }
        let swept = try await Retention.sweep(workspaceID: workspaceID, policy: policy, now: now, in: services.database)
        if swept.deleted > 0 {
            await AuditLog(services: services).append(AuditEntry(
                workspaceID: workspaceID, at: now, agentID: nil, actor: "retention policy", via: .system, action: "retention.deleted",
                target: nil, summary: "Deleted \(swept.deleted) conversations closed for more than \(policy.months) months", address: nil))
        }
        for sha256 in swept.files { try await services.files.removeIfUnreferenced(sha256, database: services.database) }
        try await services.database.write { try await schedule(workspaceID, at: swept.more ? now : now.addingTimeInterval(24 * 3600), in: $0) }
    }
}
