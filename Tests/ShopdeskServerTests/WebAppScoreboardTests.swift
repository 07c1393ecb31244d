import Foundation
import ShopdeskCore
import ShopdeskStore
import ShopdeskTestSupport
import Testing
@testable import ShopdeskServer

/// The scoreboard in a browser, in Portuguese: the lead sets weekly goals in the form, finds the
/// hand-computed Zagreb week, sees the agent who met both goals with the customer's kudos, makes
/// a TV link and opens it signed out.
@Suite("Scoreboard in a browser", .enabled(if: Browser.shouldRun), .serialized, .timeLimit(.minutes(10)))
struct WebAppScoreboardTests {
    @Test func aLeadSetsGoalsAndPutsTheScoreboardOnTheTV() async throws {
        try await Harness.run(.sqlite, mode: .live) { harness in
            let port = try #require(harness.client.port)
            _ = try await harness.client.json(.patch, "/api/v1/auth/me", token: harness.ownerToken, body: #"{"locale":"pt-BR"}"#)
            let (c1, _, _, luka) = try await ReportsAPITests.week(harness)
            _ = try await harness.client.json(.patch, "/api/v1/conversations/\(c1)", token: harness.ownerToken, body: "{\"assignee_id\":\(luka.id)}")
            try await Browser.with { page in
                try await WebAppTests.signIn(page, harness, "http://127.0.0.1:\(port)/#/reports/scoreboard")
                try await page.waitFor("document.querySelector('#goals-form')", "the goals form")
                #expect(try await page.evaluate("document.querySelector('#report-tab-scoreboard').textContent") as? String == "Placar")
                _ = try await page.evaluate("""
                    (() => { document.querySelector('#goal-on-resolved').checked = true; document.querySelector('#goal-resolved').value = '1';
                      document.querySelector('#goal-on-csat').checked = true; document.querySelector('#goal-csat').value = '90';
                      document.querySelector('#goals-save').click(); return true })()
                    """)
                try await page.waitFor("document.querySelectorAll('.score-card [data-metric]').length > 0", "the goals on the cards")
                // Back to the week of 23 November.
                for _ in 0..<104 {
                    if try await page.evaluate("document.querySelector('#scoreboard-week')?.textContent.startsWith('2026-11-23')") as? Bool == true { break }
                    let shown = try await page.evaluate("document.querySelector('#scoreboard-week').textContent") as? String ?? ""
                    _ = try await page.evaluate("(() => { document.querySelector('#scoreboard-previous').click(); return true })()")
                    try await page.waitFor("document.querySelector('#scoreboard-week')?.textContent !== '\(shown)'", "the week before")
                }
                let card = ".score-card[data-agent=\"\(luka.id)\"]"
                try await page.waitFor("document.querySelectorAll('\(card) li.met').length === 2", "Luka met both goals")
                #expect(try await page.evaluate("document.querySelector('#scoreboard .score-card').dataset.agent") as? String == String(luka.id))
                #expect(try await page.evaluate("document.querySelector('#scoreboard-kudos q').textContent") as? String == "Hvala!")
                // The TV link, opened signed out.
                _ = try await page.evaluate("(() => { document.querySelector('#tv-create').click(); return true })()")
                try await page.waitFor("document.querySelector('#tv-url')", "the TV link")
                let url = try #require(try await page.evaluate("document.querySelector('#tv-url').href") as? String)
                _ = try await page.evaluate("(() => { document.cookie.split(';').forEach((c) => { document.cookie = c.split('=')[0] + '=; max-age=0; path=/' }); return true })()")
                try await page.navigate(url)
                try await page.waitFor("document.querySelector('h1')?.textContent.includes('Placar da equipe')", "the TV page in Portuguese")
                #expect(try await page.evaluate("document.querySelector('meta[http-equiv=refresh]').content") as? String == "30")
            }
        }
    }
}
