import Foundation
import ShopdeskCore
import SQLKit

/// A workspace's retention policy: conversations closed (resolved or spam) with nothing new for
/// `months` are anonymised the way an erasure does it (texts, files, original emails, subjects,
/// search entries, the personal keys of timelines), keeping what reports count: status, times,
/// channel, assignee, intent. Customers themselves are left alone; an erasure is for them.
public enum Retention {
    public struct Policy: Codable, Equatable, Sendable {
        /// 0: keep everything.
        public var months: Int
        public init(months: Int) { self.months = months }
        public static let range = 1...120
    }

    public static func policy(workspaceID: WorkspaceID, in sql: any SQLDatabase) async throws -> Policy {
        let text = try await sql.raw("SELECT retention FROM workspaces WHERE id = \(bind: workspaceID.rawValue)").first()?.stringOrNil("retention")
        return try text.map { try JSONCoding.decode(Policy.self, from: $0) } ?? Policy(months: 0)
    }

    public static func setPolicy(_ policy: Policy, workspaceID: WorkspaceID, in sql: any SQLDatabase) async throws {
        // workspace: the workspace's own row, by its own id.
        try await sql.raw("UPDATE workspaces SET retention = \(bind: policy.months == 0 ? nil : try JSONCoding.string(policy)) WHERE id = \(bind: workspaceID.rawValue)").run()
    }

    /// The moment before which a conversation's last message makes it due.
    public static func cutoff(months: Int, now: Date) -> Date {
        Calendar(identifier: .gregorian).date(byAdding: .month, value: -months, to: now) ?? now
    }

    /// Anonymises up to `limit` due conversations in one transaction. Returns how many, the
    /// content hashes whose rows went (the server deletes bytes nothing else refers to), and
    /// whether more are due.
    public static func sweep(workspaceID: WorkspaceID, months: Int, now: Date, limit: Int = 100,
                             in database: Database) async throws -> (conversations: Int, files: [String], more: Bool) {
        guard months > 0 else { return (0, [], false) }
        let kind = database.kind
        let before = cutoff(months: months, now: now).millis
        return try await database.write { sql in
            let ws = workspaceID.rawValue
            let due = try await sql.raw("""
                SELECT id FROM conversations WHERE workspace_id = \(bind: ws) AND status IN ('resolved', 'spam')
                  AND last_message_at < \(bind: before) AND anonymised_at IS NULL ORDER BY id LIMIT \(bind: limit + 1)
                """).all().map { try $0.int64("id") }
            let batch = Array(due.prefix(limit))
            guard !batch.isEmpty else { return (0, [], false) }
            let erased = try await CustomerErasure.eraseConversations(batch, workspaceID: ws, kind: kind, in: sql)
            try await sql.raw("""
                UPDATE conversations SET anonymised_at = \(bind: now.millis) WHERE workspace_id = \(bind: ws) AND id IN \(CustomerErasure.list(batch))
                """).run()
            _ = try await EventLog.record(batch.map {
                DomainEvent(workspaceID: workspaceID, conversationID: ConversationID($0), kind: .conversationAnonymised, actor: .system,
                            payload: ["months": .number(Double(months))], occurredAt: now)
            }, in: sql)
            return (batch.count, erased.files, due.count > limit)
        }
    }
}
