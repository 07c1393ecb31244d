import Foundation
import HTTPTypes
import HummingbirdTesting
import ShopdeskCore
@testable import ShopdeskServer
import ShopdeskStore
import ShopdeskTestSupport
import Testing

/// Messenger and Instagram direct messages against a local Graph API. Notifications are signed
/// by Python's hmac with the app secret, as Meta signs them.
@Suite("Messenger and Instagram")
struct MetaMessagingTests {
    struct Setup: Sendable { let harness: Harness; let meta: FakeMeta; let base: String; let inbox: Int64; let kind: String }

    static func withPage(_ kind: String, database: DatabaseKind, mode: TestingSetup = .router, _ body: @Sendable (Setup) async throws -> Void) async throws {
        try await FakeMeta.run { meta, base in
            try await Harness.run(database, mode: mode, configure: { $0.allowPrivateWebhookTargets = true; $0.publicURL = "https://help.example.com" }) { harness in
                let created = try await harness.client.json(.post, "/api/v1/inboxes", token: harness.ownerToken, body: """
                    {"name":"\(kind)","kind":"\(kind)","channel":{"page_id":"\(FakeMeta.pageID)","page_access_token":"\(FakeMeta.token)",
                    "app_secret":"\(WhatsAppChannelTests.appSecret)","api_base":"\(base)/v21.0"}}
                    """)
                #expect(created.status == .created, "\(created.text)")
                #expect(!created.text.contains(FakeMeta.token))
                let channel = try created.object("inbox").object("channel")
                // Connecting subscribed the app to the Page's messaging events and says what to set in the dashboard.
                #expect(await meta.subscribed?.contains("message_deliveries") == true)
                #expect(try channel.string("status").contains("https://help.example.com/api/v1/channels/\(kind)/"), "\(channel.text)")
                try await body(Setup(harness: harness, meta: meta, base: base, inbox: try created.object("inbox").int("id"), kind: kind))
            }
        }
    }

    @discardableResult
    static func notify(_ setup: Setup, _ events: String, signature: String? = nil, changes: String? = nil) async throws -> JSONResponse {
        let object = setup.kind == "messenger" ? "page" : "instagram"
        let body = #"{"object":"\#(object)","entry":[{"id":"\#(FakeMeta.pageID)","time":1764750000000,"messaging":[\#(events)]\#(changes.map { #","changes":\#($0)"# } ?? "")}]}"#
        let signed = if let signature { signature } else { try await WhatsAppChannelTests.signature(body) }
        return try await setup.harness.client.json(.post, "/api/v1/channels/\(setup.kind)/\(setup.inbox)/webhook",
                                                   headers: ["Content-Type": "application/json", "X-Hub-Signature-256": signed], body: body)
    }

    static func message(_ mid: String, _ text: String, from: String = "6500000000000001", at: Date = Date(), extra: String = "") -> String {
        #"{"sender":{"id":"\#(from)"},"recipient":{"id":"\#(FakeMeta.pageID)"},"timestamp":\#(Int64(at.timeIntervalSince1970 * 1000)),"message":{"mid":"\#(mid)","text":"\#(text)"\#(extra)}}"#
    }

    static func outcome(_ setup: Setup, _ id: Int64) async throws -> Message? {
        try await setup.harness.database.read { try await MessageRepository.find(workspaceID: setup.harness.workspaceID, id: MessageID(id), in: $0) }
    }

