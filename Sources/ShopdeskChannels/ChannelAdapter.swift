import Foundation
import ShopdeskCore

/// One messaging channel (Telegram, and after it WhatsApp, Viber, SMS, Messenger, Instagram):
/// everything that differs between providers, and nothing else. The server does the rest the
/// same way for every channel — the webhook route, storing before acknowledging, deduplication,
/// the send job with its at-most-once guard, delivery states — see `docs/ARCHITECTURE.md`.
///
/// Adapters never touch the database or the network directly: requests arrive as
/// `ChannelRequest`, and calls to the provider go through `ChannelHTTP`, which the server
/// implements with the outbound address guard.
public protocol ChannelAdapter: Sendable {
    var kind: InboxKind { get }
    /// The provider's name as people know it ("Telegram").
    var displayName: String { get }
    /// The settings an admin fills in, in the order the form shows them.
    var fields: [ChannelField] { get }
    var capabilities: ChannelCapabilities { get }

    /// Whether the request really comes from the provider (signature, secret token); checked
    /// before anything else in the request is read.
    func verify(_ request: ChannelRequest, settings: ChannelConfig) -> Bool
    /// The answer to a provider's GET verification handshake (Meta's `hub.challenge`); nil when
    /// the channel has none or the request does not prove it knows the verify token.
    func handshake(_ request: ChannelRequest, settings: ChannelConfig) -> String?
    /// What a verified request says happened. Unknown kinds of payload become `.ignored`,
    /// never an error the provider would retry forever.
    func parse(_ request: ChannelRequest) throws(ChannelError) -> [ChannelEvent]

    /// Sends one message. Never throws: every outcome, including a lost answer, is a result.
    func send(_ message: ChannelOutbound, settings: ChannelConfig, http: any ChannelHTTP) async -> ChannelSendResult
    /// Downloads a file a customer sent, from the provider's own hosts.
    func media(_ reference: ChannelMediaReference, settings: ChannelConfig, http: any ChannelHTTP) async throws(ChannelError) -> ChannelMedia
    /// Calls the provider with the settings and says what it answered ("Connected as @shop_bot").
    func test(settings: ChannelConfig, http: any ChannelHTTP) async throws(ChannelError) -> String
    /// Tells the provider where to deliver updates (Telegram's `setWebhook`) and returns nil; a
    /// channel whose webhook is set in the provider's console returns what to set there.
    func connect(webhookURL: String, settings: ChannelConfig, http: any ChannelHTTP) async throws(ChannelError) -> String?
    /// The account's approved message templates, for channels that have them (WhatsApp).
    func templates(settings: ChannelConfig, http: any ChannelHTTP) async throws(ChannelError) -> [ChannelTemplate]
    /// A link that opens a chat with the shop carrying `payload` (Telegram's t.me/<bot>?start=),
    /// for channels that have such links; nil otherwise.
    func deepLink(payload: String, settings: ChannelConfig, http: any ChannelHTTP) async throws(ChannelError) -> String?
    /// Hides, shows again or deletes a customer's comment on the shop's post, for channels with
    /// comments (`capabilities.comments`).
    func moderate(comment: String, _ action: CommentAction, settings: ChannelConfig, http: any ChannelHTTP) async throws(ChannelError)
    /// The post a comment is under: its text, link and picture, for channels with comments.
    func post(_ id: String, settings: ChannelConfig, http: any ChannelHTTP) async throws(ChannelError) -> ChannelPost
}

extension ChannelAdapter {
    public func templates(settings: ChannelConfig, http: any ChannelHTTP) async throws(ChannelError) -> [ChannelTemplate] { [] }
    public func deepLink(payload: String, settings: ChannelConfig, http: any ChannelHTTP) async throws(ChannelError) -> String? { nil }
    public func moderate(comment: String, _ action: CommentAction, settings: ChannelConfig, http: any ChannelHTTP) async throws(ChannelError) {
        throw ChannelError("\(displayName) has no comments to moderate.")
    }
    public func post(_ id: String, settings: ChannelConfig, http: any ChannelHTTP) async throws(ChannelError) -> ChannelPost {
        throw ChannelError("\(displayName) has no posts.")
    }
}

/// What the shop may do with a customer's comment on its post.
public enum CommentAction: String, Sendable, Codable { case hide, unhide, delete }

/// A shop's post that customers comment on, as the provider describes it.
public struct ChannelPost: Sendable, Equatable {
    public var text: String?
    /// Where people see it (the post's permalink).
    public var link: String?
    /// The post's picture (or a video's thumbnail), on the provider's hosts.
    public var imageURL: String?

    public init(text: String?, link: String?, imageURL: String?) { self.text = text; self.link = link; self.imageURL = imageURL }
}

/// An approved message template: sent outside the reply window with its `{{1}}`, `{{2}}`… filled.
public struct ChannelTemplate: Sendable, Encodable, Equatable {
    public var name: String
    public var language: String
    public var category: String?
    /// The body as the customer reads it, with `{{n}}` where values go.
    public var body: String
    /// How many values the body takes.
    public var parameterCount: Int

