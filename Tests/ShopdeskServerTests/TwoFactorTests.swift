import Foundation
import HTTPTypes
import ShopdeskCore
@testable import ShopdeskServer
import ShopdeskStore
import ShopdeskTestSupport
import Testing

/// Two-factor sign-in: codes as RFC 6238 defines them, computed on the other side by pyotp (an
/// authenticator app's implementation), each working once; recovery codes; the workspace's rule.
@Suite("Two-factor sign-in")
struct TwoFactorTests {
    @Test func codesFollowRFC6238AndBase32FollowsRFC4648() {
        let secret = Array("12345678901234567890".utf8)
        // RFC 6238, appendix B (SHA-1, eight digits).
        for (time, code) in [(59, "94287082"), (1_111_111_109, "07081804"), (1_111_111_111, "14050471"), (1_234_567_890, "89005924"),
                             (2_000_000_000, "69279037"), (20_000_000_000, "65353130")] as [(Double, String)] {
            #expect(TOTP.code(secret: secret, step: TOTP.step(at: Date(timeIntervalSince1970: time)), digits: 8) == code, "\(time)")
        }
        // Six digits, the window of one step each way, and a used step is not accepted again.
        let now = Date(timeIntervalSince1970: 1_111_111_111)
        let step = TOTP.step(at: now)
        let current = TOTP.code(secret: secret, step: step)
        #expect(TOTP.verify(current, secret: secret, at: now, after: nil) == step)
        #expect(TOTP.verify(TOTP.code(secret: secret, step: step - 1), secret: secret, at: now, after: nil) == step - 1)
        #expect(TOTP.verify(TOTP.code(secret: secret, step: step - 2), secret: secret, at: now, after: nil) == nil)
        #expect(TOTP.verify(current, secret: secret, at: now, after: step) == nil)
        #expect(TOTP.verify("12345", secret: secret, at: now, after: nil) == nil && TOTP.verify("abcdef", secret: secret, at: now, after: nil) == nil)
        // RFC 4648, section 10 (without padding).
        for (text, encoded) in [("", ""), ("f", "MY"), ("fo", "MZXQ"), ("foo", "MZXW6"), ("foob", "MZXW6YQ"), ("fooba", "MZXW6YTB"), ("foobar", "MZXW6YTBOI")] {
            #expect(Base32.encode(Array(text.utf8)) == encoded)
            #expect(Base32.decode(encoded) == Array(text.utf8))
        }
        #expect(Base32.decode("MZXW6YTBOI======") == Array("foobar".utf8) && Base32.decode("mzxw 6ytb-oi") == Array("foobar".utf8))
        #expect(Base32.decode("MZ1W") == nil)
    }

