import Foundation
import Testing
@testable import ShopdeskIntelligence

@Suite struct ClassifierTests {
    static let texts = [
        "where is my order", "my package has not arrived", "tracking for my parcel", "when will my order ship",
        "I want a refund", "give me my money back", "refund please", "refund still not on my card",
        "cancel my order", "please cancel it", "I want to cancel", "cancel the order now",
    ]
    static let labels = Array(repeating: "where", count: 4) + Array(repeating: "refund", count: 4)
        + Array(repeating: "cancel", count: 4)

    @Test func trainingIsDeterministic() throws {
        let first = try TextClassifier.train(texts: Self.texts, labels: Self.labels, config: .topic)
        let second = try TextClassifier.train(texts: Self.texts, labels: Self.labels, config: .topic)
        #expect(first.serialized() == second.serialized())
        let otherSeed = try TextClassifier.train(texts: Self.texts, labels: Self.labels, config: .topic,
                                                 options: TrainingOptions(seed: 7))
        #expect(otherSeed.serialized() != first.serialized())
    }

    @Test func roundTripPredictsIdentically() throws {
        let model = try TextClassifier.train(texts: Self.texts, labels: Self.labels, config: .topic, notes: "test")
        let copy = try TextClassifier(serialized: model.serialized())
        #expect(copy.labels == model.labels)
        #expect(copy.notes == "test")
        for text in ["where's my parcel?", "money back", "cancel", "something else entirely"] {
            #expect(copy.predict(text) == model.predict(text))
        }
        #expect(model.predict("I want my money back").label == "refund")
    }

    @Test func damagedModelsAreRefusedWithAReason() throws {
        let data = try TextClassifier.train(texts: Self.texts, labels: Self.labels, config: .topic).serialized()
        #expect(throws: TextClassifier.ModelError.self) { try TextClassifier(serialized: data.prefix(data.count - 10)) }
        #expect(throws: TextClassifier.ModelError.self) { try TextClassifier(serialized: Data("nope".utf8)) }
        #expect(throws: TextClassifier.TrainingError.self) {
            try TextClassifier.train(texts: ["a", "b"], labels: ["x", "x"], config: .topic)
        }
    }

    @Test func probabilitiesSumToOne() throws {
        let model = try TextClassifier.train(texts: Self.texts, labels: Self.labels, config: .topic)
        let total = model.probabilities("hello there").reduce(0, +)
        #expect(abs(total - 1) < 1e-4)
    }

    @Test func shippedModelsAnswerInOurLanguages() throws {
        let models = try Intelligence.shipped()
        let cases: [(String, String, String)] = [
            ("Where is my order #4411? I ordered two weeks ago", "en", "order_status"),
            ("Quero cancelar meu pedido, comprei por engano", "pt", "cancel_order"),
            ("Хочу вернуть куртку, она не подошла", "ru", "return_request"),
            ("Trebam promijeniti adresu dostave za narudžbu", "hr", "change_address"),
        ]
        for (text, language, intent) in cases {
            let insight = models.analyze(text)
            #expect(insight.language == language, "\(text)")
            #expect(insight.intent == intent, "\(text)")
        }
    }

    @Test func lowConfidenceLeavesTheIntentUnset() throws {
        var models = try Intelligence.shipped()
        let text = "blue"
        let confidence = models.intent.predict(text).confidence
        models.intentThreshold = confidence + 0.01
        #expect(models.analyze(text).intent == nil)
        models.intentThreshold = confidence - 0.01
        #expect(models.analyze(text).intent != nil)
        #expect(models.analyze("🙂").language == nil)
    }

    @Test func angryAndDelightedCustomersAreFlagged() throws {
        let models = try Intelligence.shipped()
        let angry = models.analyze("This is the worst service ever, I want my money back NOW!!! I'm calling my lawyer")
        #expect(angry.sentiment == "negative")
        #expect(angry.urgent)
        let happy = models.analyze("Thank you so much, you are amazing, I love it!")
        #expect(happy.sentiment == "positive")
        #expect(!happy.urgent)
    }

    /// The figure is 91.5 % on Banking77; the test allows a margin below it so that it
    /// catches a broken learner, not the second decimal. docs/PERFORMANCE.md has the measured value.
    @Test func banking77Accuracy() throws {
        // Kept in the repository (CC BY 4.0, source in its README) so a clone alone passes.
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Data/banking77")
        let trainPath = folder.appendingPathComponent("train.csv").path
        let train = try LabeledExamples.read(path: trainPath)
        let test = try LabeledExamples.read(path: folder.appendingPathComponent("test.csv").path)
        let model = try TextClassifier.train(texts: train.texts, labels: train.labels, config: .topic)
        let report = ClassificationReport(truth: test.labels, predicted: test.texts.map { model.labels[model.predictLabel($0)] })
        #expect(report.accuracy >= 0.905, "Banking77 accuracy \(report.accuracy)")
        #expect(report.macroF1 >= 0.90)
    }
}

