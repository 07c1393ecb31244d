import Foundation
import ShopdeskCore
import SQLKit

/// A workspace's retention policy: conversations closed (resolved or spam) with nothing new for
/// `months` are anonymised the way an erasure does it (texts, files, original emails, subjects,
/// search entries, the personal keys of timelines), keeping what reports count: status, times,
/// channel, assignee, intent. Customers themselves are left alone; an erasure is for them.
public enum Retention {
    public struct Policy: Codable, Equatable, Sendable {
        /// What happens to a due conversation.
        public enum Action: String, Codable, Sendable {
            /// Its words, files and emails go; the row and what reports count stay.
            case anonymise
            /// It goes whole, and leaves the reports. One with an order action or revenue
            /// credit is anonymised instead: money records stay for the accounts.
            case delete
        }
        /// 0: keep everything.
        public var months: Int
        public var action: Action
        public init(months: Int, action: Action = .anonymise) { self.months = months; self.action = action }
        public static let range = 1...120

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            months = try container.decode(Int.self, forKey: .months)
            // Policies saved before deletion existed anonymise.
            action = try container.decodeIfPresent(Action.self, forKey: .action) ?? .anonymise
        }
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
    public static func sweep(workspaceID: WorkspaceID, policy: Policy, now: Date, limit: Int = 100,
                             in database: Database) async throws -> (conversations: Int, deleted: Int, files: [String], more: Bool) {
        let months = policy.months
        guard months > 0 else { return (0, 0, [], false) }
        let kind = database.kind
        let before = cutoff(months: months, now: now).millis
        return try await database.write { sql in
            let ws = workspaceID.rawValue
            let due = try await sql.raw("""
                SELECT id FROM conversations WHERE workspace_id = \(bind: ws) AND status IN ('resolved', 'spam')
                  AND last_message_at < \(bind: before) AND anonymised_at IS NULL ORDER BY id LIMIT \(bind: limit + 1)
                """).all().map { try $0.int64("id") }
            let batch = Array(due.prefix(limit))
            guard !batch.isEmpty else { return (0, 0, [], false) }
            let erased = try await CustomerErasure.eraseConversations(batch, workspaceID: ws, kind: kind, in: sql)
            let deleted = policy.action == .delete ? try await delete(batch, workspaceID: workspaceID, in: sql) : []
            let kept = batch.filter { !deleted.contains($0) }
            if !kept.isEmpty {
                try await sql.raw("""
                    UPDATE conversations SET anonymised_at = \(bind: now.millis) WHERE workspace_id = \(bind: ws) AND id IN \(CustomerErasure.list(kept))
                    """).run()
                _ = try await EventLog.record(kept.map {
                    DomainEvent(workspaceID: workspaceID, conversationID: ConversationID($0), kind: .conversationAnonymised, actor: .system,
                                payload: ["months": .number(Double(months))], occurredAt: now)
                }, in: sql)
            }
            return (batch.count, deleted.count, erased.files, due.count > limit)
        }
    }

    /// Deletes the already-erased conversations of `batch` that no money record names, with
    /// every row that belongs to them, and takes them off the views' counts; the reports' rows
    /// go with them (their days are counted again, `eraseConversations` marked them). Returns
    /// the ids deleted.
    static func delete(_ batch: [Int64], workspaceID: WorkspaceID, in sql: any SQLDatabase) async throws -> Set<Int64> {
        let ws = workspaceID.rawValue
        let rows = try await sql.raw("""
            SELECT id, inbox_id, assignee_id, status, merged_into FROM conversations c WHERE workspace_id = \(bind: ws) AND id IN \(CustomerErasure.list(batch))
              AND NOT EXISTS (SELECT 1 FROM order_actions o WHERE o.workspace_id = \(bind: ws) AND o.conversation_id = c.id)
              AND NOT EXISTS (SELECT 1 FROM revenue_credits r WHERE r.workspace_id = \(bind: ws) AND r.conversation_id = c.id)
            """).all()
        let ids = try rows.map { try $0.int64("id") }
        guard !ids.isEmpty else { return [] }
        for row in rows where try row.int64OrNil("merged_into") == nil {
            guard let status = ConversationStatus(rawValue: try row.string("status")) else { continue }
            try await ConversationRepository.adjustCounts(workspaceID: workspaceID, inboxID: try row.id("inbox_id"),
                                                          from: (try row.int64OrNil("assignee_id").map(AgentID.init), status), to: nil, in: sql)
        }
        let list = CustomerErasure.list(ids)
        // Tags have no workspace column: the conversations are named through this workspace's rows.
        try await sql.raw("""
            DELETE FROM conversation_tags WHERE conversation_id IN \(list)
              AND conversation_id IN (SELECT id FROM conversations WHERE workspace_id = \(bind: ws))
            """).run()
        try await sql.raw("""
            DELETE FROM email_message_ids WHERE conversation_id IN \(list) AND inbox_id IN (SELECT id FROM inboxes WHERE workspace_id = \(bind: ws))
            """).run()
        try await sql.raw("UPDATE chat_visitors SET conversation_id = NULL WHERE workspace_id = \(bind: ws) AND conversation_id IN \(list)").run()
        try await sql.raw("DELETE FROM events WHERE workspace_id = \(bind: ws) AND conversation_id IN \(list)").run()
        try await sql.raw("DELETE FROM messages WHERE workspace_id = \(bind: ws) AND conversation_id IN \(list)").run()
        try await sql.raw("DELETE FROM conversations WHERE workspace_id = \(bind: ws) AND id IN \(list)").run()
        return Set(ids)
    }
}
