import Foundation
import HTTPTypes
import HummingbirdTesting
import ShopdeskCore
import ShopdeskMail
@testable import ShopdeskServer
import ShopdeskStore
import ShopdeskTestSupport
import Testing

/// Working together: a note's @mention notifies and makes a follower, followers hear when the
/// customer writes, an assignee hears of the assignment; notifications are read in the app or,
/// left unread, arrive by email once — and nobody is told about a conversation they cannot see.
@Suite("Mentions, followers and notifications")
struct NotificationTests {
    static func notifications(_ harness: Harness, _ token: String, unread: Bool = false) async throws -> JSONResponse {
        try await harness.client.json(.get, "/api/v1/notifications\(unread ? "?unread=true" : "")", token: token)
    }

    @Test(arguments: TestDatabase.kinds)
    func aMentionNotifiesAndFollowsAndTheCustomersAnswerReachesFollowers(kind: DatabaseKind) async throws {
        try await Harness.run(kind) { harness in
            let token = harness.ownerToken
            let rita = try await harness.agent(role: .agent, email: "rita@example.com")
            let outsider = try await harness.agent(role: .agent, email: "ivo@example.com")
            _ = try await harness.client.json(.patch, "/api/v1/agents/\(outsider.id)", token: token, body: #"{"name":"Ivo Horvat"}"#)
            _ = try await harness.client.json(.put, "/api/v1/inboxes/\(harness.inboxID)/members", token: token,
                                              body: #"{"member_ids":[\#(rita.id)]}"#)
            let id = try await harness.inbound(email: "ana@example.com", text: "My parcel never came").int("conversation_id")

            // Rita is named in the text; Ivo is not in the inbox, so naming him tells him nothing.
            let note = try await harness.client.json(.post, "/api/v1/conversations/\(id)/messages", token: token,
                                                     body: #"{"text":"@Test agent can you check the courier? @Ivo Horvat FYI","private":true}"#)
            #expect(note.status == .created, "\(note.text)")
            let ritas = try await Self.notifications(harness, rita.token)
            #expect(try ritas.int("unread_count") == 1, "\(ritas.text)")
            let first = try #require(ritas.items.first)
            #expect(first["kind"] as? String == "mention" && first["conversation_id"] as? Int == Int(id))
            #expect(first["actor_agent_id"] as? Int == Int(harness.owner.id.rawValue))
            #expect((first["preview"] as? String)?.contains("courier") == true)
            #expect(try await Self.notifications(harness, outsider.token).items.isEmpty, "Ivo cannot see the inbox")
            #expect(try await Self.notifications(harness, token).items.isEmpty, "nobody is told of their own note")

            // By id, someone who cannot see it is refused in words.
            let refused = try await harness.client.json(.post, "/api/v1/conversations/\(id)/messages", token: token,
                                                        body: #"{"text":"look","private":true,"mention_ids":[\#(outsider.id)]}"#)
            #expect(refused.status == .unprocessableContent && (try? refused.string("code")) == "mention_not_visible", "\(refused.text)")

            // Rita now follows; the Mentions and Following views find the conversation.
            let followers = try await harness.client.json(.get, "/api/v1/conversations/\(id)/followers", token: rita.token)
            #expect(try followers.bool("following"), "\(followers.text)")
            for filter in ["mentioned=me", "following=me"] {
                let listed = try await harness.client.json(.get, "/api/v1/conversations?\(filter)", token: rita.token).items
                #expect(listed.map { $0["id"] as? Int } == [Int(id)], "\(filter)")
            }

            // The customer answers: followers hear it, others do not.
            _ = try await harness.inbound(email: "ana@example.com", text: "Any news?")
            let after = try await Self.notifications(harness, rita.token, unread: true)
            #expect(after.items.map { $0["kind"] as? String } == ["customer_replied", "mention"], "\(after.text)")
            #expect(try await Self.notifications(harness, token).items.isEmpty)

            // Opening the conversation reads its notifications.
            let read = try await harness.client.json(.post, "/api/v1/notifications/read", token: rita.token, body: #"{"conversation_id":\#(id)}"#)
            #expect(try read.int("unread_count") == 0)

            // Unfollowed: the next answer is not hers to hear.
            #expect(try await harness.client.json(.delete, "/api/v1/conversations/\(id)/followers/\(rita.id)", token: rita.token).status == .ok)
            _ = try await harness.inbound(email: "ana@example.com", text: "Hello?")
            #expect(try await Self.notifications(harness, rita.token, unread: true).int("unread_count") == 0)
        }
    }

    @Test func anAssigneeIsToldUnlessTheyTookItThemselves() async throws {
        try await Harness.run(.sqlite) { harness in
            let rita = try await harness.agent(role: .admin, email: "rita@example.com")
            let id = try await harness.inbound().int("conversation_id")
            _ = try await harness.client.json(.patch, "/api/v1/conversations/\(id)", token: rita.token, body: #"{"assignee_id":\#(rita.id)}"#)
            #expect(try await Self.notifications(harness, rita.token).items.isEmpty, "she took it herself")
            _ = try await harness.client.json(.patch, "/api/v1/conversations/\(id)", token: harness.ownerToken, body: #"{"assignee_id":null}"#)
            _ = try await harness.client.json(.patch, "/api/v1/conversations/\(id)", token: harness.ownerToken, body: #"{"assignee_id":\#(rita.id)}"#)
            let told = try await Self.notifications(harness, rita.token).items
            #expect(told.map { $0["kind"] as? String } == ["assigned"] && told.first?["conversation_number"] as? Int != nil, "\(told)")

            // Another workspace sees none of it and cannot follow with its ids.
            let stranger = try await harness.stranger()
            #expect(try await Self.notifications(harness, stranger.token).items.isEmpty)
            let follow = try await harness.client.json(.put, "/api/v1/conversations/\(id)/followers/\(stranger.agent.id.rawValue)",
                                                       token: harness.ownerToken)
            #expect(follow.status == .unprocessableContent, "\(follow.text)")
            #expect(try await harness.client.json(.get, "/api/v1/conversations/\(id)/followers", token: stranger.token).status == .notFound)
        }
    }

    @Test func aNotificationLeftUnreadArrivesOnceByEmailInTheAgentsLanguage() async throws {
        guard let sink = try await SMTPSink.start() else { return }
        defer { sink.stop() }
        try await Harness.run(.sqlite, configure: Harness.localServers) { harness in
            let (mail, _) = try await EmailSendingTests.sendingInbox(harness, sink)
            let rita = try await harness.agent(role: .admin, email: "rita@example.com")
            _ = try await harness.client.json(.patch, "/api/v1/auth/me", token: rita.token, body: #"{"locale":"pt-BR"}"#)
            let ivo = try await harness.agent(role: .admin, email: "ivo@example.com")
            _ = try await harness.client.json(.put, "/api/v1/auth/me/notifications", token: ivo.token, body: #"{"email":false}"#)
            let conversation = try await mail.deliver(MailFixture.mail(subject: "Pedido 1042", id: "n1@example.hr")).int("conversation_id")
            _ = try await harness.client.json(.post, "/api/v1/conversations/\(conversation)/messages", token: harness.ownerToken,
                                              body: #"{"text":"Pode ver isto?","private":true,"mention_ids":[\#(rita.id),\#(ivo.id)]}"#)
            // Not before five minutes; then once, however often the job runs.
            _ = try await harness.runJobs()
            #expect(try sink.messages().isEmpty)
            _ = try await harness.runJobs(at: Date().addingTimeInterval(NotificationRepository.emailDelay + 5))
            _ = try await harness.runJobs(at: Date().addingTimeInterval(NotificationRepository.emailDelay + 60))
            let received = try sink.messages()
            #expect(received.count == 1, "Ivo turned emails off")
            let sent = ParsedEmail.parse(try #require(received.first))
            #expect(sent.to.map(\.address) == ["rita@example.com"])
            #expect(sent.subject?.contains("mencionou você") == true && sent.subject?.contains("Pedido 1042") == true, "\(sent.subject ?? "")")
            #expect(sent.text?.contains("Pode ver isto?") == true)
            #expect(sent.isAutomatic)
            #expect(try await harness.client.json(.get, "/api/v1/auth/me/notifications", token: ivo.token).bool("email") == false)
        }
    }
}
