import Foundation
import Testing
import ShopdeskCore
import ShopdeskStore
import ShopdeskTestSupport
@testable import ShopdeskServer

/// The agent web app in a real headless Chromium against a live server: what an agent does
/// all day, with the keyboard, checked through the page and through the API behind it.
@Suite("Agent web app in a browser", .enabled(if: Browser.shouldRun), .serialized, .timeLimit(.minutes(10)))
struct WebAppTests {
    @Test func agentSignsInWorksAConversationByKeyboardAndSeesLiveUpdates() async throws {
        try await Harness.run(.sqlite, mode: .live) { harness in
            let port = try #require(harness.client.port)
            let base = "http://127.0.0.1:\(port)"
            let first = try await harness.inbound(email: "marta@example.com", text: "Where is my order #1234?", subject: "Order 1234")
            // A customer who writes markup gets it shown as text, never run.
            try await harness.inbound(email: "eve@example.com", text: #"<img src=x onerror="window.__pwned=1"> hello"#, subject: "Broken <b>mug</b>")
            let conversationID = try first.int("conversation_id")

            try await Browser.with { page in
                try await page.navigate(base + "/")
                try await page.waitFor("document.querySelector('#signin-email')", "the sign-in form")

                // A wrong password is refused with a message, and nothing else happens.
                try await page.focus("#signin-email")
                try await page.type(harness.owner.email)
                try await page.focus("#signin-password")
                try await page.type("not the password")
                try await page.press("Enter", code: "Enter", keyCode: 13)
                try await page.waitFor("document.querySelector('#signin-error').textContent.length > 0", "the sign-in error")

                _ = try await page.evaluate("document.querySelector('#signin-password').value = ''")
                try await page.focus("#signin-password")
                try await page.type(Harness.password)
                try await page.press("Enter", code: "Enter", keyCode: 13)
                try await page.waitFor("document.querySelectorAll('#conversations .row').length === 2", "two open conversations")
                #expect(try await page.text("#count-open") == "2")
                #expect(try await page.evaluate("document.querySelectorAll('#conversations .unread-dot').length") as? Int == 2)

                // The hostile subject and text are text in the page, and nothing ran.
                #expect(try await page.evaluate("document.body.innerText.includes('Broken <b>mug</b>')") as? Bool == true)
                #expect(try await page.evaluate("document.querySelector('#conversations b') === null") as? Bool == true)

                // j opens the newest conversation, j again the next one: Marta's.
                try await page.press("j")
                try await page.waitFor("document.querySelector('#conversation-title')", "an open conversation")
                try await page.press("j")
                try await page.waitFor("location.hash.endsWith('/\(conversationID)')", "Marta's conversation")
                try await page.waitFor("document.querySelector('#thread').innerText.includes('Where is my order #1234?')", "the customer's message")
                // Opening a conversation marks it read for this agent: both have been opened now.
                try await page.waitFor("document.querySelectorAll('#conversations .unread-dot').length === 0", "both opened conversations read")

                // r, type, Ctrl+Enter: a reply, stored and shown.
                try await page.press("r")
                try await page.waitFor("document.activeElement?.id === 'composer-text'", "the reply box focused")
                try await page.type("It ships today, tracking follows.")
                // A file attached as the file picker would (a non-ASCII name on purpose).
                _ = try await page.evaluate("""
                    (() => { const input = document.querySelector('#composer-files'); const files = new DataTransfer();
                      files.items.add(new File(['hello receipt'], 'račun.txt', { type: 'text/plain' }));
                      input.files = files.files; input.dispatchEvent(new Event('change')); return true })()
                    """)
                try await page.waitFor("document.querySelector('#pending-files')?.innerText.includes('račun.txt')", "the uploaded file")
                try await page.focus("#composer-text")
                try await page.press("Enter", modifiers: 2, code: "Enter", keyCode: 13)
                try await page.waitFor("document.querySelector('#thread .message.outbound')?.innerText.includes('It ships today')", "the reply in the thread")
                try await page.waitFor("document.querySelector('#thread .message.outbound .attachments a')?.textContent.startsWith('račun.txt')", "the attachment link")
                let downloaded = try await page.evaluate(
                    "fetch(document.querySelector('#thread .attachments a').href).then((r) => r.text())") as? String
                #expect(downloaded == "hello receipt")

                // n: an internal note, visibly different, never sent.
                try await page.press("Escape", code: "Escape", keyCode: 27)
                try await page.press("n")
                try await page.waitFor("document.querySelector('#composer.note')", "the note composer")
                try await page.type("Customer is a regular.")
                try await page.press("Enter", modifiers: 2, code: "Enter", keyCode: 13)
                try await page.waitFor("document.querySelector('#thread .message.note')?.innerText.includes('Customer is a regular.')", "the note")

                let messages = try await harness.client.json(.get, "/api/v1/conversations/\(conversationID)/messages", token: harness.ownerToken)
                let texts = messages.items.map { ($0["text"] as? String ?? "", $0["private"] as? Bool ?? false) }
                let reply = messages.items.first { $0["text"] as? String == "It ships today, tracking follows." }
                #expect((reply?["attachment_ids"] as? [Any])?.count == 1)
                #expect(texts.contains { $0.0 == "It ships today, tracking follows." && !$0.1 })
                #expect(texts.contains { $0.0 == "Customer is a regular." && $0.1 })

                // A new customer message arrives over the realtime socket, without a reload.
                _ = try await page.evaluate("window.__noReload = true")
                try await page.press("Escape", code: "Escape", keyCode: 27)
                try await harness.inbound(email: "marta@example.com", text: "Thanks! Also, can I change the size?", subject: nil)
                try await page.waitFor("document.querySelector('#thread').innerText.includes('can I change the size?')", "the live message")
                #expect(try await page.evaluate("window.__noReload") as? Bool == true)

                // SHOPDESK_SCREENSHOTS=DIR keeps a picture of the working app for people to look at.
                if let directory = ProcessInfo.processInfo.environment["SHOPDESK_SCREENSHOTS"] {
                    try await page.screenshot(to: directory + "/conversation.png")
                }

                // Drafts survive switching conversations. Marta's conversation is now the newest,
                // so j moves to the other one and k comes back (once the list has re-sorted).
                try await page.waitFor("document.querySelector('#conversations .row')?.dataset.id === '\(conversationID)'", "Marta's conversation on top")
                try await page.press("j")
                try await page.waitFor("!location.hash.endsWith('/\(conversationID)')", "the other conversation")
                // Its composer, not the previous one's: text typed into a composer stays with its conversation.
                try await page.waitFor("document.querySelector('#composer-text')?.dataset.conversation === location.hash.split('/').pop()",
                                       "the other conversation's composer")
                try await page.press("r")
                try await page.waitFor("document.activeElement?.id === 'composer-text'", "the reply box focused")
                try await page.type("Half-written answer")
                try await page.press("Escape", code: "Escape", keyCode: 27)
                try await page.press("k")
                try await page.waitFor("location.hash.endsWith('/\(conversationID)')", "Marta's conversation again")
                try await page.press("j")
                try await page.waitFor("document.querySelector('#composer-text')?.value === 'Half-written answer'", "the kept draft")
                try await page.press("k")
                try await page.waitFor("location.hash.endsWith('/\(conversationID)')", "Marta's conversation once more")

                // a assigns to me, e resolves; the API agrees and the open count drops.
                try await page.press("a")
                try await page.waitFor("document.querySelector('#assignee').value === '\(harness.owner.id.rawValue)'", "assigned to me")
                try await page.press("e")
                try await page.waitFor("document.querySelector('#status').value === 'resolved'", "resolved")
                let resolved = try await harness.client.json(.get, "/api/v1/conversations/\(conversationID)", token: harness.ownerToken)
                #expect(try resolved.string("status") == "resolved")
                #expect(try resolved.int("assignee_id") == harness.owner.id.rawValue)
                try await page.waitFor("document.querySelector('#count-open')?.textContent === '1'", "one open conversation left")

                // The agent picks their language; the app and their account follow.
                _ = try await page.evaluate("(() => { const s = document.querySelector('#language'); s.value = 'hr'; s.dispatchEvent(new Event('change')); return true })()")
                try await page.waitFor("document.querySelector('#sign-out')?.textContent === 'Odjava'", "the app in Croatian")
                #expect(try await page.evaluate("document.documentElement.lang") as? String == "hr")
                let me = try await harness.client.json(.get, "/api/v1/agents/\(harness.owner.id.rawValue)", token: harness.ownerToken)
                #expect(try me.string("locale") == "hr")
                // What the models said is in Croatian too, not the taxonomy's names.
                let mood = ["positive": "Pozitivno", "neutral": "Neutralno", "negative": "Negativno"][(try? resolved.string("sentiment")) ?? ""]
                if let mood { try await page.waitFor("document.querySelector('#correct-sentiment')?.selectedOptions[0]?.textContent === '\(mood)'", "the mood in Croatian") }
                if (try? resolved.string("intent")) == "order_status" {
                    try await page.waitFor("document.querySelector('#correct-intent')?.selectedOptions[0]?.textContent === 'Status narudžbe'", "the intent in Croatian")
                }

                // ? shows the shortcuts.
                try await page.press("Escape", code: "Escape", keyCode: 27)
                try await page.press("?")
                try await page.waitFor("document.querySelector('#help')?.open", "the shortcut help")

                // When the session ends, the next action leads back to sign-in with a reason.
                _ = try await page.evaluate("""
                    fetch('/api/v1/auth/me').then((r) => r.json()).then((me) =>
                      fetch('/api/v1/auth/logout', {method: 'POST', headers: {'X-CSRF-Token': me.csrf_token}})).then((r) => r.status)
                    """)
                _ = try await page.evaluate("document.querySelector('#help').close()")
                try await page.press("j")
                try await page.waitFor("document.querySelector('#signin-error')?.textContent.length > 0", "sign-in after the session ended")
                #expect(try await page.evaluate("window.__pwned === undefined") as? Bool == true)
            }
        }
    }

    @Test func viewsPerInboxAndTagAndBulkActionsOnPickedConversations() async throws {
        try await Harness.run(.sqlite, mode: .live) { harness in
            let port = try #require(harness.client.port)
            var created: [Int64] = []
            for email in ["a@example.com", "b@example.com", "c@example.com"] {
                created.append(try await harness.inbound(email: email, text: "Hello from \(email)", subject: "From \(email)").int("conversation_id"))
            }
            let ids = created
            _ = try await harness.client.json(.patch, "/api/v1/conversations/\(ids[0])", token: harness.ownerToken, body: #"{"add_tags":["vip"]}"#)
            let team = try await harness.client.json(.post, "/api/v1/teams", token: harness.ownerToken,
                                                     body: #"{"name":"Returns","member_ids":[\#(harness.owner.id.rawValue)]}"#).int("id")

            try await Browser.with { page in
                try await Self.signIn(page, harness, "http://127.0.0.1:\(port)/")
                try await page.waitFor("document.querySelectorAll('#conversations .row').length === 3", "three open conversations")

                // The tag and the inbox have views of their own in the navigation.
                try await page.waitFor("document.querySelector('a[href=\"#/tag:vip\"]')", "the tag view link")
                try await page.navigate("http://127.0.0.1:\(port)/#/tag:vip")
                try await page.waitFor("document.querySelectorAll('#conversations .row').length === 1 && document.querySelector('#list-title').textContent === '#vip'", "the tag view")
                try await page.navigate("http://127.0.0.1:\(port)/#/inbox:\(harness.inboxID)")
                try await page.waitFor("document.querySelectorAll('#conversations .row').length === 3 && document.querySelector('#list-title').textContent === 'Website'", "the inbox view")

                // Pick two (a click and the x key), resolve them together.
                try await page.navigate("http://127.0.0.1:\(port)/#/open")
                try await page.waitFor("document.querySelectorAll('#conversations .row').length === 3 && document.querySelector('#list-title').textContent === 'Open'", "the open view")
                _ = try await page.evaluate("document.querySelector('#conversations .row[data-id=\"\(ids[0])\"] .pick').click()")
                try await page.navigate("http://127.0.0.1:\(port)/#/open/\(ids[1])")
                try await page.waitFor("document.querySelector('#conversation-title')?.textContent === 'From b@example.com'", "the second conversation")
                try await page.focus("#conversation")
                try await page.press("x")
                try await page.waitFor("document.querySelector('#bulk-count')?.textContent.startsWith('2')", "two picked")
                _ = try await page.evaluate("document.querySelector('#bulk-resolve').click()")
                try await page.waitFor("document.querySelectorAll('#conversations .row').length === 1 && document.querySelector('#bulk').hidden", "one open conversation left")
                #expect(try await page.text("#count-resolved") == "2")

                // The open conversation goes to a team from its controls.
                _ = try await page.evaluate("(() => { const s = document.querySelector('#team'); s.value = '\(team)'; s.dispatchEvent(new Event('change')); return true })()")
                try await page.waitFor("document.querySelector('#thread').innerText.includes('Returns')", "the team change in the timeline")
            }
            #expect(try await harness.client.json(.get, "/api/v1/conversations/\(ids[1])", token: harness.ownerToken).int("team_id") == team)
            for id in ids.prefix(2) {
                #expect(try await harness.client.json(.get, "/api/v1/conversations/\(id)", token: harness.ownerToken).string("status") == "resolved")
            }
            #expect(try await harness.client.json(.get, "/api/v1/conversations/\(ids[2])", token: harness.ownerToken).string("status") == "open")
        }
    }

    /// Opens an area of the settings from their navigation, as an agent does, and waits for it.
    static func openSettings(_ page: DevToolsPage, _ area: String) async throws {
        try await page.waitFor("document.querySelector('#settings-\(area)')", "the settings' navigation")
        _ = try await page.evaluate("document.querySelector('#settings-\(area)').click()")
        try await page.waitFor("document.querySelector('#settings-area-\(area)')", "the settings area \(area)")
        #expect(try await page.evaluate("document.querySelector('#settings-\(area)').getAttribute('aria-current')") as? String == "page")
    }

    static func signIn(_ page: DevToolsPage, _ harness: Harness, _ url: String) async throws {
        try await submitCredentials(page, harness, url)
        try await page.waitFor("document.querySelector('#conversations')", "the inbox")
    }

    /// Opens `url`, types the owner's email and password into the sign-in form and sends it.
    static func submitCredentials(_ page: DevToolsPage, _ harness: Harness, _ url: String) async throws {
        try await page.navigate(url)
        try await page.waitFor("document.querySelector('#signin-email')", "the sign-in form")
        try await page.focus("#signin-email")
        try await page.type(harness.owner.email)
        try await page.focus("#signin-password")
        try await page.type(Harness.password)
        try await page.press("Enter", code: "Enter", keyCode: 13)
    }

    @Test func aWrongPasswordIsSaidInTheAgentsLanguage() async throws {
        try await Harness.run(.sqlite, mode: .live) { harness in
            let port = try #require(harness.client.port)
            try await Browser.with { page in
                // A browser set to Croatian.
                _ = try await page.send("Page.addScriptToEvaluateOnNewDocument",
                                        ["source": "Object.defineProperty(navigator, 'languages', { get: () => ['hr-HR', 'hr'] })"])
                try await page.navigate("http://127.0.0.1:\(port)/")
                try await page.waitFor("document.querySelector('#signin-email')", "the sign-in form")
                try await WebAppTests.fill(page, ["#signin-email": harness.owner.email, "#signin-password": "not the password"])
                try await page.press("Enter", code: "Enter", keyCode: 13)
                try await page.waitFor("document.querySelector('#signin-error')?.textContent === 'E-adresa ili lozinka nisu točni.'", "the Croatian error")
            }
        }
    }

    @Test func aCustomersSecondConversationIsMergedFromTheSidebar() async throws {
        try await Harness.run(.sqlite, mode: .live) { harness in
            let port = try #require(harness.client.port)
            let first = try await harness.inbound(email: "ana@example.hr", text: "Gdje je moja narudžba?", subject: "Narudžba").int("conversation_id")
            // The same customer writes to the shop's second inbox: a conversation of its own.
            let other = try await harness.client.json(.post, "/api/v1/inboxes", token: harness.ownerToken, body: #"{"name":"Returns desk"}"#)
            let otherInbox = try other.object("inbox").int("id")
            let payload = #"{"customer":{"email":"ana@example.hr"},"subject":"Adresa","text":"I also want to change the address"}"#
            let second = try await harness.client.json(.post, "/api/v1/inboxes/\(otherInbox)/messages",
                                                       headers: ["X-Inbox-Token": try other.string("token")], body: payload).int("conversation_id")
            try #require(first != second)
            try await Browser.with { page in
                try await WebAppTests.signIn(page, harness, "http://127.0.0.1:\(port)/#/open/\(second)")
                try await page.waitFor("document.querySelector('#sidebar button.merge[data-into=\"\(first)\"]')", "the merge button")
                _ = try await page.evaluate("window.confirm = () => true")
                _ = try await page.evaluate("document.querySelector('#sidebar button.merge').click()")
                try await page.waitFor("location.hash.endsWith('/\(first)') && document.querySelector('#thread')?.innerText.includes('change the address')", "the survivor with both messages")
            }
            let merged = try await harness.client.json(.get, "/api/v1/conversations/\(second)", token: harness.ownerToken)
            #expect(try merged.int("merged_into") == first)
        }
    }
    /// Types into form fields the way a person does: focus, then text.
    static func fill(_ page: DevToolsPage, _ fields: KeyValuePairs<String, String>) async throws {
        for (selector, text) in fields {
            _ = try await page.evaluate("document.querySelector(\(DevToolsPage.quoted(selector))).value = ''")
            try await page.focus(selector)
            try await page.type(text)
        }
    }
    @Test func agentsSeeWhoElseIsViewingAndTypingInAConversation() async throws {
        try await Harness.run(.sqlite, mode: .live) { harness in
            let port = try #require(harness.client.port)
            let id = try await harness.inbound(text: "Can someone help?").int("conversation_id")
            let colleague = "colleague-\(UUID().uuidString.prefix(6))@example.com"
            let carla = try await harness.client.json(.post, "/api/v1/agents", token: harness.ownerToken,
                                                      body: #"{"email":"\#(colleague)","name":"Carla Colleague","password":"\#(Harness.password)","role":"agent"}"#).int("id")
            // Agents see the inboxes they work in.
            _ = try await harness.client.json(.put, "/api/v1/inboxes/\(harness.inboxID)/members", token: harness.ownerToken,
                                              body: #"{"member_ids":[\#(harness.owner.id.rawValue),\#(carla)]}"#)
            let url = "http://127.0.0.1:\(port)/#/open/\(id)"
            try await Browser.with { owner in
                try await WebAppTests.signIn(owner, harness, url)
                try await owner.waitFor("document.querySelector('#conversation-title')", "the owner's conversation")
                try await Browser.with { other in
                    try await other.navigate(url)
                    try await other.waitFor("document.querySelector('#signin-email')", "the colleague's sign-in form")
                    try await WebAppTests.fill(other, ["#signin-email": colleague, "#signin-password": Harness.password])
                    try await other.press("Enter", code: "Enter", keyCode: 13)
                    try await other.waitFor("document.querySelector('#conversation-title')", "the colleague's conversation")
                    try await owner.waitFor("document.querySelector('#presence').textContent.includes('Carla Colleague')", "the colleague viewing")
                    // Both ways: the one who came second sees the one already there.
                    try await other.waitFor("document.querySelector('#presence').textContent.includes('Olivia Owner')", "the owner already viewing")
                    try await other.press("r")
                    try await other.waitFor("document.activeElement?.id === 'composer-text'", "the colleague's reply box")
                    try await other.type("I'll take it")
                    try await owner.waitFor("document.querySelector('#presence').textContent.includes('typing')", "the colleague typing")
                }
            }
        }
    }
}
