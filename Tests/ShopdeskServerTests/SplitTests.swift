import Foundation
import HTTPTypes
import HummingbirdTesting
import ShopdeskCore
@testable import ShopdeskServer
import ShopdeskStore
import ShopdeskTestSupport
import Testing

/// Splitting a conversation: a second question asked in the same thread becomes a conversation of
/// its own, with its messages, its email threading and both timelines saying so.
@Suite("Splitting a conversation")
struct SplitTests {
    @Test(arguments: TestDatabase.kinds)
    func aSecondQuestionBecomesItsOwnConversationAndItsMailFollows(kind: DatabaseKind) async throws {
        try await Harness.run(kind, configure: Harness.localServers) { harness in
            let token = harness.ownerToken
            let mail = try await MailFixture.make(harness)
            let first = try await mail.deliver(MailFixture.mail(id: "q1@example.hr"))
            let source = try first.int("conversation_id")
            _ = try await harness.client.json(.patch, "/api/v1/conversations/\(source)", token: token, body: #"{"tags":["order"],"priority":"high"}"#)
            _ = try await harness.client.json(.post, "/api/v1/conversations/\(source)/messages", token: token,
                                              body: #"{"text":"Your order left today.","private":false}"#)
            let second = try await mail.deliver(MailFixture.mail(subject: "Re: Narudžba 1042", id: "q2@example.hr", references: ["q1@example.hr"],
                                                                 body: "Also: can I return the blue shoes?"))
            #expect(try second.int("conversation_id") == source)
            let secondMessage = try second.int("message_id")

            // The first message cannot go: nothing would be left.
            let firstMessage = try first.int("message_id")
            let refused = try await harness.client.json(.post, "/api/v1/conversations/\(source)/split", token: token,
                                                        body: #"{"message_id":\#(firstMessage)}"#)
            #expect(refused.status == .unprocessableContent && (try? refused.string("code")) == "split_first", "\(refused.text)")

            let split = try await harness.client.json(.post, "/api/v1/conversations/\(source)/split", token: token,
                                                      body: #"{"message_id":\#(secondMessage)}"#)
            #expect(split.status == .created, "\(split.text)")
            let new = try split.int("id")
            #expect(try split.string("status") == "open" && (try split.string("priority")) == "high")
            #expect(split.body.flatMap { ($0 as? [String: Any])?["tags"] as? [String] } == ["order"])

            let kept = try await harness.client.json(.get, "/api/v1/conversations/\(source)/messages", token: token).items
            let moved = try await harness.client.json(.get, "/api/v1/conversations/\(new)/messages", token: token).items
            #expect(kept.map { $0["text"] as? String } == ["Gdje je moja narudžba?", "Your order left today."])
            #expect(moved.map { $0["text"] as? String } == ["Also: can I return the blue shoes?"])
            let sourceNow = try await harness.client.json(.get, "/api/v1/conversations/\(source)", token: token)
            #expect(try sourceNow.object("last_message").string("direction") == "outbound", "\(sourceNow.text)")
            #expect(try sourceNow.int("message_count") == 2 && (try split.int("message_count")) == 1)

            // Both timelines say so.
            let sourceEvents = try await harness.client.json(.get, "/api/v1/conversations/\(source)/timeline", token: token).items
            #expect(sourceEvents.contains { $0["kind"] as? String == "conversation.split" })
            let newEvents = try await harness.client.json(.get, "/api/v1/conversations/\(new)/timeline", token: token).items
            #expect(newEvents.contains { $0["kind"] as? String == "conversation.split_from" })

            // The customer answers the moved message: it threads into the new conversation.
            let answer = try await mail.deliver(MailFixture.mail(subject: "Re: Narudžba 1042", id: "q3@example.hr",
                                                                 references: ["q1@example.hr", "q2@example.hr"], body: "Size 38."))
            #expect(try answer.int("conversation_id") == new)

            // Counts stay true: two open conversations now.
            let counts = try await harness.database.read {
                try await ConversationRepository.recountViews(workspaceID: harness.workspaceID, agentID: harness.owner.id, in: $0)
            }
            let kept2 = try await harness.database.read {
                try await ConversationRepository.viewCounts(workspaceID: harness.workspaceID, agentID: harness.owner.id, visibleInboxes: nil, in: $0)
            }
            #expect(counts == kept2 && counts["open"] == 2, "\(counts) \(kept2)")
        }
    }

    @Test func aViewerOrAnotherWorkspaceCannotSplit() async throws {
        try await Harness.run(.sqlite) { harness in
            let id = try await harness.inbound().int("conversation_id")
            let later = try await harness.inbound(text: "and another thing").int("message_id")
            let viewer = try await harness.agent(role: .viewer)
            #expect(try await harness.client.json(.post, "/api/v1/conversations/\(id)/split", token: viewer.token,
                                                  body: #"{"message_id":\#(later)}"#).status == .forbidden)
            let stranger = try await harness.stranger()
            #expect(try await harness.client.json(.post, "/api/v1/conversations/\(id)/split", token: stranger.token,
                                                  body: #"{"message_id":\#(later)}"#).status == .notFound)
            // A message of another conversation is not this one's to split.
            let other = try await harness.inbound(email: "someone@example.com", text: "Hi").int("message_id")
            #expect(try await harness.client.json(.post, "/api/v1/conversations/\(id)/split", token: harness.ownerToken,
                                                  body: #"{"message_id":\#(other)}"#).status == .notFound)
        }
    }
}
