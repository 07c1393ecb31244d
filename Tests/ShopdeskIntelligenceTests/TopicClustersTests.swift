import Foundation
@testable import ShopdeskIntelligence
import Testing

/// Messages no intent fits, grouped by what they are about, in the four languages.
@Suite("Topic clusters")
struct TopicClustersTests {
    static let texts: [(String, String)] = [
        ("en", "Can you gift wrap my order with a card?"), ("en", "Do you offer gift wrapping for a birthday?"),
        ("en", "Please add gift wrapping to the parcel"), ("en", "Is gift wrapping free if I order two?"),
        ("pt", "Fazem embrulho para presente?"), ("pt", "Podem fazer embrulho de presente com cartão?"),
        ("pt", "Quanto custa o embrulho para presente?"),
        ("ru", "Можно упаковать заказ в подарочную упаковку?"), ("ru", "Есть ли подарочная упаковка для куртки?"),
        ("ru", "Сколько стоит подарочная упаковка?"),
        ("hr", "Možete li zapakirati kao poklon?"), ("hr", "Imate li poklon pakiranje za jaknu?"), ("hr", "Koliko košta poklon pakiranje?"),
        ("en", "My cat likes the box"), ("en", "The weather in Lisbon is nice"), ("pt", "Gosto muito da vossa loja"),
    ]

    static var messages: [TopicClusters.Message] {
        texts.enumerated().map { TopicClusters.Message(id: Int64($0.offset + 1), text: $0.element.1, language: $0.element.0) }
    }

    @Test func messagesAboutTheSameThingGroupInEachLanguageAndOneOffsStayOut() {
        let clusters = TopicClusters.cluster(Self.messages)
        let english = clusters.first { $0.languages["en"] != nil }
        #expect(english?.members.sorted() == [1, 2, 3, 4] && english?.terms.first == "gift wrapping", "\(clusters.map(\.terms))")
        #expect(clusters.contains { $0.languages == ["pt": 3] && $0.terms.contains { $0.contains("presente") } }, "\(clusters)")
        #expect(clusters.contains { $0.languages == ["ru": 3] && $0.terms.contains { $0.contains("подарочн") } }, "\(clusters)")
        #expect(clusters.contains { $0.languages == ["hr": 3] && $0.terms.contains { $0.contains("poklon") } }, "\(clusters)")
        #expect(!clusters.flatMap(\.members).contains { $0 >= 14 }, "one-off messages are no topic")
        #expect(TopicClusters.cluster(Self.messages) == clusters, "the same messages give the same clusters")
    }

    @Test func aFewMessagesMostlyAboutOneThingMakeOneCluster() {
        let texts = ["Can you gift wrap my order with a card?", "Please add gift wrapping to the parcel", "Could you do gift wrapping for my mum's present?",
                     "Gift wrapping for order 1234 possible?", "I need gift wrapping and a small card", "Is there gift wrapping for the scarf?",
                     "Where is my order #1234?"]
        let clusters = TopicClusters.cluster(texts.enumerated().map { TopicClusters.Message(id: Int64($0.offset + 1), text: $0.element, language: "en") })
        #expect(clusters.count == 1 && clusters.first?.members.sorted() == [1, 2, 3, 4, 5, 6], "\(clusters)")
    }

    @Test func manyMessagesAreClusteredWithoutComparingEachWithEveryCluster() {
        // 3,000 distinct messages (worst case: nearly every one opens a cluster) finish; timings are not asserted.
        let many = (0..<3_000).map { TopicClusters.Message(id: Int64($0), text: "word\($0) thing\($0 % 997) item\($0 % 13) about nothing", language: "en") }
        let clusters = TopicClusters.cluster(many)
        #expect(clusters.allSatisfy { $0.members.count >= 3 })
        #expect(TopicClusters.cluster([]).isEmpty)
    }
}
