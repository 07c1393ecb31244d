import Foundation
import ShopdeskIntelligence
import Testing

@Suite("Workspace training")
struct WorkspaceTrainingTests {
    @Test func tooFewLabelsTrainNothingAndSayHowManyAreNeeded() throws {
        let shipped = try Intelligence.shipped()
        let (model, report) = try WorkspaceTraining.train(.intent, examples: [.init(text: "zorblat?", label: "subscription")], shipped: shipped.intent)
        #expect(model == nil && !report.adopted && report.reason.contains("at least 20"))
    }

    @Test func spamNeedsMarkedConversationsAndIsJudgedAgainstTheRules() throws {
        let hams = (0..<32).map { WorkspaceTraining.Example(text: "where is my order \($0)", label: "ham") }
        let (none, early) = try WorkspaceTraining.trainSpam(examples: hams)
        #expect(none == nil && early.reason.contains("at least 5 marked"), "\(early.reason)")
        // Spam among both the learnt and the held-out (every fourth) labels.
        var mixed: [WorkspaceTraining.Example] = []
        for index in 0..<32 {
            let pitch = index % 4 == 1 || index % 8 == 3
            let text = "wholesale replica bags \(index) from our factory, reply for the catalogue"
            mixed.append(pitch ? WorkspaceTraining.Example(text: text, label: "spam") : hams[index])
        }
        let (model, report) = try WorkspaceTraining.trainSpam(examples: mixed)
        #expect(report.adopted && report.task == .spam, "\(report.reason)")
        let trained = try #require(model)
        #expect(WorkspaceTraining.isSpam("replica bags from the factory, reply for the catalogue", model: trained))
        #expect(!WorkspaceTraining.isSpam("where is my order?", model: trained))
        let (again, _) = try WorkspaceTraining.trainSpam(examples: mixed)
        #expect(again?.serialized() == model?.serialized(), "the same labels give the same model")
    }

    @Test func trainingIsDeterministicAndJudgedOnHeldOutLabels() throws {
        let shipped = try Intelligence.shipped()
        let examples = (0..<24).map { WorkspaceTraining.Example(text: "zorblat \(["blue", "green", "large", "mini"][$0 % 4]) box \($0) again this month?", label: "subscription") }
        let first = try WorkspaceTraining.train(.intent, examples: examples, shipped: shipped.intent, threshold: shipped.intentThreshold)
        let second = try WorkspaceTraining.train(.intent, examples: examples, shipped: shipped.intent, threshold: shipped.intentThreshold)
        #expect(first.report.heldOut == 6 && first.report.adopted)
        #expect(first.model?.serialized() == second.model?.serialized(), "the same labels give the same model")
        let adopted = shipped.replacing(intent: first.model, sentiment: nil)
        #expect(adopted.analyze("zorblat red box again?").intent == "subscription")
        #expect(adopted.analyze("Where is my order #1234?").intent == "order_status", "what the corpus taught is kept")
    }
}
