/// Whether a customer's message insults or swears, in English, Portuguese, Russian or Croatian.
/// An abusive customer is still a customer: the message is tagged `abusive` (so a rule can route
/// it to a lead, and agents know before they open it), never moved or hidden.
///
/// Words are compared after the tokenizer's lowercasing with Latin diacritics folded and "ё"
/// read as "е", whole words only ("class" is not "ass"); a stem marked with `*` also matches
/// the words it starts ("дебил*" finds "дебилы"). Words a customer uses of a thing or of
/// themselves ("stupid mistake", "тупой нож") are not on the list.
public enum AbuseCheck {
    static let words: [String] = [
        // English
        "idiot", "idiots", "moron", "morons", "dumbass", "asshole", "assholes", "bastard", "bastards", "bitch", "fuck*",
        "motherfucker", "shit", "bullshit", "scammer*", "retard*", "piss", "dickhead",
        // Portuguese (folded)
        "idiota", "idiotas", "burro", "burros", "imbecil", "otario", "otarios", "porra", "caralho", "merda", "foder", "fodase",
        "filho da puta", "puta", "babaca", "ladrao", "ladroes", "vagabundo*",
        // Russian
        "идиот*", "дебил*", "урод*", "сука", "суки", "бля", "блять", "блядь", "хрен*", "мудак*", "говно",
        "придурк*", "козел", "козлы", "сволоч*", "мошенник*", "жулик*",
        // Croatian (folded)
        "kreten*", "debil*", "glupan*", "jebem", "jebote", "jeben*", "picka", "govno", "sranje", "majmun*",
        "lopov*", "prevarant*", "smece",
    ]
    static let exact: Set<String> = Set(words.filter { !$0.hasSuffix("*") && !$0.contains(" ") })
    static let stems: [String] = words.filter { $0.hasSuffix("*") }.map { String($0.dropLast()) }
    static let phrases: [String] = words.filter { $0.contains(" ") }
    /// At most this much of a message is read (it runs on every inbound message; the models read
    /// the same opening).
    static let readLimit = 1_000

    /// The abusive words found (at most three), empty when there are none.
    public static func check(_ text: String) -> [String] {
        let tokens = Tokenizer().scalarTokens(String(text.prefix(readLimit))).map {
            Tokenizer.string(Fold.latin($0).map { $0 == 0x451 ? 0x435 : $0 })
        }
        var found: [String] = []
        for token in tokens where found.count < 3 {
            if exact.contains(token) || stems.contains(where: { token.hasPrefix($0) }) {
                if !found.contains(token) { found.append(token) }
            }
        }
        if found.count < 3 {
            let joined = " " + tokens.joined(separator: " ") + " "
            for phrase in phrases where joined.contains(" \(phrase) ") { found.append(phrase) }
        }
        return Array(found.prefix(3))
    }
}
