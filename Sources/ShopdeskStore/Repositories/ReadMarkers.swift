import Foundation
import ShopdeskCore
import SQLKit

/// When each agent last read each conversation. A conversation is unread for an agent when
/// the customer wrote last and after the agent last opened it.
public enum ReadMarkers {
    /// Records that `agentID` has read the conversation up to `at`; never moves backwards.
    public static func markRead(agentID: AgentID, conversationID: ConversationID, at: Date, in sql: any SQLDatabase) async throws {
        try await sql.raw("""
            INSERT INTO conversation_reads (agent_id, conversation_id, read_at)
            VALUES (\(bind: agentID.rawValue), \(bind: conversationID.rawValue), \(bind: at.millis))
            ON CONFLICT (agent_id, conversation_id) DO UPDATE SET read_at = excluded.read_at
            WHERE excluded.read_at > conversation_reads.read_at
            """).run()
    }

    /// The conversations among `conversations` that are unread for `agentID`.
    public static func unread(agentID: AgentID, among conversations: [Conversation], in sql: any SQLDatabase) async throws -> Set<ConversationID> {
        let candidates = conversations.filter { $0.lastMessageDirection == .inbound }
        guard !candidates.isEmpty else { return [] }
        var readAt: [ConversationID: Int64] = [:]
        for row in try await sql.raw("""
            SELECT conversation_id, read_at FROM conversation_reads
            WHERE agent_id = \(bind: agentID.rawValue) AND conversation_id IN (\(binds: candidates.map(\.id.rawValue)))
            """).all() {
            readAt[try row.id("conversation_id")] = try row.int64("read_at")
        }
        return Set(candidates.filter { conversation in
            guard let read = readAt[conversation.id] else { return true }
            return read < conversation.lastMessageAt.millis
        }.map(\.id))
    }
}