    public init(name: String, language: String, category: String?, body: String) {
        self.name = name; self.language = language; self.category = category; self.body = body
        parameterCount = Self.placeholders(in: body)
    }

    /// The highest `{{n}}` in `text` (placeholders are numbered from 1).
    static func placeholders(in text: String) -> Int {
        var highest = 0
        var rest = Substring(text)
        while let open = rest.range(of: "{{") {
            rest = rest[open.upperBound...]
            guard let close = rest.range(of: "}}") else { break }
            if let number = Int(rest[..<close.lowerBound].trimmingCharacters(in: .whitespaces)), (1...100).contains(number) {
                highest = max(highest, number)
            }
            rest = rest[close.upperBound...]
        }
        return highest
    }

    /// The body with each `{{n}}` replaced by the n-th value.
    public func filled(with values: [String]) -> String {
        var text = body
        for (index, value) in values.enumerated().reversed() { text = text.replacingOccurrences(of: "{{\(index + 1)}}", with: value) }
        return text
    }
}

/// A setting of a channel. Secret ones are sealed when saved and never shown again. Generated
/// ones are made by the server once (a webhook secret, a verify token to paste into the
/// provider's console) and never typed; a generated value that is not secret is shown.
public struct ChannelField: Sendable, Encodable, Equatable {
    public var key: String
    public var label: String
    public var secret: Bool
    public var required: Bool
    public var generated: Bool
    /// A provider address the admin may change (a local Bot API server): an outbound URL like
    /// any other, so it passes the outbound address guard when saved.
    public var address: Bool
    public var help: String?

    public init(key: String, label: String, secret: Bool = false, required: Bool = true, generated: Bool = false, address: Bool = false,
                help: String? = nil) {
        self.key = key; self.label = label; self.secret = secret; self.required = required; self.generated = generated
        self.address = address; self.help = help
    }
}

/// What a channel can carry, for the composer and for the sender's checks.
public struct ChannelCapabilities: Sendable, Encodable, Equatable {
    /// The longest text one message may have, in UTF-16 code units (as Telegram and Meta count).
    public var maxTextLength: Int
    /// The largest file the provider accepts from us, in bytes (0: no files).
    public var maxFileBytes: Int
    /// How long after the customer's last message we may still write (nil: any time).
    public var replyWindowSeconds: Int?
    /// Whether text formatting (Markdown) is shown; otherwise replies go as plain text.
    public var formatting: Bool
    /// Whether the provider tells us when a message was delivered and read.
    public var deliveryReceipts: Bool
    /// Whether the provider takes an idempotency key, so a send whose outcome is unknown can
    /// safely be repeated.
    public var idempotentSends: Bool
    /// Whether text travels as SMS, billed per 160-character GSM-7 (70 UCS-2) segment, which the
    /// composer counts.
    public var smsSegments: Bool
    /// Whether the provider fetches our files from a link instead of taking an upload (Twilio,
    /// Viber): sending files then needs the server's public URL.
    public var filesByLink: Bool
    /// Whether approved templates may be sent outside the reply window (WhatsApp).
    public var templates: Bool
    /// Whether customers' comments on the shop's posts arrive as conversations, answered
    /// publicly or privately and moderated (Facebook, Instagram).
    public var comments: Bool

    public init(maxTextLength: Int, maxFileBytes: Int, replyWindowSeconds: Int?, formatting: Bool, deliveryReceipts: Bool,
                idempotentSends: Bool, smsSegments: Bool = false, filesByLink: Bool = false, templates: Bool = false,
                comments: Bool = false) {
        self.maxTextLength = maxTextLength; self.maxFileBytes = maxFileBytes; self.replyWindowSeconds = replyWindowSeconds
        self.formatting = formatting; self.deliveryReceipts = deliveryReceipts; self.idempotentSends = idempotentSends
        self.smsSegments = smsSegments; self.filesByLink = filesByLink; self.templates = templates
        self.comments = comments
    }
}

/// A channel inbox's settings with its secrets opened, as the adapter sees them.
public struct ChannelConfig: Sendable {
    public var values: [String: String]
    public init(_ values: [String: String]) { self.values = values }
    public subscript(_ key: String) -> String? { values[key].flatMap { $0.isEmpty ? nil : $0 } }
}

/// A provider's request to our webhook, as received: the raw body (signatures cover its exact
/// bytes), header names in lower case, and the query.
public struct ChannelRequest: Sendable {
    public var method: String
    public var headers: [String: String]
    public var query: [String: String]
    public var body: [UInt8]
    /// The address the provider called, as the public sees it (the server's public URL, the
    /// path and the query): Twilio signs it. Empty when the server has no public URL.
    public var url: String

    public init(method: String, headers: [String: String], query: [String: String] = [:], body: [UInt8], url: String = "") {
        self.method = method; self.headers = headers; self.query = query; self.body = body; self.url = url
    }
}

