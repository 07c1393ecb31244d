import Foundation
import ShopdeskCore
import ShopdeskIntelligence
import SQLKit

/// Each workspace's classifier: the shipped models, with the workspace's own intent and
/// sentiment models where training adopted them. Cached per node for a minute, so adopting a
/// model reaches every node within a minute without a query per message.
public actor WorkspaceModels {
    let base: MessageClassifier?
    private var cache: [WorkspaceID: (loadedAt: Date, classifier: MessageClassifier?)] = [:]
    public static let refreshAfter: TimeInterval = 60

    public init(base: MessageClassifier?) {
        self.base = base
    }

    public func classifier(for workspaceID: WorkspaceID, database: Database, now: Date = Date()) async -> MessageClassifier? {
        if let cached = cache[workspaceID], now.timeIntervalSince(cached.loadedAt) < Self.refreshAfter { return cached.classifier }
        var classifier = base
        if let base, let rows = try? await database.read({ try await WorkspaceModelRepository.adopted(workspaceID: workspaceID, in: $0) }), !rows.isEmpty {
            classifier = MessageClassifier(intelligence: base.intelligence.replacing(intent: rows[.intent], sentiment: rows[.sentiment], spam: rows[.spam]))
        }
        cache[workspaceID] = (now, classifier)
        return classifier
    }

    public func forget(_ workspaceID: WorkspaceID) {
        cache[workspaceID] = nil
    }
}

public enum WorkspaceModelRepository {
    public struct Record: Sendable {
        public var report: WorkspaceTraining.Report
        public var trainedAt: Date
    }

    static func adopted(workspaceID: WorkspaceID, in sql: any SQLDatabase) async throws -> [WorkspaceTraining.Task: TextClassifier] {
        var models: [WorkspaceTraining.Task: TextClassifier] = [:]
        for row in try await sql.raw("""
            SELECT task, model FROM workspace_models WHERE workspace_id = \(bind: workspaceID.rawValue) AND model IS NOT NULL
            """).all() {
            guard let task = WorkspaceTraining.Task(rawValue: try row.string("task")), let text = try row.stringOrNil("model"),
                  let data = Data(base64Encoded: text) else { continue }
            models[task] = try TextClassifier(serialized: data)
        }
        return models
    }

    public static func reports(workspaceID: WorkspaceID, in sql: any SQLDatabase) async throws -> [Record] {
        try await sql.raw("SELECT report, trained_at FROM workspace_models WHERE workspace_id = \(bind: workspaceID.rawValue) ORDER BY task")
            .all().map { Record(report: try JSONCoding.decode(WorkspaceTraining.Report.self, from: try $0.string("report")), trainedAt: try $0.date("trained_at")) }
    }

    /// Keeps the newest report; a model that was not adopted this time removes the old one only
    /// if it is no longer better (the report says which).
    static func save(workspaceID: WorkspaceID, report: WorkspaceTraining.Report, model: TextClassifier?, now: Date, in sql: any SQLDatabase) async throws {
        try await sql.raw("DELETE FROM workspace_models WHERE workspace_id = \(bind: workspaceID.rawValue) AND task = \(bind: report.task.rawValue)").run()
        try await sql.raw("""
            INSERT INTO workspace_models (workspace_id, task, model, report, trained_at)
            VALUES (\(bind: workspaceID.rawValue), \(bind: report.task.rawValue), \(bind: model.map { $0.serialized().base64EncodedString() }),
              \(bind: try JSONCoding.string(report)), \(bind: now.millis))
            """).run()
    }

    /// What the shop's agents taught: the latest correction per conversation (its first customer
    /// message is the example), and for intents also conversations tagged with an intent's name.
    public static func examples(workspaceID: WorkspaceID, task: WorkspaceTraining.Task, in sql: any SQLDatabase) async throws -> [WorkspaceTraining.Example] {
        if task == .spam { return try await spamExamples(workspaceID: workspaceID, in: sql) }
        var labels: [Int64: String] = [:]
        var order: [Int64] = []
        for row in try await sql.raw("""
            SELECT conversation_id, payload FROM events WHERE workspace_id = \(bind: workspaceID.rawValue) AND kind = 'conversation.classified'
            ORDER BY id
            """).all() {
            guard let conversation = try row.int64OrNil("conversation_id"),
                  let payload = try? JSONCoding.decode([String: JSONValue].self, from: try row.string("payload")),
                  case .object(let change)? = payload[task.rawValue], case .string(let label)? = change["to"] else { continue }
            if labels[conversation] == nil { order.append(conversation) }
            labels[conversation] = label
        }
        if task == .intent {
            // Only intents the workspace still has: a deleted one of its own is not learnt again.
            let known = Set(try await WorkspaceIntentRepository.names(workspaceID: workspaceID, in: sql))
            for (conversation, label) in labels where !known.contains(label) { labels[conversation] = nil }
            order.removeAll { labels[$0] == nil }
            for row in try await sql.raw("""
                SELECT ct.conversation_id, t.name FROM conversation_tags ct JOIN tags t ON t.id = ct.tag_id
                WHERE t.workspace_id = \(bind: workspaceID.rawValue) AND t.name IN (\(binds: Array(known)))
                ORDER BY ct.conversation_id
                """).all() {
                let conversation = try row.int64("conversation_id")
                if labels[conversation] == nil { order.append(conversation); labels[conversation] = try row.string("name") }
            }
        }
        guard !order.isEmpty else { return [] }
        var texts: [Int64: String] = [:]
        for chunk in stride(from: 0, to: order.count, by: 500).map({ Array(order[$0..<min($0 + 500, order.count)]) }) {
            for row in try await sql.raw("""
                SELECT m.conversation_id, m.text FROM messages m
                WHERE m.conversation_id IN (\(binds: chunk)) AND m.direction = 'inbound'
                  AND m.id = (SELECT MIN(id) FROM messages f WHERE f.conversation_id = m.conversation_id AND f.direction = 'inbound')
                """).all() {
                texts[try row.int64("conversation_id")] = try row.string("text")
            }
        }
        return order.compactMap { id in texts[id].flatMap { text in labels[id].map { WorkspaceTraining.Example(text: text, label: $0) } } }
    }
}
