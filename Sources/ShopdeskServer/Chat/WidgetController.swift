import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import ShopdeskChannels
import ShopdeskCore
import ShopdeskStore

/// The chat widget's API under `/api/v1/widget`, called from shops' pages on other origins.
///
/// A visitor is known by a random token that the widget keeps in the browser's storage and sends
/// in `X-Visitor-Token` (never in a URL). A visitor sees only the conversation their own messages
/// started: never a customer's other conversations, never internal notes.
struct WidgetController {
    let services: AppServices

    static let tokenHeader = HTTPField.Name("X-Visitor-Token")!

    struct PageBody: Decodable { var url: String?; var title: String?; var referrer: String? }
    struct SessionBody: Decodable {
        var token: String?
        var identifier: String?
        var identifierHash: String?
        var name: String?
        var email: String?
        var page: PageBody?
        var language: String?
    }
    struct MessageBody: Decodable {
        var clientId: String
        var text: String?
        var attachmentIds: [Int64]?
        /// The campaign display the visitor answered, when the first message comes from one.
        var campaignShowId: Int64?
    }
    struct ContactBody: Decodable { var name: String?; var email: String? }
    struct AckBody: Decodable { var messageId: Int64; var status: String? }
    struct TrackBody: Decodable { var number: String; var email: String }

    struct Config: ResponseEncodable {
        var name: String
        var greeting: String
        var color: String
        var prechatForm: Bool
        var requireIdentity: Bool
        var open: Bool
        var online: Bool
        /// The help center's returns page, when the workspace has a help center.
        var returnsPath: String?
    }
    struct SessionAnswer: ResponseEncodable {
        /// Only when a new visitor was created: the widget stores it.
        var token: String?
        var visitor: VisitorDTO
        var conversationId: Int64?
        var messages: [WidgetMessage]
        var config: Config
    }
    struct VisitorDTO: Codable { var id: Int64; var name: String?; var email: String?; var verified: Bool }
    struct MessagesAnswer: ResponseEncodable { var conversationId: Int64?; var messages: [WidgetMessage] }
    struct MessageAnswer: ResponseEncodable { var conversationId: Int64; var message: WidgetMessage; var duplicate: Bool }

