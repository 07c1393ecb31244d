import Foundation
import ShopdeskChannels
import ShopdeskCore
import ShopdeskStore

/// Sends one reply through its messaging channel, at most once.
///
/// The reply is marked `sending` in its own committed write before the provider is called. A
/// send job that finds the mark already there was cut off after calling (a crash, a kill -9, a
/// lost answer): unless the provider takes an idempotency key, the reply is not sent again but
/// marked failed with the reason, and the agent decides — a customer never gets it twice.
/// Rate limits and a provider that is down put it back in the queue; refusals fail it with the
/// provider's own words; a customer who blocked the bot is remembered and not written to.
struct ChannelSender {
    let services: AppServices

    func send(_ message: Message, conversation: Conversation, inbox: Inbox, adapter: any ChannelAdapter) async throws {
        let workspaceID = inbox.workspaceID
        let database = services.database
        let channel = inbox.kind.rawValue
        let window = adapter.capabilities.replyWindowSeconds != nil
        // One write claims the reply and reads what the send depends on (the customer's address,
        // an opt-out, when they last wrote), so a send costs one transaction before the call.
        let (address, claimed, optedOut, lastInbound) = try await database.write { sql in
            let address = try await ChannelRepository.address(of: conversation.customerID, workspaceID: workspaceID, channel: channel, in: sql)
            let claimed = try await ChannelRepository.claimForSending(message.id, workspaceID: workspaceID, in: sql)
            let optedOut = try await address.asyncMap {
                try await ChannelRepository.optOutReason(workspaceID: workspaceID, inboxID: inbox.id, identity: $0, in: sql)
            } ?? nil
            let last = window ? try await ChannelRepository.lastInbound(conversationID: conversation.id, workspaceID: workspaceID, in: sql) : nil
            return (address, claimed, optedOut, last)
        }
        switch claimed {
        case .queued: break
        case .sending where adapter.capabilities.idempotentSends: break
        case .sending:
            return try await fail(message, "The send was cut off before \(adapter.displayName) answered; the customer may have it. "
                                  + "Check the chat on \(adapter.displayName), and retry if it did not arrive.")
        default: return   // sent, failed or gone: nothing to do
        }
        // In a comment conversation every reply goes somewhere on the post: one written by a rule or
        // the bot, which chose nothing, answers publicly under the thread's comment.
        let comment = message.commentReply ?? conversation.channelThread.map { CommentReply(visibility: .public, comment: $0) }
        if comment != nil, !message.attachmentIDs.isEmpty {
            return try await fail(message, "Replies to comments carry text only; send files in a direct message.")
        }
        // A comment reply goes to the comment; only direct messages need the customer's address.
        guard let recipient = address ?? (comment != nil ? "" : nil) else {
            return try await fail(message, "The customer has no \(adapter.displayName) address to write to.")
        }
        // A public answer under a comment is not a message to the customer; anything private is.
        if let reason = optedOut, comment?.visibility != .public { return try await fail(message, "Not sent: \(reason)") }
        if let refusal = Self.whyNot(message.text, lastInbound: lastInbound, adapter: adapter,
                                     anyTime: message.channelTemplate != nil || comment != nil) {
            return try await fail(message, refusal.message)
        }
        let files = try await attachments(of: message, workspaceID: workspaceID, links: adapter.capabilities.filesByLink)
        let setup = ChannelSetup(services: services)
        var outbound = ChannelOutbound(recipient: recipient, text: message.text, files: files, idempotencyKey: "message-\(message.id)",
                                       statusCallback: setup.webhookURL(inbox), template: message.channelTemplate, comment: comment)
        // The bot's choices become buttons where the channel has them (not under a public comment).
        if comment == nil { outbound.quickReplies = (message.botChoices ?? []).map { BotText.choice($0, conversation.language) } }
        let result = await adapter.send(outbound.after(lastInbound), settings: try setup.config(inbox), http: services.channelHTTP)
        switch result {
        case .sent(let providerID):
            do {
                try await services.conversations.recordDelivery(workspaceID: workspaceID, messageID: message.id, status: .sent, error: nil,
                                                                channelMessageID: providerID)
            } catch {
                // The provider has it: a provider id we cannot keep (one the inbox already holds)
                // must not turn a delivered reply into an unknown one.
                services.logger.warning("Provider message id not kept", metadata: ["message": "\(message.id)", "error": "\(error)"])
                try await services.conversations.recordDelivery(workspaceID: workspaceID, messageID: message.id, status: .sent, error: nil)
            }
        case .retryLater(let reason, _):
            // Nothing reached the provider: back in the queue, and the job runner tries again later.
            try await services.conversations.recordDelivery(workspaceID: workspaceID, messageID: message.id, status: .queued, error: reason)
            throw JobFailure(description: reason, permanent: false)
        case .refused(let reason, let optedOut):
            if optedOut, let address {
                try await database.write {
                    try await ChannelRepository.optOut(workspaceID: workspaceID, inboxID: inbox.id, identity: address, reason: reason, now: Date(), in: $0)
                }
            }
            try await fail(message, reason)
        case .unknown(let reason):
            try await fail(message, reason + " The customer may have it; check before retrying.")
        }
    }

