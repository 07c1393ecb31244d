import Foundation

/// What agents of a workspace answered to what customers asked: suggested replies come from the
/// most similar past questions (BM25 over `SearchAnalyzer`'s stemmed terms), in the customer's
/// language, one suggestion per distinct answer.
///
/// A reply that several agents sent to similar questions is a team's habit, so among answers of
/// similar relevance the more often sent comes first (its best match, plus a little per use).
public struct ReplyIndex: Sendable {
    public struct Example: Sendable, Equatable {
        /// What the customer wrote since the agents' previous reply.
        public var question: String
        /// The agent's reply, with this conversation's customer, agent and order numbers turned
        /// into template variables (`ReplyTemplate`).
        public var reply: String
        public var conversationID: Int64
        public var inboxID: Int64
        public var language: String?

        public init(question: String, reply: String, conversationID: Int64, inboxID: Int64, language: String?) {
            self.question = question
            self.reply = reply
            self.conversationID = conversationID
            self.inboxID = inboxID
            self.language = language
        }
    }

    public struct Suggestion: Sendable, Equatable {
        public var reply: String
        /// The past conversation whose answer this is (the best-matching one).
        public var conversationID: Int64
        public var score: Double
        /// How many past questions got this answer.
        public var uses: Int
    }

    public let examples: [Example]
    private let postings: [String: [(example: Int, count: Int)]]
    private let lengths: [Int]
    private let averageLength: Double
    private let analyzer = SearchAnalyzer()
    static let k1 = 1.2
    static let b = 0.75

    public init(examples: [Example]) {
        self.examples = examples
        var postings: [String: [(example: Int, count: Int)]] = [:]
        var lengths: [Int] = []
        let analyzer = SearchAnalyzer()
        for (index, example) in examples.enumerated() {
            let terms = analyzer.terms(example.question)
            lengths.append(terms.count)
            var counts: [String: Int] = [:]
            for term in terms { counts[term, default: 0] += 1 }
            for (term, count) in counts { postings[term, default: []].append((index, count)) }
        }
        self.postings = postings
        self.lengths = lengths
        averageLength = lengths.isEmpty ? 1 : max(1, Double(lengths.reduce(0, +)) / Double(lengths.count))
    }

    /// Up to `limit` distinct replies to questions like `question`, only from conversations in
    /// `language` (its first two letters) when it is known: a reply is suggested to be sent.
    /// With `inboxes`, only from conversations in those inboxes (the ones the agent may see).
    public func suggest(_ question: String, language: String?, inboxes: Set<Int64>? = nil, limit: Int = 3) -> [Suggestion] {
        let terms = Set(analyzer.terms(question))
        guard !terms.isEmpty, !examples.isEmpty else { return [] }
        var scores: [Int: Double] = [:]
        let documents = Double(examples.count)
        for term in terms {
            guard let list = postings[term] else { continue }
            let idf = Foundation.log(1 + (documents - Double(list.count) + 0.5) / (Double(list.count) + 0.5))
            for (example, count) in list {
                let tf = Double(count)
                let norm = Self.k1 * (1 - Self.b + Self.b * Double(lengths[example]) / averageLength)
                scores[example, default: 0] += idf * tf * (Self.k1 + 1) / (tf + norm)
            }
        }
        let base = language.map { String($0.prefix(2)) }
        let pool = scores.filter { example, _ in
            (base == nil || examples[example].language.map { String($0.prefix(2)) } == base)
                && (inboxes?.contains(examples[example].inboxID) ?? true)
        }
        // A match must share a real part of the question: a quarter of the best score.
        let best = pool.values.max() ?? 0
        var byReply: [String: Suggestion] = [:]
        for (example, score) in pool where score >= best * 0.25 {
            let key = Self.normalized(examples[example].reply)
            if var found = byReply[key] {
                found.uses += 1
                if score > found.score || (score == found.score && examples[example].conversationID > found.conversationID) {
                    found.score = score
                    found.conversationID = examples[example].conversationID
                    found.reply = examples[example].reply
                }
                byReply[key] = found
            } else {
                byReply[key] = Suggestion(reply: examples[example].reply, conversationID: examples[example].conversationID, score: score, uses: 1)
            }
        }
        func rank(_ suggestion: Suggestion) -> Double { suggestion.score * (1 + 0.1 * Foundation.log(Double(suggestion.uses))) }
        return byReply.values.sorted { (rank($0), $0.conversationID) > (rank($1), $1.conversationID) }.prefix(limit).map { $0 }
    }

