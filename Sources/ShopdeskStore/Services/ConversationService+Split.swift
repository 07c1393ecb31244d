import Foundation
import ShopdeskCore
import SQLKit

extension ConversationService {
    /// Splits a conversation: the message `messageID` and every later one move into a new
    /// conversation with the same customer and inbox (a second question asked in the same
    /// thread), which starts open and unassigned with the subject, priority and tags it came with.
    /// Email threading follows the moved messages, so a customer's answer to one of them lands in
    /// the new conversation. Both timelines say so; the new one gets its own SLA clocks.
    public func split(
        workspaceID: WorkspaceID, conversationID: ConversationID, fromMessage messageID: MessageID, actor: EventActor
    ) async throws -> Conversation {
        let time = now()
        let kind = database.kind
        let automation = automation
        let (created, events) = try await database.write { sql in
            guard var source = try await ConversationRepository.find(workspaceID: workspaceID, id: conversationID, in: sql) else {
                throw ShopdeskError.notFound("Conversation \(conversationID)")
            }
            try await HistoryLock.ensureWritable(source, now: time, in: sql)
            guard source.state.mergedInto == nil else {
                throw ShopdeskError.conflict("This conversation was merged into another; split that one instead.").because("split_merged")
            }
            guard let message = try await MessageRepository.find(workspaceID: workspaceID, id: messageID, in: sql),
                  message.conversationID == source.id else { throw ShopdeskError.notFound("Message \(messageID) of this conversation") }
            let before = try await sql.raw("""
                SELECT COUNT(*) AS n FROM messages WHERE workspace_id = \(bind: workspaceID.rawValue)
                  AND conversation_id = \(bind: source.id.rawValue) AND id < \(bind: messageID.rawValue)
                """).first()?.int("n") ?? 0
            guard before > 0 else {
                throw ShopdeskError.invalid(field: "message_id", "The first message cannot be split off: the conversation would be left empty.")
                    .because("split_first")
            }
            let number = try await Self.nextConversationNumber(workspaceID: workspaceID, kind: kind, in: sql)
            let vector = SearchIndex.insertedVector(source.subject, kind: kind)
            guard let row = try await sql.raw("""
                INSERT INTO conversations (workspace_id, number, inbox_id, customer_id, subject, status, priority,
                  last_message_at, last_message_preview, last_message_direction, message_count, created_at, updated_at,
                  language, intent, sentiment, urgent\(vector.column))
                VALUES (\(bind: workspaceID.rawValue), \(bind: number), \(bind: source.inboxID.rawValue), \(bind: source.customerID.rawValue),
                  \(bind: source.subject), 'open', \(bind: source.state.priority.rank), \(bind: time.millis), NULL, NULL, 0,
                  \(bind: time.millis), \(bind: time.millis), \(bind: source.language), \(bind: source.intent), \(bind: source.sentiment),
                  \(bind: source.urgent ? 1 : 0)\(vector.value))
                RETURNING \(ConversationRepository.columns)
                """).first() else { throw StoredValueError(column: "conversations.id", value: "missing") }
            var new = try ConversationRepository.decode(row)
            try await ConversationRepository.adjustCounts(workspaceID: workspaceID, inboxID: new.inboxID, from: nil, to: (nil, .open), in: sql)
            try await SearchIndex.indexInserted(.conversation, id: new.id.rawValue, workspaceID: workspaceID, text: new.subject, kind: kind, in: sql)
            let moved = try await sql.raw("""
                UPDATE messages SET conversation_id = \(bind: new.id.rawValue)
                WHERE workspace_id = \(bind: workspaceID.rawValue) AND conversation_id = \(bind: source.id.rawValue) AND id >= \(bind: messageID.rawValue)
                RETURNING id
                """).all().map { try $0.int64("id") }
            // workspace: the rows of this conversation's own inbox for the messages just moved in this workspace.
            try await sql.raw("""
                UPDATE email_message_ids SET conversation_id = \(bind: new.id.rawValue)
                WHERE inbox_id = \(bind: source.inboxID.rawValue) AND message_row IN (\(binds: moved))
                """).run()
            try await Self.recountMessages(of: source.id, workspaceID: workspaceID, now: time, in: sql)
            try await Self.recountMessages(of: new.id, workspaceID: workspaceID, now: time, in: sql)
            var events: [DomainEvent] = [
                DomainEvent(workspaceID: workspaceID, conversationID: source.id, kind: .conversationSplit, actor: actor,
                            payload: ["into": .id(new.id), "message_id": .id(messageID), "messages_moved": .number(Double(moved.count))],
                            occurredAt: time),
                DomainEvent(workspaceID: workspaceID, conversationID: new.id, kind: .conversationCreated, actor: actor,
                            payload: ["number": .number(Double(number)), "inbox_id": .id(new.inboxID)], occurredAt: time),
                DomainEvent(workspaceID: workspaceID, conversationID: new.id, kind: .conversationSplitFrom, actor: actor,
                            payload: ["from": .id(source.id), "message_id": .id(messageID), "messages_moved": .number(Double(moved.count))],
                            occurredAt: time),
            ]
            if !source.state.tags.isEmpty {
                events += try await Self.apply([.addTags(source.state.tags)], to: &new, actor: actor, now: time, kind: kind, in: sql)
            }
            // Both conversations' clocks see the messages they now hold.
            source = try await ConversationRepository.find(workspaceID: workspaceID, id: source.id, in: sql) ?? source
            new = try await ConversationRepository.find(workspaceID: workspaceID, id: new.id, in: sql) ?? new
            events += try await Self.automate([], on: &source, automation: automation, time: time, kind: kind, in: sql)
            events += try await Self.automate([], on: &new, automation: automation, time: time, kind: kind, in: sql)
            let stored = try await ConversationRepository.find(workspaceID: workspaceID, id: new.id, in: sql) ?? new
            return (stored, try await EventLog.record(events, in: sql))
        }
        await publisher?.publish(events)
        return created
    }

    /// A conversation's message count, last customer or agent message and first response, read
    /// again from the messages it holds (notes count, but are not "the last message", as on insert).
    static func recountMessages(of id: ConversationID, workspaceID: WorkspaceID, now: Date, in sql: any SQLDatabase) async throws {
        let totals = try await sql.raw("""
            SELECT COUNT(*) AS n, MIN(CASE WHEN direction = 'outbound' AND author_agent_id IS NOT NULL THEN created_at END) AS first_response
            FROM messages WHERE workspace_id = \(bind: workspaceID.rawValue) AND conversation_id = \(bind: id.rawValue)
            """).first()
        let last = try await sql.raw("""
            SELECT \(MessageRepository.columns) FROM messages WHERE workspace_id = \(bind: workspaceID.rawValue) AND conversation_id = \(bind: id.rawValue)
              AND direction IN ('inbound', 'outbound')
            ORDER BY id DESC LIMIT 1
            """).first().map(MessageRepository.decode)
        try await sql.raw("""
            UPDATE conversations SET message_count = \(bind: try totals?.int("n") ?? 0),
              first_response_at = \(bind: try totals?.int64OrNil("first_response")),
              last_message_at = COALESCE(\(bind: last?.createdAt.millis), last_message_at),
              last_message_preview = \(bind: last.map { Text.preview($0.text) }), last_message_direction = \(bind: last?.direction.rawValue),
              updated_at = \(bind: now.millis)
            WHERE workspace_id = \(bind: workspaceID.rawValue) AND id = \(bind: id.rawValue)
            """).run()
    }
}
