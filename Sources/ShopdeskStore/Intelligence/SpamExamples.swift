import Foundation
import ShopdeskCore
import ShopdeskIntelligence
import SQLKit

extension WorkspaceModelRepository {
    /// What the shop's agents taught about spam, each conversation's first customer message as the
    /// example: "spam" for a conversation an agent put in Spam, "ham" for one an agent let out, and
    /// "ham" for conversations agents answered (three for each spam label, the newest first), so
    /// the model also sees what this shop's customers write.
    static func spamExamples(workspaceID: WorkspaceID, in sql: any SQLDatabase) async throws -> [WorkspaceTraining.Example] {
        let ws = workspaceID.rawValue
        var labels: [Int64: String] = [:]
        var order: [Int64] = []
        for row in try await sql.raw("""
            SELECT conversation_id, payload FROM events WHERE workspace_id = \(bind: ws) AND kind = 'conversation.status_changed'
              AND actor_kind = 'agent' ORDER BY id
            """).all() {
            guard let conversation = try row.int64OrNil("conversation_id"),
                  let payload = try? JSONCoding.decode([String: JSONValue].self, from: try row.string("payload")) else { continue }
            let label: String
            if case .string("spam")? = payload["to"] { label = "spam" } else if case .string("spam")? = payload["from"] { label = "ham" } else { continue }
            if labels[conversation] == nil { order.append(conversation) }
            labels[conversation] = label
        }
        let marked = labels.values.filter { $0 == "spam" }.count
        guard marked > 0 else { return [] }
        for row in try await sql.raw("""
            SELECT c.id FROM conversations c WHERE c.workspace_id = \(bind: ws) AND c.status <> 'spam' AND c.merged_into IS NULL
              AND EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = c.id AND m.direction = 'outbound' AND m.author_agent_id IS NOT NULL)
            ORDER BY c.id DESC LIMIT \(bind: marked * 3)
            """).all() {
            let conversation = try row.int64("id")
            if labels[conversation] == nil { order.append(conversation); labels[conversation] = "ham" }
        }
        var texts: [Int64: String] = [:]
        for chunk in stride(from: 0, to: order.count, by: 500).map({ Array(order[$0..<min($0 + 500, order.count)]) }) {
            for row in try await sql.raw("""
                SELECT m.conversation_id, m.text FROM messages m
                WHERE m.workspace_id = \(bind: ws) AND m.conversation_id IN (\(binds: chunk)) AND m.direction = 'inbound'
                  AND m.id = (SELECT MIN(id) FROM messages f WHERE f.conversation_id = m.conversation_id AND f.direction = 'inbound')
                """).all() {
                texts[try row.int64("conversation_id")] = try row.string("text")
            }
        }
        // Interleaved by conversation id, so the held-out quarter has both kinds.
        return order.sorted().compactMap { id in texts[id].flatMap { text in labels[id].map { WorkspaceTraining.Example(text: text, label: $0) } } }
    }
}