    /// A reply as compared for sameness: case, spacing and punctuation aside.
    static func normalized(_ text: String) -> String {
        text.lowercased().split { !$0.isLetter && !$0.isNumber && $0 != "{" && $0 != "}" }.joined(separator: " ")
    }
}

/// An agent's past reply made reusable: the names and order numbers of that conversation become
/// the template variables macros use, so the suggestion is rendered for the customer at hand.
public enum ReplyTemplate {
    /// `reply` with whole-word occurrences of the customer's full and first name, the agent's
    /// first name and the customer's order numbers replaced by variables. A reply that already
    /// has template braces is left as it is (and is shown as written).
    public static func make(_ reply: String, customerName: String?, agentName: String?, orderNumbers: [String]) -> String {
        guard !reply.contains("{{"), !reply.contains("}}") else { return reply }
        var text = reply
        let customer = customerName?.trimmingCharacters(in: .whitespaces) ?? ""
        if customer.contains(" ") { text = replaceWord(customer, with: "{{customer.name}}", in: text) }
        if let first = customer.split(separator: " ").first, first.count >= 2 {
            text = replaceWord(String(first), with: "{{customer.first_name}}", in: text)
        }
        if let first = agentName?.split(separator: " ").first, first.count >= 2 {
            text = replaceWord(String(first), with: "{{agent.first_name}}", in: text)
        }
        for number in orderNumbers.sorted(by: { $0.count > $1.count }) where number.count >= 3 {
            text = replaceWord(number, with: "{{orders.last.number}}", in: text)
        }
        return text
    }

    /// Replaces `word` where it is not part of a longer word (letters or digits either side).
    static func replaceWord(_ word: String, with replacement: String, in text: String) -> String {
        var result = ""
        var rest = text[...]
        while let found = rest.range(of: word) {
            let before = found.lowerBound > rest.startIndex ? rest[rest.index(before: found.lowerBound)] : nil
            let after = found.upperBound < rest.endIndex ? rest[found.upperBound] : nil
            let alone = !(before.map { $0.isLetter || $0.isNumber } ?? false) && !(after.map { $0.isLetter || $0.isNumber } ?? false)
            result += rest[..<found.lowerBound]
            result += alone ? replacement : String(rest[found])
            rest = rest[found.upperBound...]
        }
        return result + rest
    }
}

extension ReplyIndex {
    /// How often an agent's actual reply was among the suggestions: the newest `fraction` of the
    /// conversations is held out, the rest indexed, and each held-out question asked as the
    /// product asks it (its language, `limit` suggestions). A hit is the same reply, case,
    /// spacing and punctuation aside.
    public static func heldOut(_ examples: [Example], fraction: Double = 0.1, limit: Int = 3) -> (hits: Int, questions: Int) {
        let conversations = Set(examples.map(\.conversationID)).sorted()
        guard conversations.count >= 2 else { return (0, 0) }
        let cut = conversations[max(1, Int(Double(conversations.count) * (1 - fraction))) - 1]
        let index = ReplyIndex(examples: examples.filter { $0.conversationID <= cut })
        var hits = 0
        var questions = 0
        for example in examples where example.conversationID > cut {
            questions += 1
            let wanted = normalized(example.reply)
            if index.suggest(example.question, language: example.language, limit: limit).contains(where: { normalized($0.reply) == wanted }) {
                hits += 1
            }
        }
        return (hits, questions)
    }
}
