import Crypto
import Foundation
import Hummingbird
import ShopdeskChannels
import ShopdeskCore
import ShopdeskStore

/// Comments on the shop's posts as conversations (Facebook, Instagram): where a reply goes
/// (publicly under the thread's comment, or privately to the latest comment's author), the post
/// shown beside the conversation, and hiding or deleting a customer's comment.
struct ChannelComments {
    let services: AppServices

    /// Private replies may answer a comment for this long after it was written (Meta's rule).
    static let privateReplyWindow: TimeInterval = 7 * 24 * 3600

    struct PostDTO: ResponseEncodable {
        var postId: String
        /// False until the post was read from the provider (a job does it when the first comment arrives).
        var fetched: Bool
        var text: String?
        var link: String?
        var imageAttachmentId: Int64?
    }
    struct ModerationBody: Decodable { var action: CommentAction }

    func register(_ api: APIRegistrar) {
        api.on(.get, "/conversations/{id}/channel/post", "The post a comment conversation is about: its text, link and picture",
               tag: "channels") { request, context in
            let conversation = try await services.conversation(try request.id(context: context, "Conversation"), context)
            guard let postID = conversation.channelPost else {
                throw Problem(.notFound, "Conversation \(conversation.id.rawValue) is not about a post's comments.")
            }
            let ws = context.workspaceID
            let post = try await services.database.read {
                try await ChannelRepository.post(inboxID: conversation.inboxID, workspaceID: ws, postID: postID, in: $0)
            }
            return PostDTO(postId: postID, fetched: post != nil, text: post?.text, link: post?.link, imageAttachmentId: post?.imageAttachmentID?.rawValue)
        }
        api.on(.post, "/messages/{id}/comment", "Hide, show again or delete the customer's comment on the shop's post (action: hide, unhide, delete)",
               tag: "channels", role: .agent, body: "ModerationBody") { request, context in
            let id: MessageID = try request.id(context: context, "Message")
            let ws = context.workspaceID
            guard let message = try await services.database.read({ try await MessageRepository.find(workspaceID: ws, id: id, in: $0) }),
                  message.commentStatus != nil, let commentID = message.channelMessageID else {
                throw Problem(.notFound, "Message \(id.rawValue) is not a customer's comment.")
            }
            let conversation = try await services.conversation(message.conversationID, context)
            let body = try await request.decode(as: ModerationBody.self, context: context)
            guard message.commentStatus != .deleted else {
                throw Problem(.conflict, "The comment was deleted; there is nothing left to change.")
            }
            let (inbox, adapter) = try await channel(of: conversation)
            do {
                // An edit is kept under its own id; the comment is the one it edits.
                try await adapter.moderate(comment: commentID.components(separatedBy: ":edit:")[0], body.action,
                                           settings: try ChannelSetup(services: services).config(inbox), http: services.channelHTTP)
            } catch let error as ChannelError {
                throw Problem(.badGateway, error.message)
            }
            let status: CommentStatus = switch body.action { case .hide: .hidden; case .unhide: .visible; case .delete: .deleted }
            try await services.conversations.setCommentStatus(workspaceID: ws, messageID: id, status: status, actor: .agent(context.agent.id))
            guard let updated = try await services.database.read({ try await MessageRepository.find(workspaceID: ws, id: id, in: $0) }) else {
                throw Problem(.notFound, "Message \(id.rawValue) was not found.")
            }
            return MessageDTO(updated)
        }
    }

