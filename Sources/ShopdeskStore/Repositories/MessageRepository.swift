import Foundation
import ShopdeskCore
import SQLKit

/// Message rows. Inserting one also indexes it and moves the conversation's "last message".
public enum MessageRepository {
    /// The columns `decode` reads (see `ConversationRepository.columns` for why not `*`).
    static let columns: SQLQueryString = """
        id, workspace_id, conversation_id, direction, author_agent_id, author_customer_id, text, channel_message_id, \
        delivery_status, delivery_error, created_at, bot, html, mail_auth, channel_template, comment_status, comment_reply, \
        language, intent, intent_confidence, sentiment, sentiment_score, urgent, promoter
        """

    struct NewMessage {
        var conversation: Conversation
        var direction: MessageDirection
        var authorAgentID: AgentID?
        var authorCustomerID: CustomerID?
        var text: String
        var channelMessageID: String?
        var deliveryStatus: DeliveryStatus?
        var attachmentIDs: [AttachmentID] = []
        /// The conversation row was just inserted with this message as its last one.
        var startsConversation = false
        /// Inbound customer messages: what the models said.
        var classification: Classification? = nil
        /// Written by the chat bot, with the quick replies it offers.
        var botChoices: [String]? = nil
        /// Inbound email's HTML, already sanitized.
        var html: String? = nil
        /// Inbound email's SPF, DKIM and DMARC results (JSON).
        var mailAuth: String? = nil
        /// A reply sent as one of the channel's approved templates.
        var channelTemplate: ChannelTemplateUse? = nil
        /// A customer's comment on a post (`.visible` when it arrives).
        var commentStatus: CommentStatus? = nil
        /// A reply in a comment conversation, public or private.
        var commentReply: CommentReply? = nil
    }

    static func insert(_ new: NewMessage, now: Date, kind: DatabaseKind, in sql: any SQLDatabase) async throws -> Message {
        let conversation = new.conversation
        let vector = SearchIndex.insertedVector(new.text, kind: kind)
        let row = try await sql.raw("""
            INSERT INTO messages (workspace_id, conversation_id, inbox_id, direction, author_agent_id, author_customer_id,
              text, channel_message_id, delivery_status, created_at, language, intent, intent_confidence, sentiment,
              sentiment_score, urgent, promoter, bot, html, channel_template, comment_status, comment_reply, mail_auth\(vector.column))
            VALUES (\(bind: conversation.workspaceID.rawValue), \(bind: conversation.id.rawValue), \(bind: conversation.inboxID.rawValue),
              \(bind: new.direction.rawValue), \(bind: new.authorAgentID?.rawValue), \(bind: new.authorCustomerID?.rawValue),
              \(bind: new.text), \(bind: new.channelMessageID), \(bind: new.deliveryStatus?.rawValue), \(bind: now.millis),
              \(bind: new.classification?.language), \(bind: new.classification?.intent),
              \(bind: new.classification?.intentConfidence), \(bind: new.classification?.sentiment),
              \(bind: new.classification?.sentimentScore), \(bind: new.classification?.urgent == true ? 1 : 0),
              \(bind: new.classification?.promoter == true ? 1 : 0), \(bind: try new.botChoices.map { try JSONCoding.string($0) }), \(bind: new.html),
              \(bind: try new.channelTemplate.map { try JSONCoding.string($0) }), \(bind: new.commentStatus?.rawValue),
              \(bind: try new.commentReply.map { try JSONCoding.string($0) }), \(bind: new.mailAuth)\(vector.value))
            RETURNING id
            """).first()
        guard let row else { throw StoredValueError(column: "messages.id", value: "missing") }
        let id: MessageID = try row.id("id")
        try await SearchIndex.indexInserted(.message, id: id.rawValue, workspaceID: conversation.workspaceID, text: new.text,
                                            kind: kind, in: sql)
        if !new.attachmentIDs.isEmpty {
            try await sql.raw("""
                UPDATE attachments SET message_id = \(bind: id.rawValue)
                WHERE workspace_id = \(bind: conversation.workspaceID.rawValue) AND message_id IS NULL
                  AND id IN (\(binds: new.attachmentIDs.map(\.rawValue)))
                """).run()
        }
        if new.startsConversation {
            // startConversation already wrote the preview, direction and count.
        } else if new.direction == .inbound, let classification = new.classification {
            // The conversation keeps its first language and intent; the mood is the latest one.
            try await sql.raw("""
                UPDATE conversations SET last_message_at = \(bind: now.millis), last_message_preview = \(bind: Text.preview(new.text)),
                  last_message_direction = 'inbound', message_count = message_count + 1, updated_at = \(bind: now.millis),
                  language = COALESCE(language, \(bind: classification.language)),
                  intent = COALESCE(intent, \(bind: classification.intent)),
                  sentiment = \(bind: classification.sentiment), urgent = \(bind: classification.urgent ? 1 : 0)
                WHERE workspace_id = \(bind: conversation.workspaceID.rawValue) AND id = \(bind: conversation.id.rawValue)
                """).run()
        } else if new.direction == .inbound || new.direction == .outbound {
            // Only an agent's message is a response: a rule's automatic reply or the bot's answer
            // does not stop the first-response clock (docs/REPORTS.md, "What counts as a response").
            let firstResponse: Int64? = new.direction == .outbound && new.authorAgentID != nil ? now.millis : nil
            try await sql.raw("""
                UPDATE conversations SET last_message_at = \(bind: now.millis), last_message_preview = \(bind: Text.preview(new.text)),
                  last_message_direction = \(bind: new.direction.rawValue), message_count = message_count + 1,
                  first_response_at = COALESCE(first_response_at, \(bind: firstResponse)), updated_at = \(bind: now.millis)
                WHERE workspace_id = \(bind: conversation.workspaceID.rawValue) AND id = \(bind: conversation.id.rawValue)
                """).run()
        } else {
            try await sql.raw("""
                UPDATE conversations SET message_count = message_count + 1, updated_at = \(bind: now.millis)
                WHERE workspace_id = \(bind: conversation.workspaceID.rawValue) AND id = \(bind: conversation.id.rawValue)
                """).run()
        }
        var message = Message(
            id: id, workspaceID: conversation.workspaceID, conversationID: conversation.id, direction: new.direction,
            authorAgentID: new.authorAgentID, authorCustomerID: new.authorCustomerID, text: new.text,
            channelMessageID: new.channelMessageID, deliveryStatus: new.deliveryStatus, deliveryError: nil,
            attachmentIDs: new.attachmentIDs, createdAt: now, classification: new.classification
        )
        message.botChoices = new.botChoices
        message.html = new.html
        message.mailAuth = new.mailAuth
        message.channelTemplate = new.channelTemplate
        message.commentStatus = new.commentStatus
        message.commentReply = new.commentReply
        return message
    }

