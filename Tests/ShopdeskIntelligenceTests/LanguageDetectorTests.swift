import Foundation
import Testing
@testable import ShopdeskIntelligence

/// The language detector: built from word lists, stored, and on the short messages of chat.
@Suite("Language detector") struct LanguageDetectorTests {
    /// Tiny word lists in the shape wordfreq's have (share of running text, most frequent first).
    static let lists = [
        LanguageModelBuilder.WordList(language: "en", words: [("the", 0.05), ("order", 0.001), ("thanks", 0.0008), ("where", 0.0007), ("is", 0.01), ("my", 0.004)]),
        LanguageModelBuilder.WordList(language: "pt", words: [("de", 0.05), ("obrigado", 0.0006), ("onde", 0.0009), ("está", 0.004), ("meu", 0.002), ("pedido", 0.0004)]),
        LanguageModelBuilder.WordList(language: "ru", words: [("и", 0.04), ("спасибо", 0.0007), ("где", 0.0009), ("мой", 0.001), ("заказ", 0.0003)]),
        LanguageModelBuilder.WordList(language: "hr", words: [("je", 0.04), ("hvala", 0.0007), ("gdje", 0.0008), ("moja", 0.001), ("narudžba", 0.0002)]),
    ]

    @Test func buildingIsDeterministicAndSurvivesARoundTrip() throws {
        let first = LanguageModelBuilder().build(Self.lists, notes: "fixture")
        let second = LanguageModelBuilder().build(Self.lists.reversed(), notes: "fixture")
        #expect(first.serialized() == second.serialized(), "the same lists in another order give the same bytes")
        let copy = try LanguageDetector(serialized: first.serialized())
        #expect(copy.labels == ["en", "hr", "pt", "ru"])
        #expect(copy.notes == "fixture")
        for text in ["where is my order", "gdje je moja narudžba", "onde está meu pedido", "где мой заказ", "xyzzy"] {
            #expect(copy.predict(text) == first.predict(text), "\(text)")
        }
        #expect(first.predict("hvala")?.label == "hr")
        #expect(first.predict("obrigado")?.label == "pt")
    }

    @Test func damagedModelsAreRefused() throws {
        let data = LanguageModelBuilder().build(Self.lists).serialized()
        #expect(throws: TextClassifier.ModelError.self) { try LanguageDetector(serialized: data.prefix(data.count - 3)) }
        #expect(throws: TextClassifier.ModelError.self) { try LanguageDetector(serialized: Data("SDTC".utf8)) }
        #expect(throws: TextClassifier.ModelError.self) { try LanguageDetector(serialized: data + Data([0])) }
    }

    @Test func textWithoutWordsHasNoLanguage() throws {
        let detector = try Intelligence.shipped().language
        #expect(detector.predict("") == nil)
        #expect(detector.predict("#12345 — 19,99 € 🙂") == nil)
        let probabilities = try #require(detector.predict("ok")).ranking.map(\.probability)
        #expect(abs(probabilities.reduce(0, +) - 1) < 1e-9)
    }

    /// The words and pairs chat is made of, which the word model settles.
    @Test(arguments: [
        ("hvala", "hr"), ("obrigado", "pt"), ("obrigada", "pt"), ("спасибо", "ru"), ("thanks", "en"),
        ("ok спасибо", "ru"), ("ok hvala", "hr"), ("ok thanks", "en"), ("ok obrigado", "pt"),
        ("narudžba", "hr"), ("encomenda", "pt"), ("заказ", "ru"), ("delivery", "en"),
        ("gdje je", "hr"), ("onde está", "pt"), ("где мой", "ru"), ("where is", "en"),
        ("devolução", "pt"), ("povrat novca", "hr"), ("возврат денег", "ru"), ("refund please", "en"),
        ("danke", "de"), ("merci beaucoup", "fr"), ("grazie mille", "it"), ("dziękuję", "pl"), ("дякую", "uk"),
    ])
    func shortMessages(text: String, language: String) throws {
        #expect(try Intelligence.shipped().language.predict(text)?.label == language)
    }

    @Test func aVeryLongTextIsReadOnlyAsFarAsNeeded() throws {
        let detector = try Intelligence.shipped().language
        let long = String(repeating: "gdje je moja narudžba ", count: 50_000) + String(repeating: "where is my order ", count: 100)
        #expect(detector.predict(long)?.label == "hr", "the first 200 words decide")
        let noSpaces = String(repeating: "a", count: 200_000)
        #expect(detector.predict(noSpaces) != nil, "one enormous word is scored letter by letter, not rejected")
    }

    @Test func builtFromLabelledTexts() throws {
        let lists = LanguageModelBuilder.wordLists(texts: ["where is my order", "gdje je moja narudžba", "where is it"],
                                                   labels: ["en", "hr", "en"])
        let english = try #require(lists.first { $0.language == "en" })
        #expect(english.words.first?.word == "is")
        #expect(abs(english.words.map(\.frequency).reduce(0, +) - 1) < 1e-9)
        #expect(LanguageModelBuilder().build(lists).predict("moja narudžba")?.label == "hr")
    }
}
