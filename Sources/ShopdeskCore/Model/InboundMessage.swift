import Foundation

/// What a customer is, as far as one incoming message tells: any of these may be missing.
public struct CustomerIdentity: Equatable, Sendable {
    public var name: String?
    public var email: String?
    public var phone: String?
    /// The shop's (or channel's) own id for this customer.
    public var externalID: String?
    /// An identity that only one channel knows, such as a chat visitor (`kind` "chat", value the
    /// visitor's id): it finds the same customer again on that channel and nowhere else.
    public var channel: ChannelIdentity?

    public init(name: String? = nil, email: String? = nil, phone: String? = nil, externalID: String? = nil,
                channel: ChannelIdentity? = nil) {
        self.channel = channel
        self.name = name
        self.email = email
        self.phone = phone
        self.externalID = externalID
    }

    /// Lowercased, trimmed, validated identities; nil fields stay nil.
    public func normalized() throws(ShopdeskError) -> CustomerIdentity {
        var copy = CustomerIdentity()
        copy.name = name.map(Text.singleLine).flatMap { $0.isEmpty ? nil : String($0.prefix(200)) }
        copy.email = try email.flatMap { raw throws(ShopdeskError) in
            let trimmed = Text.trimmed(raw)
            return trimmed.isEmpty ? nil : try Identities.email(trimmed)
        }
        copy.phone = try phone.flatMap { raw throws(ShopdeskError) in
            let trimmed = Text.trimmed(raw)
            return trimmed.isEmpty ? nil : try Identities.phone(trimmed)
        }
        copy.externalID = externalID.map(Text.trimmed).flatMap {
            $0.isEmpty ? nil : String($0.prefix(200))
        }
        copy.channel = channel.flatMap { $0.kind.isEmpty || $0.value.isEmpty ? nil : $0 }
        return copy
    }

    public var isEmpty: Bool { email == nil && phone == nil && externalID == nil && channel == nil }
}

/// A customer's identity on one channel (`kind` is the channel's name, never "email",
/// "phone" or "external").
public struct ChannelIdentity: Equatable, Sendable {
    public var kind: String
    public var value: String

    public init(kind: String, value: String) {
        self.kind = kind
        self.value = value
    }
}

/// Every channel turns what it receives into this, and every one takes the same ingest path.
public struct InboundMessage: Equatable, Sendable {
    public var inboxID: InboxID
    /// The channel's own id for the message; the same id twice is one message.
    public var channelMessageID: String?
    public var customer: CustomerIdentity
    public var subject: String?
    public var text: String
    public var receivedAt: Date
    /// The conversation this message answers, when the channel knows it (a reply token, a
    /// chat session). Merged conversations are followed to their survivor.
    public var replyTo: ConversationID?
    /// Files the sender uploaded first (a chat visitor's image); they join the stored message.
    public var attachmentIDs: [AttachmentID] = []
    /// An email's HTML body, sanitized by the channel before it gets here.
    public var html: String? = nil
    /// Email only: the message's own Message-ID and the ids it answers (In-Reply-To, then
    /// References, oldest first). Threading follows them; without a match it falls back to the
    /// sender's open conversation with the same subject, never to any open conversation.
    public var email: EmailThreading? = nil
    /// A comment on the shop's post: it joins the conversation of its comment thread, never the
    /// customer's direct messages.
    public var comment: InboundComment? = nil

    public init(
        inboxID: InboxID,
        channelMessageID: String?,
        customer: CustomerIdentity,
        subject: String?,
        text: String,
        receivedAt: Date,
        replyTo: ConversationID? = nil
    ) {
        self.replyTo = replyTo
        self.inboxID = inboxID
        self.channelMessageID = channelMessageID
        self.customer = customer
        self.subject = subject
        self.text = text
        self.receivedAt = receivedAt
    }

    public static let maxTextLength = 200_000

    /// Checks what every channel must guarantee before the message is stored.
    public func validated() throws(ShopdeskError) -> InboundMessage {
        var copy = self
        copy.customer = try customer.normalized()
        guard !copy.customer.isEmpty else {
            throw .invalid(field: "customer", "Say who wrote the message: give the customer an email, phone or external_id.")
        }
        guard !Text.isBlank(text) || !attachmentIDs.isEmpty else {
            throw .invalid(field: "text", "The message text is empty.")
        }
        guard text.utf8.count <= Self.maxTextLength else {
            throw .init(.tooLarge, "The message text is longer than \(Self.maxTextLength) bytes.", field: "text")
        }
        copy.subject = subject.map(Text.singleLine).flatMap { $0.isEmpty ? nil : String($0.prefix(500)) }
        copy.channelMessageID = channelMessageID.flatMap { $0.isEmpty ? nil : String($0.prefix(500)) }
        if let comment {
            guard !comment.thread.isEmpty, !comment.post.isEmpty, comment.thread.utf8.count <= 200, comment.post.utf8.count <= 200 else {
                throw .invalid(field: "comment", "A comment needs its thread and post ids (at most 200 characters each).")
            }
        }
        return copy
    }
}

/// How an email says which conversation it belongs to.
public struct EmailThreading: Equatable, Sendable {
    public var messageID: String?
    /// The conversation came from our signed Reply-To token: whoever writes from the address we
    /// mailed proves they read our mail (a chat continued by email threads on it).
    public var viaReplyToken = false
    /// Auto-submitted, bulk or list mail (RFC 3834): no automatic reply may answer it.
    public var automatic = false
    /// Every id the message refers to, oldest first (References, then In-Reply-To).
    public var references: [String]
    /// SPF, DKIM and DMARC results as JSON, kept on the message.
    public var authentication: String?
    /// The From domain's DMARC failed: the sender is not who From says. Such mail never joins the
    /// customer's existing conversations; it starts its own, tagged `sender-unverified`.
    public var unauthenticated = false

    public init(messageID: String?, references: [String]) {
        self.messageID = messageID
        self.references = references
    }
}

/// Subjects compared the way people see them: without "Re:", "Fwd:", "AW:", "Odg:", "Res:",
/// "Enc:", "Ответ:" and the like, case and spacing ignored.
public enum Subjects {
    static let prefixes: Set<String> = ["re", "fw", "fwd", "aw", "wg", "sv", "vs", "tr", "odg", "odgovor", "prosl", "res", "enc",
                                        "rif", "i", "r", "ответ", "отв", "пересл", "fwd_"]

    public static func normalized(_ subject: String) -> String {
        var text = Substring(subject.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " "))
        while true {
            text = text.drop(while: { $0 == " " })
            if text.hasPrefix("["), let close = text.firstIndex(of: "]"), text.distance(from: text.startIndex, to: close) < 20 {
                text = text[text.index(after: close)...]
                continue
            }
            guard let colon = text.firstIndex(where: { $0 == ":" || $0 == "：" }) else { break }
            var word = text[text.startIndex..<colon].trimmingCharacters(in: .whitespaces)
            if let bracket = word.firstIndex(of: "[") ?? word.firstIndex(of: "(") { word = String(word[word.startIndex..<bracket]) }
            guard prefixes.contains(word) else { break }
            text = text[text.index(after: colon)...]
        }
        return text.trimmingCharacters(in: .whitespaces)
    }
}
