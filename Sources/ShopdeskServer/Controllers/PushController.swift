import Foundation
import Hummingbird
import ShopdeskChannels
import ShopdeskCore
import ShopdeskStore

/// Web push for the agent app: the key browsers subscribe with, the browsers an agent turned
/// notifications on in, and a test push. Notifications themselves are pushed by
/// `NotificationPusher` as they are made.
struct PushController {
    let services: AppServices

    struct Keys: Decodable { var p256dh: String; var auth: String }
    /// What `PushSubscription.toJSON()` gives in the browser (its `expirationTime` is not needed).
    struct SubscribeBody: Decodable { var endpoint: String; var keys: Keys }
    struct EndpointBody: Decodable { var endpoint: String }

    struct SubscriptionDTO: ResponseEncodable {
        var id: Int64
        var endpoint: String
        var userAgent: String?
        var createdAt: Date
        var lastSuccessAt: Date?
        var failures: Int
        var lastError: String?
    }
    struct Overview: ResponseEncodable { var publicKey: String; var subscriptions: [SubscriptionDTO] }
    struct TestResult: ResponseEncodable { var sent: Int; var failed: Int; var errors: [String] }

    func register(_ api: APIRegistrar) {
        let services = services
        let database = services.database
        api.on(.get, "/push", "The key browsers subscribe with (applicationServerKey) and the browsers you get notifications in",
               tag: "notifications") { _, context in
            let ws = context.workspaceID
            let agent = context.agent.id
            let subscriptions = try await database.read { try await PushSubscriptionRepository.list(workspaceID: ws, agentID: agent, in: $0) }
            return Overview(publicKey: VAPID(key: try services.secretBox().vapidKey(), subject: "").publicKey,
                            subscriptions: subscriptions.map(Self.dto))
        }
        api.on(.post, "/push/subscriptions", "Get your notifications pushed to this browser (the body is its PushSubscription)",
               tag: "notifications", body: "SubscribeBody", status: 201) { request, context in
            let body = try await request.decode(as: SubscribeBody.self, context: context)
            let endpoint = try await Self.checkedEndpoint(body.endpoint, services)
            guard case .success = WebPush.Subscription.validated(endpoint: endpoint, p256dh: body.keys.p256dh, auth: body.keys.auth) else {
                throw Problem(.unprocessableContent, "The subscription's keys are not a browser's push keys (p256dh: a P-256 public key, auth: 16 bytes, both base64url).",
                              field: "keys", code: "push_keys_invalid")
            }
            let ws = context.workspaceID
            let agent = context.agent.id
            let userAgent = request.headers[.userAgent].map { String($0.prefix(200)) }
            let saved = try await database.write {
                try await PushSubscriptionRepository.save(workspaceID: ws, agentID: agent, endpoint: endpoint, p256dh: body.keys.p256dh,
                                                          auth: body.keys.auth, userAgent: userAgent, now: Date(), in: $0)
            }
            return Created(body: Self.dto(saved))
        }
        api.on(.delete, "/push/subscriptions", "Stop pushing your notifications to a browser (body: its endpoint)",
               tag: "notifications", body: "EndpointBody") { request, context in
            let body = try await request.decode(as: EndpointBody.self, context: context)
            let ws = context.workspaceID
            let agent = context.agent.id
            let removed = try await database.write {
                try await PushSubscriptionRepository.delete(workspaceID: ws, agentID: agent, endpoint: body.endpoint, in: $0)
            }
            guard removed else { throw Problem(.notFound, "This browser does not get your notifications.", field: "endpoint", code: "push_not_subscribed") }
            return Response(status: .noContent)
        }
        api.on(.post, "/push/test", "Push a test notification to every browser you get notifications in", tag: "notifications", role: .viewer) { _, context in
            let agent = context.agent
            let results = try await NotificationPusher(services: services).pushTest(to: agent, now: Date())
            let errors = results.compactMap { if case .failed(let reason) = $0 { reason } else { nil } }
            return TestResult(sent: results.filter { $0 == .delivered }.count, failed: results.count - results.filter { $0 == .delivered }.count,
                              errors: errors)
        }
    }

    /// A push service's address: https (plain http only where private targets are allowed, for
    /// tests), not too long, and not a loopback or private address unless those are allowed.
    static func checkedEndpoint(_ text: String, _ services: AppServices) async throws -> String {
        let endpoint = text.trimmingCharacters(in: .whitespaces)
        guard endpoint.utf8.count <= 2_048, let url = URL(string: endpoint), let scheme = url.scheme?.lowercased(),
              scheme == "https" || (scheme == "http" && services.config.allowPrivateWebhookTargets)
        else {
            throw Problem(.unprocessableContent, "The subscription's endpoint must be the https address of the browser's push service.",
                          field: "endpoint", code: "push_endpoint_invalid")
        }
        do { try await services.outboundGuard.check(endpoint) } catch let problem as Problem {
            throw Problem(.unprocessableContent, problem.detail, field: "endpoint", code: "push_endpoint_invalid")
        }
        return endpoint
    }

    static func dto(_ record: PushSubscriptionRecord) -> SubscriptionDTO {
        SubscriptionDTO(id: record.id, endpoint: record.endpoint, userAgent: record.userAgent, createdAt: record.createdAt,
                        lastSuccessAt: record.lastSuccessAt, failures: record.failures, lastError: record.lastError)
    }
}
