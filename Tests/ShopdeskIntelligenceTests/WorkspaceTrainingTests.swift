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
