import Foundation
import ShopdeskCore
import ShopdeskIntelligence
import SQLKit

/// An intent of the workspace's own, beside the shipped ones (`Intents.all`).
public struct WorkspaceIntent: Equatable, Sendable {
    public var name: String
    public var label: String
    public var createdBy: AgentID?
    public var createdAt: Date
}

public enum WorkspaceIntentRepository {
    public static func list(workspaceID: WorkspaceID, in sql: any SQLDatabase) async throws -> [WorkspaceIntent] {
        try await sql.raw("""
            SELECT name, label, created_by, created_at FROM workspace_intents WHERE workspace_id = \(bind: workspaceID.rawValue) ORDER BY name
            """).all().map { row in
            WorkspaceIntent(name: try row.string("name"), label: try row.string("label"), createdBy: try row.int64OrNil("created_by").map(AgentID.init),
                            createdAt: try row.date("created_at"))
        }
    }

    /// The shipped intents and the workspace's own: what a conversation may be labelled with.
    public static func names(workspaceID: WorkspaceID, in sql: any SQLDatabase) async throws -> [String] {
        Intents.all + (try await list(workspaceID: workspaceID, in: sql)).map(\.name)
    }
}

extension ConversationService {
    /// Messages of a period that no intent fitted, as the clusters an admin may make intents of.
    public struct UnmatchedTopics: Sendable {
        public var clusters: [TopicClusters.Cluster]
        /// The first customer message of each clustered conversation (the examples shown).
        public var texts: [ConversationID: String]
        /// How many conversations without an intent were read (at most `limit`).
        public var read: Int
    }

    /// The newest `limit` conversations created in the period whose intent is unset or "other"
    /// (not spam, not merged), clustered by their first customer message.
    public func unmatchedTopics(workspaceID: WorkspaceID, from: Date, to: Date, limit: Int = 2_000) async throws -> UnmatchedTopics {
        let rows = try await database.read { sql in
            try await sql.raw("""
                SELECT c.id, c.language, m.text FROM conversations c JOIN messages m ON m.conversation_id = c.id
                WHERE c.workspace_id = \(bind: workspaceID.rawValue) AND (c.intent IS NULL OR c.intent = 'other') AND c.merged_into IS NULL AND c.status <> 'spam'
                  AND c.created_at >= \(bind: from.millis) AND c.created_at < \(bind: to.millis)
                  AND m.id = (SELECT MIN(f.id) FROM messages f WHERE f.conversation_id = c.id AND f.direction = 'inbound')
                ORDER BY c.id DESC LIMIT \(bind: limit)
                """).all().map { row in
                TopicClusters.Message(id: try row.int64("id"), text: try row.string("text"), language: try row.stringOrNil("language").map { String($0.prefix(2)) })
            }
        }
        let messages = rows.reversed() as [TopicClusters.Message]
        let clusters = try await WorkspaceModelTrainer.offPool { TopicClusters.cluster(messages) }
        let clustered = Set(clusters.flatMap(\.members))
        var texts: [ConversationID: String] = [:]
        for message in messages where clustered.contains(message.id) { texts[ConversationID(message.id)] = String(message.text.prefix(300)) }
        return UnmatchedTopics(clusters: clusters, texts: texts, read: messages.count)
    }

    /// A new intent of the workspace, taught by the conversations given (at most 100): each is
    /// labelled with it as an agent's correction would, and the workspace's models are trained
    /// now rather than in six hours, so the intent is learnt while the admin is looking.
    public func createIntent(workspaceID: WorkspaceID, name: String, label: String, conversations: [ConversationID], agentID: AgentID) async throws -> WorkspaceIntent {
        let name = name.trimmingCharacters(in: .whitespaces).lowercased()
        let label = label.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (3...40).contains(name.count), name.first?.isLetter == true,
              name.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_") }) else {
            throw ShopdeskError(.invalid, "An intent's name is 3 to 40 lowercase letters, digits or _, starting with a letter (gift_wrapping).")
        }
        guard !Intents.all.contains(name), name != "oos" else { throw ShopdeskError(.conflict, "\(name) is one of Shopdesk's own intents.") }
        guard (1...80).contains(label.count) else { throw ShopdeskError(.invalid, "Give the intent a label of 1 to 80 characters for people to read.") }
        guard (1...100).contains(conversations.count) else {
            throw ShopdeskError(.invalid, "Teach the intent with 1 to 100 conversations that ask for it.")
        }
        let time = now()
        let intent = WorkspaceIntent(name: name, label: label, createdBy: agentID, createdAt: time)
        try await database.write { sql in
            let found = try await sql.raw("""
                SELECT COUNT(*) AS n FROM conversations WHERE workspace_id = \(bind: workspaceID.rawValue) AND id IN (\(binds: conversations.map(\.rawValue)))
                """).first()?.int("n") ?? 0
            guard found == Set(conversations).count else { throw ShopdeskError.notFound("A conversation of the examples") }
            let inserted = try await sql.raw("""
                INSERT INTO workspace_intents (workspace_id, name, label, created_by, created_at)
                VALUES (\(bind: workspaceID.rawValue), \(bind: name), \(bind: label), \(bind: agentID.rawValue), \(bind: time.millis))
                ON CONFLICT (workspace_id, name) DO NOTHING RETURNING id
                """).first()
            guard inserted != nil else { throw ShopdeskError(.conflict, "The workspace already has an intent \(name).") }
        }
        for conversation in Set(conversations).sorted(by: { $0.rawValue < $1.rawValue }) {
            _ = try await correctClassification(workspaceID: workspaceID, id: conversation, intent: .some(name), sentiment: nil, actor: .agent(agentID))
        }
        try await database.write { try await WorkspaceModelTrainer.schedule(workspaceID: workspaceID, now: time, after: 0, in: $0) }
        return intent
    }

    /// Removes the workspace's intent: conversations keep the label they had, the models stop
    /// learning it at their next training.
    public func deleteIntent(workspaceID: WorkspaceID, name: String) async throws {
        let time = now()
        try await database.write { sql in
            guard try await sql.raw("""
                DELETE FROM workspace_intents WHERE workspace_id = \(bind: workspaceID.rawValue) AND name = \(bind: name) RETURNING id
                """).first() != nil else { throw ShopdeskError.notFound("Intent \(name)") }
            try await WorkspaceModelTrainer.schedule(workspaceID: workspaceID, now: time, after: 0, in: sql)
        }
    }
}
