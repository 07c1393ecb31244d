import Crypto
import Foundation
import NIOCore
import HTTPTypes
import HummingbirdTesting
import ShopdeskCore
@testable import ShopdeskServer
import ShopdeskStore
import ShopdeskTestSupport
import Testing

/// A WhatsApp inbox against a local Graph API answering as Meta documents it. Notifications are
/// signed by Python's hmac (not our code) with the app secret, as Meta signs them.
@Suite("WhatsApp channel")
struct WhatsAppChannelTests {
    static let appSecret = "0123456789abcdef0123456789abcdef"

    struct Setup: Sendable { let harness: Harness; let graph: FakeWhatsApp; let inbox: Int64; let verifyToken: String }

    static func withNumber(_ kind: DatabaseKind, mode: TestingSetup = .router, _ body: @Sendable (Setup) async throws -> Void) async throws {
        try await FakeWhatsApp.run { graph, base in
            try await Harness.run(kind, mode: mode, configure: { $0.allowPrivateWebhookTargets = true; $0.publicURL = "https://help.example.com" }) { harness in
                let created = try await harness.client.json(.post, "/api/v1/inboxes", token: harness.ownerToken, body: """
                    {"name":"WhatsApp","kind":"whatsapp","channel":{"phone_number_id":"\(FakeWhatsApp.phoneNumberID)","access_token":"\(FakeWhatsApp.token)",
                    "app_secret":"\(appSecret)","api_base":"\(base)"}}
                    """)
                #expect(created.status == .created, "\(created.text)")
                let channel = try created.object("inbox").object("channel")
                // Meta's dashboard needs the callback URL and the verify token: both are shown; secrets are not.
                #expect(try channel.string("status").contains("https://help.example.com/api/v1/channels/whatsapp/"))
                #expect(try channel.string("app_secret") == "********" && !created.text.contains(appSecret))
                try await body(Setup(harness: harness, graph: graph, inbox: try created.object("inbox").int("id"),
                                     verifyToken: try channel.string("verify_token")))
            }
        }
    }

    /// Meta's signature, computed by Python's hmac module; Swift's Crypto where Python is missing (outside CI).
    static func signature(_ body: String) async throws -> String {
        if Python.available {
            let hex = try await Python.run("""
                import hashlib, hmac, sys
                print(hmac.new(b'\(appSecret)', sys.stdin.buffer.read(), hashlib.sha256).hexdigest())
                """, input: body).trimmingCharacters(in: .whitespacesAndNewlines)
            if !hex.isEmpty { return "sha256=" + hex }
        }
        let mac = HMAC<SHA256>.authenticationCode(for: Data(body.utf8), using: SymmetricKey(data: Data(appSecret.utf8)))
        return "sha256=" + mac.map { String(format: "%02x", $0) }.joined()
    }

    static func notify(_ setup: Setup, _ value: String, signature: String? = nil) async throws -> JSONResponse {
        let body = """
            {"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"value":{"messaging_product":"whatsapp",
            "metadata":{"display_phone_number":"15550783881","phone_number_id":"\(FakeWhatsApp.phoneNumberID)"},\(value)},"field":"messages"}]}]}
            """
        let signed = if let signature { signature } else { try await Self.signature(body) }
        return try await setup.harness.client.json(.post, "/api/v1/channels/whatsapp/\(setup.inbox)/webhook",
                                                   headers: ["Content-Type": "application/json", "X-Hub-Signature-256": signed], body: body)
    }

    static func text(_ id: String, _ body: String, from: String = "385911234567") -> String {
        #""contacts":[{"profile":{"name":"Ana Horvat"},"wa_id":"\#(from)"}],"messages":[{"from":"\#(from)","id":"\#(id)","timestamp":"\#(Int(Date().timeIntervalSince1970))","type":"text","text":{"body":"\#(body)"}}]"#
    }

