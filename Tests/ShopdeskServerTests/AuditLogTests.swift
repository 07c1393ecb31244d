import Foundation
import ShopdeskCore
@testable import ShopdeskServer
import ShopdeskStore
import ShopdeskTestSupport
import Testing

/// The audit log: sign-ins (failed too), every admin change, changes to anyone's own
/// credentials and every export, in the workspace's own log only, which nobody can rewrite.
@Suite("Audit log")
struct AuditLogTests {
    @Test(arguments: TestDatabase.kinds)
    func changesSignInsAndExportsAreLoggedAndTheLogCannotBeRewritten(kind: DatabaseKind) async throws {
        try await Harness.run(kind) { harness in
            let email = "agent-\(UUID().uuidString.prefix(6).lowercased())@example.com"
            let agent = try await harness.agent(role: .agent, email: email)
            _ = try await harness.client.json(.post, "/api/v1/auth/login", body: #"{"email":"\#(email)","password":"wrong password"}"#)
            _ = try await harness.client.json(.post, "/api/v1/auth/login", body: #"{"email":"\#(email)","password":"\#(Harness.password)"}"#)
            _ = try await harness.client.json(.post, "/api/v1/tokens", token: agent.token, body: #"{"name":"zapier"}"#)
            _ = try await harness.client.json(.get, "/api/v1/conversations", token: agent.token)
            _ = try await harness.client.json(.post, "/api/v1/tags", token: harness.ownerToken, body: #"{"name":"vip"}"#)
            _ = try await harness.client.json(.patch, "/api/v1/agents/\(agent.id)", token: harness.ownerToken, body: #"{"role":"admin"}"#)
            _ = try await harness.client.json(.get, "/api/v1/reports/overview?format=csv", token: harness.ownerToken)

            let log = try await harness.client.json(.get, "/api/v1/audit-log", token: harness.ownerToken)
            #expect(log.status == .ok, "\(log.text)")
            let actions = log.items.compactMap { $0["action"] as? String }
            #expect(actions.contains("auth.sign_in_failed") && actions.contains("auth.signed_in"), "\(actions)")
            #expect(actions.contains("POST /tokens"), "an agent's own new token is audited: \(actions)")
            #expect(actions.contains("PATCH /agents/{id}"), "a role change: \(actions)")
            #expect(actions.contains("export GET /reports/overview"), "\(actions)")
            #expect(!actions.contains { $0.hasPrefix("GET") }, "reading is not audited")
            let roleChange = try #require(log.items.first { $0["action"] as? String == "PATCH /agents/{id}" })
            #expect(roleChange["target"] as? String == String(agent.id) && roleChange["via"] as? String == "token")
            #expect((roleChange["actor"] as? String) == harness.owner.email)
            let failed = try #require(log.items.first { $0["action"] as? String == "auth.sign_in_failed" })
            #expect(failed["actor"] as? String == email && failed["via"] as? String == "sign_in" && failed["address"] != nil, "\(failed)")

            // Filters, paging and the CSV export (which is itself audited).
            let signIns = try await harness.client.json(.get, "/api/v1/audit-log?action=auth.", token: harness.ownerToken).items
            #expect(signIns.count == 2 && signIns.allSatisfy { ($0["action"] as? String)?.hasPrefix("auth.") == true })
            let searched = try await harness.client.json(.get, "/api/v1/audit-log?q=zapier", token: harness.ownerToken).items
            #expect(searched.isEmpty, "token names are not in the log, only the route")
            let page = try await harness.client.json(.get, "/api/v1/audit-log?limit=2", token: harness.ownerToken)
            let next = try #require(page.fields["next_cursor"] as? String)
            let second = try await harness.client.json(.get, "/api/v1/audit-log?limit=2&cursor=\(next)", token: harness.ownerToken).items
            #expect(Set(second.compactMap { $0["id"] as? Int }).isDisjoint(with: Set(page.items.compactMap { $0["id"] as? Int })))
            let csv = try await harness.client.json(.get, "/api/v1/audit-log?format=csv", token: harness.ownerToken)
            #expect(csv.text.contains("auth.signed_in") && csv.text.hasPrefix("\u{FEFF}at,actor"), "\(csv.text.prefix(200))")
            let after = try await harness.client.json(.get, "/api/v1/audit-log?action=export", token: harness.ownerToken).items
            #expect(after.contains { $0["action"] as? String == "export GET /audit-log" })

            // Only admins read it; the database refuses to change a line.
            let other = try await harness.agent(role: .agent)
            #expect(try await harness.client.json(.get, "/api/v1/audit-log", token: other.token).status == .forbidden, "the promoted agent is an admin now")
            await #expect(throws: (any Error).self) {
                try await harness.database.write { try await $0.raw("UPDATE audit_log SET summary = 'nothing happened' WHERE workspace_id = \(bind: harness.workspaceID.rawValue)").run() }
            }
            let unchanged = try await harness.client.json(.get, "/api/v1/audit-log?q=nothing%20happened", token: harness.ownerToken).items
            #expect(unchanged.isEmpty)
        }
    }

    @Test(.enabled(if: Browser.shouldRun), .timeLimit(.minutes(10)))
    func anAdminReadsAndFiltersTheLogInTheSettings() async throws {
        try await Harness.run(.sqlite, mode: .live) { harness in
            _ = try await harness.client.json(.post, "/api/v1/teams", token: harness.ownerToken, body: #"{"name":"Returns"}"#)
            let port = try #require(harness.client.port)
            try await Browser.with { page in
                try await WebAppTests.signIn(page, harness, "http://127.0.0.1:\(port)/#/admin/team")
                try await page.waitFor("document.querySelector('#audit-table tr[data-action=\"auth.signed_in\"]')", "this sign-in in the log")
                try await page.waitFor("document.querySelector('#audit-table tr[data-action=\"POST /teams\"]')", "the new tag in the log")
                _ = try await page.evaluate("(() => { const s = document.querySelector('#audit-action'); s.value = 'auth.'; s.dispatchEvent(new Event('change')); return true })()")
                try await page.waitFor("!document.querySelector('#audit-table tr[data-action=\"POST /teams\"]') && document.querySelector('#audit-table tr[data-action=\"auth.signed_in\"]')",
                                       "only sign-ins")
                #expect(try await page.evaluate("document.querySelector('#audit-csv').getAttribute('href')") as? String == "/api/v1/audit-log?action=auth.&format=csv")
                // The retention policy beside it: set to a year.
                _ = try await page.evaluate("(() => { document.querySelector('#retention-months').value = '12'; document.querySelector('#retention-save').click(); return true })()")
                try await page.waitFor("document.querySelector('#admin-retention [role=status]')?.innerText.includes('12')", "the saved retention policy")
            }
        }
    }
}
