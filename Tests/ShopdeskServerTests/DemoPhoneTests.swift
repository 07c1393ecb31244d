import Foundation
import ShopdeskCore
@testable import ShopdeskServer
import ShopdeskStore
import ShopdeskTestSupport
import Testing

/// The demo's phone page: a newcomer writes as a Telegram customer to the simulated Bot API,
/// the message arrives in the demo's Telegram inbox through its real webhook, and the agent's
/// reply comes back to the phone through the real Telegram adapter.
@Suite("Demo phone in a browser", .enabled(if: Browser.shouldRun), .serialized, .timeLimit(.minutes(3)))
struct DemoPhoneTests {
    @Test func aCustomerOnThePhoneAndAnAgentTalkThroughTheSimulatedTelegram() async throws {
        // A fresh database: the harness's workspace is the first one.
        try await Harness.run(.sqlite, mode: .live, configure: { $0.demoChannelsWorkspace = 1; $0.allowPrivateWebhookTargets = true }) { harness in
            let port = try #require(harness.client.port)
            try #require(harness.workspaceID.rawValue == 1)
            // The simulated inbox is set up once the server listens (the demo prints its URLs after that).
            for _ in 0..<100 {
                let inboxes = try await harness.client.json(.get, "/api/v1/inboxes", token: harness.ownerToken).items
                if inboxes.contains(where: { $0["kind"] as? String == "telegram" }) { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            try await Browser.with { phone in
                try await phone.navigate("http://127.0.0.1:\(port)/demo/phone")
                try await phone.waitFor("document.querySelector('#phone-text')", "the phone page")
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
            }
        }
    }
}
