import ShopdeskCore
import ShopdeskIntelligence

/// Classifies customer messages in the ingest path with the models shipped in the binary.
/// Runs before the write transaction (it is CPU work, a few tens of microseconds), so the
/// result is stored in the same transaction as the message.
public struct MessageClassifier: Sendable {
    let intelligence: Intelligence

    public init(intelligence: Intelligence) {
        self.intelligence = intelligence
    }

    /// The shipped models, or nil if they cannot be loaded (then messages are stored unclassified).
    public static let shipped: MessageClassifier? = (try? Intelligence.shipped()).map(MessageClassifier.init)

    public func classify(subject: String?, text: String) -> Classification {
        intelligence.analyze([subject, text].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: "\n"))
    }
}
