import Crypto
import Foundation
import Hummingbird
import ShopdeskChannels
import ShopdeskCore
import ShopdeskStore

/// Every messaging channel's webhook, one route per inbox: `/channels/{kind}/{inbox}/webhook`.
/// The provider's proof (secret token, signature) is checked before the body is read as
/// anything; what it says is stored before the 200 goes back; a payload we do not act on is
/// acknowledged and logged, never answered with an error the provider would retry forever.
struct ChannelWebhookController {
    let services: AppServices

    /// Providers' updates are small; files come separately, by reference.
    static let maxBody = 1 << 20

    func register(_ api: APIRegistrar) {
        api.onPublic(.post, "/channels/{kind}/{inbox}/webhook",
                     "A messaging provider's webhook (Telegram…), verified by the channel's secret token or signature", tag: "channels") { request, context in
            try await receive(request, context)
        }
        api.onPublic(.get, "/channels/{kind}/{inbox}/webhook", "A provider's webhook verification handshake", tag: "channels") { request, context in
            let (inbox, adapter) = try await channelInbox(request, context)
            let call = try await channelRequest(request, context)
            guard let answer = adapter.handshake(call, settings: try ChannelSetup(services: services).config(inbox)) else {
                throw Problem(.forbidden, "The verification token does not match this inbox.")
            }
            return answer
        }
    }

    private func channelInbox(_ request: Request, _ context: AppRequestContext) async throws -> (Inbox, any ChannelAdapter) {
        guard let kind = context.parameters.get("kind").flatMap(InboxKind.init(rawValue:)), let adapter = services.channels.adapter(for: kind),
              let id = context.parameters.get("inbox").flatMap(Int64.init) else {
            throw Problem(.notFound, "There is no such channel webhook.")
        }
        guard let inbox = try await services.database.read({ try await InboxRepository.channelInbox(id: InboxID(id), in: $0) }),
              inbox.kind == kind else {
            throw Problem(.notFound, "There is no such channel webhook.")
        }
        return (inbox, adapter)
    }