    /// The kind of the inbox a message's conversation belongs to (`email`, `telegram`…).
    public static func inboxKind(of id: MessageID, workspaceID: WorkspaceID, in sql: any SQLDatabase) async throws -> String? {
        try await sql.raw("""
            SELECT i.kind FROM messages m JOIN conversations c ON c.id = m.conversation_id JOIN inboxes i ON i.id = c.inbox_id
            WHERE m.id = \(bind: id.rawValue) AND m.workspace_id = \(bind: workspaceID.rawValue)
            """).first()?.decode(column: "kind", as: String.self)
    }

    public static func find(workspaceID: WorkspaceID, id: MessageID, in sql: any SQLDatabase) async throws -> Message? {
        guard let row = try await sql.raw("""
            SELECT \(columns) FROM messages WHERE workspace_id = \(bind: workspaceID.rawValue) AND id = \(bind: id.rawValue)
            """).first() else { return nil }
        var message = try decode(row)
        message.attachmentIDs = try await attachments(of: [id], in: sql)[id] ?? []
        return message
    }

    static func findByChannelID(inboxID: InboxID, channelMessageID: String, in sql: any SQLDatabase) async throws -> Message? {
        try await sql.raw("""
            SELECT \(columns) FROM messages WHERE inbox_id = \(bind: inboxID.rawValue) AND channel_message_id = \(bind: channelMessageID)
            """).first().map(decode)
    }

    /// A conversation's messages, oldest first, after `afterID` when paging.
    public static func list(
        workspaceID: WorkspaceID, conversationID: ConversationID, afterID: MessageID?, limit: Int, in sql: any SQLDatabase
    ) async throws -> [Message] {
        var messages = try await sql.raw("""
            SELECT \(columns) FROM messages WHERE workspace_id = \(bind: workspaceID.rawValue)
              AND conversation_id = \(bind: conversationID.rawValue) AND id > \(bind: afterID?.rawValue ?? 0)
            ORDER BY id LIMIT \(bind: limit)
            """).all().map(decode)
        let attachmentMap = try await attachments(of: messages.map(\.id), in: sql)
        for index in messages.indices { messages[index].attachmentIDs = attachmentMap[messages[index].id] ?? [] }
        return messages
    }