    func register(on router: Router<AppRequestContext>, _ api: APIRegistrar) {
        api.onPublic(.get, "/widget/{key}", "A chat inbox's widget settings and whether anyone is there to answer",
                     tag: "widget") { request, context in
            let inbox = try await chatInbox(request, context)
            return try await config(inbox)
        }
        registerCampaigns(api)
        api.onPublic(.post, "/widget/{key}/sessions",
                     "Start or resume a visitor's session (identity verified by identifier_hash, HMAC-SHA256 with the inbox secret)",
                     tag: "widget", body: "SessionBody") { request, context in
            try await session(request, context)
        }
        api.onPublic(.get, "/widget/messages", "The visitor's conversation (X-Visitor-Token), after `after` when paging",
                     tag: "widget") { request, context in
            let visitor = try await visitor(request)
            let after = try request.queryInt("after", default: 0, range: 0...Int.max)
            let conversation = try await services.chat.visibleConversation(of: visitor)
            let messages = try await conversation.asyncMap { try await services.chat.messages(of: $0, workspaceID: visitor.workspaceID, after: Int64(after)) } ?? []
            return MessagesAnswer(conversationId: conversation?.rawValue, messages: messages)
        }
        api.onPublic(.post, "/widget/messages", "The visitor writes (client_id makes a resend harmless)", tag: "widget",
                     body: "MessageBody", status: 201) { request, context in
            let visitor = try await visitor(request)
            try await limit("visitor:\(visitor.id)", Self.messagesPerMinute, 60, "Too many messages at once.")
            let body = try await request.decode(as: MessageBody.self, context: context)
            let (conversation, message, duplicate) = try await services.chat.send(
                from: visitor, clientID: body.clientId, text: body.text ?? "", attachmentIDs: (body.attachmentIds ?? []).map(AttachmentID.init))
            if !duplicate {
                if let show = body.campaignShowId {
                    try await services.commerce.campaignConversation(workspaceID: visitor.workspaceID, showID: show, visitorID: visitor.id,
                                                                     conversationID: conversation)
                }
                await ChatBotRunner(services: services).respond(to: body.text ?? "", conversationID: conversation, visitor: visitor)
            }
            return Created(body: MessageAnswer(conversationId: conversation.rawValue, message: message, duplicate: duplicate),
                           status: duplicate ? .ok : .created)
        }
        api.onPublic(.post, "/widget/contact", "The visitor leaves a name and email (pre-chat or offline form)",
                     tag: "widget", body: "ContactBody", status: 204) { request, context in
            var visitor = try await visitor(request)
            let body = try await request.decode(as: ContactBody.self, context: context)
            try Self.applyContact(name: body.name, email: body.email, to: &visitor)
            let updated = visitor
            try await services.database.write { try await ChatVisitorRepository.update(updated, in: $0) }
            return Response(status: .noContent)
        }
        api.onPublic(.post, "/widget/pages", "The page the visitor is on (URL, title, referrer)", tag: "widget",
                     body: "PageBody", status: 204) { request, context in
            var visitor = try await visitor(request)
            let body = try await request.decode(as: PageBody.self, context: context)
            Self.record(page: body, userAgent: nil, language: nil, on: &visitor)
            let updated = visitor
            try await services.database.write { try await ChatVisitorRepository.update(updated, in: $0) }
            return Response(status: .noContent)
        }
        api.onPublic(.post, "/widget/orders/lookup",
                     "Self-service tracking: an order's status and tracking for its number and the email it was placed with",
                     tag: "widget", body: "TrackBody") { request, context in
            let visitor = try await visitor(request)
            try await limit("track:\(visitor.id)", 10, 600, "Too many order lookups.")
            try await limit("track-ip:\(context.remoteAddress?.ipAddress ?? "unknown")", 30, 600, "Too many order lookups.")
            let body = try await request.decode(as: TrackBody.self, context: context)
            guard let order = try await services.commerce.track(workspaceID: visitor.workspaceID, number: body.number, email: body.email) else {
                throw Problem(.notFound, "No order matches that number and email. Check both, or ask us in the chat.")
            }
            let slug = try await services.database.read { [ws = visitor.workspaceID] in try await HelpCenterRepository.settings(workspaceID: ws, in: $0).slug }
            return TrackedOrder(order, helpCenter: slug)
        }
        api.onPublic(.post, "/widget/acknowledge", "The widget received (delivered) or showed (read) replies up to message_id",
                     tag: "widget", body: "AckBody", status: 204) { request, context in
            let visitor = try await visitor(request)
            let body = try await request.decode(as: AckBody.self, context: context)
            let status: DeliveryStatus = body.status == "delivered" ? .delivered : .read
            try await services.chat.acknowledge(visitor, upTo: MessageID(body.messageId), status: status)
            return Response(status: .noContent)
        }
        api.onPublic(.post, "/widget/attachments", "The visitor uploads a file (raw body, name in X-File-Name)", tag: "widget",
                     body: "binary", status: 201) { request, context in
            let visitor = try await visitor(request)
            let record = try await AttachmentsController.receive(request, services: services, workspaceID: visitor.workspaceID,
                                                                agentID: nil, visitorID: visitor.id)
            return Created(body: WidgetAttachment(record))
        }
        api.onPublic(.get, "/widget/attachments/{id}", "A file of the visitor's conversation, as a download", tag: "widget") { request, context in
            let visitor = try await visitor(request)
            let id: AttachmentID = try request.id(context: context, "Attachment")
            let record = try await services.chat.attachment(id, for: visitor)
            return try await AttachmentsController.download(record, services: services)
        }
        VisitorSocket(services: services).register(on: router, api)
        api.on(.get, "/conversations/{id}/visitor", "The chat visitor behind a conversation: page, referrer, browser, pages visited",
               tag: "conversations") { request, context in
            let conversation = try await services.conversation(try request.id(context: context, "Conversation"), context)
            guard let visitor = try await services.database.read({
                try await ChatVisitorRepository.find(conversationID: conversation.id, workspaceID: conversation.workspaceID, in: $0)
            }) else { throw Problem(.notFound, "Conversation \(conversation.id) did not come from the chat widget.") }
            return VisitorDetails(visitor)
        }
    }

