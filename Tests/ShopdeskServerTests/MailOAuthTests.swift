import Foundation
import ShopdeskCore
@testable import ShopdeskServer
import ShopdeskStore
import ShopdeskTestSupport
import Testing

/// A mailbox connected the way Gmail and Microsoft 365 require: an admin signs in to it at the
/// provider (oidc-provider-mock from PyPI, an OAuth 2.0 server built on Authlib), and Shopdesk
/// reads it from Dovecot and sends through aiosmtpd with XOAUTH2. Both servers ask the provider
/// whether each token is good, so a wrong, stale or revoked token is refused by them, not by us.
@Suite("Mailboxes connected with OAuth (XOAUTH2)", .serialized, .enabled(if: Browser.shouldRun), .timeLimit(.minutes(5)))
struct MailOAuthTests {
    /// The provider with one mailbox owner. Access tokens live 30 s, less than the minute Shopdesk
    /// keeps in hand, so every session asks for a new one with the refresh token — and Authlib
    /// hands out a new refresh token each time and revokes the old one, as Microsoft rotates them.
    static func provider() async throws -> (PythonService, String)? {
        try await SSOTests.mockProvider(user: #"User(sub="mailbox", claims={"email": "shop@shop.example", "email_verified": True})"#,
                                        options: "access_token_max_age=timedelta(seconds=30)")
    }

