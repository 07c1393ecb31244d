import Foundation

/// The bot acting on an order, as pure decisions: which request it takes on (`requestedAction`)
/// and how it reads the customer's answers on the way (the code, the new address, the items,
/// yes or no). Looking the order up, checking the shop's policy and running the action are the
/// runner's; every step it cannot read twice hands over.
extension ChatBot {
    /// The action a customer's message asks for, when the shops' policies let the bot do it.
    /// Tracking is asked for in words rather than by an intent of its own.
    public static func requestedAction(text: String, intent: String?, allowed: Set<BotPolicy.Action>) -> BotPolicy.Action? {
        if let action = BotPolicy.Action.requested(by: intent), allowed.contains(action) { return action }
        if allowed.contains(.resendTracking), intent == nil || orderIntents.contains(intent ?? ""), mentionsTracking(text) { return .resendTracking }
        return nil
    }

    /// The customer's answer while the bot is acting.
    static func actionStep(_ state: BotState, text: String) -> (Decision, BotState) {
        var state = state
        switch state.step {
        case .awaitingCode:
            if let code = oneTimeCode(in: text) { return (.checkCode(code), state) }
            return askAgain("askCode", state, otherwise: "The customer did not give the emailed code.")
        case .awaitingAddress:
            if let address = BotAddress.parse(text, defaultCountry: state.country) {
                state.asks = nil
                return (.proposeAddress(address), state)
            }
            return askAgain("askAddressAgain", state, otherwise: "The bot could not read the new address.")
        case .awaitingItems:
            if let chosen = chosenItems(text, count: state.offered?.count ?? 0) {
                state.asks = nil
                return (.chooseItems(chosen), state)
            }
            return askAgain("askItemsAgain", state, otherwise: "The bot could not tell which items to return.")
        case .awaitingConfirm:
            switch answer(text) {
            case true?:
                return (.confirmed, state)
            case false?:
                state.step = .awaitingFeedback
                state.answers += 1
                state.pending = nil
                state.asks = nil
                return (.declined, state)
            case nil:
                return askAgain("askConfirm", state, otherwise: "The customer did not confirm.")
            }
        default:
            return (.silent, state)
        }
    }

    private static func askAgain(_ key: String, _ state: BotState, otherwise reason: String) -> (Decision, BotState) {
        var state = state
        guard (state.asks ?? 0) < 1 else { return handOver(reason, state) }
        state.asks = (state.asks ?? 0) + 1
        return (.askAgain(key), state)
    }

    static let yesWords = ["yes", "yeah", "yep", "sure", "ok", "okay", "confirm", "confirmed", "go ahead", "please do",
                           "sim", "claro", "confirmo", "pode", "pode ser", "isso",
                           "да", "ага", "подтверждаю", "конечно", "давайте",
                           "da", "moze", "potvrdjujem", "potvrdujem", "naravno", "svakako"]
    static let noWords = ["no", "nope", "don't", "do not", "cancel that", "nao", "não", "nem", "нет", "не надо", "не нужно", "ne", "nemoj", "nemojte"]

    /// Yes (true), no (false) or neither, in a short answer of the four languages; the widget's
    /// and the channels' buttons send the same words.
    public static func answer(_ text: String) -> Bool? {
        let folded = SearchText.fold(text)
        let words = folded.split { !$0.isLetter && $0 != "'" }.map(String.init)
        guard !words.isEmpty, words.count <= 8 else { return nil }
        let joined = " " + words.joined(separator: " ") + " "
        let has = { (phrases: [String]) in phrases.contains { joined.contains(" " + SearchText.fold($0) + " ") } }
        if has(noWords) { return false }
        if has(yesWords) { return true }
        return nil
    }

    /// Six digits, alone or among words ("the code is 123 456").
    public static func oneTimeCode(in text: String) -> String? {
        let digits = text.filter { $0.isASCII && $0.isNumber }
        return digits.count == 6 ? digits : nil
    }

    static let allWords = ["all", "everything", "both", "todos", "todas", "tudo", "ambos", "все", "всё", "оба", "sve", "svi", "oba"]

    /// Positions (from 0) of the items the customer chose by their numbers in the list (1-based),
    /// or all of them; nil when the answer names none of them.
    public static func chosenItems(_ text: String, count: Int) -> [Int]? {
        guard count > 0 else { return nil }
        let folded = SearchText.fold(text)
        let words = folded.split { !$0.isLetter && !$0.isNumber }.map(String.init)
        if words.contains(where: { word in allWords.contains { SearchText.fold($0) == word } }) { return Array(0..<count) }
        let chosen = words.compactMap(Int.init).filter { (1...count).contains($0) }.map { $0 - 1 }
        guard !chosen.isEmpty, chosen.count == Set(chosen).count else { return nil }
        return chosen.sorted()
    }

    static let trackingWords = ["tracking", "track my", "tracking number", "tracking link",
                                "rastreio", "rastreamento", "codigo de rastreio", "código de rastreio",
                                "трек", "отслежива", "номер отправления",
                                "pracenje", "praćenje", "broj za pracenje", "broj posiljke", "broj pošiljke"]

    public static func mentionsTracking(_ text: String) -> Bool {
        let folded = SearchText.fold(text)
        return trackingWords.contains { folded.contains(SearchText.fold($0)) }
    }
}
