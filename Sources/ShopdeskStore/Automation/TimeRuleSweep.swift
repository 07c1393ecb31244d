import Foundation
import ShopdeskCore
import SQLKit

extension ConversationService {
    /// How often a workspace with time-based rules is swept.
    public static let sweepInterval: TimeInterval = 300

    /// Checks the workspace's time-based rules against its unresolved conversations, 200 per
    /// transaction. A rule fires once per conversation until the conversation changes again
    /// (`rule_firings` keeps the conversation's `updated_at` of the last firing). Returns
    /// whether the workspace has time-based rules (the sweep comes back only if it does).
    public func sweepTimeRules(workspaceID: WorkspaceID, at time: Date) async throws -> Bool {
        let kind = database.kind
        let automation = automation
        var after: Int64 = 0
        var any = false
        while true {
            let from = after
            let (last, events, hasRules) = try await database.write { sql -> (Int64?, [DomainEvent], Bool) in
                let book = try await automation.book(for: workspaceID, in: sql)
                guard book.rules.hasRules(for: .scheduled) else { return (nil, [], false) }
                let rows = try await sql.raw("""
                    SELECT id FROM conversations WHERE workspace_id = \(bind: workspaceID.rawValue) AND status <> 'resolved'
                      AND merged_into IS NULL AND id > \(bind: from) ORDER BY id LIMIT 200
                    """).all()
                var events: [DomainEvent] = []
                for row in rows {
                    let id: ConversationID = try row.id("id")
                    guard var conversation = try await ConversationRepository.find(workspaceID: workspaceID, id: id, in: sql) else { continue }
                    let anchor = conversation.updatedAt.millis
                    let already = Set(try await sql.raw("""
                        SELECT rule_id FROM rule_firings WHERE conversation_id = \(bind: id.rawValue) AND anchor = \(bind: anchor)
                        """).all().map { try $0.int64("rule_id") })
                    let recorded = try await RuleRunner(book: book, time: time, kind: kind, sql: sql)
                        .run([.init(trigger: .scheduled)], on: &conversation, excluding: already)
                    guard !recorded.isEmpty else { continue }
                    let fired = recorded.filter { $0.kind == .ruleFired }.compactMap { $0.payload["rule_id"]?.int64Value }
                    let changed = try await ConversationRepository.find(workspaceID: workspaceID, id: id, in: sql)?.updatedAt.millis ?? anchor
                    for rule in fired {
                        try await sql.raw("""
                            DELETE FROM rule_firings WHERE rule_id = \(bind: rule) AND conversation_id = \(bind: id.rawValue)
                              AND conversation_id IN (SELECT id FROM conversations WHERE workspace_id = \(bind: workspaceID.rawValue))
                            """).run()
                        try await sql.raw("""
                            INSERT INTO rule_firings (rule_id, conversation_id, anchor) VALUES (\(bind: rule), \(bind: id.rawValue), \(bind: changed))
                            """).run()
                    }
                    try await SLAKeeper(book: book, time: time, sql: sql).reconcile(id, workspaceID: workspaceID)
                    events += recorded
                }
                return (try rows.last?.int64("id"), try await EventLog.record(events, in: sql), true)
            }
            any = any || hasRules
            await publisher?.publish(events)
            guard let last else { return any }
            after = last
        }
    }
}
