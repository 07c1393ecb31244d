import Foundation
import HummingbirdTesting
@testable import ShopdeskServer
import ShopdeskStore
import ShopdeskTestSupport
import Testing

/// Saved views in the app: saved from the list on screen with pickers, shared with the team,
/// counted live, laid out as a board whose cards move between statuses; in English and Portuguese.
@Suite("Saved views and the board in a browser", .enabled(if: Browser.shouldRun), .serialized, .timeLimit(.minutes(10)))
struct WebAppSavedViewTests {
    @Test func anAdminSavesASharedViewThatCountsLiveAndBecomesABoard() async throws {
        try await Harness.run(.sqlite, mode: .live) { harness in
            let port = try #require(harness.client.port)
            let token = harness.ownerToken
            let vip = try await harness.inbound(email: "ana@example.com", text: "Where is my parcel?").int("conversation_id")
            _ = try await harness.inbound(email: "ivo@example.com", text: "Do you ship to Split?")
            _ = try await harness.client.json(.patch, "/api/v1/conversations/\(vip)", token: token, body: #"{"tags":["vip"]}"#)
            try await Browser.with { page in
                try await WebAppTests.signIn(page, harness, "http://127.0.0.1:\(port)/#/open")
                try await page.waitFor("document.querySelectorAll('#conversations .row').length === 2", "both open conversations")
                _ = try await page.evaluate("document.querySelector('#save-view').click()")
                try await page.waitFor("document.querySelector('#view-editor')?.open", "the view editor")
                // It starts from the list on screen: the open ones.
                #expect(try await page.evaluate("document.querySelector('#view-editor input[value=open]').checked") as? Bool == true)
                try await WebAppTests.fill(page, ["#view-name": "VIP open"])
                if let directory = ProcessInfo.processInfo.environment["SHOPDESK_SCREENSHOTS"] {
                    try await page.screenshot(to: "\(directory)/saved-view-editor.png")
                }
                _ = try await page.evaluate("""
                    (() => { document.querySelector('#view-editor input[value=vip]').click(); document.querySelector('#view-shared').click();
                      document.querySelector('#view-save').click(); })()
                    """)
                try await page.waitFor("/^#\\/saved:\\d+$/.test(location.hash)", "the new view opened")
                try await page.waitFor("document.querySelectorAll('#conversations .row').length === 1", "only the VIP conversation")
                #expect(try await page.text("#list-title") == "VIP open")
                let views = try await harness.client.json(.get, "/api/v1/views", token: token).items
                let id = try #require(views.first?["id"] as? Int)
                #expect(views.first?["shared"] as? Bool == true)
                #expect((views.first?["filters"] as? [String: [String]]) == ["status": ["open"], "tag": ["vip"]])
                try await page.waitFor("document.querySelector('#count-saved-\(id)')?.textContent === '1'", "its count")

                // Another VIP question arrives: the count follows without a reload.
                let second = try await harness.inbound(email: "olga@example.com", text: "Can I change the address?").int("conversation_id")
                _ = try await harness.client.json(.patch, "/api/v1/conversations/\(second)", token: token, body: #"{"tags":["vip"]}"#)
                try await page.waitFor("document.querySelector('#count-saved-\(id)')?.textContent === '2'", "the count updated live")

                // Laid out as a board, cards move between statuses with the menu (and by dragging).
                _ = try await page.evaluate("document.querySelector('#edit-view').click()")
                try await page.waitFor("document.querySelector('#view-editor')?.open && document.querySelector('#view-name').value === 'VIP open'", "the editor")
                _ = try await page.evaluate("""
                    (() => { const box = document.querySelector('#view-editor input[value=pending]'); box.click();
                      document.querySelector('#view-layout').value = 'board'; document.querySelector('#view-save').click(); })()
                    """)
                try await page.waitFor("document.querySelectorAll('#board .board-column').length === 2", "open and pending columns")
                try await page.waitFor("document.querySelectorAll('#board [data-column=open] .card').length === 2", "two cards in open")
                _ = try await page.evaluate("""
                    (() => { const menu = document.querySelector('#board .card[data-id="\(vip)"] .move'); menu.value = 'pending';
                      menu.dispatchEvent(new Event('change')); })()
                    """)
                try await page.waitFor("document.querySelector('#board [data-column=pending] .card[data-id=\"\(vip)\"]')", "the card moved to pending")
                if let directory = ProcessInfo.processInfo.environment["SHOPDESK_SCREENSHOTS"] {
                    try await page.screenshot(to: "\(directory)/saved-view-board.png")
                }
                #expect(try await harness.client.json(.get, "/api/v1/conversations/\(vip)", token: token).string("status") == "pending")
                _ = try await page.evaluate("""
                    (() => { const data = new DataTransfer(); data.setData('text/plain', '\(second)');
                      document.querySelector('#board [data-column=pending]').dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true })); })()
                    """)
                try await page.waitFor("document.querySelector('#board [data-column=pending] .card[data-id=\"\(second)\"]')", "the dropped card in pending")
                #expect(try await harness.client.json(.get, "/api/v1/conversations/\(second)", token: token).string("status") == "pending")

                // Opening a card shows the conversation; the board is back when it closes.
                _ = try await page.evaluate("document.querySelector('#board .card a').click()")
                try await page.waitFor("!document.querySelector('#board') && document.querySelector('#composer-text')", "the conversation")
            }
        }
    }

    /// In Croatian: a board whose columns are a custom field's options (and one for none); moving
    /// a card sets or empties the field. The API refuses a column field that is not a dropdown or checkbox.
    @Test func aBoardByACustomFieldMovesCardsBetweenItsOptions() async throws {
        try await Harness.run(.sqlite, mode: .live) { harness in
            let port = try #require(harness.client.port)
            let token = harness.ownerToken
            _ = try await harness.client.json(.post, "/api/v1/custom-fields", token: token,
                                              body: #"{"entity":"conversation","key":"return_reason","label":"Razlog povrata","kind":"dropdown","options":["Premalo","Oštećeno"]}"#)
            _ = try await harness.client.json(.post, "/api/v1/custom-fields", token: token,
                                              body: #"{"entity":"conversation","key":"note","label":"Bilješka","kind":"text"}"#)
            let refused = try await harness.client.json(.post, "/api/v1/views", token: token,
                                                        body: #"{"name":"x","filters":{},"layout":"board","board_field":"note"}"#)
            #expect(refused.status == .unprocessableContent && (try? refused.string("code")) == "board_field_invalid", "\(refused.text)")
            _ = try await harness.client.json(.patch, "/api/v1/auth/me", token: token, body: #"{"locale":"hr"}"#)
            let small = try await harness.inbound(email: "ana@example.hr", text: "Cipele su premale").int("conversation_id")
            let other = try await harness.inbound(email: "ivo@example.hr", text: "Stigla je razbijena vaza").int("conversation_id")
            _ = try await harness.client.json(.patch, "/api/v1/conversations/\(small)/fields", token: token, body: #"{"return_reason":"Premalo"}"#)
            let listed = try await harness.client.json(.get, "/api/v1/conversations?view=open&with_fields=return_reason", token: token).items
            #expect(listed.first { $0["id"] as? Int == Int(small) }?["fields"] as? [String: String] == ["return_reason": "Premalo"])
            try await Browser.with { page in
                try await WebAppTests.signIn(page, harness, "http://127.0.0.1:\(port)/#/open")
                try await page.waitFor("document.querySelectorAll('#conversations .row').length === 2", "both conversations")
                _ = try await page.evaluate("document.querySelector('#save-view').click()")
                try await page.waitFor("document.querySelector('#view-editor')?.open", "the view editor")
                try await WebAppTests.fill(page, ["#view-name": "Povrati"])
                #expect(try await page.evaluate("document.querySelector('#view-columns').closest('label').hidden") as? Bool == true, "columns only for a board")
                _ = try await page.evaluate("""
                    (() => { const layout = document.querySelector('#view-layout'); layout.value = 'board'; layout.dispatchEvent(new Event('change'));
                      document.querySelector('#view-columns').value = 'return_reason'; document.querySelector('#view-save').click(); })()
                    """)
                try await page.waitFor("document.querySelectorAll('#board .board-column').length === 3", "a column per option and one for none")
                try await page.waitFor("[...document.querySelectorAll('#board .board-column h3')].map((h) => h.textContent).join('|') === 'Premalo: 1|Oštećeno: 0|(ništa): 1'",
                                       "each card under its field's value")
                let view = try #require(try await harness.client.json(.get, "/api/v1/views", token: token).items.first)
                #expect(view["board_field"] as? String == "return_reason" && view["layout"] as? String == "board")

                // The menu moves the unsorted one to "Oštećeno"; dropping the other on "(ništa)" empties its field.
                _ = try await page.evaluate("""
                    (() => { const menu = document.querySelector('#board .card[data-id="\(other)"] .move'); menu.value = 'Oštećeno';
                      menu.dispatchEvent(new Event('change')); })()
                    """)
                try await page.waitFor("document.querySelector('#board [data-column=\"Oštećeno\"] .card[data-id=\"\(other)\"]')", "the card under Oštećeno")
                let moved = try await harness.client.json(.get, "/api/v1/conversations/\(other)/fields", token: token)
                #expect((try moved.object("values").body as? [String: String])?["return_reason"] == "Oštećeno")
                _ = try await page.evaluate("""
                    (() => { const data = new DataTransfer(); data.setData('text/plain', '\(small)');
                      document.querySelector('#board [data-column=""]').dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true })); })()
                    """)
                try await page.waitFor("document.querySelector('#board [data-column=\"\"] .card[data-id=\"\(small)\"]')", "the card under (ništa)")
                if let directory = ProcessInfo.processInfo.environment["SHOPDESK_SCREENSHOTS"] {
                    try await page.screenshot(to: "\(directory)/board-by-field.png")
                }
                let emptied = try await harness.client.json(.get, "/api/v1/conversations/\(small)/fields", token: token)
                #expect((try emptied.object("values").body as? [String: String])?["return_reason"] == nil)
            }
        }
    }

    @Test func anAgentSeesTheSharedViewInPortugueseAndKeepsTheirOwn() async throws {
        try await Harness.run(.sqlite, mode: .live) { harness in
            let port = try #require(harness.client.port)
            let agent = try await harness.agent(role: .agent, email: "rita@example.com")
            _ = try await harness.client.json(.put, "/api/v1/inboxes/\(harness.inboxID)/members", token: harness.ownerToken,
                                              body: #"{"member_ids":[\#(agent.id)]}"#)
            _ = try await harness.client.json(.patch, "/api/v1/auth/me", token: agent.token, body: #"{"locale":"pt-BR"}"#)
            let mine = try await harness.inbound(email: "joao@example.com", text: "Onde está meu pedido?").int("conversation_id")
            _ = try await harness.inbound(email: "maria@example.com", text: "Quero trocar o tamanho")
            _ = try await harness.client.json(.patch, "/api/v1/conversations/\(mine)", token: harness.ownerToken, body: #"{"assignee_id":\#(agent.id)}"#)
            let shared = try await harness.client.json(.post, "/api/v1/views", token: harness.ownerToken,
                                                       body: #"{"name":"Minhas abertas","filters":{"status":["open"],"assignee":["me"]},"shared":true}"#)
            let id = try shared.int("id")
            try await Browser.with { page in
                try await page.navigate("http://127.0.0.1:\(port)/#/saved:\(id)")
                try await page.waitFor("document.querySelector('#signin-email')", "the sign-in form")
                try await WebAppTests.fill(page, ["#signin-email": "rita@example.com", "#signin-password": Harness.password])
                try await page.press("Enter", code: "Enter", keyCode: 13)
                // "Me" in a shared view is whoever looks: Rita sees the conversation assigned to her.
                try await page.waitFor("document.querySelectorAll('#conversations .row').length === 1", "her one conversation")
                #expect(try await page.evaluate("document.querySelector('#conversations .row').dataset.id") as? String == String(mine))
                #expect(try await page.evaluate("document.querySelector('#views').textContent.includes('Visualizações salvas')") as? Bool == true)
                // Shared views are the admins' to change; she saves her own instead.
                #expect(try await page.evaluate("document.querySelector('#edit-view') === null") as? Bool == true)
                _ = try await page.evaluate("document.querySelector('#save-view').click()")
                try await page.waitFor("document.querySelector('#view-editor')?.open", "the view editor")
                #expect(try await page.evaluate("document.querySelector('#view-shared')?.isConnected ?? false") as? Bool == false, "only admins share")
                #expect(try await page.text("#view-editor-title") == "Nova visualização")
                _ = try await page.evaluate("document.querySelector('#view-save').click()")
                try await page.waitFor("document.querySelector('#view-editor .form-error')?.textContent === 'Uma visualização precisa de um nome.'",
                                       "the missing name said in Portuguese")
            }
        }
    }
}
