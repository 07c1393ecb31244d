import Foundation
import HTTPTypes
import Hummingbird
import ShopdeskChannels
import ShopdeskCore
import ShopdeskStore

/// Inboxes, their members, and the API inbox's inbound endpoint.
struct InboxesController {
    let services: AppServices

    struct CreateInbox: Decodable {
        var name: String; var kind: InboxKind?; var webhookUrl: String?; var memberIds: [Int64]?; var chat: ChatSettings?
        var email: EmailSettings?
        /// A messaging channel's settings, by the keys `GET /channels` lists for its kind.
        var channel: [String: String]?
        /// A messaging channel's bot mode (a chat inbox's is `chat.bot`).
        var bot: ChatSettings.BotMode?
    }
    struct UpdateInbox: Decodable {
        var name: String?; var webhookUrl: String?; var chat: ChatSettings?; var email: EmailSettings?; var channel: [String: String]?
        var bot: ChatSettings.BotMode?
    }
    struct Members: Decodable { var memberIds: [Int64] }
    struct InboxCreated: ResponseEncodable { var inbox: InboxDTO; var token: String }

    struct InboundBody: Decodable {
        struct Customer: Decodable { var email: String?; var phone: String?; var name: String?; var externalId: String? }
        var customer: Customer
        var subject: String?
        var text: String
        var externalId: String?
        var conversationId: Int64?
    }
    struct DeliveryBody: Decodable { var status: DeliveryStatus; var error: String? }
    struct InboundCreated: ResponseEncodable { var conversationId: Int64; var messageId: Int64; var customerId: Int64; var duplicate: Bool }

    /// A chat continued by email needs an email inbox of the same workspace to send from.
    private func emailContinuation(_ settings: ChatSettings, _ context: AuthenticatedContext) async throws -> ChatSettings {
        guard let id = settings.emailInboxId else { return settings }
        let ws = context.workspaceID
        guard let inbox = try await services.database.read({ try await InboxRepository.find(workspaceID: ws, id: InboxID(id), in: $0) }),
              inbox.kind == .email else {
            throw Problem(.unprocessableContent, "Continue chats by email through one of your email inboxes; inbox \(id) is not one.",
                          field: "chat.email_inbox_id")
        }
        return settings
    }

