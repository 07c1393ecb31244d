import Foundation
import ShopdeskCore
import SQLKit

/// A shop's post as kept beside its comment conversations.
public struct ChannelPostRecord: Equatable, Sendable {
    public var postID: String
    public var text: String?
    public var link: String?
    public var imageAttachmentID: AttachmentID?
    public var fetchedAt: Date

    public init(postID: String, text: String?, link: String?, imageAttachmentID: AttachmentID?, fetchedAt: Date) {
        self.postID = postID; self.text = text; self.link = link; self.imageAttachmentID = imageAttachmentID; self.fetchedAt = fetchedAt
    }
}

extension ConversationService {
    /// Records that a customer's comment was hidden, shown again or deleted, on the shop's word
    /// or the provider's; nothing changes (and nothing is told) when it already was.
    public func setCommentStatus(workspaceID: WorkspaceID, messageID: MessageID, status: CommentStatus, actor: EventActor) async throws {
        let time = now()
        let events = try await database.write { sql in
            guard let message = try await MessageRepository.find(workspaceID: workspaceID, id: messageID, in: sql), message.commentStatus != nil else {
                throw ShopdeskError.notFound("Comment \(messageID)")
            }
            // A deleted comment stays deleted: a late "hide" from the provider does not bring it back.
            guard message.commentStatus != status, message.commentStatus != .deleted else { return [DomainEvent]() }
            try await sql.raw("""
                UPDATE messages SET comment_status = \(bind: status.rawValue) WHERE workspace_id = \(bind: workspaceID.rawValue)
                  AND id = \(bind: messageID.rawValue)
                """).run()
            let event = DomainEvent(workspaceID: workspaceID, conversationID: message.conversationID, kind: .messageCommentChanged, actor: actor,
                                    payload: ["message_id": .id(messageID), "status": .string(status.rawValue)], occurredAt: time)
            return try await EventLog.record([event], in: sql)
        }
        await publisher?.publish(events)
    }
}

extension ChannelRepository {
    /// The customer's comment the provider names, in this inbox.
    public static func comment(inboxID: InboxID, workspaceID: WorkspaceID, commentID: String, in sql: any SQLDatabase) async throws -> MessageID? {
        try await sql.raw("""
            SELECT id FROM messages WHERE workspace_id = \(bind: workspaceID.rawValue) AND inbox_id = \(bind: inboxID.rawValue)
              AND channel_message_id = \(bind: commentID) AND comment_status IS NOT NULL
            """).first()?.id("id")
    }

    /// The customer's latest comment in the conversation that is still on the post, with when
    /// it was written: a private reply answers it.
    public static func latestComment(conversationID: ConversationID, workspaceID: WorkspaceID,
                                     in sql: any SQLDatabase) async throws -> (id: String, at: Date)? {
        guard let row = try await sql.raw("""
            SELECT channel_message_id, created_at FROM messages WHERE workspace_id = \(bind: workspaceID.rawValue)
              AND conversation_id = \(bind: conversationID.rawValue) AND direction = 'inbound' AND comment_status IN ('visible', 'hidden')
              AND channel_message_id IS NOT NULL ORDER BY created_at DESC, id DESC LIMIT 1
            """).first() else { return nil }
        // An edit is stored under its own id; the comment answered is the one it edits.
        let id = try row.string("channel_message_id")
        return (id.components(separatedBy: ":edit:").first ?? id, try row.date("created_at"))
    }

    /// Whether a private reply to this comment was already sent or is on its way (one per comment).
    public static func privatelyAnswered(comment: String, conversationID: ConversationID, workspaceID: WorkspaceID,
                                         in sql: any SQLDatabase) async throws -> Bool {
        let reply = try JSONCoding.string(CommentReply(visibility: .private, comment: comment))
        return try await sql.raw("""
            SELECT 1 AS found FROM messages WHERE workspace_id = \(bind: workspaceID.rawValue) AND conversation_id = \(bind: conversationID.rawValue)
              AND direction = 'outbound' AND comment_reply = \(bind: reply) AND delivery_status <> 'failed' LIMIT 1
            """).first() != nil
    }

    public static func post(inboxID: InboxID, workspaceID: WorkspaceID, postID: String, in sql: any SQLDatabase) async throws -> ChannelPostRecord? {
        guard let row = try await sql.raw("""
            SELECT * FROM channel_posts WHERE workspace_id = \(bind: workspaceID.rawValue) AND inbox_id = \(bind: inboxID.rawValue)
              AND post_id = \(bind: postID)
            """).first() else { return nil }
        return ChannelPostRecord(postID: try row.string("post_id"), text: try row.stringOrNil("text"), link: try row.stringOrNil("link"),
                                 imageAttachmentID: try row.idOrNil("image_attachment_id"), fetchedAt: try row.date("fetched_at"))
    }

    public static func savePost(_ post: ChannelPostRecord, inboxID: InboxID, workspaceID: WorkspaceID, in sql: any SQLDatabase) async throws {
        try await sql.raw("""
            INSERT INTO channel_posts (workspace_id, inbox_id, post_id, text, link, image_attachment_id, fetched_at)
            VALUES (\(bind: workspaceID.rawValue), \(bind: inboxID.rawValue), \(bind: post.postID), \(bind: post.text), \(bind: post.link),
              \(bind: post.imageAttachmentID?.rawValue), \(bind: post.fetchedAt.millis))
            ON CONFLICT (inbox_id, post_id) DO UPDATE SET text = excluded.text, link = excluded.link,
              image_attachment_id = excluded.image_attachment_id, fetched_at = excluded.fetched_at
            """).run()
    }
}
