import Foundation

/// Builds a `LanguageDetector` from word lists with frequencies (each language's words with
/// their share of running text), or from labelled texts counted into such lists.
///
/// The shipped model is built from wordfreq's lists (`Scripts/intel/wordlists.py`,
/// `shopdesk intel train --task language --wordlists DIR`). Deterministic: the same lists give
/// the same bytes.
public struct LanguageModelBuilder: Sendable {
    public struct Options: Sendable {
        /// Each word counts toward the character model with weight frequency^exponent: between
        /// counting each distinct word once (0) and counting running text (1). Rare words are
        /// what the character model is for, so they weigh more than running text gives them.
        public var weightExponent = 0.25
        /// Character n-grams longer than two letters are kept when some language has them at
        /// least this often per million (weighted) n-grams; the rest back off to shorter ones.
        public var minimumPerMillion = 20.0
        /// How many of a language's most frequent words the word model keeps.
        public var wordsPerLanguage = 20_000
        public var wordsPerMainLanguage = 50_000
        public var mainLanguages: Set<String> = ["en", "pt", "ru", "hr"]
        /// Log prior of the main languages, and of Serbian in Cyrillic letters (rare in our
        /// shops; its words are Russian's and Ukrainian's look-alikes).
        public var mainPrior = 1.5
        public var priors: [String: Double] = ["sr": -1.5]
        public var alpha = 0.2
        public var step = 0.1

        public init() {}
    }

    public struct WordList: Sendable {
        public var language: String
        /// Most frequent first; frequencies are shares of running text (they sum to at most 1).
        public var words: [(word: String, frequency: Double)]

        public init(language: String, words: [(word: String, frequency: Double)]) {
            self.language = language
            self.words = words
        }
    }

    public var options: Options

    public init(options: Options = Options()) {
        self.options = options
    }

    /// One language's character counts: weight of each n-gram, of each context (the n-gram
    /// without its last letter) and how many distinct letters followed each context.
    struct LetterCounts {
        var grams: [UInt32: Double] = [:]
        var contexts: [UInt32: Double] = [:]
        var followers: [UInt32: Int] = [:]
        var letters = 0.0
    }

    public func build(_ lists: [WordList], notes: String = "") -> LanguageDetector {
        let lists = lists.sorted { $0.language < $1.language }
        let languages = lists.count
        let tokenizer = Tokenizer()
        let padding = LanguageDetector.order - 1
        var counts = [LetterCounts](repeating: LetterCounts(), count: languages)
        // Every n-gram any language has, by key, with its letters (for the interpolation).
        var seen: [UInt32: [UInt32]] = [:]
        var tokenized: [[(scalars: [UInt32], frequency: Double)]] = []
        for (language, list) in lists.enumerated() {
            var words: [(scalars: [UInt32], frequency: Double)] = []
            for (word, frequency) in list.words {
                let tokens = tokenizer.scalarTokens(word)
                guard tokens.count == 1, let token = tokens.first, !token.contains(0x30), frequency > 0 else { continue }
                words.append((token, frequency))
            }
            tokenized.append(words)
            for (token, frequency) in words {
                let weight = Foundation.pow(frequency, options.weightExponent)
                let padded = [UInt32](repeating: LanguageDetector.wordStart, count: padding) + token + [LanguageDetector.wordEnd]
                for end in padding..<padded.count {
                    counts[language].letters += weight
                    for length in 1...LanguageDetector.order {
                        let gram = padded[(end - length + 1)...end]
                        let key = LanguageDetector.gramKey(gram)
                        let context = LanguageDetector.gramKey(gram.dropLast())
                        let before = counts[language].grams[key, default: 0]
                        if before == 0 {
                            counts[language].followers[context, default: 0] += 1
                            if seen[key] == nil { seen[key] = Array(gram) }
                        }
                        counts[language].grams[key] = before + weight
                        counts[language].contexts[context, default: 0] += weight
                    }
                }
            }
        }
        // Keep one- and two-letter n-grams, and longer ones some language has often enough.
        let kept = seen.filter { key, scalars in
            scalars.count <= 2 || counts.contains { ($0.grams[key] ?? 0) / max($0.letters, 1e-12) * 1e6 >= options.minimumPerMillion }
        }.sorted { $0.key < $1.key }
        var gramKeys: [UInt32] = []
        var gramValues: [UInt8] = []
        gramKeys.reserveCapacity(kept.count)
        gramValues.reserveCapacity(kept.count * languages)
        for (key, scalars) in kept {
            gramKeys.append(key)
            for language in 0..<languages {
                gramValues.append(quantize(Foundation.log(interpolated(scalars, counts[language]))))
            }
        }
        // The word model: each language's most frequent words.
        var wordRows: [UInt32: [UInt8]] = [:]
        var unseen: [Double] = []
        for (language, words) in tokenized.enumerated() {
            let limit = options.mainLanguages.contains(lists[language].language) ? options.wordsPerMainLanguage : options.wordsPerLanguage
            var covered = 0.0
            for (token, frequency) in words.prefix(limit) {
                let key = LanguageDetector.wordKey(token)
                var row = wordRows[key] ?? [UInt8](repeating: LanguageDetector.absent, count: languages)
                // The same word twice in a list (a folded spelling): keep the more frequent.
                row[language] = min(row[language], quantize(Foundation.log(frequency)))
                wordRows[key] = row
                covered += frequency
            }
            unseen.append(max(1 - covered, 0.01))
        }
        let wordKeys = wordRows.keys.sorted()
        let priors = lists.map { options.priors[$0.language] ?? (options.mainLanguages.contains($0.language) ? options.mainPrior : 0) }
        return LanguageDetector(labels: lists.map(\.language), priors: priors, unseenShare: unseen, alpha: options.alpha,
                                step: options.step, gramKeys: gramKeys, gramValues: gramValues, wordKeys: wordKeys,
                                wordValues: wordKeys.flatMap { wordRows[$0] ?? [] }, notes: notes)
    }

    /// P(last letter | the letters before it), interpolating every order from one letter up
    /// with Witten–Bell weights: a context seen often with few different followers trusts its
    /// own counts; one seen rarely leans on the shorter context.
    func interpolated(_ scalars: [UInt32], _ counts: LetterCounts) -> Double {
        var probability = 1.0 / 100
        for length in 1...scalars.count {
            let gram = scalars[(scalars.count - length)...]
            let context = LanguageDetector.gramKey(gram.dropLast())
            guard let total = counts.contexts[context], total > 0 else { break }
            let followers = Double(counts.followers[context] ?? 0)
            let weight = total / (total + followers)
            probability = weight * (counts.grams[LanguageDetector.gramKey(gram)] ?? 0) / total + (1 - weight) * probability
        }
        return probability
    }

    func quantize(_ logProbability: Double) -> UInt8 {
        UInt8(max(0, min(254, (-logProbability / options.step).rounded())))
    }

    /// Word lists counted from labelled texts: each label's words with their share of its tokens.
    public static func wordLists(texts: [String], labels: [String]) -> [WordList] {
        var counts: [String: [String: Int]] = [:]
        let tokenizer = Tokenizer()
        for (text, label) in zip(texts, labels) {
            for token in tokenizer.tokens(text) { counts[label, default: [:]][token, default: 0] += 1 }
        }
        return counts.map { label, words in
            let total = Double(words.values.reduce(0, +))
            let sorted = words.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            return WordList(language: label, words: sorted.map { ($0.key, Double($0.value) / total) })
        }
    }
}
