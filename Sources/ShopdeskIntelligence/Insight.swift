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
}

/// The three shipped models together, with the thresholds that turn probabilities into answers.
public struct Intelligence: Sendable {
    public let language: TextClassifier
    public let intent: TextClassifier
    public let sentiment: TextClassifier
    /// Below this the intent stays unset rather than guess.
    public var intentThreshold: Double = 0.45
    /// Below this the language is "unknown".
    public var languageThreshold: Double = 0.4

    public init(language: TextClassifier, intent: TextClassifier, sentiment: TextClassifier) {
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
        func load(_ name: String) throws -> TextClassifier {
            guard let url = Bundle.module.url(forResource: name, withExtension: "sdtc", subdirectory: "Models") else {
                throw LoadError.missing("\(name).sdtc")
            }
            return try TextClassifier(contentsOf: url)
        }
        return Intelligence(language: try load("language"), intent: try load("intent"), sentiment: try load("sentiment"))
    }

    /// Language (nil when unknown), intent (nil below the threshold), sentiment and flags.
    public func analyze(_ text: String) -> Classification {
        let letters = text.unicodeScalars.filter { $0.properties.isAlphabetic }.count
        var languageLabel: String? = nil
        if letters >= 2 {
            let prediction = language.predict(text)
            if prediction.confidence >= languageThreshold { languageLabel = prediction.label }
        }
        let intentPrediction = intent.predict(text)
        let mood = sentiment.probabilities(text)
        func probability(_ label: String) -> Double {
            guard let index = sentiment.labels.firstIndex(of: label) else { return 0 }
            return Double(mood[index])
        }
        let negative = probability("negative")
        let positive = probability("positive")
        let neutral = probability("neutral")
        // Counted once: it tokenizes the text again, and this runs for every inbound message.
        let urgencySignals = negative >= 0.6 ? 0 : Urgency.signals(in: text)
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

    static func signals(in text: String) -> Int {
        var count = 0
        if text.contains("!!") { count += 1 }
        let tokens = Tokenizer().tokens(text)
        if tokens.contains(where: { words.contains($0) }) { count += 1 }
        let letters = text.unicodeScalars.filter { $0.properties.isAlphabetic }
        let upper = letters.filter { $0.properties.isUppercase }.count
        if letters.count >= 12, Double(upper) / Double(letters.count) > 0.6 { count += 1 }
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
