import Foundation
import Hummingbird
import ShopdeskCore
import ShopdeskStore

// What the API returns. Domain types stay free of HTTP; these mirror them for JSON.

struct AgentDTO: ResponseEncodable {
    var id: Int64
    var email: String
    var name: String
    var role: Role
    var locale: String
    var disabled: Bool
    var createdAt: Date

    init(_ agent: Agent) {
        id = agent.id.rawValue
        email = agent.email
        name = agent.name
        role = agent.role
        locale = agent.locale
        disabled = agent.disabled
        createdAt = agent.createdAt
    }
}

struct TeamDTO: ResponseEncodable {
    var id: Int64
    var name: String
    var memberIds: [Int64]

    init(_ team: Team) {
        id = team.id.rawValue
        name = team.name
        memberIds = team.memberIDs.map(\.rawValue)
    }
}

struct InboxDTO: ResponseEncodable {
    var id: Int64
    var kind: InboxKind
    var name: String
    var webhookUrl: String?
    var memberIds: [Int64]?
    var createdAt: Date
    /// Chat inboxes: the widget's settings and the key its `<script data-inbox>` tag names.
    var chat: ChatSettings?
    var widgetKey: String?
    /// Email inboxes: the addresses they receive for.
    var email: EmailSettings?
    /// Messaging inboxes: their settings, secrets only as "set" (`********`), and how the
    /// provider connection stands (`status`).
    var channel: [String: String]?
    /// Messaging inboxes: when the chat bot takes new conversations (chat inboxes: `chat.bot`).
    var bot: ChatSettings.BotMode?

    init(_ inbox: Inbox, members: [AgentID]? = nil) {
        id = inbox.id.rawValue
        kind = inbox.kind
        chat = inbox.chat
        widgetKey = inbox.widgetKey
        email = inbox.email
        channel = inbox.channel.map { settings in
            var shown = settings.values
            // Which secrets are set, never their values.
            for key in settings.sealed.keys { shown[key] = "********" }
            return shown
        }
        bot = inbox.channel?.bot
        // Whether a password is set, not the sealed password itself.
        if email?.smtp?.passwordSealed != nil { email?.smtp?.passwordSealed = "********" }
        if email?.imap?.passwordSealed != nil { email?.imap?.passwordSealed = "********" }
        name = inbox.name
        webhookUrl = inbox.webhookURL
        memberIds = members?.map(\.rawValue)
        createdAt = inbox.createdAt
    }
}

struct TagDTO: ResponseEncodable {
    var id: Int64
    var name: String
    var conversationCount: Int

    init(_ tag: TagRecord) {
        id = tag.id.rawValue
        name = tag.name
        conversationCount = tag.conversationCount
    }
}

struct CustomerDTO: ResponseEncodable {
    struct Identity: Codable { var kind: String; var value: String }
    var id: Int64
    var name: String?
    var email: String?
    var phone: String?
    var externalId: String?
    var locale: String?
    var mergedInto: Int64?
    var identities: [Identity]?
    var tags: [String]
    var vip: Bool
    /// Orders in the connected shops: count, lifetime value, the latest order.
    var orders: OrderSummary?
    var createdAt: Date
    var updatedAt: Date

    struct OrderSummary: Codable {
        var orderCount: Int
        var lifetimeValue: Amount
        var lastOrderAt: Date?
        var lastFinancialStatus: String?
        var lastFulfillmentStatus: String?
        var lastOrderTotal: Amount?
    }

    init(_ customer: Customer, identities: [CustomerRepository.IdentityRecord]? = nil) {
        orders = customer.orders.map {
            OrderSummary(orderCount: $0.orderCount, lifetimeValue: $0.spent, lastOrderAt: $0.lastOrderAt,
                         lastFinancialStatus: $0.lastFinancialStatus?.rawValue, lastFulfillmentStatus: $0.lastFulfillmentStatus?.rawValue,
                         lastOrderTotal: $0.lastOrderTotal)
        }
        tags = customer.tags.sorted()
        vip = customer.vip
        id = customer.id.rawValue
        name = customer.name
        email = customer.email
        phone = customer.phone
        externalId = customer.externalID
        locale = customer.locale
        mergedInto = customer.mergedInto?.rawValue
        self.identities = identities?.map { Identity(kind: $0.kind, value: $0.value) }
        createdAt = customer.createdAt
        updatedAt = customer.updatedAt
    }
}

