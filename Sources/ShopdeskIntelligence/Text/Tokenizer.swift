/// Splits text into lowercase word tokens the way every model and the help-center search see it.
///
/// A token is a run of letters and digits; an apostrophe (`'` or `’`) between two letters stays
/// inside it ("hasn't", "d'água"). Digits are kept but every digit becomes `0`, so "#1234" and
/// "#9876" are the same word to a model (the shape of an order number matters, not its value).
/// Emoji and other symbols are dropped from words but are still visible to the character n-grams
/// of `Featurizer` through `symbols`.
public struct Tokenizer: Sendable {
    public init() {}

    /// Tokens as arrays of Unicode scalar values, lowercased.
    public func scalarTokens(_ text: String) -> [[UInt32]] {
        var tokens: [[UInt32]] = []
        tokens.reserveCapacity(16)
        var current: [UInt32] = []
        current.reserveCapacity(24)
        var pendingApostrophe = false
        for scalar in text.unicodeScalars {
            let value = scalar.value
            if let lower = Tokenizer.wordScalar(scalar) {
                if pendingApostrophe {
                    current.append(0x27)
                    pendingApostrophe = false
                }
                current.append(lower)
            } else if (value == 0x27 || value == 0x2019), !current.isEmpty, !pendingApostrophe {
                pendingApostrophe = true
            } else {
                pendingApostrophe = false
                if !current.isEmpty {
                    tokens.append(current)
                    current.removeAll(keepingCapacity: true)
                }
            }
        }
        if !current.isEmpty { tokens.append(current) }
        return tokens
    }

    /// Tokens as strings, for search and for people reading test output.
    public func tokens(_ text: String) -> [String] {
        scalarTokens(text).map(Tokenizer.string)
    }

    static func string(_ scalars: [UInt32]) -> String {
        var result = String.UnicodeScalarView()
        for value in scalars {
            if let scalar = Unicode.Scalar(value) { result.append(scalar) }
        }
        return String(result)
    }

    /// The lowercase form of a letter or digit, or nil for everything else.
    @inline(__always)
    static func wordScalar(_ scalar: Unicode.Scalar) -> UInt32? {
        let value = scalar.value
        if value < ScalarTable.size {
            let mapped = ScalarTable.shared.word[Int(value)]
            return mapped == ScalarTable.notWord ? nil : mapped
        }
        return slowWordScalar(scalar)
    }

    /// `wordScalar` from Unicode's properties. Asking for a scalar's properties costs a lookup
    /// in the standard library's tables each time; `ScalarTable` asks once per scalar of the
    /// scripts our customers write (Latin, Greek, Cyrillic) and this runs for the rest.
    static func slowWordScalar(_ scalar: Unicode.Scalar) -> UInt32? {
        let value = scalar.value
        if value < 0x80 {
            switch value {
            case 0x41...0x5A: return value + 0x20
            case 0x61...0x7A: return value
            case 0x30...0x39: return 0x30
            default: return nil
            }
        }
        let properties = scalar.properties
        if properties.isAlphabetic {
            if properties.isUppercase || properties.changesWhenLowercased {
                let lower = properties.lowercaseMapping.unicodeScalars
                if lower.count == 1, let first = lower.first { return first.value }
                return value
            }
            return value
        }
        if properties.numericType == .decimal { return 0x30 }
        // Combining marks (a decomposed "é" typed as e + U+0301) belong to the word.
        if properties.generalCategory == .nonspacingMark { return value }
        return nil
    }
}

/// Unicode properties of the first `size` scalars, computed once from the standard library.
struct ScalarTable: Sendable {
    /// Latin (with its extensions), Greek and Cyrillic: the scripts of every language we classify.
    static let size: UInt32 = 0x530
    static let notWord = UInt32.max
    static let alphabetic: UInt8 = 1
    static let uppercase: UInt8 = 2
    static let shared = ScalarTable()

    /// `Tokenizer.slowWordScalar` of each scalar (`notWord` for nil).
    let word: [UInt32]
    /// `alphabetic` and `uppercase` bits of each scalar.
    let flags: [UInt8]

    private init() {
        var word = [UInt32](repeating: ScalarTable.notWord, count: Int(ScalarTable.size))
        var flags = [UInt8](repeating: 0, count: Int(ScalarTable.size))
        for value in 0..<ScalarTable.size {
            guard let scalar = Unicode.Scalar(value) else { continue }   // surrogates: none below 0x530
            word[Int(value)] = Tokenizer.slowWordScalar(scalar) ?? ScalarTable.notWord
            if scalar.properties.isAlphabetic { flags[Int(value)] |= ScalarTable.alphabetic }
            if scalar.properties.isUppercase { flags[Int(value)] |= ScalarTable.uppercase }
        }
        self.word = word
        self.flags = flags
    }

    /// How many scalars of `text` are letters, and how many of those are uppercase.
    static func letterCounts(_ text: String) -> (letters: Int, uppercase: Int) {
        var letterCount = 0
        var upperCount = 0
        let flags = shared.flags
        for scalar in text.unicodeScalars {
            let value = scalar.value
            let bits: UInt8
            if value < size {
                bits = flags[Int(value)]
            } else {
                let properties = scalar.properties
                bits = (properties.isAlphabetic ? alphabetic : 0) | (properties.isUppercase ? uppercase : 0)
            }
            if bits & alphabetic != 0 {
                letterCount += 1
                if bits & uppercase != 0 { upperCount += 1 }
            }
        }
        return (letterCount, upperCount)
    }
}

/// Removes the diacritics that our languages put on Latin letters (č ć đ š ž, ã ç é ...) so that a
/// customer who types without them still matches. Cyrillic is left as it is.
public enum Fold {
    public static func latin(_ value: UInt32) -> UInt32 {
        guard value >= 0xC0, value < 0x250 else { return value }
        switch value {
        case 0xC0...0xC5, 0xE0...0xE5, 0x100...0x105: return 0x61 // a
        case 0xC7, 0xE7, 0x106...0x10D: return 0x63 // c
        case 0xD0, 0xF0, 0x10E...0x111: return 0x64 // d (đ folds to d)
        case 0xC8...0xCB, 0xE8...0xEB, 0x112...0x11B: return 0x65 // e
        case 0x11C...0x123: return 0x67 // g
        case 0xCC...0xCF, 0xEC...0xEF, 0x128...0x131: return 0x69 // i
        case 0x139...0x142: return 0x6C // l
        case 0xD1, 0xF1, 0x143...0x148: return 0x6E // n
        case 0xD2...0xD6, 0xD8, 0xF2...0xF6, 0xF8, 0x14C...0x151: return 0x6F // o
        case 0x154...0x159: return 0x72 // r
        case 0x15A...0x161: return 0x73 // s
        case 0x162...0x167: return 0x74 // t
        case 0xD9...0xDC, 0xF9...0xFC, 0x168...0x173: return 0x75 // u
        case 0xDD, 0xFD, 0xFF, 0x176...0x178: return 0x79 // y
        case 0x179...0x17E: return 0x7A // z
        default: return value
        }
    }

    public static func latin(_ token: [UInt32]) -> [UInt32] {
        token.compactMap { value -> UInt32? in
            // Decomposed accents vanish entirely.
            if value >= 0x300, value <= 0x36F { return nil }
            return latin(value)
        }
    }
}
