import Foundation
import ShopdeskCore

/// Comments on the shop's Facebook posts and Instagram media: taken in from the Page's `feed`
/// changes and the Instagram account's `comments` changes, answered under the comment
/// (`POST /{comment-id}/comments` on Facebook, `/replies` on Instagram) or privately to its
/// author (the Send API with `recipient.comment_id`, once per comment within 7 days), hidden
/// (`is_hidden` on Facebook, `hide` on Instagram) and deleted (`DELETE /{comment-id}`).
extension MetaMessagingAdapter {
    /// What one change says: a comment (new or edited), a comment hidden or removed, or nothing
    /// Shopdesk acts on. The account's own comments — our public replies coming back — are never
    /// taken in as the customer's.
    func comment(_ change: MetaMessagingNotification.Change, account: String?) -> ChannelEvent {
        guard let value = change.value else { return .ignored("a change without a value") }
        switch (platform, change.field) {
        case (.messenger, "feed"):
            guard value.item == "comment", let id = value.commentId, let post = value.postId else {
                return .ignored("a feed change that is not a comment (\(value.item ?? "unknown"))")
            }
            switch value.verb {
            case "remove": return .commentStatus(commentID: id, .deleted)
            case "hide": return .commentStatus(commentID: id, .hidden)
            case "unhide": return .commentStatus(commentID: id, .visible)
            case "add", "edited": break
            default: return .ignored("a comment change \(value.verb ?? "without a verb")")
            }
            // A top comment's parent is the post; an answer's parent is the comment it answers.
            let thread = value.parentId.flatMap { $0 == post ? nil : $0 } ?? id
            let at = value.createdTime.map { Date(timeIntervalSince1970: TimeInterval($0)) } ?? Date()
            var media: [ChannelMediaReference] = []
            if let photo = value.photo { media.append(ChannelMediaReference(id: photo, fileName: "photo.jpg")) }
            return inbound(id: id, text: value.message ?? "", author: value.from, account: account, thread: thread, post: post, at: at,
                           media: media, edited: value.verb == "edited", stamp: value.createdTime)
        case (.instagram, "comments"), (.instagram, "live_comments"):
            guard let id = value.id, let post = value.media?.id else { return .ignored("a comment without its id or media") }
            return inbound(id: id, text: value.text ?? "", author: value.from, account: account, thread: value.parentId ?? id, post: post,
                           at: Date(), media: [], edited: false, stamp: nil)
        default:
            return .ignored("change \(change.field ?? "none")")
        }
    }

    private func inbound(id: String, text: String, author: MetaMessagingNotification.Change.Author?, account: String?, thread: String, post: String,
                         at: Date, media: [ChannelMediaReference], edited: Bool, stamp: Int64?) -> ChannelEvent {
        guard let from = author?.id else { return .ignored("a comment without its author") }
        if from == account { return .ignored("the account's own comment") }
        let name = author?.name ?? author?.username.map { "@" + $0 }
        var message = ChannelInbound(id: edited ? "\(id):edit:\(stamp ?? 0)" : id,
                                     customer: CustomerIdentity(name: name, channel: ChannelIdentity(kind: kind.rawValue, value: from)),
                                     text: text, media: media, receivedAt: at, edits: edited ? id : nil)
        message.comment = InboundComment(thread: thread, post: post)
        return .message(message)
    }

    /// Sends a reply in a comment conversation: under the comment, or privately to its author.
    func answer(_ reply: CommentReply, text: String, page: String, token: String, settings: ChannelConfig,
                http: any ChannelHTTP) async -> ChannelSendResult {
        switch reply.visibility {
        case .public:
            let edge = platform == .messenger ? "comments" : "replies"
            return await post(["message": text], url: "\(apiBase(settings))/\(reply.comment)/\(edge)", token: token, http: http)
        case .private:
            return await post(["recipient": ["comment_id": reply.comment], "message": ["text": text]],
                              url: "\(apiBase(settings))/\(page)/messages", token: token, http: http)
        }
    }

    public func moderate(comment: String, _ action: CommentAction, settings: ChannelConfig, http: any ChannelHTTP) async throws(ChannelError) {
        guard let token = settings[Key.accessToken] else { throw ChannelError("Give the Page access token.") }
        let request: ChannelHTTPRequest
        let flag = platform == .messenger ? "is_hidden" : "hide"
        switch action {
        case .hide, .unhide:
            request = ChannelHTTPRequest(method: "POST", url: "\(apiBase(settings))/\(comment)?\(flag)=\(action == .hide)",
                                         headers: [("Authorization", "Bearer \(token)")])
        case .delete:
            request = ChannelHTTPRequest(method: "DELETE", url: "\(apiBase(settings))/\(comment)", headers: [("Authorization", "Bearer \(token)")])
        }
        let response: ChannelHTTPResponse
        do { response = try await http.send(request) } catch { throw ChannelError("\(displayName) could not be reached: \(error)") }
        let answer = SendAnswer.decode(response.body)
        guard response.status == 200, answer?.success == true else {
            throw ChannelError("\(displayName): \(answer?.error?.message ?? "answered \(response.status)")")
        }
    }

    public func post(_ id: String, settings: ChannelConfig, http: any ChannelHTTP) async throws(ChannelError) -> ChannelPost {
        guard let token = settings[Key.accessToken] else { throw ChannelError("Give the Page access token.") }
        let fields = platform == .messenger ? "message,full_picture,permalink_url" : "caption,media_type,media_url,thumbnail_url,permalink"
        let response: ChannelHTTPResponse
        do {
            response = try await http.send(ChannelHTTPRequest(method: "GET", url: "\(apiBase(settings))/\(id)?fields=\(fields)",
                                                              headers: [("Authorization", "Bearer \(token)")]))
        } catch { throw ChannelError("\(displayName) could not be reached: \(error)") }
        guard response.status == 200, let post = try? JSONDecoder().decode(PostInfo.self, from: response.body) else {
            throw ChannelError("\(displayName): \(SendAnswer.decode(response.body)?.error?.message ?? "answered \(response.status)")")
        }
        // A video's picture is its thumbnail.
        let image = post.fullPicture ?? (post.mediaType == "VIDEO" ? post.thumbnailUrl : post.mediaUrl) ?? post.thumbnailUrl
        return ChannelPost(text: post.message ?? post.caption, link: post.permalinkUrl ?? post.permalink, imageURL: image)
    }
}

/// A Facebook post or an Instagram media object, with the fields asked for.
struct PostInfo: Decodable {
    var message: String?
    var fullPicture: String?
    var permalinkUrl: String?
    var caption: String?
    var mediaType: String?
    var mediaUrl: String?
    var thumbnailUrl: String?
    var permalink: String?

    enum CodingKeys: String, CodingKey {
        case message, caption, permalink
        case fullPicture = "full_picture", permalinkUrl = "permalink_url", mediaType = "media_type", mediaUrl = "media_url", thumbnailUrl = "thumbnail_url"
    }
}
