import Testing
@testable import ShopdeskIntelligence

/// Suggested replies: past answers found by the question, one per answer, in the customer's language.
@Suite("Reply index") struct ReplyIndexTests {
    static let examples = [
        ReplyIndex.Example(question: "gdje je moja narudžba, još nije stigla", reply: "Bok {{customer.first_name}}, narudžba je poslana jučer.",
                           conversationID: 1, inboxID: 1, language: "hr"),
        ReplyIndex.Example(question: "narudžba mi nije stigla", reply: "Bok {{customer.first_name}},  narudžba je poslana jučer!",
                           conversationID: 2, inboxID: 1, language: "hr"),
        ReplyIndex.Example(question: "kako vratiti proizvod", reply: "Povrat je besplatan 30 dana.", conversationID: 3, inboxID: 1, language: "hr"),
        ReplyIndex.Example(question: "where is my order, it has not arrived", reply: "Hi, it shipped yesterday.", conversationID: 4, inboxID: 1, language: "en"),
        ReplyIndex.Example(question: "gdje je paket narudžba", reply: "Paket je kod kurira.", conversationID: 5, inboxID: 2, language: "hr"),
    ]

    @Test func theSameAnswerTwiceIsOneSuggestionCountedTwice() {
        let suggestions = ReplyIndex(examples: Self.examples).suggest("Gdje je moja narudžba? Nije stigla.", language: "hr")
        let first = suggestions.first
        #expect(first?.reply.hasPrefix("Bok {{customer.first_name}}") == true, "\(suggestions)")
        #expect(first?.uses == 2, "spacing and punctuation aside, the two answers are one")
        #expect(!suggestions.contains { $0.reply.hasPrefix("Hi,") }, "an English answer is never suggested to a Croatian conversation")
        #expect(!suggestions.contains { $0.reply.hasPrefix("Povrat") }, "an answer to another question is not suggested")
    }

    @Test func onlyTheInboxesTheAgentSeesAndNothingForNoWords() {
        let index = ReplyIndex(examples: Self.examples)
        #expect(index.suggest("gdje je paket", language: "hr").contains { $0.conversationID == 5 })
        #expect(!index.suggest("gdje je paket", language: "hr", inboxes: [1]).contains { $0.conversationID == 5 })
        #expect(index.suggest("?!", language: "hr").isEmpty)
        #expect(index.suggest("where is my order", language: nil).first?.conversationID == 4, "an unknown language searches every answer")
    }

    @Test func namesAndOrderNumbersBecomeVariables() {
        let made = ReplyTemplate.make("Hi Ana Horvat! Ana, order #1001 (1001) shipped. Anatomy stays. — Ivo", customerName: "Ana Horvat",
                                      agentName: "Ivo Ivić", orderNumbers: ["#1001", "1001"])
        #expect(made == "Hi {{customer.name}}! {{customer.first_name}}, order {{orders.last.number}} ({{orders.last.number}}) shipped. Anatomy stays. — {{agent.first_name}}")
        #expect(ReplyTemplate.make("Use {{code}} Ana", customerName: "Ana", agentName: nil, orderNumbers: []) == "Use {{code}} Ana",
                "a reply with braces of its own is left as written")
        #expect(ReplyTemplate.make("Hi", customerName: nil, agentName: "A", orderNumbers: ["12"]) == "Hi")
    }
}

@Suite("Reply index, held out") struct ReplyIndexHeldOutTests {
    @Test func theNewestConversationsAreAskedOfTheRest() {
        var examples: [ReplyIndex.Example] = []
        for id in 1...20 {
            examples.append(ReplyIndex.Example(question: "where is my order \(id)", reply: "It shipped yesterday.", conversationID: Int64(id), inboxID: 1, language: "en"))
        }
        examples.append(ReplyIndex.Example(question: "do you sell hats", reply: "Yes, in the shop.", conversationID: 21, inboxID: 1, language: "en"))
        let (hits, questions) = ReplyIndex.heldOut(examples, fraction: 0.1)
        #expect(questions == 3, "the newest tenth (conversations 19, 20 and 21) is held out")
        #expect(hits == 2, "the order questions find the team's answer; the hat question has none before it")
    }
}
