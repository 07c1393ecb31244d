import Foundation
import ShopdeskCore
@testable import ShopdeskServer
import Testing

@Suite("Direct JSON answers")
struct DirectJSONTests {
    private func both<T: Encodable & DirectJSON>(_ value: T) throws -> (NSDictionary, NSDictionary) {
        var writer = JSONWriter()
        value.write(into: &writer)
        let direct = try #require(try JSONSerialization.jsonObject(with: Data(writer.bytes)) as? NSDictionary)
        let encoded = try #require(try JSONSerialization.jsonObject(with: APIJSON.encoder().encode(value)) as? NSDictionary)
        return (direct, encoded)
    }

    static let conversation = Conversation(
        id: ConversationID(7), workspaceID: WorkspaceID(1), number: 42, inboxID: InboxID(2), customerID: CustomerID(3),
        subject: "Narudžba \"#1234\"\n", state: ConversationState(status: .snoozed, snoozedUntil: Date(timeIntervalSince1970: 1_800_000_000.5),
                                                               priority: .urgent, assigneeID: AgentID(4), teamID: nil, tags: ["vip", "refund"]),
        language: nil, lastMessageAt: Date(timeIntervalSince1970: 1_799_999_999.123), lastMessagePreview: "Где мой заказ?",
        lastMessageDirection: .inbound, messageCount: 3, firstResponseAt: nil, resolvedAt: nil,
        createdAt: Date(timeIntervalSince1970: 1_700_000_000), updatedAt: Date(timeIntervalSince1970: 1_800_000_000))

    @Test func conversationListMatchesTheEncoder() throws {
        let customer = Customer(id: CustomerID(3), workspaceID: WorkspaceID(1), name: "Ana <b>", email: "ana@example.hr", phone: nil,
                                externalID: nil, locale: nil, mergedInto: nil, createdAt: Date(), updatedAt: Date())
        let list = ConversationsController.ListResponse(
            items: [ConversationDTO(Self.conversation, customer: customer), ConversationDTO(Self.conversation)],
            nextCursor: "abc", counts: ["open": 3, "mine": 1])
        let (direct, encoded) = try both(list)
        #expect(direct == encoded)
    }

    @Test func messagesMatchTheEncoder() throws {
        let message = Message(id: MessageID(9), workspaceID: WorkspaceID(1), conversationID: ConversationID(7), direction: .outbound,
                              authorAgentID: AgentID(4), authorCustomerID: nil, text: "Line one\nline \"two\" \\ 🛍", channelMessageID: nil,
                              deliveryStatus: .failed, deliveryError: "host answered 400", attachmentIDs: [AttachmentID(1)],
                              createdAt: Date(timeIntervalSince1970: 1_800_000_000.007))
        let (direct, encoded) = try both(Page(items: [MessageDTO(message)], nextCursor: nil))
        #expect(direct == encoded)
    }
}
