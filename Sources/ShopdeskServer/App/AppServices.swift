import Foundation
import Hummingbird
import Logging
import SQLKit
import ShopdeskCommerce
import ShopdeskChannels
import ShopdeskCore
import ShopdeskStore

/// The long-lived parts every controller uses, built once in `buildApplication`.
struct AppServices: Sendable {
    let config: ServerConfiguration
    let database: Database
    let conversations: ConversationService
    let hub: EventHub
    let passwords: PasswordHasher
    let loginLimiter: LoginRateLimiter
    /// New chat sessions per address and messages per visitor.
    let widgetLimiter = RateWindow()
    /// What `/metrics` counts: requests, ingests and failed sends.
    let metrics = HTTPMetrics()
    /// Requests per minute per caller on `/api/` (`AuthMiddleware`).
    let apiLimiter = APIRateLimiter()
    /// File bytes, in the configured store (`local`, `database` or `s3`).
    let files: FileStorage
    let outboundGuard: OutboundURLGuard
    /// Connected shops: orders beside conversations and actions on them.
    let commerce: CommerceService
    /// Shopify access tokens from the OAuth grants, renewed one at a time per shop.
    let shopifyTokens: ShopifyTokenBroker
    /// Each workspace's published help center with its search index, rebuilt when it changes.
    let helpLibraries = HelpLibraries()
    /// Each workspace's past questions and agents' answers, for suggested replies.
    let replyLibraries = ReplyLibraries()
    /// IDLE connections to IMAP mailboxes on this node (started by their poll jobs).
    let imapIdle = IMAPIdleWatchers()
    /// OpenID providers' discovery documents and keys (`SSOSignIn`).
    let openID = OpenIDCache()
    /// Access tokens of mailboxes connected with OAuth (`MailOAuth`).
    let mailTokens = MailAccessTokens()
    /// Received mail's SPF, DKIM and DMARC lookups (the resolver read from the configuration or
    /// /etc/resolv.conf once, not per email).
    let dns: any DNSResolver
    /// How the IMAP and SMTP clients verify servers.
    let mailTLS: MailTLS
    let logger: Logger
    let secretBoxes = SecretBoxCache()
    /// Messaging inboxes' approved templates, read from their providers.
    let templateCache = ChannelTemplateCache()
    /// Inboxes' kinds, which never change (an inbox is never re-made as another kind).
    let inboxKinds = InboxKindCache()
    /// The messaging channels this build speaks (Telegram…), and how they reach their providers.
    let channels = ChannelRegistry.standard
    var channelHTTP: GuardedChannelHTTP { GuardedChannelHTTP(guardrail: outboundGuard, pool: .shared) }
    var chat: ChatChannel { ChatChannel(database: database, conversations: conversations, metrics: metrics) }

    /// The ingest every channel's messages take, timed for `/metrics` by channel.
    func ingest(_ message: InboundMessage, channel: String, workspaceID: WorkspaceID,
                alongside: (@Sendable (IngestResult, any SQLDatabase) async throws -> Void)? = nil) async throws -> IngestResult {
        let start = ContinuousClock.now
        let result = try await conversations.ingest(message, workspaceID: workspaceID, alongside: alongside)
        metrics.ingested(channel: channel, elapsed: ContinuousClock.now - start)
        return result
    }

    /// A reply that failed, counted by its inbox's channel (read from the message when the caller
    /// does not know it).
    func countFailedSend(channel: String? = nil, messageID: MessageID, workspaceID: WorkspaceID) async {
        if let channel { return metrics.sendFailed(channel: channel) }
        let kind = try? await database.read { try await MessageRepository.inboxKind(of: messageID, workspaceID: workspaceID, in: $0) }
        metrics.sendFailed(channel: kind ?? "unknown")
    }

    /// The key for stored credentials (read when needed: rarely, and always current).
    /// The secret box, loaded once (from the configuration or `<data>/secret.key`): channel
    /// webhooks open their inbox's secrets on every request.
    func secretBox() throws -> SecretBox { try secretBoxes.box(configuration: config) }

    static func make(configuration: ServerConfiguration, database: Database, logger: Logger) -> AppServices {
        let hub = EventHub(listener: database.listener, database: database, logger: logger)
        let outboundGuard = OutboundURLGuard(allowPrivate: configuration.allowPrivateWebhookTargets)
        let boxes = SecretBoxCache()
        let shopifyTokens = ShopifyTokenBroker(database: database, http: GuardedStoreHTTP(guardrail: outboundGuard)) {
            try boxes.box(configuration: configuration)
        }
        let conversations = ConversationService(database: database, publisher: hub)
        return AppServices(
            config: configuration,
            database: database,
            conversations: conversations,
            hub: hub,
            passwords: PasswordHasher(cost: configuration.bcryptCost),
            loginLimiter: LoginRateLimiter(),
            files: FileStorage.make(configuration: configuration, database: database),
            outboundGuard: outboundGuard,
            commerce: CommerceService(database: database, publisher: hub, automation: conversations.automation) { connection in
                try StoreConnections.connector(for: connection, configuration: configuration, guardrail: outboundGuard, tokens: shopifyTokens)
            },
            shopifyTokens: shopifyTokens,
            dns: UDPResolver.configured(configuration.dnsServer),
            mailTLS: MailTLS(caFile: configuration.tlsCAFile) { host, port in
                do { return try await outboundGuard.checkHost(host, port: port, field: "host") } catch let problem as Problem {
                    throw MailTLSError(description: problem.detail)
                }
            },
            logger: logger
        )
    }

    /// The entity named by the request's `{id}`, loaded inside the agent's workspace, or 404.
    func load<Entity, Value: Sendable>(
        _ what: String, _ request: Request, _ context: AuthenticatedContext,
        _ find: @escaping @Sendable (WorkspaceID, Identifier<Entity>, any SQLDatabase) async throws -> Value?
    ) async throws -> Value {
        let id: Identifier<Entity> = try request.id(context: context, what)
        let workspaceID = context.workspaceID
        guard let value = try await database.read({ try await find(workspaceID, id, $0) }) else {
            throw Problem(.notFound, "\(what) \(id) was not found.")
        }
        return value
    }

    /// The inboxes the agent may see (nil: all); conversations elsewhere answer 404.
    func visibleInboxes(_ context: AuthenticatedContext) async throws -> [InboxID]? {
        let agent = context.agent
        return try await database.read { try await InboxRepository.visibleInboxes(for: agent, in: $0) }
    }

    /// Loads a conversation the agent may see, or throws 404 (also for other workspaces' ids).
    func conversation(_ id: ConversationID, _ context: AuthenticatedContext) async throws -> Conversation {
        let visible = try await visibleInboxes(context)
        let workspaceID = context.workspaceID
        guard let conversation = try await database.read({
            try await ConversationRepository.find(workspaceID: workspaceID, id: id, in: $0)
        }), visible.map({ $0.contains(conversation.inboxID) }) ?? true else {
            throw Problem(.notFound, "Conversation \(id) was not found.")
        }
        return conversation
    }
}
