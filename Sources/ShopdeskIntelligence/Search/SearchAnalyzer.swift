/// Turns text into search terms: tokens, diacritics folded, stop words dropped, and stemmed with
/// suffix rules for English, Portuguese and Croatian (Latin script) and Russian (Cyrillic), so
/// "returns", "returning" and "returned" meet, and so do "pedidos"/"pedido", "narudžbe"/"narudžba"
/// and "заказа"/"заказ". Query and documents go through the same analyzer.
public struct SearchAnalyzer: Sendable {
    public init() {}

    public func terms(_ text: String) -> [String] {
        Tokenizer().scalarTokens(text).compactMap { token in
            let folded = Fold.latin(token)
            let word = Tokenizer.string(folded)
            if SearchAnalyzer.stopWords.contains(word) { return nil }
            return SearchAnalyzer.stem(folded)
        }
    }

    /// Terms that mean the same to a shop's customer, across our four languages.
    public func synonyms(of term: String) -> [String] {
        SearchAnalyzer.synonymTable[term] ?? []
    }

    static func stem(_ token: [UInt32]) -> String {
        let cyrillic = token.contains { $0 >= 0x400 && $0 <= 0x4FF }
        var word = token
        if cyrillic {
            word = strip(word, suffixes: russianReflexive, minimumStem: 3)
            word = strip(word, suffixes: russianEndings, minimumStem: 3)
        } else {
            word = strip(word, suffixes: latinEndings, minimumStem: 3)
            // "change"/"changes"/"changed" all end at "chang".
            if word.count > 3, word.last == 0x65 { word.removeLast() }
        }
        return Tokenizer.string(word)
    }

    private static func strip(_ word: [UInt32], suffixes: [[UInt32]], minimumStem: Int) -> [UInt32] {
        for suffix in suffixes where word.count - suffix.count >= minimumStem {
            if word.suffix(suffix.count).elementsEqual(suffix) { return Array(word.dropLast(suffix.count)) }
        }
        return word
    }

    private static func list(_ words: [String]) -> [[UInt32]] {
        words.map { $0.unicodeScalars.map(\.value) }.sorted { $0.count > $1.count }
    }

    static let latinEndings = list([
        // English
        "ations", "ation", "ings", "ing", "edly", "ed", "ies", "es", "s", "ly", "ment",
        // Portuguese (folded)
        "coes", "cao", "mente", "idade", "ar", "er", "ir", "ado", "ada", "ados", "adas", "ido", "ida", "os", "as",
        // Croatian (folded)
        "ama", "ima", "ovi", "ove", "om", "em", "og", "eg", "oj", "ih", "ati", "iti", "jeti", "ju",
        "a", "o", "i", "u",
    ])
    static let russianReflexive = list(["ся", "сь"])
    static let russianEndings = list([
        "иями", "ями", "ами", "ого", "его", "ому", "ему", "ыми", "ими", "ать", "ять", "ить", "еть",
        "ая", "яя", "ое", "ее", "ой", "ый", "ий", "ые", "ие", "ов", "ев", "ам", "ям", "ах", "ях", "ом", "ем",
        "ть", "ешь", "ет", "ют", "ут", "ит", "ат", "ят", "ии", "ия", "ью",
        "а", "я", "у", "ю", "ы", "и", "е", "о", "й", "ь",
    ])

    static let stopWords: Set<String> = [
        "the", "a", "an", "and", "or", "to", "of", "in", "on", "for", "is", "are", "be", "i", "my", "me", "you",
        "your", "it", "this", "that", "do", "does", "can", "with", "at", "from", "have", "has", "was", "were",
        "will", "would", "please", "am", "im", "so", "just", "there", "any", "if",
        "o", "os", "as", "de", "do", "da", "dos", "das", "em", "no", "na", "um", "uma", "e", "que", "para",
        "por", "com", "meu", "minha", "se", "eu", "voce", "voces", "ao",
        "и", "в", "на", "я", "мой", "моя", "мне", "что", "с", "по", "не", "а", "но", "это", "у", "вы", "ли",
        "u", "je", "sam", "da", "li", "moj", "moja", "mi", "s", "za", "ne", "ali", "to", "od",
    ]

    static let synonymGroups: [[String]] = [
        ["refund", "reimburse", "reembolso", "estorno", "возврат", "povrat"],
        ["delivery", "shipping", "shipment", "entrega", "frete", "envio", "доставка", "dostava", "isporuka"],
        ["package", "parcel", "pacote", "encomenda", "посылка", "paket", "posiljka"],
        ["tracking", "track", "rastreio", "rastreamento", "трек", "отслеживание", "pracenje"],
        ["cancel", "cancellation", "cancelar", "cancelamento", "отменить", "отмена", "otkazati", "otkaz"],
        ["order", "pedido", "заказ", "narudzba"],
        ["password", "senha", "пароль", "lozinka"],
        ["discount", "coupon", "promo", "voucher", "cupom", "desconto", "промокод", "скидка", "popust", "kupon"],
        ["exchange", "swap", "troca", "trocar", "обмен", "zamjena"],
        ["broken", "damaged", "defective", "quebrado", "danificado", "сломан", "поврежден", "razbijen", "ostecen"],
        ["return", "devolucao", "devolver", "vratiti"],
        ["address", "endereco", "адрес", "adresa"],
        ["account", "login", "conta", "аккаунт", "кабинет", "racun", "profil"],
        ["payment", "pay", "pagamento", "оплата", "placanje"],
        ["size", "tamanho", "размер", "velicina"],
    ]

    static let synonymTable: [String: [String]] = {
        var table: [String: [String]] = [:]
        let analyzer = SearchAnalyzer()
        for group in synonymGroups {
            let stems = Array(Set(group.flatMap { analyzer.terms($0) })).sorted()
            for stem in stems { table[stem, default: []].append(contentsOf: stems.filter { $0 != stem }) }
        }
        return table
    }()
}
