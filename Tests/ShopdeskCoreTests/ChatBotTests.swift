import ShopdeskCore
import Testing

@Suite("Chat bot decisions")
struct ChatBotTests {
    let returns = ChatBot.Article(title: "Returns and refunds", url: "https://desk.example/help/shop/en/2-returns", snippet: "You can return…", score: 7.7)
    let weak = ChatBot.Article(title: "Where is my order?", url: nil, snippet: "…", score: 3.1)

    @Test func answersFromTheHelpCenterAndResolvesWhenItHelped() {
        let (answer, waiting) = ChatBot.decide(BotState(), text: "How do I return something?", intent: "return_request", article: returns, knownEmail: nil)
        #expect(answer == .answer(returns) && waiting.step == .awaitingFeedback && waiting.answers == 1)
        let (done, finished) = ChatBot.decide(waiting, text: "Thanks, that helped!", intent: "thanks_praise", article: nil, knownEmail: nil)
        #expect(done == .resolve && finished.step == .done)
        #expect(ChatBot.decide(finished, text: "one more thing", intent: nil, article: returns, knownEmail: nil).0 == .silent, "never loops back")
    }

    @Test func weakOrMissingAnswersGoToAPerson() {
        if case .handOver = ChatBot.decide(BotState(), text: "my package arrived damaged", intent: nil, article: weak, knownEmail: nil).0 {} else {
            Issue.record("a weak match is not offered")
        }
        if case .handOver = ChatBot.decide(BotState(), text: "It arrived broken", intent: "damaged_wrong_item", article: returns, knownEmail: nil).0 {} else {
            Issue.record("damaged items need a person")
        }
        var state = BotState()
        state.answers = 2
        state.step = .awaitingFeedback
        if case .handOver = ChatBot.decide(state, text: "and what about shoes", intent: nil, article: returns, knownEmail: nil).0 {} else {
            Issue.record("two answers at most")
        }
    }

    @Test func aPersonIsOneSentenceAwayAtEveryStep() {
        for step in [BotState.Step.start, .awaitingOrder, .awaitingFeedback] {
            var state = BotState()
            state.step = step
            for text in ["Talk to a person", "quero falar com um atendente", "Позвать человека", "Razgovarati s osobom", "can I speak to a human?"] {
                let (decision, next) = ChatBot.decide(state, text: text, intent: nil, article: returns, knownEmail: nil)
                if case .handOver = decision {} else { Issue.record("\(text) at \(step) → \(decision)") }
                #expect(next.handedOver && next.step == .done)
            }
        }
    }

    @Test func ordersAreLookedUpFromANumberAndAnEmail() {
        let (ask, waiting) = ChatBot.decide(BotState(), text: "Where is my order?", intent: "order_status", article: returns, knownEmail: nil)
        #expect(ask == .askForOrder(again: false) && waiting.step == .awaitingOrder)
        let (again, stillWaiting) = ChatBot.decide(waiting, text: "I don't know", intent: nil, article: nil, knownEmail: nil)
        #expect(again == .askForOrder(again: true) && stillWaiting.orderTries == 1)
        let (lookUp, _) = ChatBot.decide(stillWaiting, text: "It's #55001, marta@example.com", intent: nil, article: nil, knownEmail: nil)
        #expect(lookUp == .lookUpOrder(number: "55001", email: "marta@example.com"))
        let (direct, _) = ChatBot.decide(BotState(), text: "where is order 55001", intent: "order_status", article: nil, knownEmail: "ana@example.hr")
        #expect(direct == .lookUpOrder(number: "55001", email: "ana@example.hr"), "the email the visitor gave is used")
        let (notFound, retry) = ChatBot.afterLookup(waiting, found: false)
        #expect(notFound == .askForOrder(again: true))
        if case .handOver = ChatBot.afterLookup(retry, found: false).0 {} else { Issue.record("a second miss hands over") }
        if case .handOver = ChatBot.decide(stillWaiting, text: "no idea", intent: nil, article: nil, knownEmail: nil).0 {} else {
            Issue.record("asking twice is enough")
        }
    }

    @Test func readingTheVisitor() {
        #expect(ChatBot.orderNumber(in: "pedido 123456 por favor") == "123456" && ChatBot.orderNumber(in: "no number here") == nil)
        #expect(ChatBot.email(in: "mail: <Ana.H@Example.hr>.") == "ana.h@example.hr")
        #expect(ChatBot.saysItHelped("That answered it") && ChatBot.saysItHelped("Isso resolveu") && ChatBot.saysItHelped("Это помогло"))
        #expect(!ChatBot.saysItHelped("That did not help") && !ChatBot.saysItHelped("Thanks, but where can I find the size chart for the new jackets?"))
        #expect(BotText.text("hello", "pt-BR").contains("bot") && BotText.text("hello", "bs").contains("bot"), "it always says it is a bot")
    }
}
