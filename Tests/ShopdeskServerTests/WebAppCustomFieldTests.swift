import Foundation
import HummingbirdTesting
@testable import ShopdeskServer
import ShopdeskStore
import ShopdeskTestSupport
import Testing

/// Custom fields in the app: an admin adds one in Settings, agents fill it in beside the
/// conversation, and a conversation that needs it is not resolved until it is filled.
@Suite("Custom fields in a browser", .enabled(if: Browser.shouldRun), .serialized, .timeLimit(.minutes(10)))
struct WebAppCustomFieldTests {
    @Test func aRequiredFieldIsAddedInSettingsFilledBesideTheConversationAndThenItResolves() async throws {
        try await Harness.run(.sqlite, mode: .live) { harness in
            let port = try #require(harness.client.port)
            let token = harness.ownerToken
            let id = try await harness.inbound(email: "ana@example.com", text: "The heel broke on day two.").int("conversation_id")
            try await Browser.with { page in
                try await WebAppTests.signIn(page, harness, "http://127.0.0.1:\(port)/#/admin/automation")
                try await page.waitFor("document.querySelector('#custom-field-form')", "the custom fields form")
                try await WebAppTests.fill(page, ["#field-label": "Return reason"])
                #expect(try await page.evaluate("document.querySelector('#field-key').value") as? String == "return_reason", "a key from the label")
                _ = try await page.evaluate("""
                    (() => { const kind = document.querySelector('#field-kind'); kind.value = 'dropdown';
                      document.querySelector('#field-options').value = 'Too small\\nDamaged';
                      document.querySelector('#custom-field-form input[type=checkbox]').click();
                      document.querySelector('#custom-field-form').requestSubmit(); })()
                    """)
                try await page.waitFor("document.querySelector('#custom-field-list')?.textContent.includes('Return reason')", "the field listed")
                let fields = try await harness.client.json(.get, "/api/v1/custom-fields", token: token).items
                #expect(fields.first?["options"] as? [String] == ["Too small", "Damaged"] && fields.first?["required_to_resolve"] as? Bool == true)

                // Beside the conversation (after a reload, as an agent would find it the next time).
                try await page.navigate("http://127.0.0.1:\(port)/#/open/\(id)")
                try await page.waitFor("document.querySelector('#field-conversation-return_reason')", "the field beside the conversation")
                // Resolving first: refused, in words.
                _ = try await page.evaluate("""
                    (() => { const status = document.querySelector('#status'); status.value = 'resolved'; status.dispatchEvent(new Event('change')); })()
                    """)
                try await page.waitFor("document.querySelector('#connection')?.textContent === 'Fill in Return reason before resolving this conversation.'",
                                       "the refusal")
                #expect(try await harness.client.json(.get, "/api/v1/conversations/\(id)", token: token).string("status") == "open")
                _ = try await page.evaluate("""
                    (() => { const field = document.querySelector('#field-conversation-return_reason'); field.value = 'Damaged';
                      field.dispatchEvent(new Event('change')); })()
                    """)
                try await page.waitFor("document.querySelector('#thread')?.innerText.includes('Return reason → Damaged')", "the change in the timeline",
                                       timeout: .seconds(15))
                if let directory = ProcessInfo.processInfo.environment["SHOPDESK_SCREENSHOTS"] {
                    try await page.screenshot(to: "\(directory)/custom-fields.png")
                }
                let values = try await harness.client.json(.get, "/api/v1/conversations/\(id)/fields", token: token)
                #expect((try values.object("values").body as? [String: String]) == ["return_reason": "Damaged"])
                _ = try await page.evaluate("""
                    (() => { const status = document.querySelector('#status'); status.value = 'resolved'; status.dispatchEvent(new Event('change')); })()
                    """)
                try await page.waitFor("document.querySelector('#status')?.value === 'resolved'", "resolved now")
                #expect(try await harness.client.json(.get, "/api/v1/conversations/\(id)", token: token).string("status") == "resolved")
            }
        }
    }
}