    private func channelRequest(_ request: Request, _ context: AppRequestContext) async throws -> ChannelRequest {
        let buffer: ByteBuffer
        do { buffer = try await request.body.collect(upTo: Self.maxBody) } catch {
            throw Problem(.contentTooLarge, "A channel update may be at most \(Self.maxBody) bytes.")
        }
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName] = field.value }
        var query: [String: String] = [:]
        for (name, value) in request.uri.queryParameters { query[String(name)] = String(value) }
        // The address as the provider called it, for signatures over it (Twilio's).
        // Without a public URL, the address the request itself names (the demo's simulators).
        let base = ChannelSetup(services: services).publicBase ?? request.head.authority.map { "http://\($0)" }
        var url = base.map { $0 + request.uri.path } ?? ""
        if !url.isEmpty, let raw = request.uri.query, !raw.isEmpty { url += "?" + raw }
        return ChannelRequest(method: request.method.rawValue, headers: headers, query: query, body: Array(buffer: buffer), url: url)
    }

    private func receive(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let (inbox, adapter) = try await channelInbox(request, context)
        let call = try await channelRequest(request, context)
        let setup = ChannelSetup(services: services)
        guard adapter.verify(call, settings: try setup.config(inbox)) else {
            throw Problem(.unauthorized, "The request does not carry this inbox's secret.")
        }
        let events: [ChannelEvent]
        do { events = try adapter.parse(call) } catch {
            services.logger.warning("Unreadable channel update acknowledged", metadata: ["inbox": "\(inbox.id)", "error": "\(error)"])
            return Response(status: .ok)
        }
        for event in events {
            try await handle(event, inbox: inbox, adapter: adapter, setup: setup)
        }
        return Response(status: .ok)
    }

    private func handle(_ event: ChannelEvent, inbox: Inbox, adapter: any ChannelAdapter, setup: ChannelSetup) async throws {
        let workspaceID = inbox.workspaceID
        switch event {
        case .message(let inbound):
            // A duplicate delivery is taken once by the ingest path; a repeated message with files
            // is recognised first so its files are not fetched again (a text needs no lookup).
            let known = inbound.media.isEmpty ? false : try await services.database.read {
                try await MessageRepository.exists(inboxID: inbox.id, channelMessageID: inbound.id, workspaceID: workspaceID, in: $0)
            }
            let (attachments, missing) = known ? ([], []) : await fetch(inbound.media, inbox: inbox, adapter: adapter, setup: setup)
            var text = inbound.text
            if inbound.edits != nil { text = "✎ " + text }
            if let payload = inbound.deepLink, let identity = inbound.customer.channel {
                // The shop's signed link names the customer: this chat is theirs from now on.
                if let customer = try ChannelDeepLinks(services: services).customer(from: payload, inbox: inbox) {
                    do {
                        try await CustomerService(database: services.database, publisher: services.hub).link(identity, to: customer, workspaceID: workspaceID)
                        text = "(opened the chat from the shop's link)"
                    } catch {
                        // The customer was deleted since: the chat goes on as anyone's would.
                        services.logger.info("A chat link named a customer who is gone", metadata: ["inbox": "\(inbox.id)", "error": "\(error)"])
                    }
                } else {
                    services.logger.info("A chat link that is not this inbox's was ignored", metadata: ["inbox": "\(inbox.id)"])
                }
            }
            if !missing.isEmpty {
                text += (text.isEmpty ? "" : "\n\n") + "[\(missing.joined(separator: "; "))]"
            }
            if text.isEmpty && attachments.isEmpty { text = "(empty message)" }
            var message = InboundMessage(inboxID: inbox.id, channelMessageID: inbound.id, customer: inbound.customer, subject: nil,
                                         text: text, receivedAt: inbound.receivedAt)
            message.attachmentIDs = attachments
            message.comment = inbound.comment
            // A comment is public and not a message to us: it neither lifts an opt-out nor wakes the bot.
            let identity = inbound.comment == nil ? inbound.customer.channel?.value : nil
            let botOn = (inbox.channel?.bot ?? .off) != .off && inbound.comment == nil
            _ = try await services.ingest(message, channel: inbox.kind.rawValue, workspaceID: workspaceID) { stored, sql in
                // The post a new comment thread is about is read from the provider once, by a job.
                if let post = inbound.comment?.post, stored.createdConversation {
                    try await JobQueue.enqueue(kind: JobKind.channelPost, payload: ["inbox_id": .id(inbox.id), "post_id": .string(post)],
                                               workspaceID: workspaceID, runAt: Date(), maxAttempts: 5, dedupeKey: "channel-post:\(inbox.id):\(post)", in: sql)
                }
                // Writing again is coming back: the bot may answer.
                if let identity { try await ChannelRepository.optIn(workspaceID: workspaceID, inboxID: inbox.id, identity: identity, in: sql) }
                // The bot's turn is a job queued with the message: durable, and taken once.
                guard botOn, !stored.duplicate else { return }
                try await JobQueue.enqueue(kind: JobKind.botReply, payload: ["conversation_id": .id(stored.conversationID), "message_id": .id(stored.messageID)],
                                           workspaceID: workspaceID, runAt: Date(), maxAttempts: 3, dedupeKey: "bot-reply:\(stored.messageID)", in: sql)
            }
        case .delivery(let providerID, let status, let error):
            guard let id = try await services.database.read({
                try await ChannelRepository.outbound(inboxID: inbox.id, workspaceID: workspaceID, providerMessageID: providerID, in: $0)
            }) else { return }
            // Callbacks arrive out of order: "delivered" after "read" changes nothing.
            let current = try await services.database.read { try await MessageRepository.find(workspaceID: workspaceID, id: id, in: $0) }?.deliveryStatus
            guard Self.rank(status) > Self.rank(current) || status == .failed && current != .read else { return }
            try await services.conversations.recordDelivery(workspaceID: workspaceID, messageID: id, status: status, error: error)
            if status == .failed { await services.countFailedSend(channel: inbox.kind.rawValue, messageID: id, workspaceID: workspaceID) }
        case .readUpTo(let identity, let time):
            // Everything sent to the customer until then has been read.
            let unread = try await services.database.read {
                try await ChannelRepository.unread(inboxID: inbox.id, workspaceID: workspaceID, identity: identity, upTo: time, in: $0)
            }
            for id in unread {
                try await services.conversations.recordDelivery(workspaceID: workspaceID, messageID: id, status: .read, error: nil)
            }
        case .commentStatus(let commentID, let status):
            guard let id = try await services.database.read({
                try await ChannelRepository.comment(inboxID: inbox.id, workspaceID: workspaceID, commentID: commentID, in: $0)
            }) else { return }
            try await services.conversations.setCommentStatus(workspaceID: workspaceID, messageID: id, status: status, actor: .system)
        case .consent(let identity, let granted):
            try await services.database.write { sql in
                if granted {
                    try await ChannelRepository.optIn(workspaceID: workspaceID, inboxID: inbox.id, identity: identity.value, in: sql)
                } else {
                    try await ChannelRepository.optOut(workspaceID: workspaceID, inboxID: inbox.id, identity: identity.value,
                                                       reason: "The customer blocked the bot.", now: Date(), in: sql)
                }
            }
        case .ignored(let why):
            services.logger.debug("Channel update ignored", metadata: ["inbox": "\(inbox.id)", "why": "\(why)"])
        }
    }

    /// How far along a reply is; a provider's callback only ever moves it forward.
    static func rank(_ status: DeliveryStatus?) -> Int {
        switch status {
        case nil, .queued?: 0
        case .sending?: 1
        case .sent?: 2
        case .delivered?: 3
        case .read?: 4
        case .failed?: 0
        }
    }

    /// Downloads the customer's files from the provider and stores them like any attachment;
    /// what could not be fetched is named, so the agent knows something is missing.
    private func fetch(_ media: [ChannelMediaReference], inbox: Inbox, adapter: any ChannelAdapter,
                       setup: ChannelSetup) async -> (ids: [AttachmentID], missing: [String]) {
        var ids: [AttachmentID] = [], missing: [String] = []
        for reference in media.prefix(10) {
            do {
                let file = try await adapter.media(reference, settings: try setup.config(inbox), http: services.channelHTTP)
                let digest = Secrets.hex(SHA256.hash(data: file.data))
                try await services.files.store(file.data, sha256: digest)
                let name = AttachmentsController.safeFileName(file.fileName)
                let type = AttachmentsController.sniff(file.data, declared: file.contentType)
                let record = try await services.database.write {
                    try await AttachmentRepository.create(workspaceID: inbox.workspaceID, sha256: digest, fileName: name, contentType: type,
                                                          size: Int64(file.data.count), uploadedBy: nil, now: Date(), in: $0)
                }
                ids.append(record.id)
            } catch {
                missing.append("\(reference.fileName ?? "A file") could not be fetched from \(adapter.displayName): \(error)")
            }
        }
        return (ids, missing)
    }
}