struct ConversationDTO: ResponseEncodable {
    struct CustomerSummary: Codable { var id: Int64; var name: String?; var email: String?; var phone: String? }
    struct LastMessage: Codable { var preview: String?; var direction: MessageDirection?; var at: Date }
    var id: Int64
    var number: Int64
    var inboxId: Int64
    var customerId: Int64
    var customer: CustomerSummary?
    var subject: String?
    var status: ConversationStatus
    var snoozedUntil: Date?
    var priority: Priority
    var assigneeId: Int64?
    var teamId: Int64?
    var tags: [String]
    var language: String?
    var intent: String?
    var sentiment: String?
    var urgent: Bool
    var mergedInto: Int64?
    var messageCount: Int
    var lastMessage: LastMessage
    var firstResponseAt: Date?
    var resolvedAt: Date?
    var createdAt: Date
    var updatedAt: Date
    /// The earliest running SLA target's due time, and whether any target was missed.
    var slaDueAt: Date?
    var slaBreached: Bool
    /// For the agent asking, in lists: the customer wrote after the agent last opened it.
    var unread: Bool?
    /// A conversation about comments on a post: the post (see `/conversations/{id}/channel/post`).
    var channelPost: String?
    /// In lists asked `with_fields=…`: those custom fields' values (unset ones left out).
    var fields: [String: String]?

    init(_ conversation: Conversation, customer: Customer?, unread: Bool? = nil) {
        self.init(conversation, contact: customer.map { CustomerContact(id: $0.id, name: $0.name, email: $0.email, phone: $0.phone) },
                  unread: unread)
    }

    init(_ conversation: Conversation, contact customer: CustomerContact? = nil, unread: Bool? = nil) {
        id = conversation.id.rawValue
        number = conversation.number
        inboxId = conversation.inboxID.rawValue
        customerId = conversation.customerID.rawValue
        self.customer = customer.map { CustomerSummary(id: $0.id.rawValue, name: $0.name, email: $0.email, phone: $0.phone) }
        subject = conversation.subject
        status = conversation.state.status
        snoozedUntil = conversation.state.snoozedUntil
        priority = conversation.state.priority
        assigneeId = conversation.state.assigneeID?.rawValue
        teamId = conversation.state.teamID?.rawValue
        tags = conversation.state.tags.sorted()
        language = conversation.language
        intent = conversation.intent
        sentiment = conversation.sentiment
        urgent = conversation.urgent
        mergedInto = conversation.state.mergedInto?.rawValue
        messageCount = conversation.messageCount
        lastMessage = LastMessage(preview: conversation.lastMessagePreview, direction: conversation.lastMessageDirection,
                                  at: conversation.lastMessageAt)
        firstResponseAt = conversation.firstResponseAt
        resolvedAt = conversation.resolvedAt
        createdAt = conversation.createdAt
        updatedAt = conversation.updatedAt
        slaDueAt = conversation.sla?.dueAt
        slaBreached = conversation.sla?.breached ?? false
        self.unread = unread
        channelPost = conversation.channelPost
    }
}

struct MessageDTO: ResponseEncodable {
    var id: Int64
    var conversationId: Int64
    var direction: MessageDirection
    var `private`: Bool
    var authorAgentId: Int64?
    var authorCustomerId: Int64?
    var text: String
    var channelMessageId: String?
    var deliveryStatus: DeliveryStatus?
    var deliveryError: String?
    var attachmentIds: [Int64]
    var createdAt: Date
    var classification: ClassificationDTO?
    /// Written by the chat bot.
    var bot: Bool
    /// An email's HTML, sanitized when it arrived; show it only in a sandboxed frame.
    var html: String?
    /// A received email's SPF, DKIM and DMARC results.
    var mailAuth: JSONValue?
    /// A customer's comment on a post: visible, hidden or deleted.
    var commentStatus: CommentStatus?
    /// A reply to a comment: `public` under it or `private` to its author.
    var commentReply: CommentReply.Visibility?

