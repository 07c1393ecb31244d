/// Figures for a ranked search: is the right article first (P@1), in the top five (R@5), and how
/// high on average (MRR@10, 0 when it is not in the top ten).
public struct RankingEvaluation: Sendable {
    public private(set) var count = 0
    private var first = 0
    private var inFive = 0
    private var reciprocalRanks = 0.0

    public init() {}

    public mutating func add(ranked: [String], expected: String) {
        count += 1
        guard let position = ranked.prefix(10).firstIndex(of: expected) else { return }
        if position == 0 { first += 1 }
        if position < 5 { inFive += 1 }
        reciprocalRanks += 1 / Double(position + 1)
    }

    public var precisionAt1: Double { count == 0 ? 0 : Double(first) / Double(count) }
    public var recallAt5: Double { count == 0 ? 0 : Double(inFive) / Double(count) }
    public var mrrAt10: Double { count == 0 ? 0 : reciprocalRanks / Double(count) }
}

/// Language labels as the shipped model writes them: ISO 639-1 codes.
public enum LanguageCodes {
    public static let supported = ["en", "pt", "ru", "hr", "es", "de", "fr", "it", "pl", "uk", "sr", "bs"]

    private static let aliases: [String: String] = [
        "english": "en", "eng": "en", "portuguese": "pt", "por": "pt", "pt-br": "pt", "pt_br": "pt", "pt-pt": "pt",
        "russian": "ru", "rus": "ru", "croatian": "hr", "hrv": "hr", "spanish": "es", "spa": "es", "german": "de",
        "deu": "de", "ger": "de", "french": "fr", "fra": "fr", "fre": "fr", "italian": "it", "ita": "it",
        "polish": "pl", "pol": "pl", "ukrainian": "uk", "ukr": "uk", "serbian": "sr", "srp": "sr",
        "bosnian": "bs", "bos": "bs",
    ]

    /// Accepts codes ("pt", "pt-BR"), three-letter codes and English names; anything else is kept.
    public static func normalize(_ label: String) -> String {
        let lower = label.lowercased()
        if let alias = aliases[lower] { return alias }
        if lower.count > 2, let dash = lower.firstIndex(where: { $0 == "-" || $0 == "_" }) {
            let base = String(lower[..<dash])
            if supported.contains(base) { return base }
        }
        return lower
    }
}