    /// Why the channel cannot carry this reply now (too long; its reply window closed), or nil.
    /// Asked when an agent replies (a 422 before anything is stored) and again when sending.
    /// `anyTime`: the reply is not bound to the window (an approved template, an answer to a comment).
    static func whyNot(_ text: String, conversation: Conversation, adapter: any ChannelAdapter, database: Database,
                       anyTime: Bool = false) async throws -> Refusal? {
        guard adapter.capabilities.replyWindowSeconds != nil, !anyTime else {
            return whyNot(text, lastInbound: nil, adapter: adapter, anyTime: anyTime)
        }
        let ws = conversation.workspaceID, id = conversation.id
        let last = try await database.read { try await ChannelRepository.lastInbound(conversationID: id, workspaceID: ws, in: $0) }
        return whyNot(text, lastInbound: last, adapter: adapter, anyTime: anyTime)
    }

    /// Why a reply cannot go: in words, and as a code with its values for the app to word.
    struct Refusal: Equatable {
        var code: String
        var values: [String: String]
        var message: String
        var problem: Problem { Problem(.unprocessableContent, message, field: "text", code: code, values: values) }
    }

    /// The same, knowing when the customer last wrote.
    static func whyNot(_ text: String, lastInbound last: Date?, adapter: any ChannelAdapter, anyTime: Bool) -> Refusal? {
        // Counted in UTF-16 units, as Telegram and Meta count (an emoji may be two).
        let limit = adapter.capabilities.maxTextLength
        if text.utf16.count > limit {
            return Refusal(code: "text_too_long", values: ["channel": adapter.displayName, "limit": String(limit), "length": String(text.utf16.count)],
                           message: "\(adapter.displayName) takes at most \(limit) characters per message; this reply has \(text.utf16.count).")
        }
        // An approved template may be sent at any time: that is what templates are for.
        guard let window = adapter.capabilities.replyWindowSeconds, !anyTime else { return nil }
        guard last.map({ Date().timeIntervalSince($0) > Double(window) }) ?? true else { return nil }
        let later = adapter.capabilities.templates ? "Send one of the approved message templates instead." : "It cannot be sent now."
        return Refusal(code: adapter.capabilities.templates ? "reply_window_closed_templates" : "reply_window_closed",
                       values: ["channel": adapter.displayName, "hours": String(window / 3600)],
                       message: "\(adapter.displayName) lets a business reply only within \(window / 3600) hours of the customer's last message, "
                           + "and that time has passed. \(later)")
    }

    private func fail(_ message: Message, _ reason: String) async throws {
        try await services.conversations.recordDelivery(workspaceID: message.workspaceID, messageID: message.id, status: .failed, error: reason)
        await services.countFailedSend(messageID: message.id, workspaceID: message.workspaceID)
    }

    /// The reply's files; for providers that fetch files from a link, each with its signed link.
    private func attachments(of message: Message, workspaceID: WorkspaceID, links: Bool) async throws -> [ChannelMedia] {
        var files: [ChannelMedia] = []
        let linker = ChannelFileLinks(services: services)
        for id in message.attachmentIDs {
            guard let record = try await services.database.read({ try await AttachmentRepository.find(workspaceID: workspaceID, id: id, in: $0) }) else {
                continue
            }
            let url = links ? try linker.url(workspaceID: workspaceID, attachmentID: record.id, now: Date()) : nil
            files.append(ChannelMedia(data: try await services.files.load(sha256: record.sha256), fileName: record.fileName,
                                      contentType: record.contentType, url: url))
        }
        return files
    }
}