@Suite struct ArticleSearchTests {
    let index = ArticleIndex(articles: [
        .init(id: "track", title: "Tracking your order", body: "Every order gets a tracking number by email once it ships."),
        .init(id: "returns", title: "Returns and exchanges", body: "You can return items within 30 days for a refund or exchange."),
        .init(id: "refund-time", title: "When will I get my refund?", body: "Refunds reach your card 5 to 10 days after we receive the return."),
        .init(id: "devolucao", title: "Como devolver um produto", body: "Você pode devolver pedidos em até 30 dias."),
        .init(id: "dostava", title: "Dostava i praćenje pošiljke", body: "Narudžbe šaljemo u roku od dva dana."),
        .init(id: "oplata", title: "Оплата заказа", body: "Мы принимаем карты и оплату при получении."),
    ])

    @Test func ranksTheRightArticleFirst() {
        #expect(index.search("where is my parcel tracking")[0].id == "track")
        #expect(index.search("how long until my money is refunded")[0].id == "refund-time")
        #expect(index.search("quero devolver meu pedido")[0].id == "devolucao")
        #expect(index.search("pracenje posiljke")[0].id == "dostava")
        #expect(index.search("как оплатить заказы")[0].id == "oplata")
    }

    @Test func synonymsReachAcrossWords() {
        // "reimburse" is in no article; its synonym "refund" is.
        #expect(index.search("reimburse")[0].id == "refund-time")
    }

    @Test func rankingFigures() {
        var evaluation = RankingEvaluation()
        evaluation.add(ranked: ["a", "b"], expected: "a")
        evaluation.add(ranked: ["b", "a"], expected: "a")
        evaluation.add(ranked: ["b", "c", "d", "e", "f", "a"], expected: "a")
        evaluation.add(ranked: [], expected: "a")
        #expect(evaluation.precisionAt1 == 0.25)
        #expect(evaluation.recallAt5 == 0.5)
        #expect(abs(evaluation.mrrAt10 - (1 + 0.5 + 1.0 / 6) / 4) < 1e-9)
    }

    @Test func outOfScopeFiguresCountInScopeRowsAndRecognisedOnes() throws {
        let report = try #require(OutOfScopeReport(truth: ["a", "b", "oos", "oos", "a"], predicted: ["a", "oos", "oos", "a", "a"], label: "oos"))
        #expect(report.inScopeAccuracy == 2.0 / 3.0, "an in-scope row answered out of scope is wrong")
        #expect(report.recall == 0.5)
        #expect(report.precision == 0.5)
        #expect(OutOfScopeReport(truth: ["a"], predicted: ["oos"], label: "oos") == nil, "no out-of-scope rows, no figures")
    }

    @Test func metricsMatchHandComputedFigures() {
        let report = ClassificationReport(truth: ["a", "a", "b", "b"], predicted: ["a", "b", "b", "b"])
        #expect(report.accuracy == 0.75)
        // a: p 1, r .5, f1 2/3; b: p 2/3, r 1, f1 .8
        #expect(abs(report.macroF1 - (2.0 / 3 + 0.8) / 2) < 1e-9)
    }
}