    static let messagesPerMinute = 30

    func limit(_ key: String, _ count: Int, _ window: TimeInterval, _ what: String) async throws {
        if let wait = await services.widgetLimiter.attempt(key, limit: count, window: window, now: Date()) {
            var problem = Problem(.tooManyRequests, "\(what) Try again in \(wait) seconds.")
            problem.headers[.retryAfter] = String(wait)
            throw problem
        }
    }

    func chatInbox(_ request: Request, _ context: AppRequestContext) async throws -> Inbox {
        let key = context.parameters.get("key") ?? ""
        guard !key.isEmpty, let inbox = try await services.database.read({ try await InboxRepository.find(widgetKey: key, in: $0) }) else {
            throw Problem(.notFound, "No chat inbox has the key \(key.prefix(64)). Copy the snippet again from the inbox's settings.")
        }
        return inbox
    }

    private func config(_ inbox: Inbox) async throws -> Config {
        let settings = inbox.chat ?? ChatSettings()
        let (open, online) = try await services.chat.availability(of: inbox)
        let slug = try await services.database.read { try await HelpCenterRepository.settings(workspaceID: inbox.workspaceID, in: $0).slug }
        return Config(name: inbox.name, greeting: settings.greeting, color: settings.color, prechatForm: settings.prechatForm,
                      requireIdentity: settings.requireIdentity, open: open, online: online, returnsPath: slug.map { "/help/\($0)/returns" })
    }

    func visitor(_ request: Request) async throws -> ChatVisitor {
        guard let token = request.headers[Self.tokenHeader], !token.isEmpty else {
            throw Problem(.unauthorized, "Start a chat session first: this call needs the visitor token in X-Visitor-Token.")
        }
        guard let visitor = try await services.chat.visitor(token: token) else {
            throw Problem(.unauthorized, "This chat session has ended; start a new one.")
        }
        return visitor
    }

