import Foundation
import ShopdeskCore
@testable import ShopdeskServer
import ShopdeskStore
import ShopdeskTestSupport
import Testing

/// A workspace's own model: learned from its agents' corrections, judged on held-out ones,
/// used for new messages only when it is better.
@Suite("Workspace models")
struct WorkspaceModelTests {
    @Test(arguments: TestDatabase.kinds)
    func correctionsTrainAModelThatIsAdoptedOnlyWhenBetter(kind: DatabaseKind) async throws {
        try await Harness.run(kind, mode: .live) { harness in
            // This shop sells "zorblat" boxes by subscription; the shipped model has never seen the word.
            var ids: [Int64] = []
            for index in 0..<24 {
                let inbound = try await harness.inbound(email: "c\(index)@example.com", text: "zorblat \(["blue", "green", "large", "mini"][index % 4]) box \(index) again this month?")
                ids.append(try inbound.int("conversation_id"))
            }
            let early = try await harness.client.json(.post, "/api/v1/intelligence/models/train", token: harness.ownerToken)
            #expect(early.text.contains("at least 20"), "\(early.text)")
            for id in ids {
                let corrected = try await harness.client.json(.patch, "/api/v1/conversations/\(id)", token: harness.ownerToken, body: #"{"intent":"subscription"}"#)
                #expect(corrected.status == .ok, "\(corrected.text)")
            }
            // The corrections queued a training for later; run it as the job runner would.
            try await harness.runJobs(at: Date().addingTimeInterval(7 * 3600))
            let models = try await harness.client.json(.get, "/api/v1/intelligence/models", token: harness.ownerToken)
            let intent = try #require(models.items.first { ($0["report"] as? [String: Any])?["task"] as? String == "intent" }?["report"] as? [String: Any])
            #expect(intent["examples"] as? Int == 24 && intent["held_out"] as? Int == 6, "\(intent)")
            let shipped = try #require(intent["shipped_accuracy"] as? Double)
            let own = try #require(intent["workspace_accuracy"] as? Double)
            #expect(own > shipped && intent["adopted"] as? Bool == true, "\(intent)")
            // New messages are classified with the adopted model.
            let next = try await harness.inbound(email: "new@example.com", text: "zorblat red box again?")
            let messages = try await harness.client.json(.get, "/api/v1/conversations/\(try next.int("conversation_id"))/messages", token: harness.ownerToken)
            let classification = try #require(messages.items.first?["classification"] as? [String: Any])
            #expect(classification["intent"] as? String == "subscription", "\(classification)")
            // The report by intent counts the corrected conversations.
            let report = try await harness.client.json(.get, "/api/v1/reports/intents", token: harness.ownerToken)
            #expect(report.items.first?["intent"] as? String == "subscription" && report.items.first?["conversations"] as? Int == 25, "\(report.text)")
            // Only admins see and start training.
            let agent = try await harness.agent(role: .agent)
            #expect(try await harness.client.json(.post, "/api/v1/intelligence/models/train", token: agent.token).status == .forbidden)
        }
    }
}
