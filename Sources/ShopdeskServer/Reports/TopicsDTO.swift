import Foundation
import Hummingbird
import ShopdeskCore
import ShopdeskStore

/// `GET /reports/topics`: each intent's volume, change and negative share with example
/// conversations, and the rising intents, words and phrases (docs/REPORTS.md, "Topics").
struct TopicsDTO: ResponseEncodable {
    struct ExampleDTO: Encodable {
        var id: Int64
        var number: Int64
        var subject: String?
    }
    struct LineDTO: Encodable {
        var key: String
        var count: Int
        var previous: Int
        /// The change of the count in percent (nil: new, or nothing now and before).
        var change: Double?
        var negative: Int
        var negativePercent: Double?
        var z: Double?
        var rising: Bool
        var examples: [ExampleDTO]
    }

    var from: String
    var to: String
    var previousFrom: String
    var fresh: Bool
    var conversations: Int
    var previousConversations: Int
    var intents: [LineDTO]
    var risingIntents: [String]
    var terms: [LineDTO]
    /// The words were not counted: a filtered period longer than `terms_max_days_filtered` days.
    var termsSkipped: Bool
    var termsMaxDaysFiltered = ReportTopics.filteredTermDays
    /// The thresholds the lists were drawn with.
    var minimumCount = ReportTopics.minimumCount
    var intentZ = ReportTopics.intentZ
    var termZ = ReportTopics.termZ

    init(scope: ReportsController.Scope, fresh: Bool, topics: ReportTopics.Topics, conversations: [ConversationID: Conversation]) {
        from = ReportClock.text(scope.from)
        to = ReportClock.text(scope.to)
        previousFrom = ReportClock.text(scope.previousFrom)
        self.fresh = fresh
        self.conversations = topics.conversations
        previousConversations = topics.previousConversations
        let line = { (line: ReportTopics.Line, examples: [ConversationID]) in
            LineDTO(key: line.key, count: line.count, previous: line.previous,
                    change: line.previous == 0 ? nil : ((Double(line.count - line.previous) / Double(line.previous)) * 1000).rounded() / 10,
                    negative: line.negative,
                    negativePercent: line.count == 0 ? nil : ((Double(line.negative) / Double(line.count)) * 1000).rounded() / 10,
                    z: line.z, rising: line.rising,
                    examples: examples.compactMap { id in
                        conversations[id].map { ExampleDTO(id: $0.id.rawValue, number: $0.number, subject: $0.subject) }
                    })
        }
        intents = topics.intents.map { line($0, topics.examples[$0.key] ?? []) }
        risingIntents = topics.intents.filter(\.rising).sorted { ($0.z ?? 0) > ($1.z ?? 0) }.map(\.key)
        terms = topics.terms.map { line($0, []) }
        termsSkipped = topics.termsSkipped
    }

    func csvRows() -> [[String]] {
        var rows = [["kind", "topic", "\(from) – \(to)", "\(previousFrom) – \(from)", "change_percent", "negative", "z", "rising"]]
        let number = { (value: Double?) in value.map { $0 == $0.rounded() ? String(Int($0)) : String($0) } ?? "" }
        for (kind, lines) in [("intent", intents), ("phrase", terms)] {
            for line in lines {
                rows.append([kind, line.key, String(line.count), String(line.previous), number(line.change), String(line.negative),
                             number(line.z), line.rising ? "yes" : ""])
            }
        }
        return rows
    }
}
