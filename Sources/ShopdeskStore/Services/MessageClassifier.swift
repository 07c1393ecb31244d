import ShopdeskCore
import ShopdeskIntelligence

/// Classifies customer messages in the ingest path with the models shipped in the binary.
/// Runs before the write transaction (CPU work, up to ~0.2 ms for a long message), so the
/// result is stored in the same transaction as the message.
public struct MessageClassifier: Sendable {
    let intelligence: Intelligence

    public init(intelligence: Intelligence) {
        self.intelligence = intelligence
    }

    /// The shipped models, or nil if they cannot be loaded (then messages are stored unclassified).
    public static let shipped: MessageClassifier? = (try? Intelligence.shipped()).map(MessageClassifier.init)

    /// How much of a message is read: a customer says what the message is about at the start;
    /// what follows in a long one (a forwarded thread, a pasted log, a 100 KB email) would cost
    /// time in proportion and add little.
    public static let readLimit = 1_000

    public func classify(subject: String?, text: String) -> Classification {
        let opening = [subject, Self.opening(of: text)].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: "\n")
        var classification = intelligence.analyze(opening)
        if let model = intelligence.spam { classification.spam = WorkspaceTraining.isSpam(opening, model: model) }
        return classification
    }

    /// The first `readLimit` scalars, cut after the last whole word.
    static func opening(of text: String) -> String {
        let scalars = text.unicodeScalars
        guard let limit = scalars.index(scalars.startIndex, offsetBy: readLimit, limitedBy: scalars.endIndex),
              limit < scalars.endIndex else { return text }
        let head = scalars[..<limit]
        let end = head.lastIndex(where: { $0.properties.isWhitespace }) ?? limit
        return String(scalars[..<end])
    }
}
