import Foundation

/// Whether a first message from an unknown sender is spam or phishing, by rules that name their
/// reasons, so an agent who finds a customer in the Spam view sees why it went there.
///
/// Signals, each with a weight; three points make spam:
/// - phrases of phishing, prizes, money offers and SEO/marketing pitches, in English,
///   Portuguese, Russian and Croatian (2 each, at most two counted);
/// - links to an IP address, to a punycode (`xn--`) host or through a URL shortener (2);
/// - many links: four or more (1), eight or more (2);
/// - a message mostly in capitals, or links with hardly a word beside them (1).
/// Shop questions carry none of these; a real customer who trips them is one "not spam" away.
public enum SpamCheck {
    public struct Verdict: Sendable, Equatable {
        public var score: Int
        public var reasons: [String]
        public var isSpam: Bool { score >= SpamCheck.threshold }
    }

    public static let threshold = 3
    /// At most this much of a message is read.
    static let readLimit = 20_000

    static let phrases: [String] = [
        // English
        "verify your account", "confirm your password", "your account will be suspended", "your account has been suspended",
        "click here to claim", "you have won", "you've won", "claim your prize", "congratulations you", "bitcoin", "crypto investment",
        "investment opportunity", "wire transfer", "gift card", "seo services", "increase your traffic", "backlinks", "guest post",
        "first page of google", "rank your website", "web design services", "work from home and earn", "make money fast",
        "unsubscribe from this list", "limited time offer", "100% free", "lottery",
        // Portuguese
        "você ganhou", "voce ganhou", "clique aqui para", "confirme sua senha", "confirme a sua senha", "sua conta será suspensa",
        "sua conta sera suspensa", "ganhe dinheiro", "renda extra", "investimento garantido", "prêmio", "sorteio",
        // Russian
        "вы выиграли", "ваш выигрыш", "перейдите по ссылке", "подтвердите пароль", "ваш аккаунт будет заблокирован", "заработок",
        "заработать", "криптовалют", "инвестиции с доходом", "раскрутка сайта", "продвижение сайта",
        // Croatian
        "osvojili ste", "kliknite ovdje", "potvrdite lozinku", "vaš račun će biti", "vas racun ce biti", "zarada od kuće",
        "zarada od kuce", "brza zarada", "nagradna igra",
    ]
    /// The phrases as NFC UTF-8 bytes, searched for in the NFC lowercased text byte by byte:
    /// `String.contains` went through Foundation's locale-aware search, which cost a fifth of
    /// the server's CPU per new conversation, on the database writer's thread.
    static let phraseBytes: [[UInt8]] = phrases.map { Array($0.precomposedStringWithCanonicalMapping.utf8) }

    static let shorteners: Set<String> = ["bit.ly", "tinyurl.com", "t.co", "goo.gl", "ow.ly", "is.gd", "cutt.ly", "rb.gy", "shorturl.at"]

    public static func check(subject: String? = nil, text: String) -> Verdict {
        let body = String(((subject.map { $0 + "\n" } ?? "") + text).prefix(readLimit))
        let lower = body.lowercased().precomposedStringWithCanonicalMapping
        let bytes = Array(lower.utf8)
        var score = 0
        var reasons: [String] = []
        let found = zip(phrases, phraseBytes).filter { contains(bytes, $0.1) }.map(\.0)
        if !found.isEmpty {
            score += 2 * min(found.count, 2)
            reasons.append("phrases: " + found.prefix(3).joined(separator: ", "))
        }
        let hosts = linkHosts(lower)
        let suspicious = hosts.filter { host in
            host.split(separator: ".").count == 4 && host.split(separator: ".").allSatisfy { UInt8($0) != nil }
                || host.hasPrefix("xn--") || host.contains(".xn--") || shorteners.contains(host)
        }
        if !suspicious.isEmpty {
            score += 2
            reasons.append("links to " + suspicious.prefix(3).joined(separator: ", "))
        }
        if hosts.count >= 8 {
            score += 2
            reasons.append("\(hosts.count) links")
        } else if hosts.count >= 4 {
            score += 1
            reasons.append("\(hosts.count) links")
        }
        // The words that are not links: shouting in capitals, or hardly any words beside the links.
        let words = body.split(whereSeparator: \.isWhitespace).filter { word in
            !contains(Array(word.utf8), Array("://".utf8)) && !word.lowercased().hasPrefix("www.")
        }
        let letters = words.joined().unicodeScalars.filter { $0.properties.isAlphabetic }
        let capitals = letters.filter { $0.properties.isUppercase }.count
        if letters.count >= 12, capitals * 10 >= letters.count * 7 {
            score += 1
            reasons.append("mostly capitals")
        } else if !hosts.isEmpty, letters.count < 12 {
            score += 1
            reasons.append("mostly links")
        }
        return Verdict(score: score, reasons: reasons)
    }

    /// Whether `needle` occurs in `haystack` (both UTF-8; the phrases are short).
    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard let first = needle.first, needle.count <= haystack.count else { return needle.isEmpty }
        var index = 0
        let last = haystack.count - needle.count
        while index <= last {
            if haystack[index] == first, haystack[index..<(index + needle.count)].elementsEqual(needle) { return true }
            index += 1
        }
        return false
    }

    /// The hosts of http(s) links and of bare `www.` addresses, lowercased.
    static func linkHosts(_ lower: String) -> [String] {
        var hosts: [String] = []
        for word in lower.split(whereSeparator: { $0.isWhitespace || $0 == "<" || $0 == ">" || $0 == "\"" || $0 == "(" || $0 == ")" }) {
            var rest = Substring(word)
            if let scheme = rest.firstRange(of: "://"), rest[..<scheme.lowerBound].hasSuffix("http") || rest[..<scheme.lowerBound].hasSuffix("https") {
                rest = rest[scheme.upperBound...]
            } else if !rest.hasPrefix("www.") {
                continue
            }
            let host = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" && $0 != ":" }
            if host.contains(".") { hosts.append(String(host)) }
            if hosts.count >= 100 { break }
        }
        return hosts
    }
}
