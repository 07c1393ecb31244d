import Foundation
import ShopdeskChannels
import ShopdeskCore
import ShopdeskStore

/// How a reply leaves, for one kind of inbox. Every kind sends from the one send job
/// (`JobHandlers.sendMessage`), which applies what all share first: only an outbound reply is
/// ever sent (never a note), a reply already sent, failed or gone is left alone, and the
/// conversation and inbox are read once. Then the inbox's delivery takes over:
/// `MessagingDelivery` for every provider behind a `ChannelAdapter`, `EmailDelivery`,
/// `ChatDelivery` and `APIDelivery` for the kinds Shopdesk speaks itself.
protocol ReplyDelivery: Sendable {
    /// Whether a reply found marked `sending` (cut off after its provider was called) is this
    /// delivery's to settle; the others only ever take `queued` replies.
    var settlesCutOffSends: Bool { get }
    func deliver(_ message: Message, conversation: Conversation, inbox: Inbox, secret: String?) async throws
}

extension ReplyDelivery {
    var settlesCutOffSends: Bool { false }
}

enum ReplyDeliveries {
    /// The delivery for the inbox's kind: its channel adapter's, or one of the built-in ones.
    static func delivery(for inbox: Inbox, services: AppServices, webhooks: WebhookSender) -> any ReplyDelivery {
        if let adapter = services.channels.adapter(for: inbox.kind) { return MessagingDelivery(services: services, adapter: adapter) }
        switch inbox.kind {
        case .email: return EmailDelivery(services: services)
        case .chat: return ChatDelivery(services: services, api: APIDelivery(services: services, webhooks: webhooks))
        default: return APIDelivery(services: services, webhooks: webhooks)
        }
    }
}

/// Telegram, WhatsApp, Viber, SMS, Messenger, Instagram: through the provider, at most once.
struct MessagingDelivery: ReplyDelivery {
    let services: AppServices
    let adapter: any ChannelAdapter
    var settlesCutOffSends: Bool { true }

    func deliver(_ message: Message, conversation: Conversation, inbox: Inbox, secret: String?) async throws {
        try await ChannelSender(services: services).send(message, conversation: conversation, inbox: inbox, adapter: adapter)
    }
}

/// An email threaded into the customer's mail program, through the inbox's SMTP server.
struct EmailDelivery: ReplyDelivery {
    let services: AppServices

    func deliver(_ message: Message, conversation: Conversation, inbox: Inbox, secret: String?) async throws {
        try await EmailSender(services: services).send(message, conversation: conversation, inbox: inbox, secret: secret ?? "")
    }
}

/// API inboxes hand replies to the inbox's webhook URL; without one, clients fetch them over the
/// API and the reply counts as sent.
struct APIDelivery: ReplyDelivery {
    let services: AppServices
    let webhooks: WebhookSender

    func deliver(_ message: Message, conversation: Conversation, inbox: Inbox, secret: String?) async throws {
        if let url = inbox.webhookURL, let secret {
            let body = try APIJSON.encoder().encode(OutboundDelivery(
                type: "message.outbound", inboxId: inbox.id.rawValue, conversationId: conversation.id.rawValue,
                customerId: conversation.customerID.rawValue, message: MessageDTO(message)))
            try await webhooks.post(url: url, body: body, secret: secret, eventKind: "message.outbound", deliveryID: "message-\(message.id)")
        }
        try await services.conversations.recordDelivery(workspaceID: inbox.workspaceID, messageID: message.id, status: .sent, error: nil)
    }
}

/// The site chat: the widget shows the reply live (the realtime event did that already); a
/// visitor who left gets it by email a while later when the inbox continues chats by email.
struct ChatDelivery: ReplyDelivery {
    let services: AppServices
    let api: APIDelivery

    func deliver(_ message: Message, conversation: Conversation, inbox: Inbox, secret: String?) async throws {
        if inbox.chat?.emailInboxId != nil {
            _ = try await services.database.write { sql in
                // Keyed by message: a retried send must not mail the visitor twice.
                try await JobQueue.enqueue(kind: JobKind.chatEmail, payload: ["message_id": .id(message.id)], workspaceID: inbox.workspaceID,
                                           runAt: Date().addingTimeInterval(ChatEmailFollowUp.delay), maxAttempts: 8,
                                           dedupeKey: "chat-email:\(message.id)", in: sql)
            }
        }
        try await api.deliver(message, conversation: conversation, inbox: inbox, secret: secret)
    }
}