    /// Where an agent's reply in this conversation goes, or nil when it is not a comment
    /// conversation (and `requested` is nil). Public by default: the thread's top comment.
    func target(_ requested: CommentReply.Visibility?, conversation: Conversation, hasFiles: Bool) async throws -> CommentReply? {
        guard let thread = conversation.channelThread else {
            guard requested == nil else {
                throw Problem(.unprocessableContent, "Only a conversation about a post's comments has public and private replies.", field: "comment_reply")
            }
            return nil
        }
        guard !hasFiles else {
            throw Problem(.unprocessableContent, "Replies to comments carry text only; send files in a direct message.", field: "attachment_ids",
                          code: "comment_reply_text_only")
        }
        switch requested ?? .public {
        case .public:
            return CommentReply(visibility: .public, comment: thread)
        case .private:
            let ws = conversation.workspaceID, id = conversation.id
            guard let latest = try await services.database.read({
                try await ChannelRepository.latestComment(conversationID: id, workspaceID: ws, in: $0)
            }) else {
                throw Problem(.unprocessableContent, "There is no comment left to answer privately: the customer's comments were deleted.",
                              field: "comment_reply")
            }
            guard Date().timeIntervalSince(latest.at) <= Self.privateReplyWindow else {
                throw Problem(.unprocessableContent, "A private reply may answer a comment only within 7 days of it, and the customer's latest "
                              + "comment is older. Reply publicly instead.", field: "comment_reply", code: "private_reply_too_late")
            }
            // Said here with its code; the reply's own transaction checks it again (two agents at once).
            if try await services.database.read({
                try await ChannelRepository.privatelyAnswered(comment: latest.id, conversationID: id, workspaceID: ws, in: $0)
            }) {
                throw Problem(.unprocessableContent, "This comment already has its private reply: one private message per comment is allowed. "
                              + "Reply publicly, or wait for the customer to write.", field: "comment_reply", code: "private_reply_used")
            }
            return CommentReply(visibility: .private, comment: latest.id)
        }
    }

    /// Reads the post a comment is under and keeps it with its picture; run as a job queued
    /// with the thread's first comment. A post already kept is not read again.
    func fetchPost(_ postID: String, inboxID: InboxID, workspaceID: WorkspaceID) async throws {
        let known = try await services.database.read {
            try await ChannelRepository.post(inboxID: inboxID, workspaceID: workspaceID, postID: postID, in: $0)
        }
        guard known == nil else { return }
        guard let inbox = try await services.database.read({ try await InboxRepository.find(workspaceID: workspaceID, id: inboxID, in: $0) }),
              let adapter = services.channels.adapter(for: inbox.kind) else { return }
        let settings = try ChannelSetup(services: services).config(inbox)
        let post: ChannelPost
        do { post = try await adapter.post(postID, settings: settings, http: services.channelHTTP) } catch {
            throw JobFailure(description: error.message, permanent: false)
        }
        var image: AttachmentID?
        if let url = post.imageURL {
            // The picture comes from the provider's hosts only, like a customer's file; a post
            // without one (or whose picture is elsewhere) is still shown with its text.
            if let file = try? await adapter.media(ChannelMediaReference(id: url, fileName: "post.jpg"), settings: settings, http: services.channelHTTP) {
                let digest = Secrets.hex(SHA256.hash(data: file.data))
                try await services.files.store(file.data, sha256: digest)
                let type = AttachmentsController.sniff(file.data, declared: file.contentType)
                image = try await services.database.write {
                    try await AttachmentRepository.create(workspaceID: workspaceID, sha256: digest, fileName: "post.jpg", contentType: type,
                                                          size: Int64(file.data.count), uploadedBy: nil, now: Date(), in: $0)
                }.id
            }
        }
        let record = ChannelPostRecord(postID: postID, text: post.text.map { String($0.prefix(5000)) }, link: post.link.flatMap(Self.webLink),
                                       imageAttachmentID: image, fetchedAt: Date())
        try await services.database.write { try await ChannelRepository.savePost(record, inboxID: inboxID, workspaceID: workspaceID, in: $0) }
    }

    /// Only https links are kept for the agent to open.
    static func webLink(_ link: String) -> String? {
        guard let url = URL(string: link), url.scheme == "https", url.host != nil, link.count <= 2000 else { return nil }
        return link
    }

    private func channel(of conversation: Conversation) async throws -> (Inbox, any ChannelAdapter) {
        let ws = conversation.workspaceID, inboxID = conversation.inboxID
        guard let inbox = try await services.database.read({ try await InboxRepository.find(workspaceID: ws, id: inboxID, in: $0) }),
              let adapter = services.channels.adapter(for: inbox.kind), adapter.capabilities.comments else {
            throw Problem(.unprocessableContent, "This conversation's channel has no comments to moderate.")
        }
        return (inbox, adapter)
    }
}
