import Foundation

/// Folds text for search the same way in both databases: lowercase, no diacritics
/// (č→c, ã→a, é→e), Croatian đ→d, Cyrillic kept as Cyrillic (й stays й, ё becomes е).
public enum SearchText {
    /// Letters that Unicode does not decompose into a base letter plus a mark.
    private static let extraFolds: [Character: String] = [
        "đ": "d", "ł": "l", "ø": "o", "ß": "ss", "æ": "ae", "œ": "oe", "ı": "i", "ё": "е",
    ]

    public static func fold(_ text: String) -> String {
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
