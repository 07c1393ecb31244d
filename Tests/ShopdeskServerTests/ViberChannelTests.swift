import Crypto
import Foundation
import HTTPTypes
import NIOCore
import ShopdeskCore
@testable import ShopdeskServer
import ShopdeskStore
import ShopdeskTestSupport
import Testing

/// A Viber bot inbox against a local Viber REST API. Callbacks are signed by Python's hmac (not
/// our code) with the bot's auth token, as Viber signs them.
@Suite("Viber channel")
struct ViberChannelTests {
    struct Setup: Sendable { let harness: Harness; let viber: FakeViber; let base: String; let inbox: Int64 }

    static func withBot(_ kind: DatabaseKind, _ body: @Sendable (Setup) async throws -> Void) async throws {
        try await FakeViber.run { viber, base in
            try await Harness.run(kind, configure: { $0.allowPrivateWebhookTargets = true; $0.publicURL = "https://help.example.com" }) { harness in
                let created = try await harness.client.json(.post, "/api/v1/inboxes", token: harness.ownerToken, body: """
                    {"name":"Viber","kind":"viber","channel":{"auth_token":"\(FakeViber.token)","sender_name":"Trgovina Demo","api_base":"\(base)"}}
                    """)
                #expect(created.status == .created, "\(created.text)")
                #expect(!created.text.contains(FakeViber.token))
                let inbox = try created.object("inbox").int("id")
                // set_webhook was called with the inbox's address and the events Shopdesk acts on.
                let webhook = await viber.webhook
                #expect(webhook?.url == "https://help.example.com/api/v1/channels/viber/\(inbox)/webhook")
                #expect(webhook?.events.contains("delivered") == true && webhook?.events.contains("unsubscribed") == true)
                try await body(Setup(harness: harness, viber: viber, base: base, inbox: inbox))
            }
        }
    }

    /// Viber's signature: hex HMAC-SHA256 of the body with the auth token, by Python's hmac.
    static func signature(_ body: String) async throws -> String {
        if Python.available {
            let hex = try await Python.run("""
                import hashlib, hmac, sys
                print(hmac.new(b'\(FakeViber.token)', sys.stdin.buffer.read(), hashlib.sha256).hexdigest())
                """, input: body).trimmingCharacters(in: .whitespacesAndNewlines)
            if !hex.isEmpty { return hex }
        }
        let mac = HMAC<SHA256>.authenticationCode(for: Data(body.utf8), using: SymmetricKey(data: Data(FakeViber.token.utf8)))
        return mac.map { String(format: "%02x", $0) }.joined()
    }

    @discardableResult
    static func callback(_ setup: Setup, _ body: String, signature: String? = nil) async throws -> JSONResponse {
        let signed = if let signature { signature } else { try await Self.signature(body) }
        return try await setup.harness.client.json(.post, "/api/v1/channels/viber/\(setup.inbox)/webhook",
                                                   headers: ["Content-Type": "application/json", "X-Viber-Content-Signature": signed], body: body)
    }

    static let user = "01234567890A="

    static func message(_ token: Int64, _ content: String) -> String {
        #"{"event":"message","timestamp":\#(Int64(Date().timeIntervalSince1970 * 1000)),"chat_hostname":"SN-CHAT-05_","message_token":\#(token),"sender":{"id":"\#(user)","name":"Ivana Kovač","avatar":"https://avatar.example.com","language":"hr","country":"HR","api_version":10},"message":\#(content),"silent":false}"#
    }

