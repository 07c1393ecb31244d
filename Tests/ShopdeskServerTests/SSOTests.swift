import Foundation
import ShopdeskCore
@testable import ShopdeskServer
import ShopdeskStore
import ShopdeskTestSupport
import Testing

/// Single sign-on against a real OpenID provider: oidc-provider-mock (PyPI, built on Authlib),
/// which issues RS256 ID tokens from its own keys, in a real browser.
@Suite("Single sign-on with OpenID Connect")
struct SSOTests {
    /// Starts the provider with one known person (ana@shop.hr) and requiring a nonce.
    static func provider() async throws -> (PythonService, String)? {
        try await mockProvider(user: #"User(sub="ana", claims={"email": "ana@shop.hr", "email_verified": True, "name": "Ana Kovač"})"#,
                               options: "require_nonce=True")
    }

    /// oidc-provider-mock with one user (a Python `User(...)`) and `run_server_in_thread`'s
    /// options; returns it and its issuer URL, or nil (and in CI an issue) when it is not installed.
    static func mockProvider(user: String, options: String) async throws -> (PythonService, String)? {
        guard try await Python.run("import oidc_provider_mock; print('ok')", input: "") == "ok\n" else {
            if ProcessInfo.processInfo.environment["CI"] == "true" { Issue.record("oidc-provider-mock is missing (SHOPDESK_TEST_PYTHON)") }
            return nil
        }
        let script = """
            import sys, warnings
            from datetime import timedelta
            warnings.simplefilter("ignore")
            from oidc_provider_mock import run_server_in_thread, User
            with run_server_in_thread(port=0, user_claims=[\(user)], \(options)) as server:
                print(f"http://127.0.0.1:{server.server_port}", flush=True)
                sys.stdin.read()
            """
        let service = try await PythonService.start(script, arguments: [], what: "oidc-provider-mock", expecting: "http://")
        return (service, service.firstLine.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    @Test func anAgentIsCreatedAtTheFirstSignInAndOthersAreTurnedAway() async throws {
        guard let (service, issuer) = try await Self.provider() else { return }
        defer { service.stop() }
        try await Harness.run(.sqlite, mode: .live, configure: Harness.localServers) { harness in
            let port = try #require(harness.client.port)
            // An issuer that does not answer is refused when it is saved, not at the first sign-in.
            let wrong = try await harness.client.json(.post, "/api/v1/sso/providers", token: harness.ownerToken, body: """
                {"name":"Nowhere","issuer":"http://127.0.0.1:9/","client_id":"x","client_secret":"y"}
                """)
            #expect(wrong.status == .unprocessableContent && wrong.detail.contains("could not be reached"), "\(wrong.text)")
            let plain = try await harness.client.json(.post, "/api/v1/sso/providers", token: harness.ownerToken, body: """
                {"name":"Shop","issuer":"http://idp.example.com","client_id":"x","client_secret":"y"}
                """)
            #expect(plain.status == .unprocessableContent && plain.detail.contains("https://"), "\(plain.text)")

            let created = try await harness.client.json(.post, "/api/v1/sso/providers", token: harness.ownerToken, body: """
                {"name":"Shop login","issuer":"\(issuer)","client_id":"shopdesk","client_secret":"s3cret","role":"agent",
                 "domains":["shop.hr"],"create_agents":true}
                """)
            #expect(created.status == .created, "\(created.text)")
            #expect(try created.string("redirect_uri").hasSuffix("/api/v1/auth/sso/callback"))
            #expect(!created.text.contains("s3cret"), "the secret never comes back")
            // A callback with a state this server never gave (or gave and took back) signs no one in.
            let forged = try await harness.client.json(.get, "/api/v1/auth/sso/callback?state=forged&code=anything")
            #expect(forged.status == .found && forged.headers[.location] == "/")
            let cookies = forged.headers[values: .setCookie]
            #expect(cookies.count == 1 && cookies[0].hasPrefix("shopdesk_sso_error="), "the reason only, no session: \(cookies)")
            let found = try await harness.client.json(.get, "/api/v1/auth/sso?email=ana%40shop.hr")
            #expect(try found.list("items").count == 1)
            #expect(try await harness.client.json(.get, "/api/v1/auth/sso?email=ana%40other.hr").list("items").isEmpty)
            // LIKE's wildcards in the "domain" find nothing: no listing of every workspace's providers.
            for probe in ["a%40%25", "a%40_hop.hr", "a%40%25.hr"] {
                #expect(try await harness.client.json(.get, "/api/v1/auth/sso?email=\(probe)").list("items").isEmpty, "\(probe)")
            }

            try await Browser.with { page in
                // Ana has no agent yet: the provider vouches for her, and she lands in the inbox.
                try await page.navigate("http://127.0.0.1:\(port)/")
                try await page.waitFor("document.querySelector('#signin-email')", "the sign-in form")
                try await page.focus("#signin-email")
                try await page.type("ana@shop.hr")
                _ = try await page.evaluate("document.querySelector('#signin-sso').click()")
                try await page.waitFor("document.querySelector('button[name=sub][value=ana]')", "the provider's sign-in page")
                _ = try await page.evaluate("document.querySelector('button[name=sub][value=ana]').click()")
                try await page.waitFor("document.querySelector('#conversations')", "the inbox after single sign-on")
                let agents = try await harness.client.json(.get, "/api/v1/agents", token: harness.ownerToken).list("items")
                let ana = try #require(agents.first { $0["email"] as? String == "ana@shop.hr" })
                #expect(ana["role"] as? String == "agent")
                #expect(ana["name"] as? String == "Ana Kovač")

                // Someone the provider knows at another domain is sent back to the sign-in page, told why.
                _ = try await page.send("Network.clearBrowserCookies", [:])
                try await page.navigate("http://127.0.0.1:\(port)/api/v1/auth/sso/\(try created.int("id"))/start")
                try await page.waitFor("document.querySelector('input[name=sub]')", "the provider's sign-in page")
                try await page.focus("input[name=sub]")
                try await page.type("ivo@other.com")
                _ = try await page.evaluate("document.querySelector('input[name=sub]').form.submit()")
                try await page.waitFor("document.querySelector('#signin-error')?.textContent.includes('ivo@other.com')", "the reason on the sign-in page")
                #expect(try await page.evaluate("location.search") as? String == "")
                #expect(try await page.evaluate("document.cookie.includes('shopdesk_sso_error')") as? Bool == false, "the reason is read once")
                // A link cannot put its own words on the sign-in page.
                try await page.navigate("http://127.0.0.1:\(port)/?sso_error=Call%20us%20at%20555")
                try await page.waitFor("document.querySelector('#signin-email')", "the sign-in form")
                #expect(try await page.evaluate("document.body.textContent.includes('555')") as? Bool == false)
            }

            // Both sign-ins are in the audit log, with Ana's creation.
            let log = try await harness.client.json(.get, "/api/v1/audit-log", token: harness.ownerToken).list("items")
            let actions = log.compactMap { $0["action"] as? String }
            #expect(actions.contains("auth.signed_in") && actions.contains("agent.created") && actions.contains("auth.sso_failed"), "\(actions)")
        }
    }

    /// "Single sign-on only": agents' passwords stop working, the owner's does not (the way back
    /// in when the provider fails), and it cannot be switched on with no provider to sign in with.
    @Test func aWorkspaceCanRequireSingleSignOnOfEveryoneButItsOwner() async throws {
        guard let (service, issuer) = try await Self.provider() else { return }
        defer { service.stop() }
        try await Harness.run(.sqlite, mode: .live, configure: Harness.localServers) { harness in
            let agent = try await harness.agent(role: .agent, email: "marko@shop.hr")
            let early = try await harness.client.json(.put, "/api/v1/sso/settings", token: harness.ownerToken, body: #"{"require_sso":true}"#)
            #expect(early.status == .conflict && early.detail.contains("provider first"), "\(early.text)")
            let created = try await harness.client.json(.post, "/api/v1/sso/providers", token: harness.ownerToken, body: """
                {"name":"Shop login","issuer":"\(issuer)","client_id":"shopdesk","client_secret":"s3cret","domains":["shop.hr"]}
                """)
            #expect(created.status == .created, "\(created.text)")
            let required = try await harness.client.json(.put, "/api/v1/sso/settings", token: harness.ownerToken, body: #"{"require_sso":true}"#)
            #expect(required.status == .ok && (required.body as? [String: Any])?["require_sso"] as? Bool == true, "\(required.text)")
            #expect((try await harness.client.json(.get, "/api/v1/sso/settings", token: harness.ownerToken).body as? [String: Any])?["require_sso"] as? Bool == true)

            let refused = try await TwoFactorTests.login(harness, "marko@shop.hr")
            #expect(refused.status == .forbidden && (try? refused.string("code")) == "sso_required", "\(refused.text)")
            #expect(refused.headers[values: .setCookie].isEmpty, "no session")
            // A wrong password is still just wrong: the rule is not told to someone who does not know it.
            let wrong = try await harness.client.json(.post, "/api/v1/auth/login", body: #"{"email":"marko@shop.hr","password":"nope"}"#)
            #expect(wrong.status == .unauthorized, "\(wrong.text)")
            let owner = try await TwoFactorTests.login(harness, harness.owner.email)
            #expect(owner.status == .ok, "the owner keeps a password: \(owner.text)")
            // An agent cannot change it.
            let byAgent = try await harness.client.json(.put, "/api/v1/sso/settings", token: agent.token, body: #"{"require_sso":false}"#)
            #expect(byAgent.status == .forbidden)
            _ = try await harness.client.json(.put, "/api/v1/sso/settings", token: harness.ownerToken, body: #"{"require_sso":false}"#)
            #expect(try await TwoFactorTests.login(harness, "marko@shop.hr").status == .ok)
        }
    }
}