    /// The code an authenticator app shows now for `secret` (pyotp), or nil without Python.
    static func appCode(_ secret: String, offset: Int = 0) async throws -> String? {
        guard Python.available else { return nil }
        let check = try await Python.run("import pyotp; print('ok')", input: "")
        guard check == "ok\n" else {
            if ProcessInfo.processInfo.environment["CI"] == "true" { Issue.record("pyotp is missing (SHOPDESK_TEST_PYTHON)") }
            return nil
        }
        let script = "import pyotp, sys, time; print(pyotp.TOTP(sys.stdin.read().strip()).at(time.time() + \(offset)))"
        return try await Python.run(script, input: secret).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func login(_ harness: Harness, _ email: String, code: String? = nil) async throws -> JSONResponse {
        let extra = code.map { #","code":"\#($0)""# } ?? ""
        return try await harness.client.json(.post, "/api/v1/auth/login", body: #"{"email":"\#(email)","password":"\#(Harness.password)"\#(extra)}"#)
    }

    @Test(arguments: TestDatabase.kinds)
    func anAgentEnrolsAndThenSignsInWithTheAppsCodeOnce(kind: DatabaseKind) async throws {
        try await Harness.run(kind) { harness in
            let token = harness.ownerToken
            let setup = try await harness.client.json(.post, "/api/v1/auth/me/two-factor/setup", token: token)
            #expect(setup.status == .created, "\(setup.text)")
            let secret = try setup.string("secret")
            #expect(try setup.string("uri").hasPrefix("otpauth://totp/Shopdesk") && (try setup.string("uri")).contains("secret=\(secret)"))
            guard let code = try await Self.appCode(secret) else { return }
            let wrong = try await harness.client.json(.post, "/api/v1/auth/me/two-factor/enable", token: token, body: #"{"code":"000000"}"#)
            #expect(wrong.status == .unprocessableContent || code == "000000")
            let enabled = try await harness.client.json(.post, "/api/v1/auth/me/two-factor/enable", token: token, body: #"{"code":"\#(code)"}"#)
            #expect(enabled.status == .ok, "\(enabled.text)")
            let recovery = try #require(enabled.fields["recovery_codes"] as? [String])
            #expect(recovery.count == 10 && Set(recovery).count == 10)
            // Nothing of the secret is stored in the clear.
            let stored = try await harness.database.read { try await $0.raw("SELECT totp_secret FROM agents WHERE totp_secret IS NOT NULL").all() }
                .compactMap { try? $0.decode(column: "totp_secret", as: String.self) }
            #expect(stored.count == 1 && !stored[0].contains(secret))

            // The password alone is not enough now; a wrong code counts as a failed sign-in.
            let asked = try await Self.login(harness, harness.owner.email)
            #expect(asked.status == .unauthorized && asked.text.contains("two_factor_required") && asked.headers[.setCookie] == nil, "\(asked.text)")
            let bad = try await Self.login(harness, harness.owner.email, code: "123 456")
            #expect(bad.status == .unauthorized && bad.text.contains("wrong_two_factor_code"))
            // The code used to enable is spent; the next step's code signs in, once.
            guard let next = try await Self.appCode(secret, offset: 30) else { return }
            let signedIn = try await Self.login(harness, harness.owner.email, code: next)
            #expect(signedIn.status == .ok, "\(signedIn.text)")
            #expect(try await Self.login(harness, harness.owner.email, code: next).status == .unauthorized, "a code works once")
            // A recovery code works once too, with or without its hyphen.
            #expect(try await Self.login(harness, harness.owner.email, code: recovery[0].uppercased().replacingOccurrences(of: "-", with: "")).status == .ok)
            #expect(try await Self.login(harness, harness.owner.email, code: recovery[0]).status == .unauthorized)
            let status = try await harness.client.json(.get, "/api/v1/auth/me/two-factor", token: token)
            #expect(try status.bool("enabled") && (try status.int("recovery_codes_left")) == 9)

            // Turning it off takes the password.
            #expect(try await harness.client.json(.post, "/api/v1/auth/me/two-factor/disable", token: token, body: #"{"password":"nope"}"#).status == .forbidden)
            #expect(try await harness.client.json(.post, "/api/v1/auth/me/two-factor/disable", token: token,
                                                  body: #"{"password":"\#(Harness.password)"}"#).status == .noContent)
            #expect(try await Self.login(harness, harness.owner.email).status == .ok)
        }
    }

    @Test func aWorkspaceThatRequiresItLetsAnAgentDoNothingElseUntilSetUp() async throws {
        try await Harness.run(.sqlite) { harness in
            // An admin cannot require it before having it (no lockout).
            let early = try await harness.client.json(.put, "/api/v1/workspace/security", token: harness.ownerToken, body: #"{"require_two_factor":true}"#)
            #expect(early.status == .conflict, "\(early.text)")
            let setup = try await harness.client.json(.post, "/api/v1/auth/me/two-factor/setup", token: harness.ownerToken)
            guard let code = try await Self.appCode(try setup.string("secret")) else { return }
            _ = try await harness.client.json(.post, "/api/v1/auth/me/two-factor/enable", token: harness.ownerToken, body: #"{"code":"\#(code)"}"#)
            let required = try await harness.client.json(.put, "/api/v1/workspace/security", token: harness.ownerToken, body: #"{"require_two_factor":true}"#)
            #expect(required.status == .ok && (required.fields["enrolled_agent_ids"] as? [Int])?.count == 1, "\(required.text)")
            let email = "agent-\(UUID().uuidString.prefix(6).lowercased())@example.com"
            let agent = try await harness.agent(role: .agent, email: email)
            let session = try await Self.login(harness, email)
            #expect(session.status == .ok)
            let cookie = try #require(session.headers[.setCookie]?.split(separator: ";").first.map(String.init))
            let me = try await harness.client.json(.get, "/api/v1/auth/me", headers: ["Cookie": cookie])
            #expect(try me.bool("must_set_up_two_factor"))
            let blocked = try await harness.client.json(.get, "/api/v1/conversations", headers: ["Cookie": cookie])
            #expect(blocked.status == .forbidden && blocked.text.contains("two_factor_setup_required"), "\(blocked.text)")
            let csrf = try session.string("csrf_token")
            let own = try await harness.client.json(.post, "/api/v1/auth/me/two-factor/setup", headers: ["Cookie": cookie, "X-CSRF-Token": csrf])
            #expect(own.status == .created)
            guard let first = try await Self.appCode(try own.string("secret")) else { return }
            _ = try await harness.client.json(.post, "/api/v1/auth/me/two-factor/enable", headers: ["Cookie": cookie, "X-CSRF-Token": csrf], body: #"{"code":"\#(first)"}"#)
            #expect(try await harness.client.json(.get, "/api/v1/conversations", headers: ["Cookie": cookie]).status == .ok)
            // API tokens are credentials of their own: not held to the sign-in rule.
            #expect(try await harness.client.json(.get, "/api/v1/conversations", token: agent.token).status == .ok)
            // Only this workspace requires it: another one's agent signs in with the password alone.
            let stranger = try await harness.stranger()
            #expect(try await Self.login(harness, stranger.agent.email).status == .ok)
            let theirs = try await harness.client.json(.get, "/api/v1/workspace/security", token: stranger.token)
            #expect(try theirs.bool("require_two_factor") == false)
        }
    }

    @Test(.enabled(if: Browser.shouldRun), .timeLimit(.minutes(10)))
    func anAgentEnrolsInTheSettingsAndSignsInWithACode() async throws {
        try await Harness.run(.sqlite, mode: .live) { harness in
            let port = try #require(harness.client.port)
            guard try await Self.appCode("JBSWY3DPEHPK3PXP") != nil else { return }
            let secret = try await Browser.with { page -> String in
                try await WebAppTests.signIn(page, harness, "http://127.0.0.1:\(port)/#/admin/account")
                try await page.waitFor("document.querySelector('#two-factor-start')", "the set-up button")
                _ = try await page.evaluate("document.querySelector('#two-factor-start').click()")
                try await page.waitFor("document.querySelector('#two-factor-secret')?.textContent.length > 20", "the key")
                let key = (try await page.evaluate("document.querySelector('#two-factor-secret').textContent") as? String ?? "").replacingOccurrences(of: " ", with: "")
                #expect(try await page.evaluate("document.querySelector('#two-factor-uri').getAttribute('href').startsWith('otpauth://totp/')") as? Bool == true)
                let code = try #require(try await Self.appCode(key))
                _ = try await page.evaluate("(() => { document.querySelector('#two-factor-code').value = '\(code)'; document.querySelector('#two-factor-enable').requestSubmit(); return true })()")
                try await page.waitFor("document.querySelectorAll('.recovery-codes li').length === 10", "the recovery codes")
                return key
            }
            try await Browser.with { page in
                try await WebAppTests.submitCredentials(page, harness, "http://127.0.0.1:\(port)/")
                try await page.waitFor("document.querySelector('#signin-code') && !document.querySelector('#signin-code').closest('.field').hidden", "the code asked for")
                let code = try #require(try await Self.appCode(secret, offset: 30))
                try await page.focus("#signin-code")
                try await page.type(code)
                try await page.press("Enter", code: "Enter", keyCode: 13)
                try await page.waitFor("document.querySelector('#conversations')", "the inbox after the code")
            }
        }
    }
}
