import Foundation
import ShopdeskCore
import ShopdeskStore
import ShopdeskTestSupport
import Testing
@testable import ShopdeskServer

/// What automation did in a period: conversations a rule acted on, those any automation touched,
/// resolutions made by a rule, and the macros agents applied — the same from the days (no filter,
/// or one channel) and from the facts (a tag), with the conversations behind the figure and CSV.
@Suite("Reports: automation")
struct ReportsAutomationTests {
    @Test(arguments: TestDatabase.kinds)
    func rulesMacrosAndTheShareAutomationTouched(kind: DatabaseKind) async throws {
        try await Harness.run(kind) { harness in
            let token = harness.ownerToken
            for rule in [
                #"{"name":"Thanks closes","triggers":["message.inbound"],"conditions":{"any":[{"field":"message.text","op":"contains_any","value":["thanks","obrigado"]}]},"actions":[{"type":"set_status","status":"resolved"}]}"#,
                #"{"name":"Refund tag","triggers":["message.inbound"],"conditions":{"any":[{"field":"message.text","op":"contains_any","value":["refund"]}]},"actions":[{"type":"add_tags","tags":["refund"]}]}"#,
            ] {
                #expect(try await harness.client.json(.post, "/api/v1/rules", token: token, body: rule).status == .created)
            }
            let macro = try await harness.client.json(.post, "/api/v1/macros", token: token, body: #"{"name":"Refund steps","body":"Here is how refunds work."}"#)
            let macroID = try macro.int("id")
            // A: answered, then the customer's thanks resolves it (a rule's resolution).
            let a = try await harness.inbound(email: "ana@example.com", text: "Where is my order?").int("conversation_id")
            _ = try await harness.client.json(.post, "/api/v1/conversations/\(a)/messages", token: token, body: #"{"text":"On its way."}"#)
            _ = try await harness.inbound(email: "ana@example.com", text: "Great, thanks!")
            // B: tagged by a rule, answered with a macro, resolved by the agent.
            let b = try await harness.inbound(email: "bruno@example.com", text: "I want a refund").int("conversation_id")
            #expect(try await harness.client.json(.post, "/api/v1/conversations/\(b)/macros/\(macroID)/apply", token: token, body: "{}").status == .ok)
            _ = try await harness.client.json(.patch, "/api/v1/conversations/\(b)", token: token, body: #"{"status":"resolved"}"#)
            // C: nothing automatic.
            _ = try await harness.inbound(email: "cvita@example.com", text: "Do you ship to Split?")

            // Caught up in full first: a request gives the catch-up two seconds, which a loaded machine may not be enough for.
            #expect(try await ReportFactsStore.catchUp(workspaceID: harness.workspaceID, now: Date(), budget: 120, in: harness.database))
            let today = ReportClock(timeZone: TimeZone(identifier: "Europe/Zagreb")!).day(Date())
            let period = "from=\(ReportClock.text(ReportClock.adding(-1, to: today)))&to=\(ReportClock.text(ReportClock.adding(2, to: today)))"
            for (filter, expected) in [("", 3), ("&channel=api", 3), ("&tag=refund", 1)] {
                let report = try await harness.client.json(.get, "/api/v1/reports/overview?\(period)\(filter)", token: token)
                #expect(report.status == .ok, "\(report.text)")
                let body = try #require(report.body as? [String: Any])
                let current = try #require(body["current"] as? [String: Any])
                #expect(current["conversations"] as? Int == expected, "\(filter)")
                let automation = try #require(current["automation"] as? [String: Int])
                let macros = ((current["breakdowns"] as? [String: Any])?["macro"] as? [[String: Any]])?.map { "\($0["key"]!)=\($0["count"]!)" }
                if filter == "&tag=refund" {
                    #expect(automation == ["rules": 1, "touched": 1, "rule_resolved": 0])
                } else {
                    #expect(automation == ["rules": 2, "touched": 2, "rule_resolved": 1], "\(filter)")
                }
                #expect(macros == ["\(macroID)=1"], "\(filter)")
                #expect((body["macro_names"] as? [String: String])?["\(macroID)"] == "Refund steps")
            }
            // The conversations behind "touched by automation", and the figures in CSV.
            let behind = try await harness.client.json(.get, "/api/v1/reports/conversations?\(period)&metric=automated", token: token)
            #expect(Set(behind.items.compactMap { $0["id"] as? Int64 ?? ($0["id"] as? Int).map(Int64.init) }) == [a, b])
            let csv = try await harness.client.json(.get, "/api/v1/reports/overview?\(period)&format=csv", token: token)
            #expect(csv.text.contains("resolved_by_rules,1,") && csv.text.contains("Refund steps,1"), "\(csv.text)")
        }
    }
}
