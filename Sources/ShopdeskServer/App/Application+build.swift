import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdWebSocket
import Logging
import ServiceLifecycle
import ShopdeskCore
import ShopdeskStore

/// Builds the whole application on an open database: used by `serve`, `demo` and the tests.
/// The database must already be migrated. `onListening` gets the address the HTTP server bound
/// (with port 0 the system picks a free port, and this is how the caller learns it).
public func buildApplication(
    configuration: ServerConfiguration,
    database: Database,
    logger: Logger,
    onListening: (@Sendable (_ host: String, _ port: Int) async -> Void)? = nil
) async throws -> some ApplicationProtocol {
    try buildApplication(services: AppServices.make(configuration: configuration, database: database, logger: logger),
                         onListening: onListening)
}

/// The same, on services the caller keeps (tests use them to run jobs at a chosen time).
func buildApplication(services: AppServices,
                      onListening: (@Sendable (_ host: String, _ port: Int) async -> Void)? = nil) throws -> some ApplicationProtocol {
    let configuration = services.config
    let database = services.database
    let hub = services.hub
    let logger = services.logger
    let metrics = services.metrics
    let router = Router(context: AppRequestContext.self)
    router.add(middleware: MetricsMiddleware(metrics: metrics))
    // Outside the problem middleware, so every error it turns into a problem document (a body
    // over the size limit, an address that names no endpoint) gets these headers too.
    router.add(middleware: SecurityHeadersMiddleware())
    router.add(middleware: WidgetCORSMiddleware())
    router.add(middleware: ProblemMiddleware())
    router.add(middleware: AuthMiddleware(database: database, limiter: services.apiLimiter, perCaller: services.config.apiRequestsPerMinute,
                                          perAddress: services.config.anonymousRequestsPerMinute))

    let api = APIRegistrar(router: router)
    api.audit = { entry in await AuditLog(services: services).append(entry) }
    let agents = AgentsController(services: services)
    AuthController(services: services).register(api)
    TwoFactorController(services: services).register(api)
    RetentionController(services: services).register(api)
    SSOController(services: services).register(api)
    MailOAuthController(services: services).register(api)
    AuditLogController(services: services).register(api)
    agents.register(api)
    InboxesController(services: services).register(api, agents: agents)
    CustomersController(services: services, customers: CustomerService(database: database, publisher: hub)).register(api)
    ConversationsController(services: services).register(api)
    ScheduledRepliesController(services: services).register(api)
    SavedViewsController(services: services).register(api)
    NotificationsController(services: services).register(api)
    PushController(services: services).register(api)
    SplitController(services: services).register(api)
    CustomFieldsController(services: services).register(api)
    WorkspaceController(services: services).register(api)
    AutomationController(services: services).register(api)
    AttachmentsController(services: services).register(api)
    RealtimeController(services: services).register(on: router, api)
    WidgetController(services: services).register(on: router, api)
    EmailController(services: services).register(api)
    CommerceController(services: services).register(api)
    ChannelRoutes(services: services).register(api)
    ChannelWebhookController(services: services).register(api)
    ChannelFileLinks(services: services).register(api)
    ChannelTemplates(services: services).register(api)
    ChannelDeepLinks(services: services).register(api)
    ChannelComments(services: services).register(api)
    HelpCenterController(services: services).register(api)
    IntentsController(services: services).register(api)
    AgentAssistController(services: services).register(api)
    ReportsController(services: services).register(api)
    ScoreboardController(services: services).register(api, on: router)
    HelpPages(services: services).register(on: router)
    let openAPI = try JSONSerialization.data(withJSONObject: OpenAPIDocument.build(api.docs), options: [.sortedKeys, .withoutEscapingSlashes])
    api.onPublic(.get, "/openapi.json", "This document", tag: "meta") { _, _ in
        Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(data: openAPI)))
    }
    OperationsController(services: services).register(on: router)
    SurveyPage(services: services).register(on: router)
    DemoShopPage.register(on: router, widgetKey: configuration.demoWidgetKey, services: services)
    var onListening = onListening
    if let workspace = configuration.demoChannelsWorkspace {
        let phone = DemoPhone(), ws = WorkspaceID(workspace)
        let providers: [any DemoProvider] = [DemoTelegram(services: services, workspaceID: ws), DemoWhatsApp(services: services, workspaceID: ws),
                                             DemoViber(services: services, workspaceID: ws), DemoTwilio(services: services, workspaceID: ws),
                                             DemoMeta(.messenger, services: services, workspaceID: ws), DemoMeta(.instagram, services: services, workspaceID: ws)]
        phone.register(on: router, providers: providers)
        let announce = onListening
        onListening = { host, port in
            for provider in providers { await provider.install(port: port, phone: phone) }
            await announce?(host, port)
        }
    }
    WidgetScript.register(on: router)
    WebAssets.register(on: router)

    var services_: [any Service] = []
    if configuration.runJobs {
        services_.append(JobRunner(services: services))
    }
    if let listener = database.listener {
        services_.append(RealtimeBridge(hub: hub, listener: listener, logger: logger))
    }
    // Nodes on one PostgreSQL share their rate limits' counts.
    if database.kind == .postgres, configuration.apiRequestsPerMinute > 0 || configuration.anonymousRequestsPerMinute > 0 {
        services_.append(RateLimitSync(limiter: services.apiLimiter, database: database, logger: logger, interval: configuration.rateLimitSyncInterval))
    }
    // Closes the IMAP IDLE connections that poll jobs opened on this node.
    services_.append(IMAPIdleService(watchers: services.imapIdle))
    if let smtpPort = configuration.smtpPort {
        services_.append(SMTPServer(services: services, host: configuration.smtpHost, port: smtpPort, lmtp: configuration.smtpMode == "lmtp"))
    }
    return Application(
        router: router,
        server: .http1WebSocketUpgrade(webSocketRouter: router),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "Shopdesk"),
        services: services_,
        onServerRunning: { [onListening] channel in
            guard let onListening, let port = channel.localAddress?.port else { return }
            await onListening(configuration.host, port)
        },
        logger: logger
    )
}

