import Foundation
@testable import ShopdeskCore
import Testing

/// The bot acting on orders: what it takes on, how it reads answers, and what the policy refuses.
@Suite("Chat bot actions")
struct ChatBotActionTests {
    static let all = Set(BotPolicy.Action.allCases)

    @Test func aRequestTheShopAllowsIsTakenOnAndOneItDoesNotIsHandedOver() {
        let (ask, waiting) = ChatBot.decide(BotState(), text: "Quero cancelar o meu pedido", intent: "cancel_order", article: nil, knownEmail: nil, allowed: Self.all)
        #expect(ask == .askForOrder(again: false) && waiting.pending == .cancel && waiting.step == .awaitingOrder)
        let (lookUp, _) = ChatBot.decide(waiting, text: "#1001 ana@example.pt", intent: nil, article: nil, knownEmail: nil, allowed: Self.all)
        #expect(lookUp == .lookUpOrder(number: "#1001", email: "ana@example.pt") || lookUp == .lookUpOrder(number: "1001", email: "ana@example.pt"), "\(lookUp)")
        // Not allowed: a person does it, as before.
        if case .handOver = ChatBot.decide(BotState(), text: "Cancel my order", intent: "cancel_order", article: nil, knownEmail: nil, allowed: [.startReturn]).0 {} else {
            Issue.record("a cancellation the policy does not allow goes to a person")
        }
        // Tracking is asked for in words.
        #expect(ChatBot.requestedAction(text: "I never got the tracking number", intent: nil, allowed: Self.all) == .resendTracking)
        #expect(ChatBot.requestedAction(text: "Onde está o código de rastreio?", intent: "order_status", allowed: Self.all) == .resendTracking)
        #expect(ChatBot.requestedAction(text: "Where is my order?", intent: "order_status", allowed: Self.all) == nil)
    }

    @Test func yesNoInTheFourLanguages() {
        for yes in ["Yes", "yes please", "Sim", "sim, pode cancelar", "Да", "да, подтверждаю", "Da", "Može"] { #expect(ChatBot.answer(yes) == true, "\(yes)") }
        for no in ["No", "no thanks", "Não", "nao", "Нет", "не надо", "Ne", "Nemojte"] { #expect(ChatBot.answer(no) == false, "\(no)") }
        for neither in ["what?", "when will it arrive", String(repeating: "yes ", count: 20)] { #expect(ChatBot.answer(neither) == nil, "\(neither)") }
    }

    @Test func confirmingRunsTheActionDecliningChangesNothingAndTwoUnclearAnswersHandOver() {
        var state = BotState()
        state.pending = .cancel
        state.step = .awaitingConfirm
        #expect(ChatBot.decide(state, text: "Sim", intent: nil, article: nil, knownEmail: nil).0 == .confirmed)
        let (declined, after) = ChatBot.decide(state, text: "não", intent: nil, article: nil, knownEmail: nil)
        #expect(declined == .declined && after.pending == nil && after.step == .awaitingFeedback)
        let (again, unsure) = ChatBot.decide(state, text: "hmm", intent: nil, article: nil, knownEmail: nil)
        #expect(again == .askAgain("askConfirm"))
        if case .handOver = ChatBot.decide(unsure, text: "maybe", intent: nil, article: nil, knownEmail: nil).0 {} else { Issue.record("a second unclear answer hands over") }
        // Asking for a person wins at every step.
        if case .handOver = ChatBot.decide(state, text: "falar com uma pessoa", intent: nil, article: nil, knownEmail: nil).0 {} else { Issue.record("a person") }
    }

    @Test func codesAndItems() {
        #expect(ChatBot.oneTimeCode(in: "the code is 123 456") == "123456" && ChatBot.oneTimeCode(in: "12345") == nil)
        #expect(ChatBot.chosenItems("1 and 3", count: 3) == [0, 2] && ChatBot.chosenItems("todos", count: 2) == [0, 1])
        #expect(ChatBot.chosenItems("4", count: 3) == nil && ChatBot.chosenItems("the blue one", count: 3) == nil && ChatBot.chosenItems("1", count: 0) == nil)
        var state = BotState()
        state.step = .awaitingCode
        #expect(ChatBot.decide(state, text: "481 516", intent: nil, article: nil, knownEmail: nil).0 == .checkCode("481516"))
    }

    @Test func addressesAsCustomersWriteThem() throws {
        let lisbon = try #require(BotAddress.parse("Rua Augusta 10, 1100-053 Lisboa, Portugal", defaultCountry: nil))
        #expect(lisbon.address1 == "Rua Augusta 10" && lisbon.zip == "1100-053" && lisbon.city == "Lisboa" && lisbon.countryCode == "PT")
        let zagreb = try #require(BotAddress.parse("Ilica 10\nstan 4\n10000 Zagreb", defaultCountry: "HR"))
        #expect(zagreb.address2 == "stan 4" && zagreb.city == "Zagreb" && zagreb.countryCode == "HR")
        let moscow = try #require(BotAddress.parse("ул. Тверская 7, 125009, Москва, Россия", defaultCountry: nil))
        #expect(moscow.zip == "125009" && moscow.city == "Москва" && moscow.countryCode == "RU")
        #expect(BotAddress.parse("somewhere nice", defaultCountry: "PT") == nil)
        #expect(BotAddress.parse("Rua Augusta 10, Lisboa", defaultCountry: "PT") == nil, "no postal code")
        #expect(BotAddress.parse("Rua Augusta 10, 1100-053 Lisboa", defaultCountry: nil) == nil, "no country known")
        // Long input is cut, never scanned beyond 300 characters.
        #expect(BotAddress.parse(String(repeating: "a, 12345 b, ", count: 100_000), defaultCountry: "PT") != nil)
    }

    @Test func thePolicyRefusesWhatTheShopDidNotAllow() {
        let order = StoreOrder(id: "1", number: "#1001", createdAt: Date(), financialStatus: .paid, fulfillmentStatus: .unfulfilled,
                               total: Amount(minor: 25_000, currency: "EUR"))
        let policy = BotPolicy(actions: [.cancel, .changeAddress], verification: .orderEmail, maxRefundMinor: 20_000, unfulfilledOnly: true)
        #expect(policy.refusal(.cancel, order: order)?.contains("above the 200.00 EUR") == true)
        #expect(policy.refusal(.changeAddress, order: order) == nil)
        #expect(policy.refusal(.startReturn, order: order)?.contains("may not start returns") == true)
        var partial = order
        partial.fulfillmentStatus = .partial
        #expect(policy.refusal(.changeAddress, order: partial)?.contains("has shipped") == true)
        var cancelled = order
        cancelled.cancelledAt = Date()
        #expect(policy.refusal(.changeAddress, order: cancelled)?.contains("already cancelled") == true)
        // Stored states from before the bot could act still read.
        let old = #"{"step":"awaiting_feedback","answers":1,"order_tries":0,"articles":[],"looked_up_order":true,"handed_over":false,"resolved":false}"#
        #expect((try? JSONDecoder().decode(BotState.self, from: Data(old.utf8)))?.pending == nil)
    }
}