    @Test(arguments: TestDatabase.kinds)
    func signedCallbacksOnlyAndEachMessageOnce(kind: DatabaseKind) async throws {
        try await Self.withBot(kind) { setup in
            // Viber checks the address right after set_webhook with a signed "webhook" event.
            #expect(try await Self.callback(setup, #"{"event":"webhook","timestamp":1457764197627,"chat_hostname":"SN-219_","message_token":241256543215}"#).status == .ok)
            let hello = Self.message(4912661846655238145, #"{"type":"text","text":"Dobar dan, gdje je moja narudžba 1001?"}"#)
            #expect(try await Self.callback(setup, hello, signature: String(repeating: "0", count: 64)).status == .unauthorized)
            #expect(try await Self.callback(setup, hello, signature: "").status == .unauthorized)
            #expect(try await setup.harness.client.json(.get, "/api/v1/conversations?view=all", token: setup.harness.ownerToken).items.isEmpty)
            #expect(try await Self.callback(setup, hello).status == .ok)
            #expect(try await Self.callback(setup, hello).status == .ok)
            // Unknown events and shapes are acknowledged, never retried forever.
            #expect(try await Self.callback(setup, #"{"event":"client_status","timestamp":1}"#).status == .ok)
            #expect(try await Self.callback(setup, #"{"not":"viber"}"#).status == .ok)
            let list = try await setup.harness.client.json(.get, "/api/v1/conversations?view=all", token: setup.harness.ownerToken).items
            #expect(list.count == 1)
            #expect((list.first?["customer"] as? [String: Any])?["name"] as? String == "Ivana Kovač", "\(list)")
            let messages = try await setup.harness.client.json(.get, "/api/v1/conversations/\(try await setup.harness.firstConversationID())/messages",
                                                               token: setup.harness.ownerToken).items
            #expect(messages.map { $0["text"] as? String } == ["Dobar dan, gdje je moja narudžba 1001?"])
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func repliesGoOutAndReceiptsMoveThemForward(kind: DatabaseKind) async throws {
        try await Self.withBot(kind) { setup in
            try await Self.callback(setup, Self.message(1001, #"{"type":"text","text":"Kada stiže?"}"#))
            let conversation = try await setup.harness.firstConversationID()
            let reply = try await setup.harness.client.json(.post, "/api/v1/conversations/\(conversation)/messages", token: setup.harness.ownerToken,
                                                            body: #"{"text":"Sutra ujutro."}"#)
            _ = try await setup.harness.runJobs()
            #expect(await setup.viber.sent == [.init(receiver: Self.user, type: "text", text: "Sutra ujutro.", media: nil, sender: "Trgovina Demo")])
            let id = try reply.int("id")
            #expect(try await setup.harness.delivery(of: id).0 == .sent)
            let token = "5741311803571721001"
            try await Self.callback(setup, #"{"event":"seen","timestamp":1457764197627,"message_token":\#(token),"user_id":"\#(Self.user)"}"#)
            try await Self.callback(setup, #"{"event":"delivered","timestamp":1457764197627,"message_token":\#(token),"user_id":"\#(Self.user)"}"#)
            #expect(try await setup.harness.delivery(of: id).0 == .read)

            // A rate limit is retried; an unsubscribed customer is remembered and not written to again.
            await setup.viber.fail(status: 12, "tooManyRequests")
            let second = try await setup.harness.client.json(.post, "/api/v1/conversations/\(conversation)/messages", token: setup.harness.ownerToken,
                                                             body: #"{"text":"Još jedna poruka"}"#)
            _ = try await setup.harness.runJobs()
            #expect(try await setup.harness.delivery(of: try second.int("id")).0 == .queued)
            _ = try await setup.harness.runJobs(at: Date().addingTimeInterval(3600))
            #expect(try await setup.harness.delivery(of: try second.int("id")).0 == .sent)

            try await Self.callback(setup, #"{"event":"unsubscribed","timestamp":1457764197627,"user_id":"\#(Self.user)","message_token":4912661846655238145}"#)
            let third = try await setup.harness.client.json(.post, "/api/v1/conversations/\(conversation)/messages", token: setup.harness.ownerToken,
                                                            body: #"{"text":"Jeste li tu?"}"#)
            _ = try await setup.harness.runJobs()
            let (state, error) = try await setup.harness.delivery(of: try third.int("id"))
            #expect(state == .failed && error?.hasPrefix("Not sent") == true, "\(error ?? "")")
            #expect(await setup.viber.sent.count == 2)
            // Subscribing again (or writing) lifts it.
            try await Self.callback(setup, #"{"event":"subscribed","timestamp":1457764197627,"user":{"id":"\#(Self.user)","name":"Ivana Kovač"},"message_token":4912661846655238146}"#)
            await setup.viber.fail(status: 6, "receiverNotSubscribed")
            let fourth = try await setup.harness.client.json(.post, "/api/v1/conversations/\(conversation)/messages", token: setup.harness.ownerToken,
                                                             body: #"{"text":"Hvala!"}"#)
            _ = try await setup.harness.runJobs()
            let (refused, words) = try await setup.harness.delivery(of: try fourth.int("id"))
            #expect(refused == .failed && words == "Viber: receiverNotSubscribed (status 6)", "\(words ?? "")")
        }
    }

    @Test func picturesComeFromViberHostsOnlyAndRepliesSendFilesByLink() async throws {
        try await Self.withBot(.sqlite) { setup in
            let jpeg = Data([0xFF, 0xD8, 0xFF, 0xE0] + Array(repeating: 0x44, count: 600))
            let mediaBase = setup.base.replacingOccurrences(of: "/pa", with: "/media")
            await setup.viber.addMedia(id: "p1", mime: "image/jpeg", data: jpeg)
            try await Self.callback(setup, Self.message(2001, #"{"type":"picture","text":"Oštećena kutija","media":"\#(mediaBase)/p1","thumbnail":"\#(mediaBase)/p1","size":604}"#))
            try await Self.callback(setup, Self.message(2002, #"{"type":"file","media":"http://169.254.169.254/latest/meta-data","file_name":"x.txt","size":10}"#))
            let conversation = try await setup.harness.firstConversationID()
            let messages = try await setup.harness.client.json(.get, "/api/v1/conversations/\(conversation)/messages", token: setup.harness.ownerToken).items
            #expect(messages.first?["text"] as? String == "Oštećena kutija")
            #expect((messages.first?["attachment_ids"] as? [Int])?.count == 1, "\(messages)")
            #expect((messages.last?["text"] as? String)?.contains("could not be fetched") == true, "\(messages)")

            let pdf = Array("%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n".utf8)
            let uploaded = try await setup.harness.client.execute(
                uri: "/api/v1/attachments", method: .post,
                headers: [.authorization: "Bearer \(setup.harness.ownerToken)", .contentType: "application/pdf", HTTPField.Name("X-File-Name")!: "racun.pdf"],
                body: ByteBuffer(bytes: pdf)
            ) { response in try JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8)) as? [String: Any] }
            let file = try #require(uploaded?["id"] as? Int)
            _ = try await setup.harness.client.json(.post, "/api/v1/conversations/\(conversation)/messages", token: setup.harness.ownerToken,
                                                    body: #"{"text":"Račun u prilogu.","attachment_ids":[\#(file)]}"#)
            _ = try await setup.harness.runJobs()
            let sent = await setup.viber.sent
            #expect(sent.map(\.type) == ["file", "text"], "\(sent)")
            #expect(sent.first?.media?.hasPrefix("https://help.example.com/api/v1/channels/files/") == true)
        }
    }

    @Test func theConnectionTestNamesTheBot() async throws {
        try await Self.withBot(.sqlite) { setup in
            let test = try await setup.harness.client.json(.post, "/api/v1/inboxes/\(setup.inbox)/channel/test", token: setup.harness.ownerToken)
            #expect(try test.string("message") == "Connected as Trgovina Demo (viber://pa?chatURI=trgovinademo).", "\(test.text)")
        }
    }
}
