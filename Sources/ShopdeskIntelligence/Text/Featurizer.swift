/// What a model looks at in a text. Stored inside every model, so a model always featurizes
/// the way it was trained.
public struct FeatureConfig: Sendable, Equatable {
    /// Word unigrams.
    public var words: Bool
    /// Adjacent word pairs.
    public var bigrams: Bool
    /// Unordered-distance word pairs up to this many words apart (0: none, 1 would repeat bigrams).
    public var skipWindow: Int
    /// Character n-grams of each word padded with a space on both sides; 0 turns them off.
    public var charMin: Int
    public var charMax: Int
    /// Strip common inflection endings from word features (not from character n-grams).
    public var stem: Bool
    /// Fold Latin diacritics in word features, so "cancelação" and "cancelacao" are one word.
    public var foldWords: Bool

    public init(words: Bool = true, bigrams: Bool = true, skipWindow: Int = 3, charMin: Int = 2,
                charMax: Int = 5, stem: Bool = true, foldWords: Bool = true) {
        self.words = words
        self.bigrams = bigrams
        self.skipWindow = skipWindow
        self.charMin = charMin
        self.charMax = charMax
        self.stem = stem
        self.foldWords = foldWords
    }

    /// Words, pairs and character n-grams: intent and sentiment. (Language has a model of its own, `LanguageDetector`.)
    public static let topic = FeatureConfig()
}

/// A text's features before weighting: hashed feature keys with how often each occurs, in two
/// blocks (word features and character features) that are normalized separately.
public struct RawFeatures: Sendable {
    public var wordKeys: [UInt64] = []
    public var charKeys: [UInt64] = []
}

/// Turns text into hashed features (fastText-style hashing of word and character n-grams).
/// Hashing is over Unicode scalar values with 64-bit FNV-1a, so keys are stable across
/// platforms and runs; a model maps the keys it saw in training to rows of its weights.
public struct Featurizer: Sendable {
    public let config: FeatureConfig
    private let tokenizer = Tokenizer()

    public init(config: FeatureConfig) {
        self.config = config
    }

    public func raw(_ text: String) -> RawFeatures {
        raw(tokens: tokenizer.scalarTokens(text))
    }

    /// Features of text already split by `Tokenizer.scalarTokens`, so that several models can
    /// share one tokenization.
    public func raw(tokens: [[UInt32]]) -> RawFeatures {
        var tokens = tokens
        var result = RawFeatures()
        if config.charMax > 0 {
            result.charKeys.reserveCapacity(tokens.count * 20)
            for token in tokens { appendCharacterGrams(of: token, to: &result.charKeys) }
        }
        if config.words {
            if config.foldWords || config.stem {
                for index in tokens.indices {
                    var token = tokens[index]
                    if config.foldWords { token = Fold.latin(token) }
                    if config.stem { token = Stemmer.light(token) }
                    tokens[index] = token
                }
            }
            let hashes = tokens.map { Hash.fnv($0, seed: Hash.wordSeed) }
            result.wordKeys.reserveCapacity(hashes.count * (1 + (config.bigrams ? 1 : 0) + config.skipWindow))
            result.wordKeys.append(contentsOf: hashes)
            if config.bigrams, hashes.count > 1 {
                for index in 1..<hashes.count {
                    result.wordKeys.append(Hash.pair(hashes[index - 1], hashes[index], salt: 1))
                }
            }
            if config.skipWindow >= 2 {
                for index in hashes.indices {
                    var other = index + 2
                    while other < hashes.count, other <= index + config.skipWindow {
                        result.wordKeys.append(Hash.pair(hashes[index], hashes[other], salt: 2))
                        other += 1
                    }
                }
            }
        }
        return result
    }

    private func appendCharacterGrams(of token: [UInt32], to keys: inout [UInt64]) {
        // " word " so that n-grams know where a word starts and ends.
        let count = token.count + 2
        @inline(__always) func scalar(_ index: Int) -> UInt32 {
            index == 0 || index == count - 1 ? 0x20 : token[index - 1]
        }
        let low = max(1, config.charMin)
        for start in 0..<count {
            var hash = Hash.charSeed
            var length = 0
            var position = start
            while position < count, length < config.charMax {
                hash = Hash.step(hash, scalar(position))
                length += 1
                position += 1
                // A lone padding space says nothing.
                if length >= low, !(length == 1 && scalar(start) == 0x20) {
                    keys.append(Hash.finish(hash, length: length))
                }
            }
        }
    }
}

enum Hash {
    static let offset: UInt64 = 0xcbf2_9ce4_8422_2325
    static let prime: UInt64 = 0x0000_0100_0000_01b3
    static let wordSeed: UInt64 = offset ^ 0x5744
    static let charSeed: UInt64 = offset ^ 0x4348

    @inline(__always)
    static func step(_ hash: UInt64, _ value: UInt32) -> UInt64 {
        var hash = hash
        var value = value
        // Four bytes per scalar so that every script hashes the same way.
        for _ in 0..<4 {
            hash ^= UInt64(value & 0xFF)
            hash = hash &* prime
            value >>= 8
        }
        return hash
    }

    @inline(__always)
    static func fnv(_ scalars: [UInt32], seed: UInt64) -> UInt64 {
        var hash = seed
        for value in scalars { hash = step(hash, value) }
        return mix(hash)
    }

    @inline(__always)
    static func finish(_ hash: UInt64, length: Int) -> UInt64 {
        mix(hash ^ (UInt64(length) << 56))
    }

    @inline(__always)
    static func pair(_ first: UInt64, _ second: UInt64, salt: UInt64) -> UInt64 {
        mix(first &* 0x9E37_79B9_7F4A_7C15 ^ (second &+ salt &* 0xBF58_476D_1CE4_E5B9))
    }

    /// SplitMix64's finalizer: spreads bits so keys work in a power-of-two table.
    @inline(__always)
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// A deliberately small, language-neutral stemmer for model features: it removes the most common
/// inflection endings of English, Portuguese, Spanish, Croatian and Russian words when enough of
/// the word remains. Search uses the per-language stemmers in `SearchAnalyzer` instead.
enum Stemmer {
    private static let suffixes: [[UInt32]] = [
        "ing", "ed", "es", "s", "'s",
        // Russian
        "ами", "ями", "ого", "его", "ому", "ему", "ая", "яя", "ой", "ый", "ий", "ые", "ие", "ов", "ев", "ам",
        "ям", "ах", "ях", "ть", "а", "я", "у", "ю", "ы", "и", "е", "о",
        // Croatian
        "ama", "ima", "om", "em", "u", "a", "i", "e",
        // Portuguese
        "ões", "ção", "os", "as",
    ].map { $0.unicodeScalars.map(\.value) }.sorted { $0.count > $1.count }

    static func light(_ token: [UInt32]) -> [UInt32] {
        guard token.count > 4 else {
            if token.count == 4, token.last == 0x73, token[2] != 0x73 { return Array(token.dropLast()) }
            return token
        }
        for suffix in suffixes where token.count - suffix.count >= 3 {
            if token.suffix(suffix.count).elementsEqual(suffix) {
                return Array(token.dropLast(suffix.count))
            }
        }
        return token
    }
}
