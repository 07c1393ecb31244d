import Foundation

/// Groups customers' messages that no intent fits into clusters of messages about the same thing,
/// named by the words and phrases they share, so an admin sees what customers ask that the models
/// do not know yet ("gift wrapping", "embalagem de presente") and can make it an intent.
///
/// Each message becomes a vector of its analysed words (stemmed and folded by `SearchAnalyzer`,
/// function words and greetings left out), weighted by smoothed idf over the messages given
/// (ln((n + 1) / (df + 1)) + 1, so a word most of them share still counts) and
/// L2-normalized; words in only one message are dropped (they cannot make a group). One pass puts
/// each message in the most similar cluster (cosine with the cluster's summed vector, found
/// through the clusters' words, not by comparing with every cluster) or starts a new one; a
/// second pass moves each message to its best cluster of the first pass. Messages in different
/// languages share few words and fall in different clusters. Deterministic for the same input;
/// about O(messages × words × clusters sharing a word).
public enum TopicClusters {
    public struct Message: Sendable {
        public var id: Int64
        public var text: String
        public var language: String?
        public init(id: Int64, text: String, language: String?) { self.id = id; self.text = text; self.language = language }
    }

    public struct Cluster: Sendable, Equatable {
        /// The words and phrases most of its messages share, most telling first.
        public var terms: [String]
        /// Its messages, the most typical first.
        public var members: [Int64]
        /// How many of its messages are in each language.
        public var languages: [String: Int]
    }

    /// At most this many characters of a message are read.
    public static let readLimit = 1_000
    /// At most this many clusters are opened; later messages join the nearest one or none.
    public static let maximumClusters = 1_000

    /// Clusters of at least `minimumSize` messages, largest first.
    public static func cluster(_ messages: [Message], similarity: Double = 0.3, minimumSize: Int = 3) -> [Cluster] {
        let analyzer = SearchAnalyzer()
        // The message's words as the reports read them (no function words, greetings or numbers), stemmed.
        let bags: [[String]] = messages.map { message in
            let words = TopicTerms.of(String(message.text.prefix(readLimit)), limit: 40).filter { !$0.contains(" ") }
            return Array(Set(words.flatMap { analyzer.terms($0) }.map(undoubled)))
        }
        var documentFrequency: [String: Int] = [:]
        for bag in bags { for term in bag { documentFrequency[term, default: 0] += 1 } }
        let count = Double(max(messages.count, 1))
        let vectors: [[String: Double]] = bags.map { bag in
            var vector: [String: Double] = [:]
            for term in bag where documentFrequency[term, default: 0] >= 2 { vector[term] = log((count + 1) / Double(1 + (documentFrequency[term] ?? 1))) + 1 }
            let norm = vector.values.reduce(0) { $0 + $1 * $1 }.squareRoot()
            return norm > 0 ? vector.mapValues { $0 / norm } : [:]
        }
        // First pass: the nearest cluster or a new one.
        var state = Centroids()
        for vector in vectors where !vector.isEmpty {
            if let (best, score) = state.nearest(vector), score >= similarity || state.count >= maximumClusters {
                state.add(vector, to: best)
            } else {
                state.add(vector, to: state.open())
            }
        }
        // Second pass: each message to its best cluster, against the first pass's clusters.
        var members: [Int: [(index: Int, score: Double)]] = [:]
        for (index, vector) in vectors.enumerated() where !vector.isEmpty {
            guard let (best, score) = state.nearest(vector), score >= similarity * 0.8 else { continue }
            members[best, default: []].append((index, score))
        }
        let clusters = members.values.filter { $0.count >= minimumSize }.map { group -> Cluster in
            let ranked = group.sorted { $0.score != $1.score ? $0.score > $1.score : messages[$0.index].id < messages[$1.index].id }
            var languages: [String: Int] = [:]
            for member in ranked { languages[messages[member.index].language ?? "unknown", default: 0] += 1 }
            return Cluster(terms: name(ranked.map { messages[$0.index].text }), members: ranked.map { messages[$0.index].id }, languages: languages)
        }
        return clusters.sorted { $0.members.count != $1.members.count ? $0.members.count > $1.members.count : ($0.members.first ?? 0) < ($1.members.first ?? 0) }
    }

    /// The words and phrases (as customers wrote them) the most texts share; a word is left out
    /// when a phrase holding it is shared nearly as often ("gift wrapping", not "gift").
    static func name(_ texts: [String], limit: Int = 4) -> [String] {
        var counts: [String: Int] = [:]
        for text in texts { for term in Set(TopicTerms.of(text)) { counts[term, default: 0] += 1 } }
        let shared = counts.filter { $0.value >= 2 }
        let phrases = shared.filter { $0.key.contains(" ") }
        let kept = shared.filter { term, count in
            term.contains(" ") || !phrases.contains { $0.key.split(separator: " ").contains(Substring(term)) && Double($0.value) >= 0.6 * Double(count) }
        }
        return kept.sorted {
            if $0.value != $1.value { return $0.value > $1.value }
            let (left, right) = ($0.key.contains(" "), $1.key.contains(" "))
            return left != right ? left : $0.key < $1.key
        }.prefix(limit).map(\.key)
    }

    /// "wrapp" (from "wrapping") as "wrap": the stemmer leaves a doubled final consonant, which
    /// would keep "gift wrap" and "gift wrapping" apart.
    static func undoubled(_ stem: String) -> String {
        let scalars = Array(stem.unicodeScalars)
        guard scalars.count >= 4, let last = scalars.last, last == scalars[scalars.count - 2], last.isASCII,
              "bdfgklmnprstz".unicodeScalars.contains(last) else { return stem }
        return String(String.UnicodeScalarView(scalars.dropLast()))
    }

    /// The clusters' summed vectors, their squared norms kept as they grow, and which clusters
    /// hold each word.
    private struct Centroids {
        var sums: [[String: Double]] = []
        var squaredNorms: [Double] = []
        var postings: [String: [Int]] = [:]

        var count: Int { sums.count }

        mutating func open() -> Int {
            sums.append([:])
            squaredNorms.append(0)
            return sums.count - 1
        }

        mutating func add(_ vector: [String: Double], to cluster: Int) {
            for (term, weight) in vector {
                let old = sums[cluster][term]
                if old == nil { postings[term, default: []].append(cluster) }
                let new = (old ?? 0) + weight
                sums[cluster][term] = new
                squaredNorms[cluster] += new * new - (old ?? 0) * (old ?? 0)
            }
        }

        /// The most similar cluster (cosine) and the similarity; the lowest index on a tie.
        func nearest(_ vector: [String: Double]) -> (Int, Double)? {
            var dots: [Int: Double] = [:]
            for (term, weight) in vector { for cluster in postings[term] ?? [] { dots[cluster, default: 0] += weight * (sums[cluster][term] ?? 0) } }
            var best: (cluster: Int, score: Double)?
            for (cluster, dot) in dots {
                let norm = squaredNorms[cluster].squareRoot()
                let score = norm > 0 ? dot / norm : 0
                if let current = best, score < current.score || (score == current.score && cluster > current.cluster) { continue }
                best = (cluster, score)
            }
            return best.map { ($0.cluster, $0.score) }
        }
    }
}