    @Test func anAdminConnectsTheMailboxAndMailComesInAndGoesOut() async throws {
        guard Python.available, Dovecot.available, let (service, issuer) = try await Self.provider() else { return }
        defer { service.stop() }
        let dovecot = try await Dovecot.start(oauthUserinfo: issuer + "/userinfo")
        defer { dovecot.stop() }
        guard let sink = try await SMTPSink.start(oauthUserinfo: issuer + "/userinfo") else { return }
        defer { sink.stop() }
        try await dovecot.append([MailFixture.mail(id: "oauth-1@example.hr", body: "Pozdrav, gdje je moja narudžba?")])
        let provider = MailOAuthProvider(name: "testmail", title: "Test mail", authorizationEndpoint: issuer + "/oauth2/authorize",
                                         tokenEndpoint: issuer + "/oauth2/token", scopes: [], clientID: "shopdesk", clientSecret: "s3cret",
                                         clientAuthentication: .basic,
                                         imap: OutgoingSMTP(host: "127.0.0.1", port: dovecot.port, security: .none),
                                         smtp: OutgoingSMTP(host: "127.0.0.1", port: sink.port, security: .none))
        try await Harness.run(.sqlite, mode: .live, configure: { config in
            Harness.localServers(&config)
            config.mailOAuthProviders = [provider]
        }) { harness in
            let port = try #require(harness.client.port)
            let created = try await harness.client.json(.post, "/api/v1/inboxes", token: harness.ownerToken,
                                                        body: #"{"name":"Gmail","kind":"email","email":{"address":"shop@shop.example","imap":{"host":"127.0.0.1","port":1,"security":"none","username":"old","password":"gone-since-2024"}}}"#)
            #expect(created.status == .created, "\(created.text)")
            let inboxID = try created.object("inbox").int("id")
            let providers = try await harness.client.json(.get, "/api/v1/mail-oauth/providers", token: harness.ownerToken)
            #expect(providers.items.first?["name"] as? String == "testmail", "\(providers.text)")
            #expect(!providers.text.contains("s3cret"), "the client secret stays on the server")
            let unknown = try await harness.client.json(.post, "/api/v1/inboxes/\(inboxID)/email/oauth", token: harness.ownerToken,
                                                        body: #"{"provider":"yahoo"}"#)
            #expect(unknown.status == .unprocessableContent && unknown.detail.contains("testmail"), "\(unknown.text)")
            // A callback this browser never started connects nothing.
            let forged = try await harness.client.json(.get, "/api/v1/mail-oauth/callback?state=forged&code=anything", token: harness.ownerToken)
            #expect(forged.status == .found && forged.headers[values: .setCookie].contains { $0.contains("expired") }, "\(forged.headers)")

            try await Browser.with { page in
                try await WebAppTests.signIn(page, harness, "http://127.0.0.1:\(port)/#/admin/channels")
                try await page.waitFor("document.querySelector('[data-provider=testmail]')", "the connect button")
                _ = try await page.evaluate("document.querySelector('[data-provider=testmail]').click()")
                try await page.waitFor("document.querySelector('button[name=sub][value=mailbox]')", "the provider's sign-in page")
                _ = try await page.evaluate("document.querySelector('button[name=sub][value=mailbox]').click()")
                try await page.waitFor("document.querySelector('#mail-oauth-result')?.textContent.includes('is connected with Test mail')",
                                       "the settings page saying so")
                try await page.waitFor("document.querySelector('#mail-oauth-\(inboxID)')?.textContent.includes('shop@shop.example')", "the connected account")
            }
            let inbox = try await harness.client.json(.get, "/api/v1/inboxes/\(inboxID)", token: harness.ownerToken)
            let email = try #require(try inbox.object("email").body as? [String: Any])
            #expect(email["oauth_provider"] as? String == "testmail", "\(inbox.text)")
            #expect((email["imap"] as? [String: Any])?["username"] as? String == "shop@shop.example")
            #expect((email["smtp"] as? [String: Any])?["port"] as? Int == sink.port, "the provider's servers are filled in")
            #expect((email["imap"] as? [String: Any])?["port"] as? Int == dovecot.port, "and replace the password-era server")
            #expect((email["imap"] as? [String: Any])?["password_sealed"] == nil, "the old password is gone")

            // Mail comes in over IMAP and goes out over SMTP, each signed in with a fresh token;
            // three refreshes in a row also prove the rotated refresh token is the one kept.
            let test = try await harness.client.json(.post, "/api/v1/inboxes/\(inboxID)/email/imap/test", token: harness.ownerToken)
            #expect(test.status == .ok && (test.body as? [String: Any])?["waiting"] as? Int == 1, "\(test.text)")
            try await harness.runJobs()
            let conversations = try await harness.client.json(.get, "/api/v1/conversations?view=all", token: harness.ownerToken)
            #expect(conversations.text.contains("gdje je moja narud"), "\(conversations.text)")
            let sent = try await harness.client.json(.post, "/api/v1/inboxes/\(inboxID)/email/test", token: harness.ownerToken,
                                                     body: #"{"to":"ana@example.hr"}"#)
            #expect(sent.status == .ok || sent.status == .noContent, "\(sent.text)")
            #expect(try sink.messages().count == 1 && sink.oauthSignIns() == ["shop@shop.example"], "\(sink.oauthSignIns())")

            // The owner withdraws the consent at the provider: the next session says what to do.
            let revoke = try await Python.run("""
                import urllib.request
                print(urllib.request.urlopen(urllib.request.Request('\(issuer)/users/mailbox/revoke-tokens', method='POST')).status)
                """, input: "")
            #expect(revoke == "204\n", "revoked: \(revoke)")
            // Dovecot refuses the access token this node still holds; the node then forgets it, and
            // the next session hears from the provider that the consent is gone.
            let refused = try await harness.client.json(.post, "/api/v1/inboxes/\(inboxID)/email/imap/test", token: harness.ownerToken)
            #expect(refused.status == .unprocessableContent, "\(refused.text)")
            let gone = try await harness.client.json(.post, "/api/v1/inboxes/\(inboxID)/email/imap/test", token: harness.ownerToken)
            #expect(gone.status == .unprocessableContent && gone.detail.contains("no longer lets Shopdesk into shop@shop.example"), "\(gone.text)")

            let disconnected = try await harness.client.json(.delete, "/api/v1/inboxes/\(inboxID)/email/oauth", token: harness.ownerToken)
            #expect(disconnected.status == .noContent)
            let after = try await harness.client.json(.get, "/api/v1/inboxes/\(inboxID)", token: harness.ownerToken)
            #expect((try after.object("email").body as? [String: Any])?["oauth_provider"] == nil, "\(after.text)")
            let audit = try await harness.client.json(.get, "/api/v1/audit-log", token: harness.ownerToken)
            #expect(audit.text.contains("inbox.mail_oauth_connected"), "\(audit.text)")
        }
    }
}
