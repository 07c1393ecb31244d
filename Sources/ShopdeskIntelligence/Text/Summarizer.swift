import Foundation

/// The customer's own sentences that say most of what they want, for the summary at the top of
/// a long conversation (extractive: nothing is rewritten, so nothing is invented).
///
/// A sentence weighs what its content words (`TopicTerms`: no function words, greetings or
/// thanks, in our four languages) weigh across everything the customer wrote: a word they keep
/// coming back to ("refund", "narudžba") is what the conversation is about. A question weighs a
/// little more. The first choice comes from the customer's first message (what they came for);
/// the second is the best of the rest, when it adds words the first does not have.
public enum Summarizer {
    /// At most this many sentences are read, and each up to this many characters.
    static let maxSentences = 60
    static let maxSentenceLength = 280

    public static func wants(_ customerMessages: [String], limit: Int = 2) -> [String] {
        var sentences: [(message: Int, text: String, terms: Set<String>)] = []
        var frequency: [String: Int] = [:]
        for (index, message) in customerMessages.enumerated() {
            for sentence in split(String(message.prefix(5_000))) where sentences.count < maxSentences {
                let terms = Set(TopicTerms.of(sentence).filter { !$0.contains(" ") })
                guard !terms.isEmpty else { continue }
                sentences.append((index, sentence, terms))
                for term in terms { frequency[term, default: 0] += 1 }
            }
        }
        guard !sentences.isEmpty else { return [] }
        func score(_ sentence: (message: Int, text: String, terms: Set<String>)) -> Double {
            let weight = sentence.terms.reduce(0.0) { $0 + 1 + Foundation.log(Double(frequency[$1] ?? 1)) }
            return weight / Double(sentence.terms.count).squareRoot() + (sentence.text.contains("?") ? 0.5 : 0)
        }
        let firstMessage = sentences.first?.message ?? 0
        var chosen: [Int] = []
        if let opening = sentences.indices.filter({ sentences[$0].message == firstMessage }).max(by: { score(sentences[$0]) < score(sentences[$1]) }) {
            chosen.append(opening)
        }
        let rest = sentences.indices.filter { !chosen.contains($0) }.sorted { score(sentences[$0]) > score(sentences[$1]) }
        for candidate in rest where chosen.count < limit {
            let covered = chosen.reduce(into: Set<String>()) { $0.formUnion(sentences[$1].terms) }
            if !sentences[candidate].terms.isSubset(of: covered) { chosen.append(candidate) }
        }
        return chosen.sorted().map { sentences[$0].text }
    }

    /// Sentences: split after . ! ? … followed by a space, and at line breaks; quoted history
    /// is not sent here (the ingest has already cut it from emails).
    static func split(_ text: String) -> [String] {
        var result: [String] = []
        var current = ""
        var previous: Character = " "
        for character in text {
            if character.isNewline {
                flush(&current, into: &result)
            } else if character == " ", ".!?…".contains(previous) {
                flush(&current, into: &result)
            } else {
                current.append(character)
            }
            previous = character
        }
        flush(&current, into: &result)
        return result
    }

    private static func flush(_ current: inout String, into result: inout [String]) {
        let sentence = current.trimmingCharacters(in: .whitespaces)
        if !sentence.isEmpty {
            result.append(sentence.count > maxSentenceLength ? String(sentence.prefix(maxSentenceLength)) + "…" : sentence)
        }
        current = ""
    }
}
