import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import ShopdeskCore
@testable import ShopdeskServer
import ShopdeskStore
import ShopdeskTestSupport
import Testing

/// After WhatsApp's 24-hour window only approved templates may be sent: they are read from the
/// Business Account (approved ones with a text body, every page), a reply names one with its
/// values, and it goes out as `type: template` — in a browser, from the composer, too.
@Suite("WhatsApp templates")
struct WhatsAppTemplateTests {
    static func withNumber(_ kind: DatabaseKind, mode: TestingSetup = .router, _ body: @Sendable (WhatsAppChannelTests.Setup) async throws -> Void) async throws {
        try await WhatsAppChannelTests.withNumber(kind, mode: mode) { setup in
            let patched = try await setup.harness.client.json(.patch, "/api/v1/inboxes/\(setup.inbox)", token: setup.harness.ownerToken,
                                                              body: #"{"channel":{"business_account_id":"\#(FakeWhatsApp.businessAccountID)"}}"#)
            #expect(patched.status == .ok, "\(patched.text)")
            try await body(setup)
        }
    }

    /// A customer's photo, then a day and a bit of silence.
    static func photoYesterday(_ setup: WhatsAppChannelTests.Setup) async throws -> Int {
        let jpeg = Data([0xFF, 0xD8, 0xFF, 0xE0] + Array(repeating: 0x21, count: 400))
        await setup.graph.addMedia(id: "7001", mime: "image/jpeg", data: jpeg)
        let image = #""contacts":[{"profile":{"name":"Ana Silva"},"wa_id":"5511987654321"}],"messages":[{"from":"5511987654321","id":"wamid.PHOTO","timestamp":"\#(Int(Date().timeIntervalSince1970))","type":"image","image":{"caption":"A caixa chegou amassada","mime_type":"image/jpeg","sha256":"x","id":"7001"}}]"#
        #expect(try await WhatsAppChannelTests.notify(setup, image).status == .ok)
        let dayAgo = Timestamps.millis(Date().addingTimeInterval(-26 * 3600))
        try await setup.harness.database.write { try await $0.raw("UPDATE messages SET created_at = \(bind: dayAgo) WHERE direction = 'inbound'").run() }
        return try #require(try await setup.harness.client.json(.get, "/api/v1/conversations?view=all", token: setup.harness.ownerToken).items.first?["id"] as? Int)
    }

    @Test(arguments: TestDatabase.kinds)
    func onlyApprovedTemplatesGoOutAfterTheWindow(kind: DatabaseKind) async throws {
        try await Self.withNumber(kind) { setup in
            let harness = setup.harness
            let listed = try await harness.client.json(.get, "/api/v1/inboxes/\(setup.inbox)/channel/templates", token: harness.ownerToken).items
            // Approved, with a text body, from every page; the rejected one and the one with a document header are left out.
            #expect(listed.map { "\($0["name"] ?? "")/\($0["language"] ?? "")" } == ["follow_up/hr", "order_update/en_US", "order_update/pt_BR"], "\(listed)")
            #expect(listed.first { $0["language"] as? String == "pt_BR" }?["parameter_count"] as? Int == 2)

            let conversation = try await Self.photoYesterday(setup)
            let late = try await harness.client.json(.post, "/api/v1/conversations/\(conversation)/messages", token: harness.ownerToken,
                                                     body: #"{"text":"Ainda está aí?"}"#)
            #expect(late.status == .unprocessableContent && late.detail.contains("approved message templates"), "\(late.text)")
            let unknown = try await harness.client.json(.post, "/api/v1/conversations/\(conversation)/messages", token: harness.ownerToken,
                                                        body: #"{"template":{"name":"spring_sale","language":"en_US","parameters":[]}}"#)
            #expect(unknown.status == .unprocessableContent && unknown.detail.contains("no approved template"), "\(unknown.text)")
            let short = try await harness.client.json(.post, "/api/v1/conversations/\(conversation)/messages", token: harness.ownerToken,
                                                      body: #"{"template":{"name":"order_update","language":"pt_BR","parameters":["Ana"]}}"#)
            #expect(short.status == .unprocessableContent && short.detail.contains("takes 2 values"), "\(short.text)")

            let sent = try await harness.client.json(.post, "/api/v1/conversations/\(conversation)/messages", token: harness.ownerToken,
                                                     body: ##"{"template":{"name":"order_update","language":"pt_BR","parameters":["Ana","#1001"]}}"##)
            #expect(sent.status == .created, "\(sent.text)")
            #expect(try sent.string("text") == "Olá Ana, o seu pedido #1001 foi enviado.")
            _ = try await harness.runJobs()
            #expect(await setup.graph.sent == [.init(to: "5511987654321", type: "template", text: nil, template: "order_update", language: "pt_BR",
                                                     parameters: ["Ana", "#1001"])])
            let stored = try await harness.database.read {
                try await MessageRepository.find(workspaceID: harness.workspaceID, id: MessageID(try sent.int("id")), in: $0)
            }
            #expect(stored?.deliveryStatus == .sent && stored?.channelTemplate?.name == "order_update")
        }
    }

    @Test func templatesAreOnlyForChannelsThatHaveThem() async throws {
        try await Harness.run(.sqlite) { harness in
            try await harness.inbound(text: "Hello")
            let conversation = try #require(try await harness.client.json(.get, "/api/v1/conversations?view=all", token: harness.ownerToken).items.first?["id"] as? Int)
            let refused = try await harness.client.json(.post, "/api/v1/conversations/\(conversation)/messages", token: harness.ownerToken,
                                                        body: #"{"template":{"name":"order_update","language":"en_US","parameters":[]}}"#)
            #expect(refused.status == .unprocessableContent && refused.detail.contains("Only WhatsApp"), "\(refused.text)")
        }
    }
}

@Suite("WhatsApp in a browser", .enabled(if: Browser.shouldRun), .serialized, .timeLimit(.minutes(10)))
struct WhatsAppBrowserTests {
    @Test func anAgentSeesThePhotoAndSendsATemplateAfterTheWindow() async throws {
        try await WhatsAppTemplateTests.withNumber(.sqlite, mode: .live) { setup in
            let harness = setup.harness
            let conversation = try await WhatsAppTemplateTests.photoYesterday(setup)
            let port = try #require(harness.client.port)
            try await Browser.with { page in
                try await WebAppTests.signIn(page, harness, "http://127.0.0.1:\(port)/#/open/\(conversation)")
                // The customer's photo is shown in the thread, not only linked.
                try await page.waitFor("document.querySelector('#thread img.inline-image')?.getAttribute('src')?.endsWith('/download') === true",
                                       "the photo in the thread")
                try await page.waitFor("document.querySelector('#template-picker')", "the template picker instead of free text")
                #expect(try await page.evaluate("document.querySelector('#template-notice').textContent.includes('24 hours')") as? Bool == true)
                _ = try await page.evaluate("""
                    (() => { const select = document.querySelector('#template-name'); select.value = 'order_update|pt_BR';
                      select.dispatchEvent(new Event('change')); return true })()
                    """)
                try await page.waitFor("document.querySelector('#template-value-2')", "the template's values")
                // The first value is the customer's first name already.
                #expect(try await page.evaluate("document.querySelector('#template-value-1').value") as? String == "Ana")
                try await WebAppTests.fill(page, ["#template-value-2": "#1001"])
                try await page.waitFor("document.querySelector('#template-preview').textContent === 'Olá Ana, o seu pedido #1001 foi enviado.'", "the preview")
                _ = try await page.evaluate("document.querySelector('#template-send').click()")
                try await page.waitFor("document.querySelector('#thread')?.innerText.includes('o seu pedido #1001 foi enviado')", "the template in the thread")
            }
            _ = try await harness.runJobs()
            #expect(await setup.graph.sent.map(\.template) == ["order_update"])
        }
    }
}