/// What happened on the channel.
public enum ChannelEvent: Sendable, Equatable {
    /// A customer wrote (or edited: an edit is a new message whose id names the edit).
    case message(ChannelInbound)
    /// A provider's word on one of our messages.
    case delivery(providerMessageID: String, status: DeliveryStatus, error: String?)
    /// The customer has seen everything we sent them up to this time (Messenger's read watermark).
    case readUpTo(ChannelIdentity, Date)
    /// A customer's comment was hidden, shown again or deleted (by the shop elsewhere, or by its author).
    case commentStatus(commentID: String, CommentStatus)
    /// The customer blocked us or asked for no more messages (false), or came back (true).
    case consent(ChannelIdentity, granted: Bool)
    /// Understood and deliberately not acted on (a group message, an unknown update type).
    case ignored(String)
}

/// A customer's message as the channel delivered it.
public struct ChannelInbound: Sendable, Equatable {
    /// The provider's id, unique within the inbox; the same id twice is one message.
    public var id: String
    public var customer: CustomerIdentity
    public var text: String
    public var media: [ChannelMediaReference]
    public var receivedAt: Date
    /// Set when the customer changed an earlier message (its id).
    public var edits: String?
    /// The payload of a link the shop gave the customer (Telegram's `/start <payload>`), which
    /// Shopdesk signed to tie this chat to a known customer.
    public var deepLink: String?
    /// Set when the message is a comment on the shop's post rather than a direct message.
    public var comment: InboundComment?

    public init(id: String, customer: CustomerIdentity, text: String, media: [ChannelMediaReference] = [], receivedAt: Date,
                edits: String? = nil) {
        self.id = id; self.customer = customer; self.text = text; self.media = media; self.receivedAt = receivedAt; self.edits = edits
    }
}

/// A file the customer sent, still at the provider.
public struct ChannelMediaReference: Sendable, Equatable {
    public var id: String
    public var fileName: String?
    public var contentType: String?
    public var size: Int?

    public init(id: String, fileName: String? = nil, contentType: String? = nil, size: Int? = nil) {
        self.id = id; self.fileName = fileName; self.contentType = contentType; self.size = size
    }
}

public struct ChannelMedia: Sendable {
    public var data: Data
    public var fileName: String
    public var contentType: String?
    /// A signed link from which the provider may fetch the file for a day, for channels that
    /// take files by link (`filesByLink`); nil when the server has no public URL.
    public var url: String?
    public init(data: Data, fileName: String, contentType: String?, url: String? = nil) {
        self.data = data; self.fileName = fileName; self.contentType = contentType; self.url = url
    }
}

/// One reply to send: the customer's address on the channel, the text, and files.
public struct ChannelOutbound: Sendable {
    public var recipient: String
    public var text: String
    public var files: [ChannelMedia]
    /// Our message id, for providers that take an idempotency key.
    public var idempotencyKey: String
    /// Where the provider should report what became of the message (Twilio's StatusCallback):
    /// this inbox's webhook, or nil without a public URL.
    public var statusCallback: String?
    /// Send as this approved template instead of free text (`text` is its filled-in body).
    public var template: ChannelTemplateUse?
    /// When the customer last wrote in the conversation (Messenger tags replies after 24 hours).
    public var lastInbound: Date?
    /// In a comment conversation: a public answer under the comment, or a private message to its
    /// author (`recipient` is then unused).
    public var comment: CommentReply?
    /// Answers the customer can tap instead of typing (the bot's "That answered it", "Talk to a
    /// person"), at most 20 characters each; a tap sends its label back as the customer's
    /// message. Channels without buttons (SMS) send the text alone.
    public var quickReplies: [String] = []

    public init(recipient: String, text: String, files: [ChannelMedia] = [], idempotencyKey: String, statusCallback: String? = nil,
                template: ChannelTemplateUse? = nil, comment: CommentReply? = nil) {
        self.recipient = recipient; self.text = text; self.files = files; self.idempotencyKey = idempotencyKey; self.statusCallback = statusCallback
        self.template = template; self.comment = comment
    }

    /// The same reply, noting when the customer last wrote.
    public func after(_ lastInbound: Date?) -> ChannelOutbound {
        var copy = self
        copy.lastInbound = lastInbound
        return copy
    }
}

/// How a send ended, in the provider's own words where it gave any.
public enum ChannelSendResult: Sendable, Equatable {
    case sent(providerMessageID: String)
    /// Not delivered and worth trying again (rate limit, the provider down, no connection made).
    case retryLater(String, after: TimeInterval?)
    /// Refused for good (blocked by the customer, bad recipient, message too long).
    case refused(String, optedOut: Bool)
    /// The request left but no answer came: the provider may or may not have sent it.
    case unknown(String)
}

/// A request the provider could not be asked, or a payload that could not be read.
public struct ChannelError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
