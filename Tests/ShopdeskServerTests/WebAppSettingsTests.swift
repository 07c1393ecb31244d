import Foundation
import Testing
import ShopdeskCore
import ShopdeskStore
import ShopdeskTestSupport
@testable import ShopdeskServer

/// The settings page in a real headless Chromium: what an admin sets up once and what an agent
/// manages for themselves, checked through the page and the API behind it.
@Suite("Settings in a browser", .enabled(if: Browser.shouldRun), .serialized, .timeLimit(.minutes(10)))
struct WebAppSettingsTests {
    @Test func adminsManageAgentsInboxesTagsWebhooksAndTokensInSettings() async throws {
        try await Harness.run(.sqlite, mode: .live) { harness in
            let port = try #require(harness.client.port)
            let token = try await Browser.with { page -> String in
                try await WebAppTests.signIn(page, harness, "http://127.0.0.1:\(port)/#/admin")
                try await page.waitFor("document.querySelector('#add-agent')", "the settings page")
                // Admins start on their team; the other areas are a click away, each a page of its own.
                #expect(try await page.evaluate("document.querySelector('#admin-inboxes') === null") as? Bool == true)

                // A new agent with a role.
                try await WebAppTests.fill(page, ["#agent-name": "Nina Novak", "#agent-email": "nina@example.com", "#agent-password": "long enough pass"])
                _ = try await page.evaluate("(() => { document.querySelector('#agent-role').value = 'viewer'; return true })()")
                _ = try await page.evaluate("document.querySelector('#add-agent').requestSubmit()")
                try await page.waitFor("document.querySelector('#admin-agents table').innerText.includes('nina@example.com')", "the new agent")

                // An invitation: a single-use link, opened in another browser, makes Ivo an agent.
                try await WebAppTests.fill(page, ["#invite-name": "Ivo Ivić", "#invite-email": "ivo@example.com"])
                _ = try await page.evaluate("document.querySelector('#invite-agent').requestSubmit()")
                try await page.waitFor("document.querySelector('#admin-agents .secret')?.value.includes('/#/invite/sdv_')", "the invitation link")
                let link = try await page.evaluate("document.querySelector('#admin-agents .secret').value") as? String ?? ""
                try await Browser.with { invited in
                    try await invited.navigate(link)
                    try await invited.waitFor("document.querySelector('#accept-invite')", "the invitation page")
                    try await WebAppTests.fill(invited, ["#accept-password": "ivo's long password", "#accept-repeat": "ivo's long password"])
                    _ = try await invited.evaluate("document.querySelector('#accept-invite').requestSubmit()")
                    try await invited.waitFor("document.querySelector('#me')?.textContent === 'Ivo Ivić'", "Ivo signed in")
                    #expect(try await invited.evaluate("location.hash") as? String == "#/open")
                    // The link works once (this browser still holds Ivo's session cookie, which must not get in the way).
                    try await invited.navigate("about:blank")
                    try await invited.navigate(link)
                    try await invited.waitFor("document.querySelector('#accept-invite')", "the invitation page again")
                    try await WebAppTests.fill(invited, ["#accept-password": "another long password", "#accept-repeat": "another long password"])
                    _ = try await invited.evaluate("document.querySelector('#accept-invite').requestSubmit()")
                    try await invited.waitFor("document.querySelector('#accept-error').textContent.includes('already used')", "the used link refused")
                }

                // A team with the new agent in it.
                try await page.waitFor("document.querySelector('#add-team').innerText.includes('Nina Novak')", "the new agent among the members")
                try await WebAppTests.fill(page, ["#team-name": "Returns"])
                _ = try await page.evaluate("""
                    (() => { for (const box of document.querySelectorAll('#add-team input[name=member]'))
                      if (box.parentElement.textContent.includes('Nina Novak')) box.checked = true; return true })()
                    """)
                _ = try await page.evaluate("document.querySelector('#add-team').requestSubmit()")
                try await page.waitFor("document.querySelector('#admin-teams .admin-list').innerText.includes('Returns · Nina Novak')", "the new team")

                // An API inbox: its token is shown once.
                try await WebAppTests.openSettings(page, "channels")
                try await WebAppTests.fill(page, ["#inbox-name": "Marketplace"])
                _ = try await page.evaluate("document.querySelector('#inbox-kind').value = 'api'")
                _ = try await page.evaluate("document.querySelector('#add-inbox').requestSubmit()")
                try await page.waitFor("document.querySelector('#admin-inboxes > div .secret')?.value.startsWith('sdi_')", "the inbox token")
                try await page.waitFor("document.querySelector('#views').innerText.includes('Marketplace')", "the inbox in the navigation")

                // A chat inbox: the snippet to paste, then the widget's greeting changed and saved.
                try await WebAppTests.fill(page, ["#inbox-name": "Site chat"])
                _ = try await page.evaluate("document.querySelector('#inbox-kind').value = 'chat'")
                _ = try await page.evaluate("document.querySelector('#add-inbox').requestSubmit()")
                try await page.waitFor("document.querySelector('#admin-inboxes > div .snippet')?.value.includes('/widget.js\" data-inbox=\"sdw_')", "the snippet")
                try await page.waitFor("document.querySelector('#admin-inboxes .chat-settings')", "the widget settings")
                _ = try await page.evaluate("""
                    (() => { const form = document.querySelector('#admin-inboxes .chat-settings form');
                      form.querySelector('input[type=text]').value = 'Olá! Como podemos ajudar?'; form.requestSubmit(); return true })()
                    """)
                try await page.waitFor("document.querySelector('#admin-inboxes .chat-settings [role=status]')?.textContent.length > 0", "the settings saved")
                let inboxes = try await harness.client.json(.get, "/api/v1/inboxes", token: harness.ownerToken)
                #expect(inboxes.items.contains { ($0["chat"] as? [String: Any])?["greeting"] as? String == "Olá! Como podemos ajudar?" })

                // An email inbox: its address, the hook for raw mail, and its token.
                try await WebAppTests.fill(page, ["#inbox-name": "Support mail"])
                _ = try await page.evaluate("(() => { const k = document.querySelector('#inbox-kind'); k.value = 'email'; k.dispatchEvent(new Event('change')); return true })()")
                try await WebAppTests.fill(page, ["#inbox-address": "support@shop.example"])
                _ = try await page.evaluate("document.querySelector('#add-inbox').requestSubmit()")
                try await page.waitFor("document.querySelector('#admin-inboxes .admin-list').innerText.includes('support@shop.example')", "the email inbox")
                try await page.waitFor("document.querySelector('#admin-inboxes > div .secret')?.value.startsWith('sdi_')", "the email inbox token")
                // Its outgoing SMTP server; the password goes in and never comes back out.
                _ = try await page.evaluate("""
                    (() => { const form = document.querySelector('#admin-inboxes form[id^="smtp-"]');
                      form.closest('details').open = true;
                      form.querySelector('input[id$="-host"]').value = 'smtp.example.com';
                      form.querySelector('input[id$="-username"]').value = 'support@shop.example';
                      form.querySelector('input[id$="-password"]').value = 'mail-pass-123';
                      form.requestSubmit(); return true })()
                    """)
                try await page.waitFor("document.querySelector('#admin-inboxes form[id^=\"smtp-\"] [role=status]')?.textContent.length > 0", "the SMTP settings saved")
                let withSMTP = try await harness.client.json(.get, "/api/v1/inboxes", token: harness.ownerToken)
                let smtp = withSMTP.items.compactMap { ($0["email"] as? [String: Any])?["smtp"] as? [String: Any] }.first
                #expect(smtp?["host"] as? String == "smtp.example.com")
                #expect(smtp?["port"] as? Int == 587)
                #expect(smtp?["password_sealed"] as? String == "********")
                #expect(!withSMTP.text.contains("mail-pass-123"))
                // The test-mail button reports what went wrong in words.
                _ = try await page.evaluate("""
                    (() => { const details = document.querySelector('#admin-inboxes form[id^="smtp-"]').closest('details');
                      details.querySelector('input[type=email]').value = 'nope'; details.querySelector('button[id$="-test"]').click(); return true })()
                    """)
                try await page.waitFor("document.querySelector('[id$=\"-test-status\"]')?.textContent.includes('not an email address')", "the test mail's answer")

                // A tag, then deleted again.
                try await WebAppTests.openSettings(page, "automation")
                try await WebAppTests.fill(page, ["#tag-name": "Wholesale"])
                _ = try await page.evaluate("document.querySelector('#add-tag').requestSubmit()")
                try await page.waitFor("document.querySelector('#admin-tags').innerText.includes('#wholesale')", "the new tag")
                _ = try await page.evaluate("window.confirm = () => true")
                _ = try await page.evaluate("document.querySelector('#admin-tags li button').click()")
                try await page.waitFor("!document.querySelector('#admin-tags').innerText.includes('#wholesale')", "the tag deleted")

                // A webhook to a loopback address is refused, with the server's reason.
                try await WebAppTests.openSettings(page, "integrations")
                try await WebAppTests.fill(page, ["#webhook-url": "http://127.0.0.1:9/hook"])
                _ = try await page.evaluate("document.querySelector('#add-webhook').requestSubmit()")
                try await page.waitFor("document.querySelector('#add-webhook .form-error').textContent.length > 0", "the refusal")

                // A personal API token, shown once; it works.
                try await WebAppTests.openSettings(page, "account")
                try await WebAppTests.fill(page, ["#token-name": "Zapier"])
                _ = try await page.evaluate("document.querySelector('#add-token').requestSubmit()")
                try await page.waitFor("document.querySelector('#admin-tokens .secret')?.value.startsWith('sdk_')", "the API token")
                if let directory = ProcessInfo.processInfo.environment["SHOPDESK_SCREENSHOTS"] {
                    try await page.screenshot(to: directory + "/settings.png")
                }
                return try await page.evaluate("document.querySelector('#admin-tokens .secret').value") as? String ?? ""
            }
            let me = try await harness.client.json(.get, "/api/v1/auth/me", token: token)
            #expect(me.status == .ok)
            let agents = try await harness.client.json(.get, "/api/v1/agents", token: harness.ownerToken)
            #expect(agents.items.contains { $0["email"] as? String == "nina@example.com" && $0["role"] as? String == "viewer" })
            let webhooks = try await harness.client.json(.get, "/api/v1/webhooks", token: harness.ownerToken)
            #expect(webhooks.items.isEmpty)
        }
    }
}
