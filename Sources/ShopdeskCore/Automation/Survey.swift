import Foundation

/// Whether and how customers are asked about their conversation once it is resolved.
public struct SurveySettings: Codable, Equatable, Sendable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case off
        /// Customer satisfaction: 1 (very unhappy) to 5 (very happy).
        case csat
        /// Net promoter score: 0 to 10, "how likely are you to recommend us".
        case nps

        public var scores: ClosedRange<Int> { self == .nps ? 0...10 : 1...5 }
    }

    public var kind: Kind
    /// Minutes after resolution before the survey goes out (a quick reopen cancels it).
    public var delayMinutes: Int
    /// Where promoters are asked to leave a review (`{{workspace.review_url}}` in macros).
    public var reviewURL: String?

    public init(kind: Kind = .off, delayMinutes: Int = 0, reviewURL: String? = nil) {
        self.kind = kind
        self.delayMinutes = delayMinutes
        self.reviewURL = reviewURL
    }

    /// `reviewUrl`, so the API's snake_case `review_url` maps onto it.
    private enum CodingKeys: String, CodingKey { case kind, delayMinutes, reviewURL = "reviewUrl" }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        kind = try container.decodeIfPresent(Kind.self, forKey: .kind) ?? .off
        delayMinutes = try container.decodeIfPresent(Int.self, forKey: .delayMinutes) ?? 0
        reviewURL = try container.decodeIfPresent(String.self, forKey: .reviewURL)
    }

    public func validated() throws(ShopdeskError) -> SurveySettings {
        guard (0...(60 * 24 * 7)).contains(delayMinutes) else {
            throw .invalid(field: "delay_minutes", "Send the survey from 0 minutes to a week after resolution.")
        }
        if let reviewURL, !reviewURL.isEmpty {
            guard let url = URL(string: reviewURL), ["http", "https"].contains(url.scheme?.lowercased() ?? ""), url.host != nil else {
                throw .invalid(field: "review_url", "The review link must be an http(s) address.")
            }
        }
        return self
    }

    /// The question sent to the customer, in their language, with the link to answer.
    public static func invitation(kind: Kind, language: String?, link: String) -> String {
        let question: String
        switch (kind, String((language ?? "en").prefix(2))) {
        case (.nps, "pt"): question = "De 0 a 10, quanto você recomendaria a nossa loja a um amigo?"
        case (.nps, "ru"): question = "Насколько вероятно, что вы порекомендуете нас друзьям (от 0 до 10)?"
        case (.nps, "hr"): question = "Koliko biste nas vjerojatno preporučili prijatelju (od 0 do 10)?"
        case (.nps, _): question = "How likely are you to recommend us to a friend, from 0 to 10?"
        case (_, "pt"): question = "Como foi o nosso atendimento? Avalie de 1 a 5."
        case (_, "ru"): question = "Как мы вам помогли? Оцените от 1 до 5."
        case (_, "hr"): question = "Kako smo vam pomogli? Ocijenite od 1 do 5."
        default: question = "How did we do? Rate our help from 1 to 5."
        }
        return "\(question)\n\(link)"
    }
}