    func register(_ api: APIRegistrar, agents: AgentsController) {
        let database = services.database
        api.on(.get, "/inboxes", "Inboxes you can see", tag: "inboxes") { _, context in
            let ws = context.workspaceID
            let visible = try await services.visibleInboxes(context)
            let inboxes = try await database.read { try await InboxRepository.list(workspaceID: ws, in: $0) }
                .filter { inbox in visible.map { $0.contains(inbox.id) } ?? true }
            return Page(items: inboxes.map { InboxDTO($0) }, nextCursor: nil)
        }
        api.on(.post, "/inboxes", "Create an inbox; answers with its token once", tag: "inboxes", role: .admin, body: "CreateInbox",
               status: 201) { request, context in
            let body = try await request.decode(as: CreateInbox.self, context: context)
            let name = Text.singleLine(body.name)
            guard !name.isEmpty, name.count <= 100 else { throw Problem(.unprocessableContent, "An inbox needs a name of 1 to 100 characters.", field: "name") }
            let webhook = try await validWebhook(body.webhookUrl)
            let members = try await agents.validAgents(body.memberIds ?? [context.agent.id.rawValue], context)
            let token = Secrets.token(prefix: "sdi_")
            let ws = context.workspaceID
            let kind = body.kind ?? .api
            // A chat inbox's widget is public: it is named by its own random key, and its token
            // signs the identities the shop vouches for.
            let chat = kind == .chat ? try await emailContinuation(try (body.chat ?? ChatSettings()).validated(), context) : nil
            let widgetKey = kind == .chat ? Secrets.token(prefix: "sdw_", bytes: 16) : nil
            let email: EmailSettings?
            if kind == .email {
                guard let settings = body.email else {
                    throw Problem(.unprocessableContent, "An email inbox needs its address: give email.address.", field: "email.address")
                }
                email = try sealed(try await reachableServers(try await uniqueAddresses(settings.validated(), except: nil)), keeping: nil)
            } else {
                email = nil
            }
            let adapter = services.channels.adapter(for: kind)
            if body.bot != nil && adapter == nil {
                throw Problem(.unprocessableContent, "Only messaging inboxes take bot here; a chat inbox's bot is chat.bot.", field: "bot")
            }
            var settings = try await adapter.asyncMap { try await ChannelSetup(services: services).settings($0, input: body.channel ?? [:], keeping: nil) }
            if let bot = body.bot { settings?.bot = bot }
            let channel = settings
            var inbox = try await database.write { sql in
                let inbox = try await InboxRepository.create(workspaceID: ws, kind: kind, name: name, webhookURL: webhook,
                                                             secret: token, now: Date(), chat: chat, email: email, channel: channel,
                                                             widgetKey: widgetKey, in: sql)
                try await InboxRepository.setMembers(of: inbox.id, workspaceID: inbox.workspaceID, to: members, in: sql)
                if inbox.email?.imap != nil { try await IMAPPoller.schedule(inbox, at: Date(), in: sql) }
                return inbox
            }
            if let adapter { inbox = try await ChannelRoutes(services: services).connect(inbox, adapter) }
            return Created(body: InboxCreated(inbox: InboxDTO(inbox, members: members), token: token))
        }
        api.on(.get, "/inboxes/{id}", "One inbox with its members", tag: "inboxes") { request, context in
            let inbox = try await inbox(request, context)
            let members = try await database.read { try await InboxRepository.members(of: inbox.id, in: $0) }
            return InboxDTO(inbox, members: members)
        }
        api.on(.patch, "/inboxes/{id}", "Rename an inbox, change where its replies are POSTed, or change a chat widget's settings",
               tag: "inboxes", role: .admin, body: "UpdateInbox") { request, context in
            var inbox = try await inbox(request, context)
            let body = try await request.decode(as: UpdateInbox.self, context: context)
            if let chat = body.chat {
                guard inbox.kind == .chat else { throw Problem(.unprocessableContent, "Only chat inboxes have widget settings.", field: "chat") }
                inbox.chat = try await emailContinuation(try chat.validated(), context)
            }
            if let email = body.email {
                guard inbox.kind == .email else { throw Problem(.unprocessableContent, "Only email inboxes have addresses.", field: "email") }
                inbox.email = try sealed(try await reachableServers(try await uniqueAddresses(email.validated(), except: inbox.id)), keeping: inbox.email)
            }
            var reconnect: (any ChannelAdapter)?
            if let channel = body.channel {
                guard let adapter = services.channels.adapter(for: inbox.kind) else {
                    throw Problem(.unprocessableContent, "Only messaging inboxes have channel settings.", field: "channel")
                }
                inbox.channel = try await ChannelSetup(services: services).settings(adapter, input: channel, keeping: inbox.channel)
                reconnect = adapter
            }
            if let bot = body.bot {
                guard inbox.kind.isMessaging, inbox.channel != nil else {
                    throw Problem(.unprocessableContent, "Only messaging inboxes take bot here; a chat inbox's bot is chat.bot.", field: "bot")
                }
                inbox.channel?.bot = bot
            }
            if let name = body.name { inbox.name = Text.singleLine(name) }
            if let url = body.webhookUrl { inbox.webhookURL = url.isEmpty ? nil : try await validWebhook(url) }
            let updated = inbox
            try await database.write { sql in
                try await InboxRepository.update(updated, in: sql)
                if updated.email?.imap != nil { try await IMAPPoller.schedule(updated, at: Date(), in: sql) }
            }
            if let reconnect { return InboxDTO(try await ChannelRoutes(services: services).connect(updated, reconnect)) }
            return InboxDTO(updated)
        }
        api.on(.put, "/inboxes/{id}/members", "Set who works in an inbox", tag: "inboxes", role: .admin, body: "Members") { request, context in
            let inbox = try await inbox(request, context)
            let body = try await request.decode(as: Members.self, context: context)
            let members = try await agents.validAgents(body.memberIds, context)
            try await database.write { try await InboxRepository.setMembers(of: inbox.id, workspaceID: inbox.workspaceID, to: members, in: $0) }
            return InboxDTO(inbox, members: members)
        }
        api.onPublic(.post, "/inboxes/{id}/messages",
                     "Post a customer's message into an API inbox (inbox token in X-Inbox-Token, or an agent's session or API token)",
                     tag: "inboxes", body: "InboundBody", status: 201) { request, context in
            try await receive(request, context)
        }
        api.onPublic(.post, "/inboxes/{id}/messages/{message_id}/delivery",
                     "Report a reply's delivery (sent, delivered, read, failed + error) from the inbox's client (X-Inbox-Token)",
                     tag: "inboxes", body: "DeliveryBody", status: 204) { request, context in
            try await reportDelivery(request, context)
        }
    }

    /// The inbox's own client tells us what happened to a reply it picked up or was sent.
    private func reportDelivery(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let inboxID: InboxID = try request.id(context: context, "Inbox")
        let messageID: MessageID = try request.id("message_id", context: context, "Message")
        let token = request.headers[HTTPField.Name("X-Inbox-Token")!] ?? ""
        guard let inbox = try await services.database.read({ try await InboxRepository.findAnyWorkspace(id: inboxID, in: $0) }),
              Secrets.constantTimeEquals(token, inbox.secret) else {
            throw Problem(.unauthorized, "The inbox token does not match inbox \(inboxID).")
        }
        let body = try await request.decode(as: DeliveryBody.self, context: context)
        guard body.status != .queued else { throw Problem(.unprocessableContent, "Report sent, delivered, read or failed.", field: "status") }
        guard let message = try await services.database.read({
            try await MessageRepository.find(workspaceID: inbox.workspaceID, id: messageID, in: $0)
        }), message.direction == .outbound,
              let conversation = try await services.database.read({
                  try await ConversationRepository.find(workspaceID: inbox.workspaceID, id: message.conversationID, in: $0)
              }), conversation.inboxID == inboxID else {
            throw Problem(.notFound, "Reply \(messageID) was not found in inbox \(inboxID).")
        }
        try await services.conversations.recordDelivery(
            workspaceID: inbox.workspaceID, messageID: messageID, status: body.status,
            error: body.status == .failed ? (body.error.map { String($0.prefix(1000)) } ?? "The channel reported a failure.") : nil)
        return Response(status: .noContent)
    }

