import Foundation
import Testing
@testable import ShopdeskIntelligence

/// The trainer chooses its L2 penalty on a held-out part of the training set. Labels that are
/// often wrong — sentiment labelled by the emoticon someone typed — are where the weakest
/// penalty learns each example by heart; this set reproduces that in Cyrillic.
@Suite struct RegularizationTests {
    /// Texts of eight filler words drawn from a large Russian-looking vocabulary (so each text is
    /// nearly unique, as tweets are) and one word that carries the label; a share of the
    /// training labels is flipped.
    static func examples(count: Int, flipped: Double, seed: UInt64) -> (texts: [String], labels: [String]) {
        var random = SplitMix64(seed: seed)
        let syllables = ["ка", "ро", "ми", "ту", "ле", "вы", "на", "со", "жи", "пу", "ре", "хо", "бе", "ды", "зо", "фа"]
        func word(_ length: Int) -> String {
            (0..<length).map { _ in syllables[Int(random.next() % UInt64(syllables.count))] }.joined()
        }
        let filler = (0..<3_000).map { _ in word(3) }
        let good = (0..<15).map { "хорош\(["о", "ий", "ая", "ие", "ему"][$0 % 5])" + word(1) }
        let bad = (0..<15).map { "плох\(["о", "ой", "ая", "ие", "ому"][$0 % 5])" + word(1) }
        var texts: [String] = [], labels: [String] = []
        for _ in 0..<count {
            let positive = random.next() % 2 == 0
            var words = (0..<8).map { _ in filler[Int(random.next() % UInt64(filler.count))] }
            let cues = positive ? good : bad
            words.insert(cues[Int(random.next() % UInt64(cues.count))], at: Int(random.next() % 9))
            let wrong = Double(random.next() % 1_000) / 1_000 < flipped
            texts.append(words.joined(separator: " "))
            labels.append(positive != wrong ? "positive" : "negative")
        }
        return (texts, labels)
    }

    static func accuracy(_ model: TextClassifier, _ set: (texts: [String], labels: [String])) -> Double {
        let right = zip(set.texts, set.labels).filter { model.predict($0.0).label == $0.1 }.count
        return Double(right) / Double(set.texts.count)
    }

    @Test func noisyLabelsGetAStrongerPenaltyAndDoNoWorse() throws {
        let train = Self.examples(count: 2_000, flipped: 0.3, seed: 1)
        let test = Self.examples(count: 600, flipped: 0, seed: 2)
        let chosen = try TextClassifier.train(texts: train.texts, labels: train.labels, config: .topic)
        let weakest = try TextClassifier.train(texts: train.texts, labels: train.labels, config: .topic,
                                               options: TrainingOptions(l2: TrainingOptions.l2Choices[0]))
        #expect(chosen.serialized() != weakest.serialized(), "a stronger penalty than the weakest should have been chosen")
        #expect(Self.accuracy(chosen, test) >= Self.accuracy(weakest, test))
    }

    @Test func fewExamplesUseTheWeakestPenaltyWithoutTrials() throws {
        let small = Self.examples(count: SoftmaxTrainer.fewestForChoosing - 1, flipped: 0.3, seed: 3)
        let chosen = try TextClassifier.train(texts: small.texts, labels: small.labels, config: .topic)
        let weakest = try TextClassifier.train(texts: small.texts, labels: small.labels, config: .topic,
                                               options: TrainingOptions(l2: TrainingOptions.l2Choices[0]))
        #expect(chosen.serialized() == weakest.serialized())
    }

    @Test func theChoiceRepeats() throws {
        let train = Self.examples(count: 600, flipped: 0.2, seed: 4)
        let first = try TextClassifier.train(texts: train.texts, labels: train.labels, config: .topic)
        let second = try TextClassifier.train(texts: train.texts, labels: train.labels, config: .topic)
        #expect(first.serialized() == second.serialized())
    }
}
