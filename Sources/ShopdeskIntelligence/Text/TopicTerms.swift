/// The words and two-word phrases a customer's message is about, for the reports' rising topics:
/// lowercased, Latin diacritics folded ("não" → "nao", "narudžba" → "narudzba") and "ё" read as
/// "е", so the same word typed with or without accents counts once. Words of fewer than three
/// letters, numbers and the function words of English, Portuguese, Russian and Croatian (and the
/// greetings and thanks that open every message) are left out; a phrase is two kept words that
/// stand next to each other. Words are not stemmed, so what the report shows reads as customers
/// wrote it.
public enum TopicTerms {
    /// At most this much of a message is read (a topic is named early; a pasted log is not a topic).
    public static let readLimit = 2_000

    /// The message's distinct words (at most `limit`), then its distinct phrases (at most `limit`).
    public static func of(_ text: String, limit: Int = 12) -> [String] {
        var words: [String] = []
        var phrases: [String] = []
        var seen = Set<String>()
        var previous: String?
        for token in Tokenizer().scalarTokens(String(text.prefix(readLimit))) {
            let folded = Fold.latin(token).map { $0 == 0x451 ? 0x435 : $0 }
            let word = Tokenizer.string(folded)
            let letters = folded.filter { $0 != 0x30 && $0 != 0x27 }.count
            guard letters >= 3, folded.count <= 30, !stopWords.contains(word) else {
                previous = nil
                continue
            }
            if words.count < limit, seen.insert(word).inserted { words.append(word) }
            if let previous, phrases.count < limit {
                let phrase = previous + " " + word
                if seen.insert(phrase).inserted { phrases.append(phrase) }
            }
            previous = word
        }
        return words + phrases
    }

    /// Function words, greetings and thanks, as they read after folding.
    static let stopWords: Set<String> = [
        // English
        "the", "and", "for", "are", "but", "not", "you", "your", "yours", "with", "this", "that", "these", "those", "there", "their",
        "they", "them", "have", "has", "had", "was", "were", "will", "would", "could", "should", "can", "cannot", "can't", "don't",
        "didn't", "doesn't", "isn't", "wasn't", "haven't", "i'm", "i've", "it's", "what", "when", "where", "which", "who", "why",
        "how", "from", "into", "about", "just", "also", "any", "all", "some", "our", "ours", "out", "its", "been", "being", "does",
        "did", "doing", "than", "then", "too", "very", "here", "hello", "hey", "thanks", "thank", "please", "regards", "dear",
        "team", "yes", "get", "got", "still", "yet", "one", "now", "today", "would", "may", "might", "must", "let", "know", "want",
        "need", "like", "hi", "him", "her", "his", "she", "mine", "myself", "again", "over", "only", "such", "other", "more",
        "most", "much", "many", "own", "same", "because", "while", "since", "after", "before", "until", "okay",
        // Portuguese
        "que", "para", "com", "por", "uma", "uns", "umas", "dos", "das", "nos", "nas", "pelo", "pela", "pelos", "pelas", "meu",
        "minha", "meus", "minhas", "seu", "sua", "seus", "suas", "voce", "voces", "ele", "ela", "eles", "elas", "nao", "sim", "mas",
        "mais", "como", "quando", "onde", "qual", "quais", "quem", "porque", "isso", "isto", "esse", "essa", "este", "esta", "estou",
        "estava", "tenho", "tem", "ter", "foi", "ser", "sou", "sao", "era", "ainda", "ja", "muito", "muita", "obrigado", "obrigada",
        "ola", "oi", "bom", "boa", "dia", "tarde", "noite", "favor", "gostaria", "queria", "pode", "podem", "poderia", "aqui", "agora",
        "hoje", "tambem", "entao", "sobre", "ate", "sem", "num", "numa", "lhe", "nem", "depois", "antes", "cumprimentos", "atenciosamente",
        // Russian
        "что", "это", "как", "так", "все", "всё", "вот", "был", "была", "было", "были", "быть", "есть", "для", "или", "мне", "меня",
        "мой", "моя", "моё", "мои", "моего", "моей", "вас", "вам", "ваш", "ваша", "ваше", "ваши", "вашего", "вашей", "они", "она",
        "оно", "его", "её", "еще", "ещё", "уже", "где", "когда", "почему", "зачем", "кто", "чем", "нет", "да", "если", "может", "можно",
        "нужно", "надо", "очень", "только", "тоже", "также", "там", "тут", "здесь", "сейчас", "сегодня", "при", "про", "над", "под",
        "без", "после", "перед", "через", "чтобы", "будет", "буду", "хочу", "хотел", "хотела", "спасибо", "пожалуйста", "здравствуйте",
        "привет", "добрый", "день", "вечер", "утро", "уважением", "этот", "эта", "эти", "того", "том", "тем", "мы", "нас", "нам",
        // Croatian (folded)
        "sam", "smo", "ste", "su", "bio", "bila", "bilo", "biti", "jesam", "nije", "nisam", "nismo", "ali", "ili", "kao", "koji",
        "koja", "koje", "kojeg", "sto", "sta", "kada", "kad", "gdje", "zasto", "tko", "moj", "moja", "moje", "moju", "mojeg", "vas",
        "vasa", "vase", "vasu", "vam", "vama", "nas", "nam", "oni", "ona", "ono", "ovo", "ovaj", "ova", "taj", "ta", "to", "jos",
        "vec", "samo", "bih", "biste", "mogu", "moze", "molim", "hvala", "lijepo", "pozdrav", "pozdravi", "bok", "dobar", "dan",
        "postovani", "postovana", "imam", "ima", "nemam", "danas", "sada", "sad", "ovdje", "tamo", "zbog", "prije", "poslije",
        "nakon", "preko", "jer", "pa", "te", "li", "za", "od", "do", "na", "je", "se", "da", "ne", "mi", "ti", "vi",
    ]
}
