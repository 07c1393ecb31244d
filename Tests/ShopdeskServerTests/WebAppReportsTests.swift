import Foundation
import ShopdeskCore
import ShopdeskStore
import ShopdeskTestSupport
import Testing
@testable import ShopdeskServer

/// The reports page in Croatian and in English: a chosen week's headline figures with their
/// change, a chart's table one click away, the conversations behind a figure and behind a bar,
/// the CSV a spreadsheet opens, and filters by a custom field and by an agent.
@Suite("Reports in a browser", .enabled(if: Browser.shouldRun), .serialized, .timeLimit(.minutes(10)))
struct WebAppReportsTests {
    @Test(arguments: [("hr", "Izvještaji", "Riješeno u prvom kontaktu"), ("en", "Reports", "First contact resolution")])
    func aLeadReadsTheWeekAndOpensTheConversationsBehindIt(language: String, title: String, fcrTitle: String) async throws {
        try await Harness.run(.sqlite, mode: .live) { harness in
            let port = try #require(harness.client.port)
            _ = try await harness.client.json(.patch, "/api/v1/auth/me", token: harness.ownerToken, body: "{\"locale\":\"\(language)\"}")
            let (c1, _, _, _) = try await ReportsAPITests.week(harness)
            let number = try await harness.client.json(.get, "/api/v1/conversations/\(c1)", token: harness.ownerToken).int("number")
            // The owner was online on Wednesday 09:00–10:00.
            try await harness.database.write { sql in
                for beat in stride(from: 0, through: 3_600, by: 30) {
                    try await AgentSessionRepository.beat(harness.owner.id, workspaceID: harness.workspaceID,
                                                          at: ReportsAPITests.zagreb(25, 9).addingTimeInterval(TimeInterval(beat)), in: sql)
                }
            }
            try await Browser.with { page in
                try await WebAppTests.signIn(page, harness, "http://127.0.0.1:\(port)/#/open")
                _ = try await page.evaluate("(() => { document.querySelector('#reports-link').click(); return true })()")
                try await page.waitFor("document.querySelector('#report-cards')", "the headline figures")
                #expect(try await page.evaluate("document.querySelector('#reports-title').textContent") as? String == title)
                // The week of 23 November, its last day included on screen.
                _ = try await page.evaluate("""
                    (() => { const from = document.querySelector('#report-from'), to = document.querySelector('#report-to');
                      from.value = '2026-11-23'; to.value = '2026-11-29'; to.dispatchEvent(new Event('change')); return true })()
                    """)
                try await page.waitFor("document.querySelector('#report-scope')?.textContent.startsWith('2026-11-23 – 2026-11-29')", "the chosen week")
                try await page.waitFor("document.querySelector('[data-metric=created] .card-value')?.textContent === '3'", "three new conversations")
                // Three against one the week before: up 200 %.
                #expect(try await page.evaluate("document.querySelector('[data-metric=created] .card-delta').textContent.includes('200')") as? Bool == true)
                #expect(try await page.evaluate("document.querySelector('[data-metric=fcr] .card-title').textContent") as? String == fcrTitle)
                #expect(try await page.evaluate("document.querySelector('[data-metric=fcr] .card-value').textContent.startsWith('100')") as? Bool == true)
                // What automation touched, as a share of the conversations, in the agent's language.
                #expect(try await page.evaluate("document.querySelector('[data-metric=automated] .card-title').textContent") as? String
                    == (language == "hr" ? "Uz automatizaciju" : "Touched by automation"))
                // Revenue beside the other figures (none attributed this week).
                #expect(try await page.evaluate("document.querySelector('[data-card=\"\(language == "hr" ? "Prihod od podrške" : "Revenue from support")\"] .card-detail')?.textContent")
                    as? String == (language == "hr" ? "Nema pripisanih narudžbi" : "No attributed orders"))
                // SLA achievement, with no policy in this workspace: nothing came due.
                #expect(try await page.evaluate("document.querySelector('[data-card=\"\(language == "hr" ? "Ostvaren SLA" : "SLA achieved")\"] .card-detail')?.textContent")
                    as? String == (language == "hr" ? "Nijedan rok nije dospio" : "No target came due"))
                // The chart's numbers as a table.
                _ = try await page.evaluate("(() => { document.querySelector('#chart-created-toggle').click(); return true })()")
                #expect(try await page.evaluate("document.querySelectorAll('#chart-created-table tbody tr').length") as? Int == 7)
                #expect(try await page.evaluate("document.querySelector('#chart-created svg').hasAttribute('hidden')") as? Bool == true)
                // The backlog at each day's end, as a table too: three open on Sunday.
                _ = try await page.evaluate("(() => { document.querySelector('#chart-backlog-toggle').click(); return true })()")
                #expect(try await page.evaluate("[...document.querySelectorAll('#chart-backlog-table tbody tr')].map((row) => row.cells[1].textContent).join(',')")
                    as? String == "1,2,2,2,2,2,3")
                // The topics of the week in the agent's language; a topic's conversations one click away.
                try await page.waitFor("document.querySelector('#report-topic-table tbody tr th button')", "the topics")
                #expect(try await page.evaluate("document.querySelector('#report-topics-title').textContent.startsWith('\(language == "hr" ? "Teme" : "Topics")')")
                    as? Bool == true)
                _ = try await page.evaluate("(() => { document.querySelector('#report-topic-table tbody tr th button').click(); return true })()")
                try await page.waitFor("document.querySelectorAll('#report-drill-list a').length > 0", "a topic's conversations")
                // The owner's hour online, and its stretch in the status history.
                let owner = harness.owner.id.rawValue
                #expect(try await page.evaluate("document.querySelector('#report-agents tr[data-agent=\"\(owner)\"] td:last-child').textContent.includes('1')")
                    as? Bool == true)
                _ = try await page.evaluate("(() => { document.querySelector('#report-agents tr[data-agent=\"\(owner)\"] th button').click(); return true })()")
                try await page.waitFor("document.querySelectorAll('#report-status-list li').length === 1", "the owner's status history")
                // The conversations behind first contact resolution: the Monday one.
                _ = try await page.evaluate("(() => { document.querySelector('[data-metric=fcr]').click(); return true })()")
                try await page.waitFor("document.querySelectorAll('#report-drill-list a').length === 1", "the conversation behind the figure")
                #expect(try await page.evaluate("document.querySelector('#report-drill-list a').textContent.startsWith('#\(number) ')") as? Bool == true)
                // Behind the channel's bar: all three.
                _ = try await page.evaluate("(() => { document.querySelector('#chart-channels .bar-row').click(); return true })()")
                try await page.waitFor("document.querySelectorAll('#report-drill-list a').length === 3", "the channel's conversations")
                // The CSV a spreadsheet opens: a byte order mark, then the figures beside the week before.
                let csv = try await page.evaluate("""
                    fetch(document.querySelector('#report-csv').href).then((answer) => answer.arrayBuffer())
                      .then((bytes) => [...new Uint8Array(bytes).slice(0, 3)].join(' ') + '|' + new TextDecoder().decode(bytes))
                    """) as? String ?? ""
                #expect(csv.hasPrefix("239 187 191|figure,") && csv.contains("\r\nconversations,3,1\r\n"), "\(csv.prefix(200))")
                // SHOPDESK_SCREENSHOTS=DIR keeps a picture of the page for people to look at.
                if let directory = ProcessInfo.processInfo.environment["SHOPDESK_SCREENSHOTS"] {
                    _ = try await page.evaluate("(() => { document.querySelector('#chart-created-toggle').click(); document.querySelector('#reports').scrollTop = 0; return true })()")
                    try await page.screenshot(to: "\(directory)/reports-\(language).png")
                }
                // Narrowed by a custom field: the refunds.
                _ = try await page.evaluate("""
                    (() => { const field = document.querySelector('#report-field-reason'); field.value = 'Refund';
                      field.dispatchEvent(new Event('change')); return true })()
                    """)
                try await page.waitFor("document.querySelector('[data-metric=created] .card-value')?.textContent === '1'", "the one refund")
                _ = try await page.evaluate("""
                    (() => { const field = document.querySelector('#report-field-reason'); field.value = '';
                      field.dispatchEvent(new Event('change')); return true })()
                    """)
                try await page.waitFor("document.querySelector('[data-metric=created] .card-value')?.textContent === '3'", "all three again")
                // Narrowed to one agent, whose week had none of these resolved.
                _ = try await page.evaluate("""
                    (() => { const agent = document.querySelector('#report-agent'); agent.value = '\(harness.owner.id.rawValue)';
                      agent.dispatchEvent(new Event('change')); return true })()
                    """)
                try await page.waitFor("document.querySelector('[data-metric=created] .card-value')?.textContent === '0'", "the owner's own conversations")
                // Opening a conversation from the report goes back to the inbox.
                _ = try await page.evaluate("(() => { location.hash = '#/all/\(c1)'; return true })()")
                try await page.waitFor("document.querySelector('#reports').hidden && document.querySelector('#thread')", "the conversation")
            }
        }
    }
}