    private func receive(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let inboxID: InboxID = try request.id(context: context, "Inbox")
        let workspaceID: WorkspaceID
        if let token = request.headers[HTTPField.Name("X-Inbox-Token")!] {
            guard let row = try await services.database.read({ sql in
                try await InboxRepository.findAnyWorkspace(id: inboxID, in: sql)
            }), Secrets.constantTimeEquals(token, row.secret) else {
                throw Problem(.unauthorized, "The inbox token does not match inbox \(inboxID).")
            }
            workspaceID = row.workspaceID
        } else {
            let authenticated = try AuthenticatedContext(context: context)
            try authenticated.require(.agent)
            let visible = try await services.visibleInboxes(authenticated)
            guard visible.map({ $0.contains(inboxID) }) ?? true else { throw Problem(.notFound, "Inbox \(inboxID) was not found.") }
            workspaceID = authenticated.workspaceID
        }
        let body = try await request.decode(as: InboundBody.self, context: context)
        let message = InboundMessage(
            inboxID: inboxID, channelMessageID: body.externalId,
            customer: CustomerIdentity(name: body.customer.name, email: body.customer.email, phone: body.customer.phone,
                                       externalID: body.customer.externalId),
            subject: body.subject, text: body.text, receivedAt: Date(), replyTo: body.conversationId.map(ConversationID.init)
        )
        let result = try await services.ingest(message, channel: "api", workspaceID: workspaceID)
        var response = try InboundCreated(conversationId: result.conversationID.rawValue, messageId: result.messageID.rawValue,
                                          customerId: result.customerID.rawValue, duplicate: result.duplicate)
            .response(from: request, context: context)
        response.status = result.duplicate ? .ok : .created
        return response
    }

    private func inbox(_ request: Request, _ context: AuthenticatedContext) async throws -> Inbox {
        let id: InboxID = try request.id(context: context, "Inbox")
        let ws = context.workspaceID
        let visible = try await services.visibleInboxes(context)
        guard let inbox = try await services.database.read({ try await InboxRepository.find(workspaceID: ws, id: id, in: $0) }),
              visible.map({ $0.contains(id) }) ?? true else {
            throw Problem(.notFound, "Inbox \(id) was not found.")
        }
        return inbox
    }

    /// Seals typed SMTP and IMAP passwords; without a new one, the stored one stays (same server).
    /// An OAuth connection is made and removed only through its own routes (`MailOAuthController`).
    private func sealed(_ settings: EmailSettings, keeping old: EmailSettings?) throws -> EmailSettings {
        var settings = settings
        settings.oauthProvider = old?.oauthProvider
        settings.smtp = try seal(settings.smtp, previous: old?.smtp)
        settings.imap = try seal(settings.imap, previous: old?.imap)
        return settings
    }

    private func seal(_ server: OutgoingSMTP?, previous: OutgoingSMTP?) throws -> OutgoingSMTP? {
        guard var server else { return nil }
        if let password = server.password, !password.isEmpty {
            server.passwordSealed = try services.secretBox().seal(password)
        } else if let previous, previous.host == server.host, previous.username == server.username {
            server.passwordSealed = previous.passwordSealed
        } else {
            server.passwordSealed = nil
        }
        server.password = nil
        return server
    }

    /// One address, one inbox: mail is routed by recipient.
    private func uniqueAddresses(_ settings: EmailSettings, except: InboxID?) async throws -> EmailSettings {
        for address in [settings.address] + settings.aliases {
            if let owner = try await services.database.read({ try await InboxRepository.emailInbox(receiving: address, in: $0) }),
               owner.id != except {
                throw Problem(.conflict, "\(address) already delivers to another inbox (\(owner.name)).", field: "email.address")
            }
        }
        return settings
    }

    /// SMTP and IMAP hosts pass the same outbound address guard as webhooks and shops: no
    /// loopback, private or link-local servers unless the operator allowed private targets.
    private func reachableServers(_ settings: EmailSettings) async throws -> EmailSettings {
        if let smtp = settings.smtp {
            try await services.outboundGuard.checkHost(smtp.host, port: smtp.port, field: "email.smtp.host", unresolvedIsFine: true)
        }
        if let imap = settings.imap {
            try await services.outboundGuard.checkHost(imap.host, port: imap.port, field: "email.imap.host", unresolvedIsFine: true)
        }
        return settings
    }

    private func validWebhook(_ url: String?) async throws -> String? {
        guard let url, !url.isEmpty else { return nil }
        try await services.outboundGuard.check(url)
        return url
    }
}
