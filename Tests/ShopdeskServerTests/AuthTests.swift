import Foundation
import HTTPTypes
import HummingbirdTesting
import ShopdeskCore
@testable import ShopdeskServer
import ShopdeskStore
import ShopdeskTestSupport
import Testing

@Suite("Authentication, sessions and CSRF")
struct AuthTests {
    private func login(_ harness: Harness, email: String, password: String = Harness.password) async throws -> JSONResponse {
        try await harness.client.json(.post, "/api/v1/auth/login", body: #"{"email":"\#(email)","password":"\#(password)"}"#)
    }

    private func cookie(_ response: JSONResponse) throws -> String {
        guard let header = response.headers[.setCookie], let pair = header.split(separator: ";").first else {
            throw HarnessError("No Set-Cookie in the login answer")
        }
        return String(pair)
    }

    @Test(arguments: TestDatabase.kinds)
    func loginSetsAHardenedCookieAndCSRFProtectsWrites(kind: DatabaseKind) async throws {
        try await Harness.run(kind) { harness in
            let response = try await login(harness, email: harness.owner.email)
            #expect(response.status == .ok)
            let setCookie = try #require(response.headers[.setCookie])
            #expect(setCookie.contains("HttpOnly"))
            #expect(setCookie.contains("SameSite=Lax"))
            #expect(try response.object("agent").string("email") == harness.owner.email)
            #expect(try response.object("agent").text.contains("password") == false)
            let csrf = try response.string("csrf_token")
            let cookie = try cookie(response)

            let me = try await harness.client.json(.get, "/api/v1/auth/me", headers: ["Cookie": cookie])
            #expect(me.status == .ok)

            // Signing in again from a browser that still holds a live session needs no CSRF token.
            let again = try await harness.client.json(.post, "/api/v1/auth/login", headers: ["Cookie": cookie],
                                                      body: #"{"email":"\#(harness.owner.email)","password":"\#(Harness.password)"}"#)
            #expect(again.status == .ok)

            // A cookie write without the CSRF header is refused and changes nothing.
            let forged = try await harness.client.json(.post, "/api/v1/tags", headers: ["Cookie": cookie], body: #"{"name":"forged"}"#)
            #expect(forged.status == .forbidden)
            let tags = try await harness.client.json(.get, "/api/v1/tags", token: harness.ownerToken)
            #expect(tags.items.isEmpty)

            let allowed = try await harness.client.json(.post, "/api/v1/tags", headers: ["Cookie": cookie, "X-CSRF-Token": csrf],
                                                         body: #"{"name":"real"}"#)
            #expect(allowed.status == .created)

            let logout = try await harness.client.json(.post, "/api/v1/auth/logout", headers: ["Cookie": cookie, "X-CSRF-Token": csrf])
            #expect(logout.status == .noContent)
            #expect(try await harness.client.json(.get, "/api/v1/auth/me", headers: ["Cookie": cookie]).status == .unauthorized)
        }
    }

    @Test func unknownEmailAndWrongPasswordGetTheSameAnswer() async throws {
        try await Harness.run(.sqlite) { harness in
            let wrong = try await login(harness, email: harness.owner.email, password: "not the password")
            let unknown = try await login(harness, email: "nobody@example.com", password: "not the password")
            #expect(wrong.status == .unauthorized)
            #expect(wrong.text == unknown.text)
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func agentsChangeTheirOwnLanguageButNothingElse(kind: DatabaseKind) async throws {
        try await Harness.run(kind) { harness in
            let viewer = try await harness.agent(role: .viewer)
            let changed = try await harness.client.json(.patch, "/api/v1/auth/me", token: viewer.token,
                                                        body: #"{"locale":"pt-BR","name":"Vera","role":"owner"}"#)
            #expect(changed.status == .ok)
            #expect(try changed.string("locale") == "pt-BR")
            #expect(try changed.string("name") == "Vera")
            #expect(try changed.string("role") == "viewer")
            let refused = try await harness.client.json(.patch, "/api/v1/auth/me", token: viewer.token, body: #"{"locale":"klingon"}"#)
            #expect(refused.status == .unprocessableContent)
            #expect(refused.detail.contains("pt-BR"))
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func anInvitationLinkMakesAnAgentOnceAndSignsThemIn(kind: DatabaseKind) async throws {
        try await Harness.run(kind) { harness in
            let created = try await harness.client.json(.post, "/api/v1/agents/invites", token: harness.ownerToken,
                                                        body: #"{"email":"Ines@Example.com","name":"Ines","role":"viewer","locale":"pt-BR"}"#)
            #expect(created.status == .created)
            let token = try created.string("token")
            #expect(try created.string("path") == "/#/invite/\(token)")
            #expect(try await harness.client.json(.get, "/api/v1/agents/invites", token: harness.ownerToken).items.count == 1)
            // Only a hash of the token is stored.
            let stored = try await harness.database.read { try await $0.raw("SELECT token_hash FROM agent_invites").all() }
            #expect(try stored.map { try $0.decode(column: "token_hash", as: String.self) } == [Secrets.sha256Hex(token)])

            let short = try await harness.client.json(.post, "/api/v1/auth/invites/accept", body: #"{"token":"\#(token)","password":"short"}"#)
            #expect(short.status == .unprocessableContent)   // a bad password leaves the link usable
            let accepted = try await harness.client.json(.post, "/api/v1/auth/invites/accept",
                                                         body: #"{"token":"\#(token)","password":"a long new password"}"#)
            #expect(accepted.status == .ok)
            let me = try await harness.client.json(.get, "/api/v1/auth/me", headers: ["Cookie": try cookie(accepted)])
            #expect(try me.object("agent").string("email") == "ines@example.com")
            #expect(try me.object("agent").string("role") == "viewer")
            #expect(try me.object("agent").string("locale") == "pt-BR")

            let again = try await harness.client.json(.post, "/api/v1/auth/invites/accept",
                                                      body: #"{"token":"\#(token)","password":"another long password"}"#)
            #expect(again.status == .gone)
            #expect(again.detail.contains("Ask for a new one"))
            #expect(try await harness.client.json(.get, "/api/v1/agents/invites", token: harness.ownerToken).items.isEmpty)

            // An email that already has an agent cannot be invited; agents cannot invite.
            let duplicate = try await harness.client.json(.post, "/api/v1/agents/invites", token: harness.ownerToken,
                                                          body: #"{"email":"ines@example.com","name":"Ines again"}"#)
            #expect(duplicate.status == .conflict)
            let agent = try await harness.agent(role: .agent)
            #expect(try await harness.client.json(.post, "/api/v1/agents/invites", token: agent.token,
                                                  body: #"{"email":"x@example.com","name":"X"}"#).status == .forbidden)

            // A withdrawn invitation's link no longer works.
            let withdrawn = try await harness.client.json(.post, "/api/v1/agents/invites", token: harness.ownerToken,
                                                          body: #"{"email":"w@example.com","name":"W"}"#)
            let inviteID = try withdrawn.object("invite").int("id")
            #expect(try await harness.client.json(.delete, "/api/v1/agents/invites/\(inviteID)", token: harness.ownerToken).status == .noContent)
            #expect(try await harness.client.json(.post, "/api/v1/auth/invites/accept",
                                                  body: #"{"token":"\#(try withdrawn.string("token"))","password":"a long new password"}"#).status == .gone)
        }
    }

    @Test func tokenHashesAndSignaturesAreStandardHex() {
        // FIPS 180-2 and RFC 4231 test vectors.
        #expect(Secrets.sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(Secrets.hmacSHA256Hex(key: "Jefe", message: Data("what do ya want for nothing?".utf8))
                == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    @Test func aStoredHashIsNotAPassword() async throws {
        try await Harness.run(.sqlite) { harness in
            let hash = try await harness.database.read { try await AgentRepository.credentials(workspaceID: harness.owner.workspaceID, id: harness.owner.id, in: $0) }!.passwordHash
            #expect(hash.hasPrefix("$2"))
            #expect(try await login(harness, email: harness.owner.email, password: hash).status == .unauthorized)
        }
    }

    @Test func loginIsRateLimited() async throws {
        try await Harness.run(.sqlite) { harness in
            for _ in 0..<10 {
                #expect(try await login(harness, email: harness.owner.email, password: "wrong wrong wrong").status == .unauthorized)
            }
            let blocked = try await login(harness, email: harness.owner.email)
            #expect(blocked.status == .tooManyRequests)
            #expect(blocked.headers[.retryAfter] != nil)
        }
    }

    @Test func changingThePasswordEndsOtherSessions() async throws {
        try await Harness.run(.sqlite) { harness in
            let first = try await login(harness, email: harness.owner.email)
            let second = try await login(harness, email: harness.owner.email)
            let change = try await harness.client.json(
                .post, "/api/v1/auth/password", headers: ["Cookie": try cookie(first), "X-CSRF-Token": try first.string("csrf_token")],
                body: #"{"current_password":"\#(Harness.password)","new_password":"an even better passphrase"}"#)
            #expect(change.status == .noContent)
            #expect(try await harness.client.json(.get, "/api/v1/auth/me", headers: ["Cookie": try cookie(first)]).status == .ok)
            #expect(try await harness.client.json(.get, "/api/v1/auth/me", headers: ["Cookie": try cookie(second)]).status == .unauthorized)
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func apiTokensAreStoredHashedAndCanBeRevoked(kind: DatabaseKind) async throws {
        try await Harness.run(kind) { harness in
            let created = try await harness.client.json(.post, "/api/v1/tokens", token: harness.ownerToken, body: #"{"name":"zapier"}"#)
            #expect(created.status == .created)
            let token = try created.string("token")
            #expect(token.hasPrefix("sdk_"))
            let stored = try await harness.database.read {
                try await $0.raw("SELECT COUNT(*) AS n FROM api_tokens WHERE token_hash = \(bind: token)").first()!.decode(column: "n", as: Int.self)
            }
            #expect(stored == 0)
            #expect(try await harness.client.json(.get, "/api/v1/auth/me", token: token).status == .ok)
            let revoke = try await harness.client.json(.delete, "/api/v1/tokens/\(try created.int("id"))", token: harness.ownerToken)
            #expect(revoke.status == .noContent)
            let refused = try await harness.client.json(.get, "/api/v1/auth/me", token: token)
            #expect(refused.status == .unauthorized)
            #expect(refused.headers[.contentType] == "application/problem+json")
        }
    }

    @Test func malformedAuthorizationIsRefusedPlainly() async throws {
        try await Harness.run(.sqlite) { harness in
            for header in ["Basic abc", "Bearer ", "Bearer nope"] {
                let response = try await harness.client.json(.get, "/api/v1/conversations", headers: ["Authorization": header])
                #expect(response.status == .unauthorized)
                #expect(!response.detail.isEmpty)
            }
        }
    }
}
