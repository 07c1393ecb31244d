import ShopdeskIntelligence
import Testing

/// The words and phrases a message is about, in the four languages, folded as the reports count them.
@Suite("Topic terms")
struct TopicTermsTests {
    @Test func wordsAndPhrasesFoldedWithoutFunctionWords() {
        #expect(TopicTerms.of("Hello, the parcel arrived DAMAGED!") == ["parcel", "arrived", "damaged", "parcel arrived", "arrived damaged"])
        #expect(TopicTerms.of("Paket je stigao oštećen, hvala") == ["paket", "stigao", "ostecen", "stigao ostecen"])
        #expect(TopicTerms.of("Olá, o pacote não chegou") == ["pacote", "chegou"])
        #expect(TopicTerms.of("Здравствуйте, посылка ещё не пришла") == ["посылка", "пришла"])
        #expect(TopicTerms.of("Ёлка") == ["елка"])
    }

    @Test func numbersShortWordsAndRepeatsAreLeftOut() {
        #expect(TopicTerms.of("order 12345 ok ok order") == ["order"])
        #expect(TopicTerms.of("").isEmpty)
        let long = String(repeating: "word ", count: 10_000)
        #expect(TopicTerms.of(long) == ["word", "word word"])
        let many = (0..<40).map { "w" + String(repeating: "a", count: $0 + 2) }.joined(separator: " ")
        #expect(TopicTerms.of(many, limit: 5).count == 10)
    }
}
