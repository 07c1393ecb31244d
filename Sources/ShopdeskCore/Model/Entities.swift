import Foundation

public struct Workspace: Equatable, Sendable, Codable {
    public var id: WorkspaceID
    public var name: String
    public var timeZone: String
    public var createdAt: Date

    public init(id: WorkspaceID, name: String, timeZone: String, createdAt: Date) {
        self.id = id
        self.name = name
        self.timeZone = timeZone
        self.createdAt = createdAt
    }
}

public struct Agent: Equatable, Sendable {
    public var id: AgentID
    public var workspaceID: WorkspaceID
    public var email: String
    public var name: String
    public var role: Role
    public var locale: String
    public var disabled: Bool
    public var createdAt: Date

    public init(id: AgentID, workspaceID: WorkspaceID, email: String, name: String, role: Role,
                locale: String, disabled: Bool, createdAt: Date) {
        self.id = id
        self.workspaceID = workspaceID
        self.email = email
        self.name = name
        self.role = role
        self.locale = locale
        self.disabled = disabled
        self.createdAt = createdAt
    }
}

public struct Team: Equatable, Sendable {
    public var id: TeamID
    public var workspaceID: WorkspaceID
    public var name: String
    public var memberIDs: [AgentID]

    public init(id: TeamID, workspaceID: WorkspaceID, name: String, memberIDs: [AgentID]) {
        self.id = id
        self.workspaceID = workspaceID
        self.name = name
        self.memberIDs = memberIDs
    }
}

public struct Inbox: Equatable, Sendable {
    public var id: InboxID
    public var workspaceID: WorkspaceID
    public var kind: InboxKind
    public var name: String
    /// Where outbound replies of an API inbox are POSTed; nil means clients poll for them.
    public var webhookURL: String?
    public var createdAt: Date
    /// How a chat inbox's widget looks and behaves (nil for other kinds).
    public var chat: ChatSettings? = nil
    /// The addresses an email inbox receives for (nil for other kinds).
    public var email: EmailSettings? = nil
    /// The public key that a chat inbox's `<script data-inbox="…">` tag names.
    public var widgetKey: String? = nil
    /// A messaging channel's settings (Telegram…; nil for other kinds).
    public var channel: ChannelSettings? = nil

    public init(id: InboxID, workspaceID: WorkspaceID, kind: InboxKind, name: String, webhookURL: String?, createdAt: Date) {
        self.id = id
        self.workspaceID = workspaceID
        self.kind = kind
        self.name = name
        self.webhookURL = webhookURL
        self.createdAt = createdAt
    }
}

public struct Customer: Equatable, Sendable {
    public var id: CustomerID
    public var workspaceID: WorkspaceID
    public var name: String?
    public var email: String?
    public var phone: String?
    public var externalID: String?
    public var locale: String?
    public var mergedInto: CustomerID?
    public var createdAt: Date
    public var updatedAt: Date
    /// Labels agents give the customer (normalized like conversation tags), and whether they
    /// are a VIP: rules and SLA policies can look at both.
    public var tags: Set<String> = []
    public var vip = false
    /// Orders from the connected shops, summarized (nil until a shop reported one).
    public var orders: CustomerOrderSummary?

    public init(id: CustomerID, workspaceID: WorkspaceID, name: String?, email: String?, phone: String?,
                externalID: String?, locale: String?, mergedInto: CustomerID?, createdAt: Date, updatedAt: Date) {
        self.id = id
        self.workspaceID = workspaceID
        self.name = name
        self.email = email
        self.phone = phone
        self.externalID = externalID
        self.locale = locale
        self.mergedInto = mergedInto
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

public struct Conversation: Equatable, Sendable {
    public var id: ConversationID
    public var workspaceID: WorkspaceID
    public var number: Int64
    public var inboxID: InboxID
    public var customerID: CustomerID
    public var subject: String?
    public var state: ConversationState
    public var language: String?
    /// The customer's intent and mood as classified from their messages (see `Classification`).
    public var intent: String? = nil
    public var sentiment: String? = nil
    public var urgent = false
    /// The SLA clocks of the policy that applies, if any (see `SLAClock`).
    public var sla: SLAClock? = nil
    /// Comment conversations: the comment thread they follow and the post it is under.
    public var channelThread: String? = nil
    public var channelPost: String? = nil
    public var lastMessageAt: Date
    public var lastMessagePreview: String?
    public var lastMessageDirection: MessageDirection?
    public var messageCount: Int
    public var firstResponseAt: Date?
    public var resolvedAt: Date?
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: ConversationID, workspaceID: WorkspaceID, number: Int64, inboxID: InboxID,
                customerID: CustomerID, subject: String?, state: ConversationState, language: String?,
                lastMessageAt: Date, lastMessagePreview: String?, lastMessageDirection: MessageDirection?,
                messageCount: Int, firstResponseAt: Date?, resolvedAt: Date?, createdAt: Date, updatedAt: Date) {
        self.id = id
        self.workspaceID = workspaceID
        self.number = number
        self.inboxID = inboxID
        self.customerID = customerID
        self.subject = subject
        self.state = state
        self.language = language
        self.lastMessageAt = lastMessageAt
        self.lastMessagePreview = lastMessagePreview
        self.lastMessageDirection = lastMessageDirection
        self.messageCount = messageCount
        self.firstResponseAt = firstResponseAt
        self.resolvedAt = resolvedAt
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

public struct Message: Equatable, Sendable {
    public var id: MessageID
    public var workspaceID: WorkspaceID
    public var conversationID: ConversationID
    public var direction: MessageDirection
    public var authorAgentID: AgentID?
    public var authorCustomerID: CustomerID?
    public var text: String
    public var channelMessageID: String?
    public var deliveryStatus: DeliveryStatus?
    public var deliveryError: String?
    public var attachmentIDs: [AttachmentID]
    public var createdAt: Date
    /// Set on inbound customer messages by the ingest path.
    public var classification: Classification? = nil
    /// Set on messages the chat bot wrote: the quick replies it offered (`helped`, `person`).
    public var botChoices: [String]? = nil
    /// An email's HTML body, sanitized by an allowlist when it arrived (nil for plain text).
    public var html: String? = nil
    /// A received email's SPF, DKIM and DMARC results, as JSON (nil when not checked).
    public var mailAuth: String? = nil
    /// A reply sent as the channel's approved template (its text is the filled-in body).
    public var channelTemplate: ChannelTemplateUse? = nil
    /// A customer's comment on a post: whether it is still shown (nil: not a comment).
    public var commentStatus: CommentStatus? = nil
    /// A reply in a comment conversation: public under the comment, or private to its author.
    public var commentReply: CommentReply? = nil

    public init(id: MessageID, workspaceID: WorkspaceID, conversationID: ConversationID, direction: MessageDirection,
                authorAgentID: AgentID?, authorCustomerID: CustomerID?, text: String, channelMessageID: String?,
                deliveryStatus: DeliveryStatus?, deliveryError: String?, attachmentIDs: [AttachmentID], createdAt: Date,
                classification: Classification? = nil) {
        self.classification = classification
        self.id = id
        self.workspaceID = workspaceID
        self.conversationID = conversationID
        self.direction = direction
        self.authorAgentID = authorAgentID
        self.authorCustomerID = authorCustomerID
        self.text = text
        self.channelMessageID = channelMessageID
        self.deliveryStatus = deliveryStatus
        self.deliveryError = deliveryError
        self.attachmentIDs = attachmentIDs
        self.createdAt = createdAt
    }
}
