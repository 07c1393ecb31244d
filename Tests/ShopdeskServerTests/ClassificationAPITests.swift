import Foundation
import ShopdeskCore
@testable import ShopdeskServer
import ShopdeskStore
import ShopdeskTestSupport
import Testing

@Suite("Message classification over the API")
struct ClassificationAPITests {
    @Test(arguments: TestDatabase.kinds)
    func inboundMessagesAreClassifiedAndAgentsCanCorrectThem(kind: DatabaseKind) async throws {
        try await Harness.run(kind) { harness in
            let token = harness.ownerToken
            let created = try await harness.inbound(text: "Quero cancelar meu pedido #4411, comprei por engano", subject: nil)
            let id = try created.int("conversation_id")

            let conversation = try await harness.client.json(.get, "/api/v1/conversations/\(id)", token: token)
            #expect(try conversation.string("language") == "pt")
            #expect(try conversation.string("intent") == "cancel_order")
            #expect(try conversation.string("sentiment") == "neutral")

            let messages = try await harness.client.json(.get, "/api/v1/conversations/\(id)/messages", token: token)
            let classification = try #require(messages.items.first?["classification"] as? [String: Any])
            #expect(classification["language"] as? String == "pt")
            #expect(classification["intent"] as? String == "cancel_order")
            #expect((classification["intent_confidence"] as? Double ?? 0) > 0.45)

            // A later angry message changes the mood, not the intent the conversation started with.
            _ = try await harness.inbound(text: "This is unacceptable, nobody answers!!! I want my money back NOW", subject: nil)
            let angry = try await harness.client.json(.get, "/api/v1/conversations/\(id)", token: token)
            #expect(try angry.string("intent") == "cancel_order")
            #expect(try angry.string("sentiment") == "negative")
            #expect((angry.body as? [String: Any])?["urgent"] as? Bool == true)

            let urgentList = try await harness.client.json(.get, "/api/v1/conversations?urgent=true&intent=cancel_order", token: token)
            #expect(urgentList.items.compactMap { $0["id"] as? Int64 } == [id])
            let none = try await harness.client.json(.get, "/api/v1/conversations?intent=refund_status", token: token)
            #expect(none.items.isEmpty)

            // The agent corrects the intent; the timeline keeps who changed what.
            let corrected = try await harness.client.json(.patch, "/api/v1/conversations/\(id)", token: token,
                                                          body: #"{"intent":"refund_status","sentiment":"negative"}"#)
            #expect(corrected.status == .ok)
            #expect(try corrected.string("intent") == "refund_status")
            let timeline = try await harness.client.json(.get, "/api/v1/conversations/\(id)/timeline", token: token)
            let correction = try #require(timeline.items.first { $0["kind"] as? String == "conversation.classified" })
            let payload = correction["payload"] as? [String: Any]
            #expect((payload?["intent"] as? [String: Any])?["from"] as? String == "cancel_order")
            #expect((payload?["intent"] as? [String: Any])?["to"] as? String == "refund_status")

            let unknown = try await harness.client.json(.patch, "/api/v1/conversations/\(id)", token: token,
                                                        body: #"{"intent":"make_coffee"}"#)
            #expect(unknown.status == .unprocessableContent)
            #expect(unknown.detail.contains("order_status"))
            let badFilter = try await harness.client.json(.get, "/api/v1/conversations?urgent=maybe", token: token)
            #expect(badFilter.status == .badRequest)
        }
    }
}
