import Foundation
import ShopdeskCore

/// The e-commerce intent taxonomy the shipped model knows.
public enum Intents {
    public static let all = [
        "order_status", "shipping_delay", "cancel_order", "change_order", "change_address", "return_request",
        "refund_status", "exchange_size", "damaged_wrong_item", "payment_problem", "discount_code",
        "product_question", "stock_availability", "account_login", "subscription", "complaint",
        "thanks_praise", "other",
    ]
    /// The intents of a customer who may be about to buy: the reports' conversion rate counts
    /// how many of their conversations an attributed order followed.
    public static let purchase = ["product_question", "stock_availability", "discount_code"]
}

/// The three shipped models together, with the thresholds that turn probabilities into answers.
public struct Intelligence: Sendable {
    public let language: LanguageDetector
    public let intent: TextClassifier
    public let sentiment: TextClassifier
    /// Below this the intent stays unset rather than guess.
    public var intentThreshold: Double = 0.45
    /// Below this the language is "unknown".
    public var languageThreshold: Double = 0.4
    /// A workspace's own spam model, when it has adopted one (nothing ships: the rules do).
    public var spam: TextClassifier?

    public init(language: LanguageDetector, intent: TextClassifier, sentiment: TextClassifier) {
        self.language = language
        self.intent = intent
        self.sentiment = sentiment
    }

    public enum LoadError: Error, CustomStringConvertible {
        case missing(String)
        public var description: String {
            switch self {
            case let .missing(name): "the shipped model \(name) is missing from the Shopdesk bundle; rebuild or run `shopdesk intel train`"
            }
        }
    }

    /// The models shipped inside the binary's resource bundle, loaded once per process.
    public static func shipped() throws -> Intelligence {
        try ShippedModels.shared.get()
    }

    static func loadShipped() throws -> Intelligence {
        func url(_ name: String, _ suffix: String) throws -> URL {
            guard let url = Bundle.module.url(forResource: name, withExtension: suffix, subdirectory: "Models") else {
                throw LoadError.missing("\(name).\(suffix)")
            }
            return url
        }
        return Intelligence(language: try LanguageDetector(contentsOf: url("language", "sdld")),
                            intent: try TextClassifier(contentsOf: url("intent", "sdtc")),
                            sentiment: try TextClassifier(contentsOf: url("sentiment", "sdtc")))
    }

    /// Language (nil when unknown), intent (nil below the threshold), sentiment and flags.
    ///
    /// The text is tokenized once for all three models, and intent and sentiment (which look at
    /// the same features) share one featurization: this runs for every inbound message.
    public func analyze(_ text: String) -> Classification {
        let tokens = Tokenizer().scalarTokens(text)
        let counts = ScalarTable.letterCounts(text)
        var languageLabel: String? = nil
        if counts.letters >= 2 {
            if let prediction = language.predict(tokens: tokens), prediction.confidence >= languageThreshold {
                languageLabel = prediction.label
            }
            languageLabel = SouthSlavic.refine(languageLabel, text: text)
        }
        let topic = intent.featurizer.raw(tokens: tokens)
        let intentPrediction = intent.predict(features: topic)
        let mood = sentiment.probabilities(features: sentiment.config == intent.config ? topic : sentiment.featurizer.raw(tokens: tokens))
        func probability(_ label: String) -> Double {
            guard let index = sentiment.labels.firstIndex(of: label) else { return 0 }
            return Double(mood[index])
        }
        let negative = probability("negative")
        let positive = probability("positive")
        let neutral = probability("neutral")
        let urgencySignals = negative >= 0.6 ? 0 : Urgency.signals(in: text, tokens: tokens, counts: counts)
        let sentimentLabel = negative >= max(positive, neutral) ? "negative" : positive >= neutral ? "positive" : "neutral"
        return Classification(
            language: languageLabel,
            intent: intentPrediction.confidence >= intentThreshold ? intentPrediction.label : nil,
            intentConfidence: Self.rounded(intentPrediction.confidence),
            sentiment: sentimentLabel,
            sentimentScore: Self.rounded(positive - negative),
            urgent: negative >= 0.6 || urgencySignals >= 2 || (negative >= 0.4 && urgencySignals >= 1),
            promoter: positive >= 0.6
        )
    }

    static func rounded(_ value: Double) -> Double { (value * 1000).rounded() / 1000 }
}

/// Signs of urgency that do not depend on a model: shouting, repeated exclamation marks and the
/// words customers use when they mean "now" or threaten escalation, in our languages.
enum Urgency {
    static let words: Set<String> = [
        "urgent", "urgently", "asap", "immediately", "chargeback", "lawyer", "lawsuit", "fraud", "scam",
        "urgente", "imediatamente", "advogado", "procon", "golpe", "fraude",
        "срочно", "немедленно", "юрист", "суд", "мошенники", "чарджбэк",
        "hitno", "odmah", "odvjetnik", "prevara", "sud",
    ]

    static func signals(in text: String, tokens: [[UInt32]], counts: (letters: Int, uppercase: Int)) -> Int {
        var count = 0
        if text.contains("!!") { count += 1 }
        if tokens.contains(where: { words.contains(Tokenizer.string($0)) }) { count += 1 }
        if counts.letters >= 12, Double(counts.uppercase) / Double(counts.letters) > 0.6 { count += 1 }
        return count
    }
}

private final class ShippedModels: @unchecked Sendable {
    static let shared = ShippedModels()
    private let lock = NSLock()
    private var loaded: Intelligence?

    func get() throws -> Intelligence {
        lock.lock()
        defer { lock.unlock() }
        if let loaded { return loaded }
        let models = try Intelligence.loadShipped()
        loaded = models
        return models
    }
}
