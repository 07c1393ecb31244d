import Foundation
import ShopdeskCore
import ShopdeskIntelligence
import SQLKit

/// One suggested reply, rendered for the conversation at hand.
public struct ReplySuggestion: Sendable, Equatable {
    public var text: String
    /// The past conversation the answer comes from, one click away for the agent.
    public var sourceConversationID: ConversationID
    public var sourceNumber: Int64
    /// How many past questions got this answer.
    public var uses: Int
    /// Variables the customer has no value for ("No value for orders.last.number").
    public var warnings: [String]
}

/// Each workspace's `ReplyIndex` on this node: the question → answer pairs of its last
/// `conversations` resolved conversations, read again after `lifetime`, so that what agents
/// answered today is suggested within minutes and a node never holds more than one workspace's
/// pairs per index.
public actor ReplyLibraries {
    public static let conversations = 3_000
    public static let lifetime: TimeInterval = 600
    private var cache: [WorkspaceID: (built: Date, index: ReplyIndex)] = [:]
    /// Builds under way: agents opening conversations at once wait for one build, not one each.
    private var building: [WorkspaceID: Task<ReplyIndex, any Error>] = [:]

    public init() {}

    public func index(for workspaceID: WorkspaceID, database: Database, now: Date = Date()) async throws -> ReplyIndex {
        if let cached = cache[workspaceID], now.timeIntervalSince(cached.built) < Self.lifetime { return cached.index }
        if let running = building[workspaceID] { return try await running.value }
        let build = Task {
            let examples = try await database.read { try await ReplyHistory.examples(workspaceID: workspaceID, conversations: Self.conversations, in: $0) }
            return ReplyIndex(examples: examples)
        }
        building[workspaceID] = build
        defer { building[workspaceID] = nil }
        let index = try await build.value
        // A node serves many workspaces: indexes nobody asked for within their lifetime go.
        cache = cache.filter { now.timeIntervalSince($0.value.built) < Self.lifetime }
        cache[workspaceID] = (now, index)
        return index
    }

    /// The examples an index of the workspace is built from (for `shopdesk intel eval-replies`).
    public static func examples(for workspaceID: WorkspaceID, database: Database, conversations: Int = ReplyLibraries.conversations) async throws -> [ReplyIndex.Example] {
        try await database.read { try await ReplyHistory.examples(workspaceID: workspaceID, conversations: conversations, in: $0) }
    }

    /// Forgets a workspace's index (a customer erased, or a test that wants the newest pairs).
    public func forget(_ workspaceID: WorkspaceID) {
        cache[workspaceID] = nil
    }
}

