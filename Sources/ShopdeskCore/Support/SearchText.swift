import Foundation

/// Folds text for search the same way in both databases: lowercase, no diacritics
/// (č→c, ã→a, é→e), Croatian đ→d, Cyrillic kept as Cyrillic (й stays й, ё becomes е).
public enum SearchText {
    /// Letters that Unicode does not decompose into a base letter plus a mark.
    private static let extraFolds: [Character: String] = [
        "đ": "d", "ł": "l", "ø": "o", "ß": "ss", "æ": "ae", "œ": "oe", "ı": "i", "ё": "е",
    ]

    public static func fold(_ text: String) -> String {
        fastFold(text) ?? slowFold(text)
    }

    /// Basic Latin, its extensions and Cyrillic fold one scalar at a time with `table`, each
    /// entry computed once by `slowFold`, so both paths give the same text. Anything else
    /// (combining marks, Greek with its final sigma, other scripts) returns nil and takes the
    /// slow path, which folds whole grapheme clusters. Most mail is in the fast path, and it
    /// runs for every message, subject and customer we index.
    static func fastFold(_ text: String) -> String? {
        var result = String.UnicodeScalarView()
        let table = foldTable
        for scalar in text.unicodeScalars {
            let value = scalar.value
            if value < 0x80 {
                result.append(value >= 0x41 && value <= 0x5A ? Unicode.Scalar(value + 0x20)! : scalar)
                continue
            }
            guard value < 0x300 || (value >= 0x400 && value < foldTableEnd) else { return nil }
            switch table[Int(value)] {
            case .one(let folded): result.append(folded)
            case .many(let folded): result.append(contentsOf: folded.unicodeScalars)
            case .combining: return nil
            }
        }
        return String(result)
    }

    private enum Folded: Sendable {
        case one(Unicode.Scalar)
        case many(String)
        /// A mark that folds together with the letter before it (Cyrillic titlo, for example).
        case combining
    }

    private static let foldTableEnd: UInt32 = 0x530
    private static let foldTable: [Folded] = (0..<foldTableEnd).map { value in
        // Surrogates start at U+D800, far above the table.
        let scalar = Unicode.Scalar(value)!
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .spacingMark: return .combining
        default: break
        }
        let folded = slowFold(String(scalar))
        let scalars = Array(folded.unicodeScalars)
        return scalars.count == 1 ? .one(scalars[0]) : .many(folded)
    }

    static func slowFold(_ text: String) -> String {
        // Keep й and ё from losing their marks through diacritic folding, except ё→е above,
        // which is how Russian speakers type it anyway.
        let lowered = text.lowercased().replacingOccurrences(of: "й", with: "\u{0}")
        let folded = lowered.folding(options: [.diacriticInsensitive], locale: nil)
        var result = ""
        result.reserveCapacity(folded.utf8.count)
        for character in folded {
            if character == "\u{0}" { result.append("й") }
            else if let replacement = extraFolds[character] { result += replacement }
            else { result.append(character) }
        }
        return result
    }

    /// Words of a search query, folded, at most `limit` of them.
    public static func queryTerms(_ query: String, limit: Int = 8) -> [String] {
        let folded = fold(query)
        let words = folded.split { !($0.isLetter || $0.isNumber) }.map(String.init)
        return Array(words.prefix(limit))
    }
}