    @Test(arguments: TestDatabase.kinds)
    func theHandshakeAndTheSignatureGuardTheWebhook(kind: DatabaseKind) async throws {
        try await Self.withNumber(kind) { setup in
            let path = "/api/v1/channels/whatsapp/\(setup.inbox)/webhook"
            let ok = try await setup.harness.client.json(.get, "\(path)?hub.mode=subscribe&hub.verify_token=\(setup.verifyToken)&hub.challenge=1158201444")
            #expect(ok.status == .ok && ok.text == "1158201444")
            #expect(try await setup.harness.client.json(.get, "\(path)?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1").status == .forbidden)

            #expect(try await Self.notify(setup, Self.text("wamid.IN1", "Olá"), signature: "sha256=" + String(repeating: "0", count: 64)).status == .unauthorized)
            #expect(try await Self.notify(setup, Self.text("wamid.IN1", "Olá"), signature: "").status == .unauthorized)
            #expect(try await setup.harness.client.json(.get, "/api/v1/conversations?view=all", token: setup.harness.ownerToken).items.isEmpty)
            #expect(try await Self.notify(setup, Self.text("wamid.IN1", "Olá, o meu pedido?")).status == .ok)
            #expect(try await Self.notify(setup, Self.text("wamid.IN1", "Olá, o meu pedido?")).status == .ok)
            let list = try await setup.harness.client.json(.get, "/api/v1/conversations?view=all", token: setup.harness.ownerToken).items
            #expect(list.count == 1)
            // The WhatsApp id is a phone number: the customer is found by it on other channels too.
            #expect((list.first?["customer"] as? [String: Any])?["phone"] as? String == "+385911234567", "\(list)")
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func repliesGoOutAndStatusesOnlyMoveForward(kind: DatabaseKind) async throws {
        try await Self.withNumber(kind) { setup in
            let jpeg = Data([0xFF, 0xD8, 0xFF, 0xE0] + Array(repeating: 0x11, count: 500))
            await setup.graph.addMedia(id: "1037543291543636", mime: "image/jpeg", data: jpeg)
            let image = #""contacts":[{"profile":{"name":"Ana Horvat"},"wa_id":"385911234567"}],"messages":[{"from":"385911234567","id":"wamid.IMG","timestamp":"\#(Int(Date().timeIntervalSince1970))","type":"image","image":{"caption":"Stiglo slomljeno","mime_type":"image/jpeg","sha256":"x","id":"1037543291543636"}}]"#
            #expect(try await Self.notify(setup, image).status == .ok)
            let conversation = try #require(try await setup.harness.client.json(.get, "/api/v1/conversations?view=all", token: setup.harness.ownerToken).items.first?["id"] as? Int)
            let messages = try await setup.harness.client.json(.get, "/api/v1/conversations/\(conversation)/messages", token: setup.harness.ownerToken).items
            #expect(messages.first?["text"] as? String == "Stiglo slomljeno")
            #expect((messages.first?["attachment_ids"] as? [Int])?.count == 1, "\(messages)")

            let reply = try await setup.harness.client.json(.post, "/api/v1/conversations/\(conversation)/messages", token: setup.harness.ownerToken,
                                                            body: #"{"text":"Šaljemo novi danas."}"#)
            _ = try await setup.harness.runJobs()
            #expect(await setup.graph.sent == [.init(to: "385911234567", type: "text", text: "Šaljemo novi danas.")])
            func status() async throws -> (String?, String?) {
                let message = try await setup.harness.database.read {
                    try await MessageRepository.find(workspaceID: setup.harness.workspaceID, id: MessageID(try reply.int("id")), in: $0)
                }
                return (message?.deliveryStatus?.rawValue, message?.deliveryError)
            }
            #expect(try await status().0 == "sent")
            func callback(_ state: String, extra: String = "") -> String {
                #""statuses":[{"id":"wamid.OUT1","status":"\#(state)","timestamp":"1764750000","recipient_id":"385911234567"\#(extra)}]"#
            }
            #expect(try await Self.notify(setup, callback("read")).status == .ok)
            #expect(try await Self.notify(setup, callback("delivered")).status == .ok)
            #expect(try await status().0 == "read")

            // A refusal in Meta's words; and a reply after the 24-hour window is refused before it is stored.
            await setup.graph.fail(code: 131026, "Message undeliverable")
            let second = try await setup.harness.client.json(.post, "/api/v1/conversations/\(conversation)/messages", token: setup.harness.ownerToken,
                                                             body: #"{"text":"Are you there?"}"#)
            _ = try await setup.harness.runJobs()
            let refused = try await setup.harness.database.read {
                try await MessageRepository.find(workspaceID: setup.harness.workspaceID, id: MessageID(try second.int("id")), in: $0)
            }
            #expect(refused?.deliveryStatus == .failed && refused?.deliveryError?.contains("131026") == true, "\(refused?.deliveryError ?? "")")
            let dayAgo = Timestamps.millis(Date().addingTimeInterval(-25 * 3600))
            try await setup.harness.database.write { sql in
                try await sql.raw("UPDATE messages SET created_at = \(bind: dayAgo) WHERE direction = 'inbound'").run()
            }
            let late = try await setup.harness.client.json(.post, "/api/v1/conversations/\(conversation)/messages", token: setup.harness.ownerToken,
                                                           body: #"{"text":"Still there?"}"#)
            #expect(late.status == .unprocessableContent && late.detail.contains("24 hours"), "\(late.text)")
        }
    }

    @Test func aReplyWithAFileIsUploadedThenSentByItsMediaID() async throws {
        try await Self.withNumber(.sqlite) { setup in
            #expect(try await Self.notify(setup, Self.text("wamid.IN9", "Pošaljite račun, molim")).status == .ok)
            let conversation = try #require(try await setup.harness.client.json(.get, "/api/v1/conversations?view=all", token: setup.harness.ownerToken).items.first?["id"] as? Int)
            let pdf = Array("%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n".utf8)
            let uploaded = try await setup.harness.client.execute(
                uri: "/api/v1/attachments", method: .post,
                headers: [.authorization: "Bearer \(setup.harness.ownerToken)", .contentType: "application/pdf", HTTPField.Name("X-File-Name")!: "racun-1001.pdf"],
                body: ByteBuffer(bytes: pdf)
            ) { response in try JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8)) as? [String: Any] }
            let file = try #require(uploaded?["id"] as? Int)
            let reply = try await setup.harness.client.json(.post, "/api/v1/conversations/\(conversation)/messages", token: setup.harness.ownerToken,
                                                            body: #"{"text":"Evo računa.","attachment_ids":[\#(file)]}"#)
            #expect(reply.status == .created, "\(reply.text)")
            _ = try await setup.harness.runJobs()
            // The document first (by the id the upload answered), then the text.
            #expect(await setup.graph.sent == [.init(to: "385911234567", type: "document", text: nil),
                                               .init(to: "385911234567", type: "text", text: "Evo računa.")])
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func theConnectionTestShowsTheNumber(kind: DatabaseKind) async throws {
        try await Self.withNumber(kind) { setup in
            let test = try await setup.harness.client.json(.post, "/api/v1/inboxes/\(setup.inbox)/channel/test", token: setup.harness.ownerToken)
            #expect(try test.string("message") == "Connected as +1 555-010-0199 (Demo Shop).", "\(test.text)")
        }
    }
}
