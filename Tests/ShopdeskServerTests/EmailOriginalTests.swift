import Foundation
import HTTPTypes
import ShopdeskCore
import ShopdeskStore
import ShopdeskTestSupport
import Testing

/// Agents can download the email a customer's message arrived as, byte for byte; only for
/// messages that came by email, and only in conversations they may see.
@Suite("Original emails")
struct EmailOriginalTests {
    @Test(arguments: TestDatabase.kinds)
    func theOriginalOfAnEmailIsADownloadForThoseWhoSeeTheConversation(kind: DatabaseKind) async throws {
        try await Harness.run(kind) { harness in
            let mail = try await MailFixture.make(harness)
            let raw = MailFixture.mail(id: "original-1@example.hr", body: "Narudžba 1042 još nije stigla.\n\nOn Mon, Support wrote:\n> Hvala!",
                                       extra: "X-Mailer: Test 1.0")
            let stored = try await mail.deliver(raw)
            let conversation = try stored.int("conversation_id"), message = try stored.int("message_id")
            let path = "/api/v1/conversations/\(conversation)/messages/\(message)/original"
            try await harness.client.execute(uri: path, method: .get, headers: [.authorization: "Bearer \(harness.ownerToken)"]) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "message/rfc822")
                #expect(response.headers[.contentDisposition]?.hasPrefix("attachment") == true, "downloaded, never shown inline")
                #expect(String(buffer: response.body) == raw, "byte for byte, quoted history and headers included")
            }
            // An agent who is not in the inbox does not see the conversation, nor its mail.
            let (_, outsider) = try await harness.agent(role: .agent)
            let hidden = try await harness.client.json(.get, path, token: outsider)
            #expect(hidden.status == .notFound)
            // A note has no original, and neither has a message of another conversation.
            let note = try await harness.client.json(.post, "/api/v1/conversations/\(conversation)/messages", token: harness.ownerToken,
                                                     body: #"{"text":"Checked with the courier.","private":true}"#).int("id")
            let noOriginal = try await harness.client.json(.get, "/api/v1/conversations/\(conversation)/messages/\(note)/original",
                                                           token: harness.ownerToken)
            #expect(noOriginal.status == .notFound && noOriginal.text.contains("did not arrive by email"))
            let other = try await mail.deliver(MailFixture.mail(from: "Ivan <ivan@example.hr>", subject: "Drugo", id: "original-2@example.hr"))
            let crossed = try await harness.client.json(.get, "/api/v1/conversations/\(try other.int("conversation_id"))/messages/\(message)/original",
                                                        token: harness.ownerToken)
            #expect(crossed.status == .notFound)
        }
    }
}
