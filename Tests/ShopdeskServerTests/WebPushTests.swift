import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import ShopdeskChannels
import ShopdeskCore
@testable import ShopdeskServer
import ShopdeskStore
import ShopdeskTestSupport
import Testing

/// A browser's push service as RFC 8030 describes it: messages are POSTed to the subscription's
/// endpoint and answered 201; it keeps what it got (headers and the encrypted body) and can be
/// told to answer 410 Gone (the browser unsubscribed) or 429.
actor FakePushService {
    /// Header names in lower case.
    struct Received: Sendable { var path: String; var headers: [String: String]; var body: Data }
    private(set) var received: [Received] = []
    private var answers: [Int] = []

    func answer(_ status: Int) { answers.append(status) }

    static func run(_ body: @Sendable (FakePushService, String) async throws -> Void) async throws {
        let service = FakePushService()
        let router = Router()
        router.post("wpush/{id}") { request, context in
            let bytes = Data(buffer: try await request.body.collect(upTo: 8_192))
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            return Response(status: .init(code: await service.take(Received(path: "/wpush/\(context.parameters.get("id") ?? "")",
                                                                            headers: headers, body: bytes))))
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in try await body(service, "http://127.0.0.1:\(client.port!)") }
    }

    private func take(_ request: Received) -> Int {
        received.append(request)
        return answers.isEmpty ? 201 : answers.removeFirst()
    }
}

/// Notifications pushed to an agent's browsers: subscribing with the browser's keys, each
/// notification encrypted for the browser and signed with the deployment's VAPID key — both
/// checked by independent implementations (PyPI's `http_ece` decrypts, `py_vapid` verifies) —
/// and browsers the push service says are gone forgotten.
@Suite("Web push notifications")
struct WebPushNotificationTests {
    /// A browser's side: a P-256 key pair and an auth secret, as `PushSubscription` holds them.
    static let browserKeys = """
        import base64, json, os
        from cryptography.hazmat.primitives.asymmetric import ec
        from cryptography.hazmat.primitives import serialization
        def b64(b): return base64.urlsafe_b64encode(b).decode().rstrip('=')
        key = ec.generate_private_key(ec.SECP256R1())
        public = key.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
        private = key.private_numbers().private_value.to_bytes(32, 'big')
        print(json.dumps({"p256dh": b64(public), "auth": b64(os.urandom(16)), "private": b64(private)}))
        """

    /// What the browser does on receipt: checks the push service was given a valid VAPID token
    /// for its origin, and decrypts the message.
    static let browserReceives = """
        import base64, json, sys, time, http_ece, py_vapid
        from cryptography.hazmat.primitives.asymmetric import ec
        def d(s): return base64.urlsafe_b64decode(s + '=' * (-len(s) % 4))
        given = json.load(sys.stdin)
        header = given["authorization"]
        # py_vapid reads "vapid t=…,k=…"; RFC 8292 writes the parameters with ", " between them.
        ok = py_vapid.Vapid02.verify(header.replace(", ", ","))
        token = header.split("t=")[1].split(",")[0]
        claims = json.loads(d(token.split(".")[1]))
        key = ec.derive_private_key(int.from_bytes(d(given["private"]), 'big'), ec.SECP256R1())
        plain = http_ece.decrypt(base64.b64decode(given["body"]), private_key=key, auth_secret=d(given["auth"]), version="aes128gcm")
        print(json.dumps({"signed": bool(ok), "aud": claims["aud"], "exp_in": claims["exp"] - int(time.time()), "sub": claims["sub"],
                          "payload": json.loads(plain)}))
        """