/// Relays other nodes' events (PostgreSQL NOTIFY) into this node's hub, reconnecting on failure.
struct RealtimeBridge: Service, CustomStringConvertible {
    let hub: EventHub
    let listener: any NotificationListener
    let logger: Logger
    var description: String { "RealtimeBridge" }

    func run() async throws {
        try await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await listener.listen(channel: EventHub.channel, onListening: { await hub.relaying(true) }) { payload in
                        await hub.receiveRemote(payload)
                    }
                } catch is CancellationError {
                    return
                } catch {
                    await hub.relaying(false)
                    logger.warning("Realtime bridge lost its LISTEN connection; reconnecting", metadata: ["error": "\(error)"])
                    // Back off before reconnecting so a down database is not hammered.
                    try await Task.sleep(for: .seconds(1))
                }
            }
        }
    }
}

/// Headers every answer carries.
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        }
        response.headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        // A page whose address holds a secret (the scoreboard's TV link) sets a stricter one.
        if response.headers[HTTPField.Name("Referrer-Policy")!] == nil { response.headers[HTTPField.Name("Referrer-Policy")!] = "same-origin" }
        response.headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        if response.headers[.contentSecurityPolicy] == nil {
            response.headers[.contentSecurityPolicy] = "default-src 'self'; img-src 'self' data:; object-src 'none'; frame-ancestors 'none'; base-uri 'none'"
        }
        return response
    }
}

/// The chat widget calls `/api/v1/widget/…` from shops' pages on other origins. Those calls
/// carry no cookies (the visitor token travels in a header), so any origin may make them; the
/// rest of the API stays same-origin.
struct WidgetCORSMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.uri.path.hasPrefix("/api/v1/widget/") else { return try await next(request, context) }
        if request.method == .options {
            var response = Response(status: .noContent)
            Self.allow(&response.headers)
            response.headers[HTTPField.Name("Access-Control-Allow-Methods")!] = "GET, POST"
            response.headers[HTTPField.Name("Access-Control-Allow-Headers")!] = "Content-Type, X-Visitor-Token, X-File-Name"
            response.headers[HTTPField.Name("Access-Control-Max-Age")!] = "86400"
            return response
        }
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        }
        Self.allow(&response.headers)
        return response
    }

    static func allow(_ headers: inout HTTPFields) {
        headers[HTTPField.Name("Access-Control-Allow-Origin")!] = "*"
        headers[HTTPField.Name("Access-Control-Expose-Headers")!] = "Content-Type"
    }
}

/// `shopdesk serve`: the application under SIGTERM and SIGINT, shut down gracefully within
/// `configuration.shutdownSeconds`. The services stop in reverse order: first `ShutdownNotice`
/// (health turns 503 and every socket hears `reconnect`), then the HTTP server (it stops
/// accepting, lets requests in flight finish and closes the sockets), then the mail receiver
/// and the job runner (running jobs end and are recorded). Past the deadline what still runs
/// is cancelled.
public func runServer(
    configuration: ServerConfiguration,
    database: Database,
    logger: Logger,
    onListening: (@Sendable (_ host: String, _ port: Int) async -> Void)? = nil
) async throws {
    let services = AppServices.make(configuration: configuration, database: database, logger: logger)
    let app = try buildApplication(services: services, onListening: onListening)
    var group = ServiceGroupConfiguration(
        services: [.init(service: app), .init(service: ShutdownNotice(hub: services.hub, logger: logger))],
        gracefulShutdownSignals: [.sigterm, .sigint],
        logger: logger)
    group.maximumGracefulShutdownDuration = .seconds(configuration.shutdownSeconds)
    group.maximumCancellationDuration = .seconds(5)
    try await ServiceGroup(configuration: group).run()
}

/// The first thing a shutdown does: `/healthz` turns 503 and every socket on this node is told
/// to reconnect (to another node, or to this one restarted), and the server closes the sockets
/// once they have written it.
struct ShutdownNotice: Service {
    let hub: EventHub
    let logger: Logger

    func run() async throws {
        try? await gracefulShutdown()
        logger.info("Shutting down: telling sockets to reconnect")
        await hub.drain()
        // Until every socket has written the frame queued just now, at most 300 ms; nothing
        // depends on it: a client that misses the word reconnects on the close with its backoff.
        await hub.hintsWritten(deadline: .milliseconds(300))
    }
}
