import Foundation
import ShopdeskCore
import Testing
@testable import ShopdeskServer
@testable import ShopdeskStore

/// The digest's text in an admin's language: changes against the week before, money in each
/// currency's own digits (yen have none), and what rose.
@Suite("Weekly digest text")
struct DigestTextTests {
    @Test func figuresMoneyAndRisingTopicsInCroatian() {
        var week = ReportQueries.Period(), before = ReportQueries.Period()
        week.conversations = 120
        before.conversations = 100
        week.csatAnswers = 20
        week.csatSatisfied = 19
        var revenue = ReportRevenue.Revenue()
        revenue.totals = [.init(key: "", currency: "EUR", orders: 3, amountMinor: 12_345), .init(key: "", currency: "JPY", orders: 1, amountMinor: 5_000)]
        let topics = ReportTopics.Topics(conversations: 120, previousConversations: 100,
                                         intents: [.init(key: "damaged_wrong_item", count: 30, previous: 5, negative: 10, z: 4.8, rising: true)],
                                         terms: [.init(key: "ostecen", count: 25, previous: 2, negative: 0, z: 5.1, rising: true)], examples: [:])
        let (subject, text) = DigestText.compose(workspace: "Trgovina", from: 20_261_123, to: 20_261_130, week: week, previous: before,
                                                 topics: topics, revenue: revenue, locale: "hr", link: "https://desk.example/")
        #expect(subject == "Tjedni pregled — Trgovina: 2026-11-23 – 2026-11-29")
        #expect(text.contains("Novi razgovori: 120 (▲ 20 %)") && text.contains("Zadovoljstvo: 95 % (20 odgovora)"), "\(text)")
        #expect(text.contains("Prihod od podrške: 123.45 EUR (3 narudžbi)") && text.contains("5000 JPY (1 narudžbi)"), "\(text)")
        #expect(text.contains("• damaged_wrong_item: 5 → 30") && text.contains("• “ostecen”: 2 → 25"), "\(text)")
        #expect(text.contains("Izvještaji: https://desk.example/#/reports"))
    }
}
