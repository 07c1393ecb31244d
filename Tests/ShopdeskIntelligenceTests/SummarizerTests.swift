import Testing
@testable import ShopdeskIntelligence

/// The customer's own sentences that say what they want, in our four languages.
@Suite("Summarizer") struct SummarizerTests {
    @Test func theOpeningRequestAndTheNewPointAreChosen() {
        let wants = Summarizer.wants([
            "Hello! Thanks for your help. I ordered a blue jacket last week and it arrived torn at the sleeve. Can I get a refund for the jacket?",
            "ok",
            "Also, the refund should go to my card, not store credit. Thanks!",
        ])
        #expect(wants == ["I ordered a blue jacket last week and it arrived torn at the sleeve.", "Can I get a refund for the jacket?"],
                "the opening's request and what it is about, in the order written: \(wants)")
        let later = Summarizer.wants(["My parcel is late.", "Also, the refund should go to my card, not store credit."])
        #expect(later.count == 2 && later.last?.contains("card") == true, "a later message adds what the first does not say: \(later)")
        #expect(!wants.contains("Hello!") && !wants.contains("ok"), "greetings and acknowledgements say nothing")
    }

    @Test(arguments: [
        ("Bok. Naručio sam tenisice prije tjedan dana. Gdje je moja narudžba, tenisice još nisu stigle?", "tenisice"),
        ("Olá! Comprei um vestido e veio com defeito. Quero trocar o vestido por outro tamanho.", "vestido"),
        ("Здравствуйте. Заказ пришёл без одной куртки. Когда вы отправите куртку?", "куртк"),
    ])
    func eachLanguageKeepsTheCustomersWords(text: String, word: String) {
        let wants = Summarizer.wants([text], limit: 1)
        #expect(wants.count == 1 && wants[0].contains(word), "\(wants)")
        #expect(!wants[0].hasPrefix("Bok") && !wants[0].hasPrefix("Olá") && !wants[0].hasPrefix("Здравствуйте"))
    }

    @Test func nothingToSayAndHugeInputsStayBounded() {
        #expect(Summarizer.wants(["ok", "thanks!", "🙂"]).isEmpty)
        let long = String(repeating: "refund please now. ", count: 100_000)
        let wants = Summarizer.wants([long, long])
        #expect(wants.count == 1, "the same sentence again adds nothing")
        #expect(Summarizer.split(String(repeating: "a", count: 1_000)).first?.count == Summarizer.maxSentenceLength + 1)
    }
}
