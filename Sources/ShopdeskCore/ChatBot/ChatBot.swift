import Foundation

/// The chat bot's conversation with a visitor, as pure decisions: what it knows (`BotState`),
/// what the visitor wrote and what the models and the help center said about it → what to do.
///
/// It answers routine questions from the help center when the best article is a confident
/// match, looks orders up from a number and an email, offers a person at every step and hands
/// over the moment the visitor asks, when it has no good answer, or after two answers that did
/// not settle it: it never loops, and it always says it is a bot.
public enum ChatBot {
    /// Intents the bot answers by looking the order up rather than from articles.
    public static let orderIntents: Set<String> = ["order_status", "shipping_delay"]
    /// Intents that need a person to act (something broke, a complaint, a change to an order):
    /// the bot hands these over at once instead of offering an article.
    public static let personIntents: Set<String> = ["damaged_wrong_item", "complaint", "payment_problem", "cancel_order", "change_order", "change_address"]
    /// At most this many answers before a person takes over.
    public static let maximumAnswers = 2
    /// A help-center hit must score at least this (BM25) to be offered as the answer.
    /// Measured on the demo's help center: right answers scored 4.8 to 15.6, the best wrong one 3.1.
    public static let minimumArticleScore = 4.0

    public struct Article: Equatable, Sendable {
        public var title: String
        public var url: String?
        public var snippet: String
        public var score: Double
        public init(title: String, url: String?, snippet: String, score: Double) {
            self.title = title; self.url = url; self.snippet = snippet; self.score = score
        }
    }

    public enum Decision: Equatable, Sendable {
        case answer(Article)
        case askForOrder(again: Bool)
        case lookUpOrder(number: String, email: String)
        case handOver(reason: String)
        case resolve
        /// The bot is not (or no longer) handling this conversation.
        case silent
    }

    /// The next step for a visitor's message. `knownEmail` is the email the visitor already gave.
    public static func decide(_ state: BotState, text: String, intent: String?, article: Article?, knownEmail: String?) -> (Decision, BotState) {
        var state = state
        guard state.step != .done else { return (.silent, state) }
        if wantsPerson(text) { return handOver("The customer asked for a person.", state) }
        switch state.step {
        case .awaitingFeedback where saysItHelped(text):
            state.step = .done
            return (.resolve, state)
        case .awaitingOrder:
            if let number = orderNumber(in: text), let email = email(in: text) ?? knownEmail {
                state.intent = state.intent ?? "order_status"
                return (.lookUpOrder(number: number, email: email), state)
            }
            guard state.orderTries < 1 else { return handOver("The bot could not get an order number and email.", state) }
            state.orderTries += 1
            return (.askForOrder(again: true), state)
        default:
            break
        }
        // A new question: the first one, or another after an answer.
        guard state.answers < maximumAnswers else { return handOver("Two answers did not settle it.", state) }
        if let intent { state.intent = intent }
        if let intent, personIntents.contains(intent) {
            return handOver("This needs a person: \(intent.replacingOccurrences(of: "_", with: " ")).", state)
        }
        if let intent, orderIntents.contains(intent) {
            if let number = orderNumber(in: text), let email = email(in: text) ?? knownEmail {
                return (.lookUpOrder(number: number, email: email), state)
            }
            state.step = .awaitingOrder
            return (.askForOrder(again: false), state)
        }
        if let article, article.score >= minimumArticleScore {
            state.step = .awaitingFeedback
            state.answers += 1
            state.articles.append(article.title)
            return (.answer(article), state)
        }
        return handOver("No help-center article answers it.", state)
    }

    /// After a lookup: the order (nil when the number and email do not match).
    public static func afterLookup(_ state: BotState, found: Bool) -> (Decision?, BotState) {
        var state = state
        if found {
            state.step = .awaitingFeedback
            state.answers += 1
            state.lookedUpOrder = true
            return (nil, state)
        }
        guard state.orderTries < 1 else { return handOver("The order number and email did not match an order.", state) }
        state.orderTries += 1
        state.step = .awaitingOrder
        return (.askForOrder(again: true), state)
    }

    static func handOver(_ reason: String, _ state: BotState) -> (Decision, BotState) {
        var state = state
        state.step = .done
        state.handedOver = true
        return (.handOver(reason: reason), state)
    }

    // MARK: reading the visitor

    static let personWords = ["person", "human", "agent", "operator", "someone real", "talk to someone", "real person",
                              "pessoa", "humano", "atendente", "falar com alguém",
                              "человек", "оператор", "живой", "менеджер", "сотрудник",
                              "osob", "čovjek", "operater", "agent", "razgovarati s nekim", "djelatnik"]
    static let helpedWords = ["that helped", "it helped", "helped", "answered it", "thanks", "thank you", "solved", "got it", "perfect",
                              "ajudou", "obrigad", "resolvido", "resolveu", "perfeito",
                              "помогло", "спасибо", "понятно", "решено",
                              "pomoglo", "hvala", "riješeno", "super"]

    public static func wantsPerson(_ text: String) -> Bool {
        let folded = SearchText.fold(text)
        return personWords.contains { folded.contains(SearchText.fold($0)) }
    }

    /// A short confirmation ("thanks, that helped"); a longer message is a new question.
    public static func saysItHelped(_ text: String) -> Bool {
        let folded = SearchText.fold(text)
        return folded.split(separator: " ").count <= 6 && !folded.contains("not") && !folded.contains("nao ") && !folded.contains("не ") && !folded.contains("nije")
            && helpedWords.contains { folded.contains(SearchText.fold($0)) }
    }

    /// "#1234", "order 1234", "pedido 1234": the first run of 3 to 12 digits.
    public static func orderNumber(in text: String) -> String? {
        if let mentioned = OrderNumber.mentions(in: text).first { return mentioned }
        var digits = ""
        for character in text + " " {
            if character.isASCII, character.isNumber { digits.append(character); continue }
            if (3...12).contains(digits.count) { return digits }
            digits = ""
        }
        return nil
    }

    public static func email(in text: String) -> String? {
        text.split(whereSeparator: { $0.isWhitespace || $0 == "," || $0 == ";" || $0 == "<" || $0 == ">" }).map {
            $0.trimmingCharacters(in: CharacterSet(charactersIn: ".:()[]"))
        }.first { word in
            let parts = word.split(separator: "@")
            return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".")
        }?.lowercased()
    }
}

/// Where the bot stands in one conversation (stored with the conversation).
public struct BotState: Codable, Equatable, Sendable {
    public enum Step: String, Codable, Sendable { case start, awaitingOrder = "awaiting_order", awaitingFeedback = "awaiting_feedback", done }
    public var step: Step = .start
    public var intent: String?
    public var answers = 0
    public var orderTries = 0
    public var articles: [String] = []
    public var lookedUpOrder = false
    public var handedOver = false
    public var resolved = false

    public init() {}

    enum CodingKeys: String, CodingKey {
        case step, intent, answers, articles, resolved
        case orderTries = "order_tries"
        case lookedUpOrder = "looked_up_order"
        case handedOver = "handed_over"
    }
}