    /// The newest `limit` messages before `beforeID` (or the newest of all), oldest first: how a
    /// thread opens at its end however long it is, and pages back from there.
    public static func latest(
        workspaceID: WorkspaceID, conversationID: ConversationID, beforeID: MessageID?, limit: Int, in sql: any SQLDatabase
    ) async throws -> [Message] {
        var messages = try await sql.raw("""
            SELECT \(columns) FROM messages WHERE workspace_id = \(bind: workspaceID.rawValue)
              AND conversation_id = \(bind: conversationID.rawValue) AND id < \(bind: beforeID?.rawValue ?? Int64.max)
            ORDER BY id DESC LIMIT \(bind: limit)
            """).all().map(decode).reversed() as [Message]
        let attachmentMap = try await attachments(of: messages.map(\.id), in: sql)
        for index in messages.indices { messages[index].attachmentIDs = attachmentMap[messages[index].id] ?? [] }
        return messages
    }

    /// Returns false when the message is gone (deleted by a transaction that committed while
    /// this one waited for its row): its delivery is then nobody's news.
    @discardableResult
    static func setDelivery(
        _ id: MessageID, workspaceID: WorkspaceID, status: DeliveryStatus, error: String?, channelMessageID: String?, in sql: any SQLDatabase
    ) async throws -> Bool {
        try await sql.raw("""
            UPDATE messages SET delivery_status = \(bind: status.rawValue), delivery_error = \(bind: error),
              channel_message_id = COALESCE(channel_message_id, \(bind: channelMessageID))
            WHERE workspace_id = \(bind: workspaceID.rawValue) AND id = \(bind: id.rawValue)
            RETURNING id
            """).first() != nil
    }

    private static func attachments(of ids: [MessageID], in sql: any SQLDatabase) async throws -> [MessageID: [AttachmentID]] {
        guard !ids.isEmpty else { return [:] }
        var result: [MessageID: [AttachmentID]] = [:]
        for row in try await sql.raw("""
            SELECT id, message_id FROM attachments WHERE message_id IN (\(binds: ids.map(\.rawValue))) ORDER BY id
            """).all() {
            result[try row.id("message_id"), default: []].append(try row.id("id"))
        }
        return result
    }

    static func decode(_ row: any SQLRow) throws -> Message {
        var message = Message(
            id: try row.id("id"), workspaceID: try row.id("workspace_id"), conversationID: try row.id("conversation_id"),
            direction: try row.enumValue("direction"), authorAgentID: try row.idOrNil("author_agent_id"),
            authorCustomerID: try row.idOrNil("author_customer_id"), text: try row.string("text"),
            channelMessageID: try row.stringOrNil("channel_message_id"),
            deliveryStatus: try row.stringOrNil("delivery_status").flatMap(DeliveryStatus.init(rawValue:)),
            deliveryError: try row.stringOrNil("delivery_error"), attachmentIDs: [], createdAt: try row.date("created_at"),
            classification: try decodeClassification(row)
        )
        message.botChoices = try row.stringOrNil("bot").map { try JSONCoding.decode([String].self, from: $0) }
        message.html = try row.stringOrNil("html")
        message.mailAuth = try row.stringOrNil("mail_auth")
        message.channelTemplate = try row.stringOrNil("channel_template").map { try JSONCoding.decode(ChannelTemplateUse.self, from: $0) }
        message.commentStatus = try row.stringOrNil("comment_status").flatMap(CommentStatus.init(rawValue:))
        message.commentReply = try row.stringOrNil("comment_reply").map { try JSONCoding.decode(CommentReply.self, from: $0) }
        return message
    }

    static func decodeClassification(_ row: any SQLRow) throws -> Classification? {
        guard let sentiment = try row.stringOrNil("sentiment") else { return nil }
        return Classification(
            language: try row.stringOrNil("language"), intent: try row.stringOrNil("intent"),
            intentConfidence: try row.decode(column: "intent_confidence", as: Double?.self) ?? 0, sentiment: sentiment,
            sentimentScore: try row.decode(column: "sentiment_score", as: Double?.self) ?? 0,
            urgent: try row.int64("urgent") != 0, promoter: try row.int64("promoter") != 0
        )
    }
}

extension MessageRepository {
    /// What the customer wrote last in the conversation (for suggestions and the bot).
    public static func lastInboundText(conversationID: ConversationID, in sql: any SQLDatabase) async throws -> String? {
        try await sql.raw("""
            SELECT text FROM messages WHERE conversation_id = \(bind: conversationID.rawValue) AND direction = 'inbound'
            ORDER BY id DESC LIMIT 1
            """).first()?.string("text")
    }
}

extension MessageRepository {
    /// The intent the models gave the customer's last message (nil below their threshold).
    public static func lastInboundIntent(conversationID: ConversationID, in sql: any SQLDatabase) async throws -> String? {
        try await sql.raw("""
            SELECT intent FROM messages WHERE conversation_id = \(bind: conversationID.rawValue) AND direction = 'inbound'
            ORDER BY id DESC LIMIT 1
            """).first()?.stringOrNil("intent")
    }
}
