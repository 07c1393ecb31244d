import Foundation
import ShopdeskCore
import ShopdeskStore
import ShopdeskTestSupport
import Testing

@Suite("Ingest path")
struct IngestTests {
    @Test(arguments: TestDatabase.kinds)
    func firstMessageCreatesCustomerConversationAndTimeline(kind: DatabaseKind) async throws {
        try await TestDatabase.with(kind) { database in
            let fixture = try await TestDatabase.fixture(database)
            let service = ConversationService(database: database, publisher: nil)
            let result = try await service.ingest(.sample(inbox: fixture.inbox.id), workspaceID: fixture.workspace.id)
            #expect(result.createdConversation)
            #expect(!result.duplicate)
            let (conversation, messages, timeline) = try await database.read { sql in
                (try await ConversationRepository.find(workspaceID: fixture.workspace.id, id: result.conversationID, in: sql),
                 try await MessageRepository.list(workspaceID: fixture.workspace.id, conversationID: result.conversationID,
                                                  afterID: nil, limit: 50, in: sql),
                 try await EventLog.timeline(workspaceID: fixture.workspace.id, conversationID: result.conversationID, in: sql))
            }
            #expect(conversation?.number == 1)
            #expect(conversation?.state.status == .open)
            #expect(conversation?.lastMessagePreview == "Where is my order #1234?")
            #expect(messages.map(\.direction) == [.inbound])
            #expect(timeline.map(\.kind) == [.conversationCreated, .messageCreated])
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func sameChannelMessageIDTwiceIsOneMessage(kind: DatabaseKind) async throws {
        try await TestDatabase.with(kind) { database in
            let fixture = try await TestDatabase.fixture(database)
            let service = ConversationService(database: database, publisher: nil)
            let first = try await service.ingest(.sample(inbox: fixture.inbox.id, channelID: "ext-1"), workspaceID: fixture.workspace.id)
            let second = try await service.ingest(.sample(inbox: fixture.inbox.id, channelID: "ext-1"), workspaceID: fixture.workspace.id)
            #expect(second.duplicate)
            #expect(second.messageID == first.messageID)
            #expect(second.conversationID == first.conversationID)
            let count = try await database.read { try await $0.raw("SELECT COUNT(*) AS n FROM messages").first()!.decode(column: "n", as: Int.self) }
            #expect(count == 1)
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func followUpThreadsAndReopensPendingConversation(kind: DatabaseKind) async throws {
        try await TestDatabase.with(kind) { database in
            let fixture = try await TestDatabase.fixture(database)
            let service = ConversationService(database: database, publisher: nil)
            let first = try await service.ingest(.sample(inbox: fixture.inbox.id), workspaceID: fixture.workspace.id)
            _ = try await service.update(workspaceID: fixture.workspace.id, id: first.conversationID,
                                         commands: [.setStatus(.pending)], actor: .agent(fixture.agent.id))
            // Same customer recognised by email, written in another case.
            let second = try await service.ingest(.sample(inbox: fixture.inbox.id, email: "MARTA@example.com", text: "Any news?"),
                                                  workspaceID: fixture.workspace.id)
            #expect(second.conversationID == first.conversationID)
            #expect(second.customerID == first.customerID)
            let conversation = try await database.read {
                try await ConversationRepository.find(workspaceID: fixture.workspace.id, id: first.conversationID, in: $0)
            }
            #expect(conversation?.state.status == .open)
            #expect(conversation?.messageCount == 2)
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func resolvedConversationIsNotReusedWithoutAReplyReference(kind: DatabaseKind) async throws {
        try await TestDatabase.with(kind) { database in
            let fixture = try await TestDatabase.fixture(database)
            let service = ConversationService(database: database, publisher: nil)
            let first = try await service.ingest(.sample(inbox: fixture.inbox.id), workspaceID: fixture.workspace.id)
            _ = try await service.update(workspaceID: fixture.workspace.id, id: first.conversationID,
                                         commands: [.setStatus(.resolved)], actor: .agent(fixture.agent.id))
            let fresh = try await service.ingest(.sample(inbox: fixture.inbox.id, text: "New question"), workspaceID: fixture.workspace.id)
            #expect(fresh.conversationID != first.conversationID)
            var reply = InboundMessage.sample(inbox: fixture.inbox.id, text: "About my old order")
            reply.replyTo = first.conversationID
            let reopened = try await service.ingest(reply, workspaceID: fixture.workspace.id)
            #expect(reopened.conversationID == first.conversationID)
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func identitiesAreMergedOntoTheMatchedCustomer(kind: DatabaseKind) async throws {
        try await TestDatabase.with(kind) { database in
            let fixture = try await TestDatabase.fixture(database)
            let service = ConversationService(database: database, publisher: nil)
            let byEmail = try await service.ingest(.sample(inbox: fixture.inbox.id), workspaceID: fixture.workspace.id)
            var withPhone = InboundMessage.sample(inbox: fixture.inbox.id)
            withPhone.customer.phone = "+385 91 123 4567"
            _ = try await service.ingest(withPhone, workspaceID: fixture.workspace.id)
            var byPhoneOnly = InboundMessage.sample(inbox: fixture.inbox.id, text: "sms")
            byPhoneOnly.customer = .init(phone: "+385911234567")
            let result = try await service.ingest(byPhoneOnly, workspaceID: fixture.workspace.id)
            #expect(result.customerID == byEmail.customerID)
            let identities = try await database.read { try await CustomerRepository.identities(of: byEmail.customerID, workspaceID: fixture.workspace.id, in: $0) }
            #expect(identities.map(\.kind) == ["email", "phone"])
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func anotherWorkspacesInboxIsNotFound(kind: DatabaseKind) async throws {
        try await TestDatabase.with(kind) { database in
            let mine = try await TestDatabase.fixture(database)
            let theirs = try await TestDatabase.fixture(database, name: "Other shop")
            let service = ConversationService(database: database, publisher: nil)
            await #expect(throws: ShopdeskError.notFound("Inbox \(theirs.inbox.id)")) {
                try await service.ingest(.sample(inbox: theirs.inbox.id), workspaceID: mine.workspace.id)
            }
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func concurrentIngestCommitsEveryMessage(kind: DatabaseKind) async throws {
        try await TestDatabase.with(kind) { database in
            let fixture = try await TestDatabase.fixture(database)
            let service = ConversationService(database: database, publisher: nil)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<200 {
                    group.addTask {
                        _ = try await service.ingest(.sample(inbox: fixture.inbox.id, email: "c\(index % 50)@example.com",
                                                             text: "message \(index)", channelID: "m-\(index)"),
                                                     workspaceID: fixture.workspace.id)
                    }
                }
                try await group.waitForAll()
            }
            let (messages, conversations) = try await database.read { sql in
                (try await sql.raw("SELECT COUNT(*) AS n FROM messages").first()!.decode(column: "n", as: Int.self),
                 try await sql.raw("SELECT COUNT(*) AS n FROM conversations").first()!.decode(column: "n", as: Int.self))
            }
            #expect(messages == 200)
            #expect(conversations == 50)
        }
    }

    /// Conversation numbers go on from the workspace's counter (a database upgraded from before
    /// PostgreSQL's sequences keeps its numbering) and stay unique when the first conversations
    /// of a workspace arrive at once (on PostgreSQL they create its sequence).
    @Test(arguments: TestDatabase.kinds)
    func conversationNumbersContinueAndStayUniqueUnderConcurrency(kind: DatabaseKind) async throws {
        try await TestDatabase.with(kind) { database in
            let fixture = try await TestDatabase.fixture(database)
            let ws = fixture.workspace.id
            try await database.write {
                try await $0.raw("UPDATE workspaces SET conversation_counter = 41 WHERE id = \(bind: ws.rawValue)").run()
            }
            let service = ConversationService(database: database, publisher: nil)
            let ids = try await withThrowingTaskGroup(of: ConversationID.self) { group in
                for index in 0..<8 {
                    group.addTask {
                        try await service.ingest(.sample(inbox: fixture.inbox.id, email: "n\(index)@example.com"), workspaceID: ws)
                            .conversationID
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            var numbers: [Int64] = []
            for id in ids {
                let conversation = try await database.read { try await ConversationRepository.find(workspaceID: ws, id: id, in: $0) }
                numbers.append(try #require(conversation).number)
            }
            #expect(numbers.sorted() == Array(42...49))
        }
    }
}