    static func receive(_ request: FakePushService.Received, keys: [String: String]) async throws -> [String: Any] {
        let input: [String: String] = ["authorization": request.headers["authorization"] ?? "", "body": request.body.base64EncodedString(),
                                       "private": keys["private"] ?? "", "auth": keys["auth"] ?? ""]
        let output = try await Python.run(browserReceives, input: String(decoding: try JSONSerialization.data(withJSONObject: input), as: UTF8.self))
        return try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any], "python said: \(output)")
    }

    static func pythonReady() async throws -> Bool {
        guard Python.available else { return false }
        let probe = try await Python.run("import http_ece, py_vapid\nprint('ok')", input: "")
        if probe.contains("ok") { return true }
        if ProcessInfo.processInfo.environment["CI"] == "true" { Issue.record("http_ece and py_vapid are missing from the test Python.") }
        return false
    }

    @Test(arguments: TestDatabase.kinds)
    func aMentionIsPushedEncryptedAndSignedAndAGoneBrowserIsForgotten(kind: DatabaseKind) async throws {
        guard try await Self.pythonReady() else { return }
        try await FakePushService.run { service, base in
            try await Harness.run(kind, configure: Harness.localServers) { harness in
                let rita = try await harness.agent(role: .agent, email: "rita@example.com")
                _ = try await harness.client.json(.patch, "/api/v1/auth/me", token: rita.token, body: #"{"locale":"hr"}"#)
                _ = try await harness.client.json(.put, "/api/v1/inboxes/\(harness.inboxID)/members", token: harness.ownerToken,
                                                  body: #"{"member_ids":[\#(rita.id)]}"#)
                let keys = try #require(try JSONSerialization.jsonObject(with: Data(try await Python.run(Self.browserKeys, input: "").utf8)) as? [String: String])

                // Bad subscriptions are refused in words with a code.
                let badKey = try await harness.client.json(.post, "/api/v1/push/subscriptions", token: rita.token,
                                                           body: #"{"endpoint":"\#(base)/wpush/a","keys":{"p256dh":"BCVx","auth":"\#(keys["auth"]!)"}}"#)
                #expect(badKey.status == .unprocessableContent && (try? badKey.string("code")) == "push_keys_invalid", "\(badKey.text)")
                let badEndpoint = try await harness.client.json(.post, "/api/v1/push/subscriptions", token: rita.token,
                                                                body: #"{"endpoint":"ftp://push.example/x","keys":{"p256dh":"\#(keys["p256dh"]!)","auth":"\#(keys["auth"]!)"}}"#)
                #expect(badEndpoint.status == .unprocessableContent && (try? badEndpoint.string("code")) == "push_endpoint_invalid")

                let subscribed = try await harness.client.json(.post, "/api/v1/push/subscriptions", token: rita.token,
                                                               body: #"{"endpoint":"\#(base)/wpush/rita","expirationTime":null,"keys":{"p256dh":"\#(keys["p256dh"]!)","auth":"\#(keys["auth"]!)"}}"#)
                #expect(subscribed.status == .created, "\(subscribed.text)")
                let overview = try await harness.client.json(.get, "/api/v1/push", token: rita.token)
                let publicKey = try overview.string("public_key")
                #expect(try overview.list("subscriptions").count == 1)
                #expect(try await harness.client.json(.get, "/api/v1/push", token: harness.ownerToken).list("subscriptions").isEmpty)

                // A mention: pushed at once, encrypted for Rita's browser, in Croatian.
                let id = try await harness.inbound(email: "ana@example.com", text: "Paket nije stigao").int("conversation_id")
                _ = try await harness.client.json(.post, "/api/v1/conversations/\(id)/messages", token: harness.ownerToken,
                                                  body: #"{"text":"Možeš li provjeriti?","private":true,"mention_ids":[\#(rita.id)]}"#)
                _ = try await harness.runJobs()
                let pushed = await service.received
                #expect(pushed.count == 1)
                let push = try #require(pushed.first)
                #expect(push.path == "/wpush/rita")
                #expect(push.headers["content-encoding"] == "aes128gcm" && push.headers["ttl"] == "3600" && push.headers["topic"] == "c\(id)")
                #expect(push.headers["authorization"]?.hasSuffix("k=\(publicKey)") == true, "signed with the key browsers subscribe with")
                let opened = try await Self.receive(push, keys: keys)
                #expect(opened["signed"] as? Bool == true, "\(opened)")
                #expect(opened["aud"] as? String == base)
                #expect((opened["exp_in"] as? Int).map { $0 > 0 && $0 <= 24 * 3600 } == true)
                #expect((opened["sub"] as? String)?.hasPrefix("mailto:") == true)
                let payload = try #require(opened["payload"] as? [String: Any])
                #expect((payload["title"] as? String)?.contains("vas je spomenuo") == true, "\(payload)")
                #expect((payload["body"] as? String)?.contains("Možeš li provjeriti?") == true)
                #expect(payload["url"] as? String == "/#/all/\(id)")

                // Whatever the texts hold (escaped control characters, 4-byte characters), a push fits one message.
                let ws = harness.workspaceID
                let stored = try #require(try await harness.database.read { sql in
                    try await NotificationRepository.list(workspaceID: ws, agentID: AgentID(rita.id), unreadOnly: false, before: nil, limit: 1, in: sql).first
                })
                var noisy = stored
                noisy.preview = String(repeating: "\u{1}😀", count: 3_000)
                let conversation = try #require(try await harness.database.read {
                    try await ConversationRepository.find(workspaceID: ws, id: stored.conversationID, in: $0)
                })
                let fitted = try NotificationPusher.payload(noisy, conversation: conversation, words: NoticeWords.forLocale("hr"),
                                                            actorName: String(repeating: "\u{2}", count: 5_000))
                #expect(fitted.count <= WebPush.maxPayload && (try? JSONSerialization.jsonObject(with: fitted)) != nil, "\(fitted.count) bytes")

                // The owner was not mentioned and has no browser: nothing for him.
                #expect(try await harness.client.json(.get, "/api/v1/push", token: harness.ownerToken).list("subscriptions").isEmpty)

                // The test push reaches the browser; when the push service says it is gone, it is forgotten.
                let tested = try await harness.client.json(.post, "/api/v1/push/test", token: rita.token)
                #expect(try tested.int("sent") == 1, "\(tested.text)")
                await service.answer(410)
                let gone = try await harness.client.json(.post, "/api/v1/push/test", token: rita.token)
                #expect(try gone.int("sent") == 0)
                #expect(try await harness.client.json(.get, "/api/v1/push", token: rita.token).list("subscriptions").isEmpty)

                // Subscribed again and then turned off from the app: the endpoint is forgotten; only hers.
                _ = try await harness.client.json(.post, "/api/v1/push/subscriptions", token: rita.token,
                                                  body: #"{"endpoint":"\#(base)/wpush/rita","keys":{"p256dh":"\#(keys["p256dh"]!)","auth":"\#(keys["auth"]!)"}}"#)
                let stranger = try await harness.stranger()
                let notHers = try await harness.client.json(.delete, "/api/v1/push/subscriptions", token: stranger.token,
                                                            body: #"{"endpoint":"\#(base)/wpush/rita"}"#)
                #expect(notHers.status == .notFound)
                let off = try await harness.client.json(.delete, "/api/v1/push/subscriptions", token: rita.token, body: #"{"endpoint":"\#(base)/wpush/rita"}"#)
                #expect(off.status == .noContent)
                #expect(try await harness.client.json(.get, "/api/v1/push", token: rita.token).list("subscriptions").isEmpty)
            }
        }
    }

    /// Without the opt-in for private targets (production), an endpoint must be https and public.
    @Test func aPushEndpointMustBeAPublicHTTPSAddress() async throws {
        try await Harness.run(.sqlite) { harness in
            let keys = #"{"p256dh":"BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4","auth":"BTBZMqHH6r4Tts7J_aSIgg"}"#
            for endpoint in ["http://push.example.net/x", "https://127.0.0.1/x", "https://169.254.169.254/latest"] {
                let refused = try await harness.client.json(.post, "/api/v1/push/subscriptions", token: harness.ownerToken,
                                                            body: #"{"endpoint":"\#(endpoint)","keys":\#(keys)}"#)
                #expect(refused.status == .unprocessableContent && (try? refused.string("code")) == "push_endpoint_invalid", "\(endpoint): \(refused.text)")
            }
        }
    }
}
