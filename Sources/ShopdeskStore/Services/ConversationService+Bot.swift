import Foundation
import ShopdeskCore
import SQLKit

/// What the chat bot writes into a conversation: its messages (delivered by the chat channel
/// like an agent's, marked as the bot's), its state, the note it leaves for people when it
/// hands over, and the resolution when the customer says it helped.
extension ConversationService {
    public struct BotTurn: Sendable {
        public var say: String
        public var choices: [String]
        /// A note only agents see (the handover summary).
        public var note: String?
        public var event: (kind: DomainEventKind, payload: [String: JSONValue])?
        public var addTags: Set<String>
        public var removeTags: Set<String>
        public var resolve: Bool
        /// Whether the bot's message goes out through a send job (a messaging channel), rather
        /// than being shown by the chat widget, which reads it from the conversation.
        public var deliver: Bool

        public init(say: String, choices: [String] = [], note: String? = nil, event: (kind: DomainEventKind, payload: [String: JSONValue])? = nil,
                    addTags: Set<String> = [], removeTags: Set<String> = [], resolve: Bool = false, deliver: Bool = false) {
            self.say = say; self.choices = choices; self.note = note; self.event = event
            self.addTags = addTags; self.removeTags = removeTags; self.resolve = resolve; self.deliver = deliver
        }
    }

    /// The bot's state in the conversation, whether an agent has already written in it, and how
    /// many messages the customer wrote (counted to two: the bot takes a chat from its first).
    /// An automatic reply a rule sent (the team is away) does not count: the bot still answers.
    public func botContext(workspaceID: WorkspaceID, conversationID: ConversationID) async throws -> (state: BotState?, agentWrote: Bool, messages: Int) {
        try await database.read { sql in
            guard let row = try await sql.raw("""
                SELECT bot_state FROM conversations WHERE workspace_id = \(bind: workspaceID.rawValue) AND id = \(bind: conversationID.rawValue)
                """).first() else { throw ShopdeskError.notFound("Conversation \(conversationID)") }
            let agentWrote = try await sql.raw("""
                SELECT 1 AS found FROM messages WHERE conversation_id = \(bind: conversationID.rawValue) AND author_agent_id IS NOT NULL LIMIT 1
                """).first() != nil
            let customerMessages = try await sql.raw("""
                SELECT COUNT(*) AS n FROM (SELECT 1 AS one FROM messages WHERE workspace_id = \(bind: workspaceID.rawValue)
                  AND conversation_id = \(bind: conversationID.rawValue) AND direction = 'inbound' LIMIT 2) AS firsts
                """).first()?.int("n") ?? 0
            return (try row.stringOrNil("bot_state").map { try JSONCoding.decode(BotState.self, from: $0) }, agentWrote, customerMessages)
        }
    }

    /// Writes one bot turn and the bot's new state in one transaction.
    @discardableResult
    public func botTurn(_ turn: BotTurn, state: BotState, workspaceID: WorkspaceID, conversationID: ConversationID) async throws -> Message {
        let time = now()
        let kind = database.kind
        let (message, events) = try await database.write { sql in
            guard let conversation = try await ConversationRepository.find(workspaceID: workspaceID, id: conversationID, in: sql) else {
                throw ShopdeskError.notFound("Conversation \(conversationID)")
            }
            var new = MessageRepository.NewMessage(conversation: conversation, direction: .outbound, authorAgentID: nil, text: turn.say,
                                                   channelMessageID: nil, deliveryStatus: turn.deliver ? .queued : .sent)
            new.botChoices = turn.choices
            let message = try await MessageRepository.insert(new, now: time, kind: kind, in: sql)
            if turn.deliver {
                try await JobQueue.enqueue(kind: JobKind.sendMessage, payload: ["message_id": .id(message.id)],
                                           workspaceID: workspaceID, runAt: time, maxAttempts: 8, in: sql)
            }
            var events = [DomainEvent(workspaceID: workspaceID, conversationID: conversationID, kind: .messageCreated, actor: .system,
                                      payload: ["message_id": .id(message.id), "direction": .string("outbound"), "bot": .bool(true)], occurredAt: time)]
            if let note = turn.note {
                let noted = try await MessageRepository.insert(.init(conversation: conversation, direction: .note, authorAgentID: nil, text: note,
                                                                     channelMessageID: nil, deliveryStatus: nil), now: time, kind: kind, in: sql)
                events.append(DomainEvent(workspaceID: workspaceID, conversationID: conversationID, kind: .messageCreated, actor: .system,
                                          payload: ["message_id": .id(noted.id), "direction": .string("note")], occurredAt: time))
            }
            if let event = turn.event {
                events.append(DomainEvent(workspaceID: workspaceID, conversationID: conversationID, kind: event.kind, actor: .system,
                                          payload: event.payload, occurredAt: time))
            }
            try await sql.raw("""
                UPDATE conversations SET bot_state = \(bind: try JSONCoding.string(state))
                WHERE workspace_id = \(bind: workspaceID.rawValue) AND id = \(bind: conversationID.rawValue)
                """).run()
            return (message, try await EventLog.record(events, in: sql))
        }
        await publisher?.publish(events)
        var commands: [ConversationCommand] = []
        if !turn.addTags.isEmpty { commands.append(.addTags(turn.addTags)) }
        if !turn.removeTags.isEmpty { commands.append(.removeTags(turn.removeTags)) }
        if turn.resolve { commands.append(.setStatus(.resolved, snoozeUntil: nil)) }
        if !commands.isEmpty { _ = try await update(workspaceID: workspaceID, id: conversationID, commands: commands, actor: .system) }
        return message
    }

    /// Conversations the bot handled, resolved, resolved by acting on an order, and handed over
    /// between two times (for reports), by event kind; `action.<name>` counts the actions it took.
    public func botReport(workspaceID: WorkspaceID, from: Date, to: Date) async throws -> [String: Int] {
        try await database.read { sql in
            var counts: [String: Int] = [:]
            for row in try await sql.raw("""
                SELECT kind, COUNT(DISTINCT conversation_id) AS n FROM events
                WHERE workspace_id = \(bind: workspaceID.rawValue) AND kind IN ('bot.answered', 'bot.handed_over', 'bot.resolved', 'bot.acted')
                  AND created_at >= \(bind: from.millis) AND created_at < \(bind: to.millis)
                GROUP BY kind
                """).all() {
                counts[try row.string("kind")] = try row.int("n")
            }
            for row in try await sql.raw("""
                SELECT payload FROM events
                WHERE workspace_id = \(bind: workspaceID.rawValue) AND kind = 'bot.acted'
                  AND created_at >= \(bind: from.millis) AND created_at < \(bind: to.millis)
                """).all() {
                let payload = try JSONCoding.decode([String: JSONValue].self, from: try row.string("payload"))
                if case .string(let action)? = payload["action"] { counts["action." + action, default: 0] += 1 }
            }
            return counts
        }
    }
}
