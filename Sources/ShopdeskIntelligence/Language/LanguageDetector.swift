import Foundation

/// Which language a text is written in, from two models per language:
///
/// - a **word model**: how often each of the language's most frequent words occurs in running
///   text (a word list with frequencies), which settles the short, common words chat is made of
///   ("hvala", "obrigado", "ok спасибо");
/// - a **character model**: a 5-gram Markov model of letters inside words (interpolated with
///   Witten–Bell weights), which scores words the list does not have, by how the language spells.
///
/// A word's probability in a language mixes the two, `(1 − α)·frequency + α·(unseen share)·P(letters)`,
/// and a text's score is the sum of its words' log-probabilities plus the language's prior: a
/// naive Bayes classifier over words whose likelihoods are real probabilities, so one word's
/// evidence weighs the same whichever model gave it. The priors favour the four languages of our
/// shops (English, Portuguese, Russian, Croatian), which decides the words that are spelled the
/// same in Portuguese and Spanish, or in Russian and Ukrainian.
///
/// Both tables are hashed: a character n-gram's row holds, for every language, the quantized
/// −log of its interpolated probability, so one lookup per letter position scores all languages.
/// Serbian, Bosnian and Croatian written in Latin letters are one language here; `SouthSlavic`
/// tells them apart afterwards. Build one with `LanguageModelBuilder`.
public struct LanguageDetector: Sendable {
    public let labels: [String]
    /// Log prior per language.
    let priors: [Double]
    /// Per language, the share of running text its word list does not cover.
    let unseenShare: [Double]
    /// The character model's weight in a word's probability.
    let alpha: Double
    /// log((1 − α)) and, per language, log(α · unseen share): a word's probability is summed in
    /// logs, so a word no list has costs an addition, not an exp and a log.
    let logListWeight: Double
    let logSpelledWeight: [Double]
    /// Nats per quantization step of the stored −log probabilities.
    let step: Double
    let grams: FeatureIndex
    /// `grams.count × labels.count` quantized −log P(letter | previous letters).
    let gramValues: [UInt8]
    let words: FeatureIndex
    /// `words.count × labels.count` quantized −log frequency; `absent` when not in the list.
    let wordValues: [UInt8]
    public var notes: String

    static let order = 5
    static let absent: UInt8 = 255
    /// Letters before a word's first letter and after its last, in the character model.
    static let wordStart: UInt32 = 0x02
    static let wordEnd: UInt32 = 0x03
    /// Enough words to know; a long email's language is settled well before its end.
    static let maxTokens = 200

    init(labels: [String], priors: [Double], unseenShare: [Double], alpha: Double, step: Double,
         gramKeys: [UInt32], gramValues: [UInt8], wordKeys: [UInt32], wordValues: [UInt8], notes: String) {
        // Stored as 32-bit floats: rounded here too, so a model predicts the same before and
        // after a round trip through its file.
        func stored(_ value: Double) -> Double { Double(Float(value)) }
        self.labels = labels
        self.priors = priors.map(stored)
        self.unseenShare = unseenShare.map(stored)
        self.alpha = stored(alpha)
        self.step = stored(step)
        let weight = stored(alpha)
        logListWeight = Foundation.log(1 - weight)
        logSpelledWeight = unseenShare.map { Foundation.log(weight * stored($0)) }
        self.grams = FeatureIndex(keys: gramKeys.map(Self.indexKey))
        self.gramValues = gramValues
        self.words = FeatureIndex(keys: wordKeys.map(Self.indexKey))
        self.wordValues = wordValues
        self.notes = notes
    }

    public var featureCount: Int { grams.count + words.count }

    /// The language with the probability of each, best first; nil for a text without words.
    public func predict(_ text: String) -> Prediction? {
        predict(tokens: Tokenizer().scalarTokens(text))
    }

    public func predict(tokens: [[UInt32]]) -> Prediction? {
        guard let scores = scores(tokens: tokens) else { return nil }
        let best = scores.max() ?? 0
        let exponentials = scores.map { Foundation.exp($0 - best) }
        let total = exponentials.reduce(0, +)
        let ranking = zip(labels, exponentials).map { (label: $0, probability: $1 / total) }.sorted { $0.probability > $1.probability }
        return Prediction(label: ranking[0].label, confidence: ranking[0].probability, ranking: ranking)
    }

    /// The index of the best language in `labels`, or nil for a text without words.
    public func predictLabel(_ text: String) -> Int? {
        guard let scores = scores(tokens: Tokenizer().scalarTokens(text)) else { return nil }
        return scores.indices.max { scores[$0] < scores[$1] }
    }

    /// Each language's log-probability of the text's words plus its prior. Tokens with digits
    /// (order numbers, prices) say nothing of a language and are skipped.
    func scores(tokens: [[UInt32]]) -> [Double]? {
        let languages = labels.count
        var scores = priors
        var letters = [Double](repeating: 0, count: languages)
        var used = 0
        for token in tokens where !token.contains(0x30) {
            used += 1
            if used > Self.maxTokens { break }
            letterLogProbabilities(token, into: &letters)
            let row = words.row(Self.indexKey(Self.wordKey(token)))
            for language in 0..<languages {
                // log(α · unseen · P(letters)), and with the word in the list, log-added to
                // log((1 − α) · frequency).
                let spelled = logSpelledWeight[language] + letters[language]
                guard let row, case let value = wordValues[row * languages + language], value != Self.absent else {
                    scores[language] += spelled
                    continue
                }
                let listed = logListWeight - Double(value) * step
                let high = max(listed, spelled)
                scores[language] += high + Foundation.log1p(Foundation.exp(-abs(listed - spelled)))
            }
        }
        return used == 0 ? nil : scores
    }

    /// log P(word's letters) under each language's character model: at each letter, the longest
    /// n-gram (up to 5 letters) that any language has seen gives every language's probability.
    func letterLogProbabilities(_ token: [UInt32], into result: inout [Double]) {
        let languages = labels.count
        for index in result.indices { result[index] = 0 }
        let padding = Self.order - 1
        var padded = [UInt32](repeating: Self.wordStart, count: padding)
        padded.append(contentsOf: token)
        padded.append(Self.wordEnd)
        gramValues.withUnsafeBufferPointer { values in
            for end in padding..<padded.count {
                var length = Self.order
                while length >= 1 {
                    if let row = grams.row(Self.indexKey(Self.gramKey(padded[(end - length + 1)...end]))) {
                        let base = row * languages
                        for language in 0..<languages { result[language] -= Double(values[base + language]) * step }
                        break
                    }
                    length -= 1
                }
            }
        }
    }

    // MARK: Keys

    static func gramKey(_ scalars: ArraySlice<UInt32>) -> UInt32 {
        var hash = Hash.charSeed
        for value in scalars { hash = Hash.step(hash, value) }
        return UInt32(truncatingIfNeeded: Hash.finish(hash, length: scalars.count))
    }

    static func wordKey(_ scalars: [UInt32]) -> UInt32 {
        UInt32(truncatingIfNeeded: Hash.fnv(scalars, seed: Hash.wordSeed))
    }

    /// The stored 32-bit key spread over the 64 bits `FeatureIndex` uses (slot from the low
    /// bits, fingerprint from the high ones).
    @inline(__always)
    static func indexKey(_ key: UInt32) -> UInt64 {
        let spread = UInt64(key) &* 0x9E37_79B9_7F4A_7C15
        return (spread & 0xFFFF_FFFF_0000_0000) | UInt64(key)
    }
}
