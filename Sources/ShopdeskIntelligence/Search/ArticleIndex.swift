/// Search over help-center articles: BM25 on title and body with language-aware stemming,
/// stop words and synonyms for English, Portuguese, Russian and Croatian.
///
/// A workspace has hundreds of articles, not millions, so the index lives in memory and is
/// rebuilt when articles change; that keeps ranking identical on SQLite and PostgreSQL and lets
/// it use the same analyzer as the query.
public struct ArticleIndex: Sendable {
    public struct Article: Sendable {
        public var id: String
        public var title: String
        public var body: String
        public init(id: String, title: String, body: String) {
            self.id = id
            self.title = title
            self.body = body
        }
    }

    public struct Hit: Sendable, Equatable {
        public var id: String
        public var score: Double
    }

    /// BM25 parameters, and how much a match in the title counts against one in the body.
    public var k1 = 1.2
    public var b = 0.75
    public var titleWeight = 2.0
    public var synonymWeight = 0.5

    private struct Field: Sendable {
        var postings: [String: [(document: Int, frequency: Int)]] = [:]
        var lengths: [Int] = []
        var averageLength = 1.0
    }

    private let ids: [String]
    private var title = Field()
    private var body = Field()
    private let analyzer = SearchAnalyzer()

    public init(articles: [Article]) {
        ids = articles.map(\.id)
        for (document, article) in articles.enumerated() {
            Self.add(analyzer.terms(article.title), document: document, to: &title)
            Self.add(analyzer.terms(article.body), document: document, to: &body)
        }
        title.averageLength = max(1, Double(title.lengths.reduce(0, +)) / Double(max(1, articles.count)))
        body.averageLength = max(1, Double(body.lengths.reduce(0, +)) / Double(max(1, articles.count)))
    }

    public var count: Int { ids.count }

    private static func add(_ terms: [String], document: Int, to field: inout Field) {
        var counts: [String: Int] = [:]
        for term in terms { counts[term, default: 0] += 1 }
        for (term, frequency) in counts.sorted(by: { $0.key < $1.key }) {
            field.postings[term, default: []].append((document, frequency))
        }
        field.lengths.append(terms.count)
    }

    public func search(_ query: String, limit: Int = 10) -> [Hit] {
        var weights: [String: Double] = [:]
        for term in analyzer.terms(query) { weights[term, default: 0] += 1 }
        for (term, _) in weights {
            for synonym in analyzer.synonyms(of: term) where weights[synonym] == nil {
                weights[synonym] = synonymWeight
            }
        }
        var scores = [Double](repeating: 0, count: ids.count)
        for (term, weight) in weights {
            accumulate(term, weight: weight * titleWeight, field: title, into: &scores)
            accumulate(term, weight: weight, field: body, into: &scores)
        }
        let ranked = scores.indices.filter { scores[$0] > 0 }
            .sorted { scores[$0] > scores[$1] || (scores[$0] == scores[$1] && $0 < $1) }
        return ranked.prefix(limit).map { Hit(id: ids[$0], score: scores[$0]) }
    }

    private func accumulate(_ term: String, weight: Double, field: Field, into scores: inout [Double]) {
        guard let postings = field.postings[term] else { return }
        let documents = Double(ids.count)
        let idf = log(1 + (documents - Double(postings.count) + 0.5) / (Double(postings.count) + 0.5))
        for (document, frequency) in postings {
            let tf = Double(frequency)
            let norm = k1 * (1 - b + b * Double(field.lengths[document]) / field.averageLength)
            scores[document] += weight * idf * tf * (k1 + 1) / (tf + norm)
        }
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
