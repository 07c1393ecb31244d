import Foundation
import HTTPTypes
import ShopdeskCore
@testable import ShopdeskServer
import ShopdeskStore
import ShopdeskTestSupport
import Testing

/// One person may work for several shops: an agent's email is unique within a workspace, and a
/// workspace never learns whether an address is used in another one.
@Suite("Agent emails per workspace")
struct AgentEmailTests {
    private func login(_ harness: Harness, _ email: String, _ password: String, workspace: Int64? = nil) async throws -> JSONResponse {
        let choice = workspace.map { #","workspace_id":\#($0)"# } ?? ""
        return try await harness.client.json(.post, "/api/v1/auth/login",
                                             body: #"{"email":"\#(email)","password":"\#(password)"\#(choice)}"#)
    }

    /// The workspace the session from a successful sign-in belongs to.
    private func workspace(_ harness: Harness, of response: JSONResponse) async throws -> Int64? {
        guard response.status == .ok, let cookie = response.headers[.setCookie]?.split(separator: ";").first else { return nil }
        return try await harness.client.json(.get, "/api/v1/auth/me", headers: ["Cookie": String(cookie)]).object("workspace").int("id")
    }

    @Test(arguments: TestDatabase.kinds)
    func anotherWorkspaceMayUseTheSameEmailAndSignInFindsTheRightOne(kind: DatabaseKind) async throws {
        try await Harness.run(kind) { harness in
            let email = harness.owner.email
            let stranger = try await harness.stranger()
            let created = try await harness.client.json(.post, "/api/v1/agents", token: stranger.token,
                                                        body: #"{"email":"\#(email.uppercased())","name":"Same Person","password":"another secret 42"}"#)
            #expect(created.status == .created, "\(created.text)")
            let invited = try await harness.client.json(.post, "/api/v1/agents/invites", token: stranger.token,
                                                        body: #"{"email":"\#(email)","name":"Same Person"}"#)
            // Already an agent of the stranger's workspace now: that workspace may know it.
            #expect(invited.status == .conflict)
            let otherInvite = try await harness.client.json(.post, "/api/v1/agents/invites", token: harness.ownerToken,
                                                            body: #"{"email":"\#(stranger.agent.email)","name":"Invited"}"#)
            #expect(otherInvite.status == .created, "\(otherInvite.text)")

            // Each password opens its own workspace.
            let own = try await login(harness, email, Harness.password)
            #expect(try await workspace(harness, of: own) == harness.workspaceID.rawValue, "\(own.text)")
            let theirs = try await login(harness, email, "another secret 42")
            #expect(try await workspace(harness, of: theirs) == stranger.agent.workspaceID.rawValue)
            #expect(try await login(harness, email, "wrong").status == .unauthorized)
            // Naming a workspace where the password does not fit is just a wrong password.
            #expect(try await login(harness, email, Harness.password, workspace: stranger.agent.workspaceID.rawValue).status == .unauthorized)
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func theSamePasswordInTwoWorkspacesAsksWhichOne(kind: DatabaseKind) async throws {
        try await Harness.run(kind) { harness in
            let email = harness.owner.email
            let stranger = try await harness.stranger()
            let created = try await harness.client.json(.post, "/api/v1/agents", token: stranger.token,
                                                        body: #"{"email":"\#(email)","name":"Same Person","password":"\#(Harness.password)"}"#)
            #expect(created.status == .created)
            let ask = try await login(harness, email, Harness.password)
            #expect(ask.status == .conflict)
            #expect(try ask.string("code") == "choose_workspace")
            let choices = try #require((ask.body as? [String: Any])?["choices"] as? [[String: Any]])
            #expect(Set(choices.compactMap { ($0["id"] as? NSNumber)?.int64Value })
                == [harness.workspaceID.rawValue, stranger.agent.workspaceID.rawValue])
            #expect(choices.allSatisfy { ($0["name"] as? String)?.isEmpty == false })
            #expect(ask.headers[.setCookie] == nil)

            let chosen = try await login(harness, email, Harness.password, workspace: stranger.agent.workspaceID.rawValue)
            #expect(try await workspace(harness, of: chosen) == stranger.agent.workspaceID.rawValue)
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func aDuplicateWithinOneWorkspaceIsStillRefused(kind: DatabaseKind) async throws {
        try await Harness.run(kind) { harness in
            let again = try await harness.client.json(.post, "/api/v1/agents", token: harness.ownerToken,
                                                      body: #"{"email":"\#(harness.owner.email)","name":"Twin","password":"\#(Harness.password)"}"#)
            #expect(again.status == .conflict)
            let invite = try await harness.client.json(.post, "/api/v1/agents/invites", token: harness.ownerToken,
                                                       body: #"{"email":"\#(harness.owner.email)","name":"Twin"}"#)
            #expect(invite.status == .conflict)
        }
    }
}

@Suite("Sign-in to one of several workspaces in a browser", .enabled(if: Browser.shouldRun), .serialized, .timeLimit(.minutes(10)))
struct AgentEmailBrowserTests {
    @Test func theSignInFormAsksWhichWorkspaceAndOpensTheChosenOne() async throws {
        try await Harness.run(.sqlite, mode: .live) { harness in
            let port = try #require(harness.client.port)
            let stranger = try await harness.stranger()
            let created = try await harness.client.json(.post, "/api/v1/agents", token: stranger.token,
                                                        body: #"{"email":"\#(harness.owner.email)","name":"Same Person","password":"\#(Harness.password)"}"#)
            try #require(created.status == .created)
            let strangerName = try #require(try await harness.database.read {
                try await WorkspaceRepository.find(stranger.agent.workspaceID, in: $0)
            }?.name)
            try await Browser.with { page in
                try await WebAppTests.submitCredentials(page, harness, "http://127.0.0.1:\(port)/")
                try await page.waitFor("document.querySelector('#signin-workspace')?.options.length === 2", "the workspace choice")
                #expect(try await page.evaluate("document.activeElement?.id") as? String == "signin-workspace")
                _ = try await page.evaluate("""
                    (() => { const select = document.querySelector('#signin-workspace');
                      select.value = [...select.options].find((option) => option.textContent === \(DevToolsPage.quoted(strangerName))).value; })()
                    """)
                _ = try await page.evaluate("document.querySelector('.signin button[type=submit]').click()")
                try await page.waitFor("document.querySelector('#conversations')", "the inbox")
            }
            // The session the browser holds is in the chosen workspace: its inbox list is empty,
            // while the owner's workspace has the Website inbox.
            let sessions = try await harness.database.read { sql in
                try await sql.raw("SELECT workspace_id FROM sessions").all().map { try $0.decode(column: "workspace_id", as: Int64.self) }
            }
            #expect(sessions == [stranger.agent.workspaceID.rawValue])
        }
    }
}
