import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
@testable import ShopdeskServer

/// A local Graph API for the Messenger Platform calls Shopdesk makes, in Meta's documented
/// shapes: the Send API (`POST /{page-id}/messages` answering `recipient_id` and `message_id`),
/// the Page with its linked Instagram account, `subscribed_apps`, files customers sent, and
/// errors as `{"error":{"message","type","code","error_subcode"}}`; and for comments on posts:
/// public replies (`POST /{comment-id}/comments` on Facebook, `/replies` on Instagram, answering
/// `{"id"}`), private replies through the Send API with `recipient.comment_id` (one per comment,
/// error 10900 after it), hiding (`is_hidden` / `hide`) and deleting comments, and posts read
/// with their fields.
actor FakeMeta {
    static let token = "EAAPageToken"
    static let pageID = "108000000000001"
    struct Sent: Sendable, Equatable { var recipient: String; var messagingType: String; var tag: String?; var text: String?; var attachment: String? }

    struct CommentAnswer: Sendable, Equatable { var comment: String; var edge: String; var text: String }
    struct Post: Sendable { var text: String; var link: String; var image: String }

    private(set) var sent: [Sent] = []
    private(set) var commentAnswers: [CommentAnswer] = []
    /// Private replies by comment id.
    private(set) var privateReplies: [String: String] = [:]
    /// Moderation calls as made: "hide 17", "unhide 17", "delete 17".
    private(set) var moderated: [String] = []
    private var posts: [String: Post] = [:]
    private(set) var subscribed: String?
    private var media: [String: (mime: String, data: Data)] = [:]
    private var failures: [(code: Int, subcode: Int?, message: String)] = []
    private var counter = 0

    func addMedia(id: String, mime: String, data: Data) { media[id] = (mime, data) }
    func addPost(id: String, _ post: Post) { posts[id] = post }
    func fail(code: Int, subcode: Int? = nil, _ message: String) { failures.append((code, subcode, message)) }

    static func run(_ body: @Sendable (FakeMeta, String) async throws -> Void) async throws {
        let meta = FakeMeta()
        let router = Router()
        router.post("v21.0/{id}/messages") { request, context in try await meta.send(request, context) }
        router.post("v21.0/{id}/subscribed_apps") { request, context in await meta.subscribe(request, context) }
        router.post("v21.0/{id}/comments") { request, context in try await meta.answerComment(request, context, edge: "comments") }
        router.post("v21.0/{id}/replies") { request, context in try await meta.answerComment(request, context, edge: "replies") }
        router.post("v21.0/{id}") { request, context in await meta.hide(request, context) }
        router.delete("v21.0/{id}") { request, context in await meta.delete(request, context) }
        router.get("v21.0/{id}") { request, context in await meta.page(request, context) }
        router.get("media/{id}") { _, context in await meta.file(context.parameters.get("id") ?? "") }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            try await body(meta, "http://127.0.0.1:\(client.port!)")
        }
    }

    private func authorized(_ request: Request, _ context: BasicRequestContext) -> Bool {
        request.headers[.authorization] == "Bearer \(Self.token)" && context.parameters.get("id") == Self.pageID
    }

    private static let unauthorized = FakeWhatsApp.json(400, #"{"error":{"message":"Invalid OAuth access token - Cannot parse access token","type":"OAuthException","code":190}}"#)

    private func send(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        guard authorized(request, context) else { return Self.unauthorized }
        let body = try JSONSerialization.jsonObject(with: Data(buffer: try await request.body.collect(upTo: 1 << 20))) as? [String: Any] ?? [:]
        if !failures.isEmpty {
            let failure = failures.removeFirst()
            let subcode = failure.subcode.map { #","error_subcode":\#($0)"# } ?? ""
            return FakeWhatsApp.json(400, #"{"error":{"message":"\#(failure.message)","type":"OAuthException","code":\#(failure.code)\#(subcode),"fbtrace_id":"F1"}}"#)
        }
        if let comment = (body["recipient"] as? [String: Any])?["comment_id"] as? String {
            guard privateReplies[comment] == nil else {
                return FakeWhatsApp.json(400, #"{"error":{"message":"(#10900) Activity already replied to","type":"OAuthException","code":10900}}"#)
            }
            privateReplies[comment] = (body["message"] as? [String: Any])?["text"] as? String ?? ""
            counter += 1
            return FakeWhatsApp.json(200, #"{"recipient_id":"6500000000000001","message_id":"m_PRIVATE\#(counter)"}"#)
        }
        guard let recipient = (body["recipient"] as? [String: Any])?["id"] as? String, let type = body["messaging_type"] as? String,
              let message = body["message"] as? [String: Any] else {
            return FakeWhatsApp.json(400, #"{"error":{"message":"(#100) The parameter recipient is required","type":"OAuthException","code":100}}"#)
        }
        if type == "MESSAGE_TAG" && body["tag"] as? String != "HUMAN_AGENT" {
            return FakeWhatsApp.json(400, #"{"error":{"message":"(#100) Tag is not valid","type":"OAuthException","code":100}}"#)
        }
        let attachment = ((message["attachment"] as? [String: Any])?["payload"] as? [String: Any])?["url"] as? String
        counter += 1
        sent.append(Sent(recipient: recipient, messagingType: type, tag: body["tag"] as? String, text: message["text"] as? String, attachment: attachment))
        return FakeWhatsApp.json(200, #"{"recipient_id":"\#(recipient)","message_id":"m_OUT\#(counter)"}"#)
    }

    private func subscribe(_ request: Request, _ context: BasicRequestContext) -> Response {
        guard authorized(request, context) else { return Self.unauthorized }
        subscribed = request.uri.queryParameters.get("subscribed_fields").map { String($0) }
        return FakeWhatsApp.json(200, #"{"success":true}"#)
    }

    private func tokenOK(_ request: Request) -> Bool { request.headers[.authorization] == "Bearer \(Self.token)" }

    private func answerComment(_ request: Request, _ context: BasicRequestContext, edge: String) async throws -> Response {
        guard tokenOK(request) else { return Self.unauthorized }
        let body = try JSONSerialization.jsonObject(with: Data(buffer: try await request.body.collect(upTo: 1 << 20))) as? [String: Any] ?? [:]
        guard let text = body["message"] as? String, !text.isEmpty else {
            return FakeWhatsApp.json(400, #"{"error":{"message":"(#100) The parameter message is required","type":"OAuthException","code":100}}"#)
        }
        counter += 1
        commentAnswers.append(CommentAnswer(comment: context.parameters.get("id") ?? "", edge: edge, text: text))
        return FakeWhatsApp.json(200, #"{"id":"reply_\#(counter)"}"#)
    }

    private func hide(_ request: Request, _ context: BasicRequestContext) -> Response {
        guard tokenOK(request) else { return Self.unauthorized }
        let query = request.uri.queryParameters
        guard let flag = query.get("is_hidden") ?? query.get("hide") else {
            return FakeWhatsApp.json(400, #"{"error":{"message":"(#100) Nothing to update","type":"OAuthException","code":100}}"#)
        }
        moderated.append("\(flag == "true" ? "hide" : "unhide") \(context.parameters.get("id") ?? "")")
        return FakeWhatsApp.json(200, #"{"success":true}"#)
    }

    private func delete(_ request: Request, _ context: BasicRequestContext) -> Response {
        guard tokenOK(request) else { return Self.unauthorized }
        moderated.append("delete \(context.parameters.get("id") ?? "")")
        return FakeWhatsApp.json(200, #"{"success":true}"#)
    }

    private func page(_ request: Request, _ context: BasicRequestContext) -> Response {
        if let id = context.parameters.get("id"), let post = posts[id] {
            guard tokenOK(request) else { return Self.unauthorized }
            // Facebook posts and Instagram media answer with their own field names.
            let fields = request.uri.queryParameters.get("fields").map { String($0) } ?? ""
            let text = post.text.replacingOccurrences(of: "\"", with: "\\\"")
            if fields.contains("full_picture") {
                return FakeWhatsApp.json(200, #"{"message":"\#(text)","full_picture":"\#(post.image)","permalink_url":"\#(post.link)","id":"\#(id)"}"#)
            }
            return FakeWhatsApp.json(200, #"{"caption":"\#(text)","media_type":"IMAGE","media_url":"\#(post.image)","permalink":"\#(post.link)","id":"\#(id)"}"#)
        }
        guard authorized(request, context) else { return Self.unauthorized }
        return FakeWhatsApp.json(200, #"{"name":"Loja Demo","instagram_business_account":{"username":"lojademo","id":"17841400000000001"},"id":"\#(Self.pageID)"}"#)
    }

    private func file(_ id: String) -> Response {
        guard let file = media[id] else { return Response(status: .notFound) }
        return Response(status: .ok, headers: [.contentType: file.mime], body: .init(byteBuffer: ByteBuffer(data: file.data)))
    }
}
