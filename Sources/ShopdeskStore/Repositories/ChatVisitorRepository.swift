import Foundation
import ShopdeskCore
import SQLKit

/// Where a chat visitor is and has been on the shop's site, as the widget reports it.
public struct VisitorContext: Codable, Equatable, Sendable {
    public struct PageView: Codable, Equatable, Sendable {
        public var url: String
        public var title: String?
        public var at: Date

        public init(url: String, title: String?, at: Date) {
            self.url = url
            self.title = title
            self.at = at
        }
    }

    public var url: String?
    public var title: String?
    public var referrer: String?
    public var userAgent: String?
    public var language: String?
    /// Most recent last; at most `maxPages`.
    public var pages: [PageView] = []

    public static let maxPages = 30

    public init() {}

    /// Records a page the visitor opened; the same page twice in a row counts once.
    public mutating func visit(url: String, title: String?, referrer: String?, at: Date) {
        if pages.last?.url != url { pages.append(PageView(url: url, title: title, at: at)) }
        if pages.count > Self.maxPages { pages.removeFirst(pages.count - Self.maxPages) }
        self.url = url
        self.title = title
        if self.referrer == nil, let referrer, !referrer.isEmpty { self.referrer = referrer }
    }
}

/// Someone using the chat widget on a shop's site. The browser holds a random token; only its
/// hash is stored.
public struct ChatVisitor: Equatable, Sendable {
    public var id: Int64
    public var workspaceID: WorkspaceID
    public var inboxID: InboxID
    public var customerID: CustomerID?
    /// The conversation this visitor's messages go to and the only one the widget shows.
    public var conversationID: ConversationID?
    public var name: String?
    /// What the visitor typed into the pre-chat or offline form: shown to agents as unverified,
    /// never used to match an existing customer.
    public var email: String?
    /// The shop's customer id, present only when the shop signed it (identity verification).
    public var identifier: String?
    public var context: VisitorContext
    public var createdAt: Date
    public var lastSeenAt: Date

    public init(id: Int64, workspaceID: WorkspaceID, inboxID: InboxID, customerID: CustomerID?, conversationID: ConversationID?,
                name: String?, email: String?, identifier: String?, context: VisitorContext, createdAt: Date, lastSeenAt: Date) {
        self.id = id
        self.workspaceID = workspaceID
        self.inboxID = inboxID
        self.customerID = customerID
        self.conversationID = conversationID
        self.name = name
        self.email = email
        self.identifier = identifier
        self.context = context
        self.createdAt = createdAt
        self.lastSeenAt = lastSeenAt
    }

    /// The identity that finds this visitor's customer again on the chat channel.
    public var channelIdentity: ChannelIdentity { ChannelIdentity(kind: "chat", value: "visitor-\(id)") }
}

public enum ChatVisitorRepository {
    public static func create(
        workspaceID: WorkspaceID, inboxID: InboxID, tokenHash: String, name: String?, email: String?, identifier: String?,
        context: VisitorContext, now: Date, in sql: any SQLDatabase
    ) async throws -> ChatVisitor {
        guard let row = try await sql.raw("""
            INSERT INTO chat_visitors (workspace_id, inbox_id, token_hash, name, email, identifier, context, created_at, last_seen_at)
            VALUES (\(bind: workspaceID.rawValue), \(bind: inboxID.rawValue), \(bind: tokenHash), \(bind: name), \(bind: email),
              \(bind: identifier), \(bind: try JSONCoding.string(context)), \(bind: now.millis), \(bind: now.millis))
            RETURNING *
            """).first() else { throw StoredValueError(column: "chat_visitors.id", value: "missing") }
        return try decode(row)
    }

    public static func find(tokenHash: String, in sql: any SQLDatabase) async throws -> ChatVisitor? {
        try await sql.raw("SELECT * FROM chat_visitors WHERE token_hash = \(bind: tokenHash)").first().map(decode)
    }

    public static func find(id: Int64, workspaceID: WorkspaceID, in sql: any SQLDatabase) async throws -> ChatVisitor? {
        try await sql.raw("SELECT * FROM chat_visitors WHERE id = \(bind: id) AND workspace_id = \(bind: workspaceID.rawValue)")
            .first().map(decode)
    }

    /// The visitor whose chat became this conversation (or was merged into it).
    public static func find(conversationID: ConversationID, workspaceID: WorkspaceID, in sql: any SQLDatabase) async throws -> ChatVisitor? {
        try await sql.raw("""
            SELECT * FROM chat_visitors WHERE conversation_id = \(bind: conversationID.rawValue)
              AND workspace_id = \(bind: workspaceID.rawValue) ORDER BY last_seen_at DESC LIMIT 1
            """).first().map(decode)
    }

    public static func update(_ visitor: ChatVisitor, in sql: any SQLDatabase) async throws {
        try await sql.raw("""
            UPDATE chat_visitors SET customer_id = \(bind: visitor.customerID?.rawValue),
              conversation_id = \(bind: visitor.conversationID?.rawValue), name = \(bind: visitor.name), email = \(bind: visitor.email),
              identifier = \(bind: visitor.identifier), context = \(bind: try JSONCoding.string(visitor.context)),
              last_seen_at = \(bind: visitor.lastSeenAt.millis)
            WHERE workspace_id = \(bind: visitor.workspaceID.rawValue) AND id = \(bind: visitor.id)
            """).run()
    }

    static func decode(_ row: any SQLRow) throws -> ChatVisitor {
        let contextText = try row.string("context")
        let context: VisitorContext
        do { context = try JSONCoding.decode(VisitorContext.self, from: contextText) } catch {
            throw StoredValueError(column: "chat_visitors.context", value: contextText)
        }
        return ChatVisitor(
            id: try row.int64("id"), workspaceID: try row.id("workspace_id"), inboxID: try row.id("inbox_id"),
            customerID: try row.idOrNil("customer_id"), conversationID: try row.idOrNil("conversation_id"),
            name: try row.stringOrNil("name"), email: try row.stringOrNil("email"), identifier: try row.stringOrNil("identifier"),
            context: context, createdAt: try row.date("created_at"), lastSeenAt: try row.date("last_seen_at"))
    }
}

/// When agents were last connected, so the chat widget can tell visitors whether anyone is there.
public enum AgentPresenceRepository {
    public static func touch(_ agents: [AgentID], workspaceID: WorkspaceID, at date: Date, in sql: any SQLDatabase) async throws {
        guard !agents.isEmpty else { return }
        let ids = agents.map { "\(bind: $0.rawValue)" as SQLQueryString }
        try await sql.raw("""
            UPDATE agents SET last_seen_at = \(bind: date.millis) WHERE workspace_id = \(bind: workspaceID.rawValue) AND id IN (\(ids.joined(separator: ", ")))
            """).run()
    }

    /// Whether an enabled agent who works in `inbox` (a member, or an admin or owner) was
    /// connected since `since`.
    public static func anyoneOnline(inbox: InboxID, workspaceID: WorkspaceID, since: Date, in sql: any SQLDatabase) async throws -> Bool {
        try await sql.raw("""
            SELECT 1 AS found FROM agents WHERE workspace_id = \(bind: workspaceID.rawValue) AND disabled_at IS NULL
              AND last_seen_at >= \(bind: since.millis)
              AND (role IN ('admin', 'owner') OR id IN (SELECT agent_id FROM inbox_members WHERE inbox_id = \(bind: inbox.rawValue)))
            LIMIT 1
            """).first() != nil
    }
}
