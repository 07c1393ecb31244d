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
        /// A one-time code the customer typed, to compare with the one sent.
        case checkCode(String)
        /// The new shipping address the customer gave, to confirm.
        case proposeAddress(PostalAddress)
        /// Which of the offered items to return (their positions in the list, from 0).
        case chooseItems([Int])
        /// The customer said yes to the action the bot proposed.
        case confirmed
        /// The customer said no: nothing changes.
        case declined
        /// The step's question again (`BotText` key), once.
        case askAgain(String)
        /// The bot is not (or no longer) handling this conversation.
        case silent
    }

    /// The next step for a visitor's message. `knownEmail` is the email the visitor already gave;
    /// `allowed`, what the shops' bot policies let the bot do itself (`BotPolicy`).
    public static func decide(_ state: BotState, text: String, intent: String?, article: Article?, knownEmail: String?,
                              allowed: Set<BotPolicy.Action> = []) -> (Decision, BotState) {
        var state = state
        guard state.step != .done else { return (.silent, state) }
        if wantsPerson(text) { return handOver("The customer asked for a person.", state) }
        if state.step.isAction { return actionStep(state, text: text) }
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
        if let action = requestedAction(text: text, intent: intent, allowed: allowed) {
            state.pending = action
            state.verified = false
            if let number = orderNumber(in: text), let email = email(in: text) ?? knownEmail {
                return (.lookUpOrder(number: number, email: email), state)
            }
            state.step = .awaitingOrder
            return (.askForOrder(again: false), state)
        }
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

    public static func handOver(_ reason: String, _ state: BotState) -> (Decision, BotState) {
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
    public enum Step: String, Codable, Sendable {
        case start, awaitingOrder = "awaiting_order", awaitingFeedback = "awaiting_feedback", done
        /// Acting on an order: the emailed code, the new address, the items to return, the customer's yes.
        case awaitingCode = "awaiting_code", awaitingAddress = "awaiting_address", awaitingItems = "awaiting_items"
        case awaitingConfirm = "awaiting_confirm"

        var isAction: Bool { [.awaitingCode, .awaitingAddress, .awaitingItems, .awaitingConfirm].contains(self) }
    }
    public var step: Step = .start
    public var intent: String?
    public var answers = 0
    public var orderTries = 0
    public var articles: [String] = []
    public var lookedUpOrder = false
    public var handedOver = false
    public var resolved = false
    // Acting on an order (all nil while the bot only answers; stored states from before have none).
    /// What the customer asked the bot to do.
    public var pending: BotPolicy.Action?
    /// The order the customer named and proved theirs (its stored id), once verified.
    public var orderID: Int64?
    public var verified: Bool?
    /// SHA-256 of the one-time code emailed to the order's address, its expiry and the wrong tries.
    public var codeHash: String?
    public var codeExpiresAt: Date?
    public var codeTries: Int?
    /// The order's country, for an address given without one.
    public var country: String?
    /// The new address, or the lines to return, waiting for the customer's yes.
    public var address: PostalAddress?
    public var returnLines: [ReturnLine]?
    /// The returnable lines offered, in the order shown.
    public var offered: [ReturnLine]?
    /// The order action's idempotency key, chosen when it is proposed: a turn run again acts once.
    public var actionKey: String?
    /// How often the current step's question was asked again.
    public var asks: Int?
    /// What the bot did (for the handover note).
    public var acted: [String]?

    public init() {}

    enum CodingKeys: String, CodingKey {
        case step, intent, answers, articles, resolved, pending, verified, country, address, offered, asks, acted
        case orderTries = "order_tries"
        case lookedUpOrder = "looked_up_order"
        case handedOver = "handed_over"
        case orderID = "order_id"
        case codeHash = "code_hash"
        case codeExpiresAt = "code_expires_at"
        case codeTries = "code_tries"
        case returnLines = "return_lines"
        case actionKey = "action_key"
    }
}