    struct ClassificationDTO: Codable {
        var language: String?
        var intent: String?
        var intentConfidence: Double
        var sentiment: String
        var sentimentScore: Double
        var urgent: Bool
        var promoter: Bool
    }

    init(_ message: Message) {
        id = message.id.rawValue
        conversationId = message.conversationID.rawValue
        direction = message.direction
        `private` = message.direction == .note
        authorAgentId = message.authorAgentID?.rawValue
        authorCustomerId = message.authorCustomerID?.rawValue
        text = message.text
        channelMessageId = message.channelMessageID
        deliveryStatus = message.deliveryStatus
        deliveryError = message.deliveryError
        attachmentIds = message.attachmentIDs.map(\.rawValue)
        createdAt = message.createdAt
        bot = message.botChoices != nil
        html = message.html
        mailAuth = message.mailAuth.flatMap { try? JSONDecoder().decode(JSONValue.self, from: Data($0.utf8)) }
        commentStatus = message.commentStatus
        commentReply = message.commentReply?.visibility
        classification = message.classification.map {
            ClassificationDTO(language: $0.language, intent: $0.intent, intentConfidence: $0.intentConfidence,
                              sentiment: $0.sentiment, sentimentScore: $0.sentimentScore, urgent: $0.urgent, promoter: $0.promoter)
        }
    }
}

struct EventDTO: ResponseEncodable {
    var id: Int64?
    var kind: String
    var conversationId: Int64?
    var actor: Actor
    var payload: [String: JSONValue]
    var occurredAt: Date

    struct Actor: Codable { var type: String; var id: Int64? }

    init(_ event: DomainEvent) {
        id = event.id?.rawValue
        kind = event.kind.rawValue
        conversationId = event.conversationID?.rawValue
        actor = Actor(type: event.actor.kind, id: event.actor.rawID)
        payload = event.payload
        occurredAt = event.occurredAt
    }
}

struct JobDTO: ResponseEncodable {
    var id: Int64
    var kind: String
    var status: JobStatus
    var attempts: Int
    var maxAttempts: Int
    var runAt: Date
    var lastError: String?
    var payload: [String: JSONValue]
    var createdAt: Date

    init(_ job: Job) {
        id = job.id.rawValue
        kind = job.kind
        status = job.status
        attempts = job.attempts
        maxAttempts = job.maxAttempts
        runAt = job.runAt
        lastError = job.lastError
        payload = job.payload
        createdAt = job.createdAt
    }
}

struct WebhookDTO: ResponseEncodable {
    var id: Int64
    var url: String
    var events: [String]
    var secret: String?
    var createdAt: Date

    init(_ record: WebhookRecord, revealSecret: Bool = false) {
        id = record.id.rawValue
        url = record.url
        events = record.events
        secret = revealSecret ? record.secret : nil
        createdAt = record.createdAt
    }
}

struct AttachmentDTO: ResponseEncodable {
    var id: Int64
    var fileName: String
    var contentType: String
    var size: Int64
    var messageId: Int64?
    var createdAt: Date

    init(_ record: AttachmentRecord) {
        id = record.id.rawValue
        fileName = record.fileName
        contentType = record.contentType
        size = record.size
        messageId = record.messageID?.rawValue
        createdAt = record.createdAt
    }
}

/// A list with an opaque cursor for the next page.
struct Page<Item: Encodable & Sendable>: ResponseEncodable {
    var items: [Item]
    var nextCursor: String?
}

/// Wraps an encodable body with a non-200 status.
struct Created<Body: ResponseEncodable>: ResponseGenerator {
    var body: Body
    var status: HTTPResponse.Status = .created

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = try body.response(from: request, context: context)
        response.status = status
        return response
    }
}
