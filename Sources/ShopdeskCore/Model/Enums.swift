/// Where a conversation stands. `snoozed` always carries a wake-up time on the conversation.
public enum ConversationStatus: String, Codable, Sendable, CaseIterable {
    case open, pending, snoozed, resolved
    /// Held back by the spam filter or an agent: out of every other view, never deleted, never
    /// answered by automation; "not spam" opens it again.
    case spam
}

/// Priority, ordered so that sorting by `rank` puts urgent first.
public enum Priority: String, Codable, Sendable, CaseIterable, Comparable {
    case low, normal, high, urgent

    public var rank: Int {
        switch self {
        case .low: 0
        case .normal: 1
        case .high: 2
        case .urgent: 3
        }
    }

    public init?(rank: Int) {
        guard let match = Self.allCases.first(where: { $0.rank == rank }) else { return nil }
        self = match
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rank < rhs.rank }
}

/// Who wrote a message and where it goes. Notes are internal and never leave Shopdesk.
public enum MessageDirection: String, Codable, Sendable, CaseIterable {
    case inbound, outbound, note, system
}

/// Delivery of an outbound message, as far as the channel lets us know.
///
/// `sending` is written (and committed) just before a messaging channel's provider is called:
/// a send found still `sending` after a crash may have reached the customer, so it is never
/// repeated blindly (see `ChannelSender`).
public enum DeliveryStatus: String, Codable, Sendable, CaseIterable {
    case queued, sending, sent, delivered, read, failed
}

/// Agent roles, from most to least powerful.
public enum Role: String, Codable, Sendable, CaseIterable, Comparable {
    case viewer, agent, admin, owner

    private var level: Int {
        switch self {
        case .viewer: 0
        case .agent: 1
        case .admin: 2
        case .owner: 3
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.level < rhs.level }
}

/// The kind of channel an inbox receives from. New channels add a case and an adapter.
public enum InboxKind: String, Codable, Sendable, CaseIterable {
    /// Anything that can POST: the shop's backend, a form, another tool.
    case api
    /// The live chat widget on the shop's site.
    case chat
    /// A support address: mail arrives over SMTP/LMTP, IMAP or an HTTP hook.
    case email
    /// A Telegram bot: updates arrive on the inbox's channel webhook, replies go through the Bot API.
    case telegram
    /// A WhatsApp Business number on Meta's Cloud API.
    case whatsapp
    /// A Viber bot (Viber's REST bot API).
    case viber
    /// SMS and MMS through a Twilio number or Messaging Service.
    case sms
    /// Facebook Messenger: a Page's conversations.
    case messenger
    /// Instagram direct messages of a professional account linked to a Page.
    case instagram

    /// Messaging channels: the ones `ShopdeskChannels` adapts (settings in `Inbox.channel`).
    /// Every kind after the first three is one.
    public var isMessaging: Bool {
        switch self {
        case .api, .chat, .email: false
        default: true
        }
    }
}
