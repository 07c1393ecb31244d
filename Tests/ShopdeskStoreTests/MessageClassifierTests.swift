import Foundation
@testable import ShopdeskStore
import Testing

@Suite("Message classification in the ingest path")
struct MessageClassifierTests {
    @Test func longMessagesAreReadFromTheirOpeningUpToAWholeWord() throws {
        let short = "Where is my order #1234? It has been a week."
        #expect(MessageClassifier.opening(of: short) == short)
        let long = "Ažurirajte adresu dostave molim " + String(repeating: "narudžba ", count: 300)
        let opening = MessageClassifier.opening(of: long)
        #expect(opening.unicodeScalars.count <= MessageClassifier.readLimit)
        #expect(opening.unicodeScalars.count > MessageClassifier.readLimit - 12)
        #expect(opening.hasPrefix("Ažurirajte adresu") && opening.hasSuffix("narudžba"), "cut after a whole word")

        // The opening decides: a refund request followed by a long pasted history stays one.
        let classifier = try #require(MessageClassifier.shipped)
        let pasted = "I want a refund for order 5521, the shoes arrived damaged.\n" + String(repeating: "Thanks for shopping with us! ", count: 200)
        #expect(classifier.classify(subject: nil, text: pasted).intent == classifier.classify(subject: nil, text: String(pasted.prefix(400))).intent)
    }
}
