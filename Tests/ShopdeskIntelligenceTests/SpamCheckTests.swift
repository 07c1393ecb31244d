import Testing
@testable import ShopdeskIntelligence

/// Spam and phishing rules, with their reasons, in our four languages.
@Suite("Spam check") struct SpamCheckTests {
    @Test(arguments: [
        "Your account will be suspended. Verify your account at http://192.168.4.20/login today.",
        "Parabéns, você ganhou um prêmio! Clique aqui para resgatar: https://bit.ly/abc123",
        "Вы выиграли iPhone! Перейдите по ссылке http://xn--80ak6aa92e.com и подтвердите пароль.",
        "Osvojili ste nagradu! Kliknite ovdje i potvrdite lozinku: https://tinyurl.com/x1",
        "We offer SEO services and backlinks to get you on the first page of Google.",
    ])
    func phishingAndPitchesAreSpam(text: String) {
        let verdict = SpamCheck.check(text: text)
        #expect(verdict.isSpam, "\(verdict)")
        #expect(!verdict.reasons.isEmpty)
    }

    @Test(arguments: [
        "Where is my order #1234? I ordered it a week ago.",
        "Olá, quero devolver o vestido, veio com defeito. Segue a foto: https://photos.example.com/abc",
        "Здравствуйте, когда придёт мой заказ?",
        "Bok, gdje je moja narudžba? Poslali ste mi krivu veličinu.",
        "I NEED MY REFUND NOW",
    ])
    func shopQuestionsAreNot(text: String) {
        #expect(!SpamCheck.check(text: text).isSpam, "\(SpamCheck.check(text: text))")
    }

    @Test func linksCountAndHugeInputsStayBounded() {
        let links = (1...9).map { "https://site\($0).example.org/page" }.joined(separator: " ")
        #expect(SpamCheck.check(text: "BUY NOW CHEAP WATCHES " + links).isSpam, "many links and capitals")
        #expect(SpamCheck.linkHosts("see https://a.example.com/x?y and www.b.example.net, http://c").count == 2)
        let huge = String(repeating: "http://x.example.com ", count: 200_000)
        #expect(SpamCheck.linkHosts(huge.lowercased()).count == 100, "at most a hundred links are looked at")
        #expect(SpamCheck.check(text: huge).isSpam)
    }
}

/// Insults and swearing in our four languages, whole words only.
@Suite("Abuse check") struct AbuseCheckTests {
    @Test(arguments: [
        ("You are a bunch of idiots, where is my money?", "idiots"),
        ("Vocês são uns ladrões, devolvam meu dinheiro", "ladroes"),
        ("Вы дебилы, где мой заказ?", "дебилы"),
        ("Kreteni, gdje mi je paket?", "kreteni"),
        ("Seus filhos da puta... filho da puta!", "filho da puta"),
    ])
    func insultsAreFound(text: String, word: String) {
        #expect(AbuseCheck.check(text).contains(word), "\(AbuseCheck.check(text))")
    }

    @Test(arguments: ["I made a stupid mistake in my address", "The class of the classic assembly kit", "Тупой нож пришёл, хочу вернуть",
                      "Napravio sam glupu grešku", "Where is my order #1234?"])
    func ordinaryWordsAreNot(text: String) {
        #expect(AbuseCheck.check(text).isEmpty, "\(AbuseCheck.check(text))")
    }
}