    @Test(arguments: ["messenger", "instagram"])
    func directMessagesComeInSignedAndOnceAndEchoesNever(kind: String) async throws {
        try await Self.withPage(kind, database: .sqlite) { setup in
            let harness = setup.harness
            #expect(try await Self.notify(setup, Self.message("m_1", "Oi, o meu pedido?"), signature: "sha256=" + String(repeating: "0", count: 64)).status == .unauthorized)
            #expect(try await Self.notify(setup, Self.message("m_1", "Oi, o meu pedido?")).status == .ok)
            #expect(try await Self.notify(setup, Self.message("m_1", "Oi, o meu pedido?")).status == .ok)
            // The page's own reply echoed back, and a comment change, are acknowledged and not taken in.
            #expect(try await Self.notify(setup, Self.message("m_echo", "Our reply", extra: #","is_echo":true"#)).status == .ok)
            #expect(try await Self.notify(setup, "", changes: #"[{"field":"comments","value":{"id":"1","text":"nice"}}]"#).status == .ok)
            let jpeg = Data([0xFF, 0xD8, 0xFF, 0xE0] + Array(repeating: 0x31, count: 300))
            await setup.meta.addMedia(id: "p1", mime: "image/jpeg", data: jpeg)
            let photo = #","attachments":[{"type":"image","payload":{"url":"\#(setup.base)/media/p1"}},{"type":"image","payload":{"url":"http://169.254.169.254/x"}}]"#
            #expect(try await Self.notify(setup, Self.message("m_2", "", extra: photo)).status == .ok)
            let list = try await harness.client.json(.get, "/api/v1/conversations?view=all", token: harness.ownerToken).items
            #expect(list.count == 1)
            let conversation = try #require(list.first?["id"] as? Int)
            let messages = try await harness.client.json(.get, "/api/v1/conversations/\(conversation)/messages", token: harness.ownerToken).items
            #expect(messages.count == 2, "\(messages)")
            #expect(messages.first?["text"] as? String == "Oi, o meu pedido?")
            #expect((messages.last?["attachment_ids"] as? [Int])?.count == 1)
            #expect((messages.last?["text"] as? String)?.contains("could not be fetched") == true)
            let test = try await harness.client.json(.post, "/api/v1/inboxes/\(setup.inbox)/channel/test", token: harness.ownerToken)
            #expect(try test.string("message") == (kind == "messenger" ? "Connected to the Page “Loja Demo”." : "Connected as @lojademo (Page “Loja Demo”)."))
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func repliesAreResponsesThenHumanAgentTaggedThenRefused(kind: DatabaseKind) async throws {
        try await Self.withPage("messenger", database: kind) { setup in
            let harness = setup.harness
            try await Self.notify(setup, Self.message("m_10", "Where is my parcel?"))
            let conversation = try #require(try await harness.client.json(.get, "/api/v1/conversations?view=all", token: harness.ownerToken).items.first?["id"] as? Int)
            func reply(_ text: String) async throws -> JSONResponse {
                try await harness.client.json(.post, "/api/v1/conversations/\(conversation)/messages", token: harness.ownerToken, body: #"{"text":"\#(text)"}"#)
            }
            let first = try await reply("It ships today.")
            _ = try await harness.runJobs()
            #expect(try await Self.outcome(setup, try first.int("id"))?.deliveryStatus == .sent)
            try await Self.notify(setup, #"{"sender":{"id":"6500000000000001"},"recipient":{"id":"\#(FakeMeta.pageID)"},"delivery":{"mids":["m_OUT1"],"watermark":1764750000000}}"#)
            #expect(try await Self.outcome(setup, try first.int("id"))?.deliveryStatus == .delivered)
            // A read watermark covers every reply sent until then.
            let later = Int64(Date().addingTimeInterval(60).timeIntervalSince1970 * 1000)
            try await Self.notify(setup, #"{"sender":{"id":"6500000000000001"},"recipient":{"id":"\#(FakeMeta.pageID)"},"timestamp":\#(later),"read":{"watermark":\#(later)}}"#)
            #expect(try await Self.outcome(setup, try first.int("id"))?.deliveryStatus == .read)

            // Two days later: still allowed for a person, with the HUMAN_AGENT tag.
            let twoDays = Timestamps.millis(Date().addingTimeInterval(-48 * 3600))
            try await harness.database.write { try await $0.raw("UPDATE messages SET created_at = \(bind: twoDays) WHERE direction = 'inbound'").run() }
            _ = try await reply("Any news on your side?")
            _ = try await harness.runJobs()
            let sent = await setup.meta.sent
            #expect(sent.map(\.messagingType) == ["RESPONSE", "MESSAGE_TAG"] && sent.last?.tag == "HUMAN_AGENT", "\(sent)")

            // A blocked Page is remembered; after seven days the reply is refused before it is stored.
            await setup.meta.fail(code: 551, "This person isn't available right now.")
            let blocked = try await reply("Hello?")
            _ = try await harness.runJobs()
            #expect(try await Self.outcome(setup, try blocked.int("id"))?.deliveryError?.contains("(551)") == true)
            let week = Timestamps.millis(Date().addingTimeInterval(-8 * 24 * 3600))
            try await harness.database.write { try await $0.raw("UPDATE messages SET created_at = \(bind: week) WHERE direction = 'inbound'").run() }
            let late = try await reply("Still there?")
            #expect(late.status == .unprocessableContent && late.detail.contains("168 hours"), "\(late.text)")
            #expect((try? late.string("code")) == "reply_window_closed" && (try? late.object("values").string("hours")) == "168", "\(late.text)")
        }
    }
}