    private func session(_ request: Request, _ context: AppRequestContext) async throws -> SessionAnswer {
        let inbox = try await chatInbox(request, context)
        let body = try await request.decode(as: SessionBody.self, context: context)
        let settings = inbox.chat ?? ChatSettings()
        // The identity a shop vouches for. Unsigned or wrongly signed identifiers never identify
        // anyone; where the inbox requires verification they are refused outright.
        var verified: String?
        if let identifier = body.identifier.map({ $0.trimmingCharacters(in: .whitespaces) }), !identifier.isEmpty {
            let secret = try await services.database.read { try await InboxRepository.secret(of: inbox.id, in: $0) } ?? ""
            if let hash = body.identifierHash, ChatWire.verify(identifier: identifier, hash: hash, secret: secret) {
                verified = String(identifier.prefix(200))
            } else if settings.requireIdentity {
                throw Problem(.unauthorized, "This chat only accepts identified customers whose identifier_hash is the HMAC-SHA256 of the identifier with the inbox secret.",
                              field: "identifier_hash")
            }
        }
        let userAgent = request.headers[.userAgent]
        let now = Date()
        var newToken: String?
        var visitor = try await body.token.asyncMap { try await services.chat.visitor(token: $0) }
        // A stored session continues only in its own inbox and for the same person: a different
        // signed-in customer (or a sign-out) on the same browser starts afresh.
        if let existing = visitor, existing.inboxID != inbox.id || (existing.identifier != nil && existing.identifier != verified) {
            visitor = nil
        }
        if var existing = visitor {
            if existing.identifier == nil, let verified { existing.identifier = verified }
            existing.lastSeenAt = now
            if let page = body.page { Self.record(page: page, userAgent: userAgent, language: body.language, on: &existing) }
            visitor = existing
            try await services.database.write { [existing] in try await ChatVisitorRepository.update(existing, in: $0) }
        } else {
            // New visitors are cheap to make; a script making thousands is held back per address.
            try await limit("sessions:\(context.remoteAddress?.ipAddress ?? "unknown")", services.config.widgetSessionsPerAddress, 600,
                            "Too many new chats from this address.")
            let token = Secrets.token(prefix: "sdv_")
            var fresh = ChatVisitor(id: 0, workspaceID: inbox.workspaceID, inboxID: inbox.id, customerID: nil, conversationID: nil,
                                    name: nil, email: nil, identifier: verified, context: VisitorContext(), createdAt: now, lastSeenAt: now)
            try Self.applyContact(name: body.name, email: body.email, to: &fresh)
            Self.record(page: body.page ?? PageBody(), userAgent: userAgent, language: body.language, on: &fresh)
            let draft = fresh
            visitor = try await services.database.write {
                try await ChatVisitorRepository.create(workspaceID: inbox.workspaceID, inboxID: inbox.id, tokenHash: Secrets.sha256Hex(token),
                                                       name: draft.name, email: draft.email, identifier: draft.identifier,
                                                       context: draft.context, now: now, in: $0)
            }
            newToken = token
        }
        guard let visitor else { throw Problem(.internalServerError, "The chat session could not be stored.") }
        let conversation = try await services.chat.visibleConversation(of: visitor)
        let messages = try await conversation.asyncMap { try await services.chat.messages(of: $0, workspaceID: visitor.workspaceID, after: 0) } ?? []
        return SessionAnswer(token: newToken, visitor: VisitorDTO(id: visitor.id, name: visitor.name, email: visitor.email, verified: visitor.identifier != nil),
                             conversationId: conversation?.rawValue, messages: messages, config: try await config(inbox))
    }

    /// Name and email that a visitor typed: kept on the visitor for agents to see, never used to
    /// find an existing customer (anyone can type anyone's address).
    static func applyContact(name: String?, email: String?, to visitor: inout ChatVisitor) throws {
        if let name = name.map(Text.singleLine), !name.isEmpty { visitor.name = String(name.prefix(200)) }
        if let email = email?.trimmingCharacters(in: .whitespacesAndNewlines), !email.isEmpty {
            do { visitor.email = try Identities.email(email) } catch {
                throw Problem(.unprocessableContent, "That email address does not look right; check it and try again.", field: "email")
            }
        }
    }

    static func record(page: PageBody, userAgent: String?, language: String?, on visitor: inout ChatVisitor) {
        if let userAgent { visitor.context.userAgent = String(userAgent.prefix(400)) }
        if let language { visitor.context.language = String(language.prefix(35)) }
        guard let url = page.url.map({ String($0.prefix(2000)) }), ChatWire.isWebURL(url) else { return }
        let referrer = page.referrer.map { String($0.prefix(2000)) }.flatMap { ChatWire.isWebURL($0) ? $0 : nil }
        visitor.context.visit(url: url, title: page.title.map { String(Text.singleLine($0).prefix(300)) }, referrer: referrer, at: Date())
    }
}

/// What agents see about a chat visitor.
struct VisitorDetails: ResponseEncodable {
    var id: Int64
    var name: String?
    /// Typed by the visitor: not verified.
    var email: String?
    /// The shop's customer id, verified by its signature.
    var identifier: String?
    var context: VisitorContext
    var lastSeenAt: Date

    init(_ visitor: ChatVisitor) {
        id = visitor.id
        name = visitor.name
        email = visitor.email
        identifier = visitor.identifier
        context = visitor.context
        lastSeenAt = visitor.lastSeenAt
    }
}

extension WidgetAttachment: ResponseEncodable {
    init(_ record: AttachmentRecord) {
        self.init(id: record.id.rawValue, fileName: record.fileName, contentType: record.contentType, size: record.size)
    }
}
