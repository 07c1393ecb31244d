import Foundation
import ShopdeskCore
@testable import ShopdeskServer
import ShopdeskStore
import ShopdeskTestSupport
import Testing

/// The demo's phone page: a newcomer writes as a Telegram, WhatsApp, Viber, SMS, Messenger or Instagram customer to
/// the simulated provider, the message arrives in the demo's inbox of that kind through its real
/// webhook (signed as the provider signs), and the agent's reply comes back to the phone through
/// the real adapter, with the provider's delivery ticks.
@Suite("Demo phone in a browser", .enabled(if: Browser.shouldRun), .serialized, .timeLimit(.minutes(10)))
struct DemoPhoneTests {
    @Test func aCustomerOnThePhoneAndAnAgentTalkThroughTheSimulatedTelegram() async throws {
        // A fresh database: the harness's workspace is the first one.
        try await Harness.run(.sqlite, mode: .live, configure: { $0.demoChannelsWorkspace = 1; $0.allowPrivateWebhookTargets = true }) { harness in
            let port = try #require(harness.client.port)
            try #require(harness.workspaceID.rawValue == 1)
            // The simulated inbox is set up once the server listens (the demo prints its URLs after that).
            for _ in 0..<100 {
                let inboxes = try await harness.client.json(.get, "/api/v1/inboxes", token: harness.ownerToken).items
                if Set(inboxes.compactMap { $0["kind"] as? String }).isSuperset(of: ["telegram", "whatsapp", "viber", "sms", "messenger", "instagram"]) { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            try await Browser.with { phone in
                try await phone.navigate("http://127.0.0.1:\(port)/demo/phone")
                // The page's script has run once the messengers are listed (a submit before it would reload the page).
                try await phone.waitFor("document.querySelector('#phone-channel-sms')", "the phone page with its messengers")
                try await WebAppTests.fill(phone, ["#phone-name": "Marta", "#phone-text": "Olá! O meu pedido #1001 chegou partido."])
                _ = try await phone.evaluate("document.querySelector('#phone-form').requestSubmit()")
                try await phone.waitFor("document.querySelector('#phone-chat li.customer')?.textContent.includes('chegou partido')", "the sent bubble")

                var conversation: Int?
                for _ in 0..<50 where conversation == nil {
                    conversation = try await harness.client.json(.get, "/api/v1/conversations?view=all", token: harness.ownerToken).items
                        .first { ($0["customer"] as? [String: Any])?["name"] as? String == "Marta" }?["id"] as? Int
                    if conversation == nil { try await Task.sleep(for: .milliseconds(100)) }
                }
                let id = try #require(conversation)
                let reply = try await harness.client.json(.post, "/api/v1/conversations/\(id)/messages", token: harness.ownerToken,
                                                          body: #"{"text":"Lamentamos! Enviamos outro hoje."}"#)
                #expect(reply.status == .created)
                _ = try await harness.runJobs()
                try await phone.waitFor("document.querySelector('#phone-chat li.shop')?.textContent.includes('Enviamos outro hoje')", "the shop's reply")
                let message = try await harness.database.read {
                    try await MessageRepository.find(workspaceID: harness.workspaceID, id: MessageID(try reply.int("id")), in: $0)
                }
                #expect(message?.deliveryStatus == .sent)

                // The other messengers, from the same page: each ends with the reply read (or, for
                // SMS, delivered) on the phone and in Shopdesk.
                for (kind, final) in [("whatsapp", "read"), ("viber", "read"), ("sms", "delivered"), ("messenger", "read"), ("instagram", "read")] {
                    _ = try await phone.evaluate("document.querySelector('#phone-channel-\(kind)').click()")
                    try await phone.waitFor("document.body.dataset.channel === '\(kind)' && document.querySelectorAll('#phone-chat li').length === 0",
                                           "the \(kind) chat")
                    try await WebAppTests.fill(phone, ["#phone-name": "Ivo \(kind)", "#phone-text": "Gdje je paket? (\(kind))"])
                    _ = try await phone.evaluate("document.querySelector('#phone-form').requestSubmit()")
                    try await phone.waitFor("document.querySelector('#phone-chat li.customer')?.textContent.includes('(\(kind))')", "the \(kind) bubble")
                    let inbox = try #require(try await harness.client.json(.get, "/api/v1/inboxes", token: harness.ownerToken).items
                        .first { $0["kind"] as? String == kind }?["id"] as? Int)
                    var found: Int?
                    for _ in 0..<50 where found == nil {
                        found = try await harness.client.json(.get, "/api/v1/conversations?view=all", token: harness.ownerToken).items
                            .first { $0["inbox_id"] as? Int == inbox && $0["channel_post"] == nil }?["id"] as? Int
                        if found == nil { try await Task.sleep(for: .milliseconds(100)) }
                    }
                    let conversation = try #require(found, "no \(kind) conversation")
                    let answer = try await harness.client.json(.post, "/api/v1/conversations/\(conversation)/messages", token: harness.ownerToken,
                                                               body: #"{"text":"Stiže sutra."}"#)
                    #expect(answer.status == .created, "\(answer.text)")
                    _ = try await harness.runJobs()
                    try await phone.waitFor("document.querySelector('#phone-chat li.shop small')?.dataset.status === '\(final)'",
                                           "the \(kind) reply \(final) on the phone")
                    var status: DeliveryStatus?
                    for _ in 0..<50 where status?.rawValue != final {
                        status = try await harness.database.read {
                            try await MessageRepository.find(workspaceID: harness.workspaceID, id: MessageID(try answer.int("id")), in: $0)
                        }?.deliveryStatus
                        if status?.rawValue != final { try await Task.sleep(for: .milliseconds(100)) }
                    }
                    #expect(status?.rawValue == final, "\(kind)")
                }

                // On Instagram a customer had already commented on the shop's post; the newcomer
                // comments too, and the shop answers under the comment.
                let instagram = try #require(try await harness.client.json(.get, "/api/v1/inboxes", token: harness.ownerToken).items
                    .first { $0["kind"] as? String == "instagram" }?["id"] as? Int)
                func threads() async throws -> [[String: Any]] {
                    try await harness.client.json(.get, "/api/v1/conversations?view=all", token: harness.ownerToken).items
                        .filter { $0["inbox_id"] as? Int == instagram && $0["channel_post"] != nil }
                }
                #expect(try await threads().count == 1)
                try await WebAppTests.fill(phone, ["#phone-text": "E em tamanho M?"])
                _ = try await phone.evaluate("document.querySelector('#phone-comment').click()")
                var comments: [[String: Any]] = []
                for _ in 0..<50 where comments.count < 2 {
                    comments = try await threads()
                    if comments.count < 2 { try await Task.sleep(for: .milliseconds(100)) }
                }
                let thread = try #require(comments.first { ($0["last_message"] as? [String: Any])?["preview"] as? String == "E em tamanho M?" }?["id"] as? Int)
                _ = try await harness.runJobs()
                let post = try await harness.client.json(.get, "/api/v1/conversations/\(thread)/channel/post", token: harness.ownerToken)
                #expect(try post.string("text").contains("Aurora"), "\(post.text)")
                let image = try post.int("image_attachment_id")
                #expect(try await harness.client.json(.get, "/api/v1/attachments/\(image)", token: harness.ownerToken).string("content_type") == "image/png")
                let answer = try await harness.client.json(.post, "/api/v1/conversations/\(thread)/messages", token: harness.ownerToken,
                                                           body: #"{"text":"Temos sim, do P ao GG."}"#)
                #expect(answer.status == .created, "\(answer.text)")
                _ = try await harness.runJobs()
                try await phone.waitFor("[...document.querySelectorAll('#phone-chat li.shop')].some((li) => li.textContent.includes('💬 Temos sim'))",
                                        "the public answer under the comment")
            }
        }
    }
}