/// The pairs agents' answers are learnt from.
enum ReplyHistory {
    /// For each agent's reply (not a bot's, not a note) in the workspace's last resolved
    /// conversations: what the customer wrote since the previous reply, and the reply made a
    /// template (`ReplyTemplate`) with that conversation's customer, agent and order numbers.
    static func examples(workspaceID: WorkspaceID, conversations limit: Int, in sql: any SQLDatabase) async throws -> [ReplyIndex.Example] {
        let ws = workspaceID.rawValue
        let rows = try await sql.raw("""
            SELECT c.id, c.inbox_id, c.language, c.customer_id, cu.name FROM conversations c LEFT JOIN customers cu ON cu.id = c.customer_id
            WHERE c.workspace_id = \(bind: ws) AND c.status = 'resolved' AND c.merged_into IS NULL
            ORDER BY c.id DESC LIMIT \(bind: limit)
            """).all()
        var conversations: [Int64: (inbox: Int64, language: String?, customer: Int64, name: String?)] = [:]
        for row in rows {
            conversations[try row.decode(column: "id", as: Int64.self)] = (try row.decode(column: "inbox_id", as: Int64.self),
                                                                            try row.decode(column: "language", as: String?.self),
                                                                            try row.decode(column: "customer_id", as: Int64.self),
                                                                            try row.decode(column: "name", as: String?.self))
        }
        guard !conversations.isEmpty else { return [] }
        var agents: [Int64: String] = [:]
        for row in try await sql.raw("SELECT id, name FROM agents WHERE workspace_id = \(bind: ws)").all() {
            agents[try row.decode(column: "id", as: Int64.self)] = try row.decode(column: "name", as: String.self)
        }
        var orderNumbers: [Int64: [String]] = [:]
        var examples: [ReplyIndex.Example] = []
        let ids = conversations.keys.sorted()
        for start in stride(from: 0, to: ids.count, by: 500) {
            let chunk = Array(ids[start..<min(start + 500, ids.count)])
            let customers = Array(Set(chunk.compactMap { conversations[$0]?.customer }))
            for row in try await sql.raw("""
                SELECT customer_id, number, plain_number FROM orders WHERE workspace_id = \(bind: ws) AND customer_id IN (\(binds: customers))
                """).all() {
                let customer = try row.decode(column: "customer_id", as: Int64.self)
                orderNumbers[customer, default: []] += [try row.decode(column: "number", as: String.self),
                                                        try row.decode(column: "plain_number", as: String.self)]
            }
            let messages = try await sql.raw("""
                SELECT conversation_id, direction, author_agent_id, bot, text FROM messages
                WHERE workspace_id = \(bind: ws) AND conversation_id IN (\(binds: chunk)) ORDER BY conversation_id, id
                """).all()
            var question: [String] = []
            var current: Int64 = -1
            for row in messages {
                let conversationID = try row.decode(column: "conversation_id", as: Int64.self)
                if conversationID != current {
                    current = conversationID
                    question = []
                }
                let direction = try row.decode(column: "direction", as: String.self)
                let text = try row.decode(column: "text", as: String.self)
                if direction == "inbound" {
                    question.append(text)
                } else if direction == "outbound", let agent = try row.decode(column: "author_agent_id", as: Int64?.self),
                          try row.decode(column: "bot", as: String?.self) == nil, !question.isEmpty,
                          let conversation = conversations[conversationID] {
                    let reply = ReplyTemplate.make(text.trimmingCharacters(in: .whitespacesAndNewlines), customerName: conversation.name,
                                                   agentName: agents[agent], orderNumbers: orderNumbers[conversation.customer] ?? [])
                    if !reply.isEmpty {
                        examples.append(ReplyIndex.Example(question: question.joined(separator: "\n"), reply: reply,
                                                           conversationID: conversationID, inboxID: conversation.inbox,
                                                           language: conversation.language))
                    }
                    question = []
                }
            }
        }
        return examples
    }
}

extension ConversationService {
    /// Up to three replies agents of this workspace sent to the questions most like the
    /// customer's last message, rendered for this conversation's customer and `agentID`.
    /// `inboxes` limits the sources to those the agent may see (nil: every inbox).
    public func suggestReplies(workspaceID: WorkspaceID, conversationID: ConversationID, agentID: AgentID, inboxes: [InboxID]?,
                               libraries: ReplyLibraries) async throws -> [ReplySuggestion] {
        let index = try await libraries.index(for: workspaceID, database: database)
        let automation = automation
        return try await database.read { sql in
            guard let conversation = try await ConversationRepository.find(workspaceID: workspaceID, id: conversationID, in: sql) else {
                throw ShopdeskError.notFound("Conversation \(conversationID)")
            }
            let question = try await MessageRepository.lastInboundText(conversationID: conversation.id, in: sql) ?? conversation.subject ?? ""
            let hits = index.suggest(question, language: conversation.language, inboxes: inboxes.map { Set($0.map(\.rawValue)) }, limit: 4).filter { $0.conversationID != conversation.id.rawValue }.prefix(3)
            guard !hits.isEmpty else { return [] }
            let book = try await automation.book(for: workspaceID, in: sql)
            let (context, customer) = try await TemplateContext.load(conversation: conversation, agentID: agentID, workspaceName: book.workspaceName,
                                                                     reviewURL: book.reviewURL, in: sql)
            let environment = TemplateContext.environment(customer: customer, fallbackLocale: conversation.language, timeZone: book.calendar.timeZone)
            var numbers: [Int64: Int64] = [:]
            for row in try await sql.raw("""
                SELECT id, number FROM conversations WHERE workspace_id = \(bind: workspaceID.rawValue) AND id IN (\(binds: hits.map(\.conversationID)))
                """).all() {
                numbers[try row.decode(column: "id", as: Int64.self)] = try row.decode(column: "number", as: Int64.self)
            }
            return hits.map { hit in
                let rendered = (try? Template(hit.reply))?.render(context, environment: environment)
                return ReplySuggestion(text: rendered?.text ?? hit.reply, sourceConversationID: ConversationID(hit.conversationID),
                                       sourceNumber: numbers[hit.conversationID] ?? 0, uses: hit.uses, warnings: rendered?.warnings ?? [])
            }
        }
    }
}
