/// What the intelligence models said about a customer message, stored on the message; the
/// conversation keeps its language, intent (from the first message that had one, or an agent's
/// correction) and the latest sentiment.
public struct Classification: Equatable, Sendable {
    /// ISO 639-1 code, or nil when the model could not tell.
    public var language: String?
    /// nil when the model was not confident enough to name one.
    public var intent: String?
    public var intentConfidence: Double
    /// negative, neutral or positive.
    public var sentiment: String
    /// P(positive) − P(negative), −1 … 1.
    public var sentimentScore: Double
    public var urgent: Bool
    public var promoter: Bool
    /// The workspace's own spam model (when it has adopted one) is sure this is spam; not stored.
    public var spam: Bool

    public init(language: String?, intent: String?, intentConfidence: Double, sentiment: String, sentimentScore: Double,
                urgent: Bool, promoter: Bool, spam: Bool = false) {
        self.language = language
        self.intent = intent
        self.intentConfidence = intentConfidence
        self.sentiment = sentiment
        self.sentimentScore = sentimentScore
        self.urgent = urgent
        self.promoter = promoter
        self.spam = spam
    }
}
