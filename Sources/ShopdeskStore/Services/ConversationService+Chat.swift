import Foundation
import ShopdeskCore
import SQLKit

extension ConversationService {
    /// A chat visitor's widget received (`delivered`) or showed (`read`) the agents' replies up
    /// to `upTo`. Statuses only move forward: a read reply never goes back to delivered, and a
    /// failed one stays failed.
    public func acknowledge(
        workspaceID: WorkspaceID, conversationID: ConversationID, upTo: MessageID, status: DeliveryStatus
    ) async throws {
        precondition(status == .delivered || status == .read, "Visitors acknowledge delivered or read")
        let earlier: [String] = status == .read ? ["queued", "sent", "delivered"] : ["queued", "sent"]
        let time = now()
        let events = try await database.write { sql in
            let ids: [MessageID] = try await sql.raw("""
                SELECT id FROM messages WHERE workspace_id = \(bind: workspaceID.rawValue)
                  AND conversation_id = \(bind: conversationID.rawValue) AND direction = 'outbound'
                  AND id <= \(bind: upTo.rawValue) AND delivery_status IN (\(binds: earlier))
                ORDER BY id
                """).all().map { try $0.id("id") }
            guard !ids.isEmpty else { return [DomainEvent]() }
            // Only the rows still there (one deleted meanwhile has no delivery to tell of).
            let updated: [MessageID] = try await sql.raw("""
                UPDATE messages SET delivery_status = \(bind: status.rawValue)
                WHERE workspace_id = \(bind: workspaceID.rawValue) AND id IN (\(binds: ids.map(\.rawValue)))
                RETURNING id
                """).all().map { try $0.id("id") }.sorted()
            let events = updated.map { id in
                DomainEvent(workspaceID: workspaceID, conversationID: conversationID, kind: .messageDeliveryChanged, actor: .system,
                            payload: ["message_id": .id(id), "status": .string(status.rawValue)], occurredAt: time)
            }
            return try await EventLog.record(events, in: sql)
        }
        await publisher?.publish(events)
    }
}
