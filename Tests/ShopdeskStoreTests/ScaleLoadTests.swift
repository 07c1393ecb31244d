import Foundation
import ShopdeskCore
import ShopdeskStore
import ShopdeskTestSupport
import Testing

/// The benchmark's bulk loader must leave what the ingest path leaves, or a measurement at a
/// million would be of another database than the product's.
@Suite("Loading conversations for measurements at scale")
struct ScaleLoadTests {
    @Test(arguments: TestDatabase.kinds)
    func loadedConversationsAreListedCountedSearchedAndContinued(kind: DatabaseKind) async throws {
        try await TestDatabase.with(kind) { database in
            let fixture = try await TestDatabase.fixture(database)
            let ws = fixture.workspace.id
            let service = ConversationService(database: database, publisher: nil)
            let first = try await service.ingest(.sample(inbox: fixture.inbox.id, email: "first@example.com"), workspaceID: ws)
            let loaded = (0..<3).map { n in
                ScaleLoad.Conversation(customerName: "Ana \(n)", customerEmail: "ana\(n)@example.hr", subject: "Dostava \(n)",
                                       messages: ["Gdje je narudžba \(n)?", "Paket još nije stigao", "Hvala, čekam odgovor \(n)"])
            }
            try await ScaleLoad.write(loaded, workspaceID: ws, inboxID: fixture.inbox.id, lastAt: Date(), in: database)

            var open = ConversationFilter()
            open.statuses = [.open]
            let filter = open
            let (listed, counts) = try await database.read { sql in
                (try await ConversationRepository.list(workspaceID: ws, filter: filter, sort: .newest,
                                                       cursor: nil, limit: 10, in: sql).conversations,
                 try await ConversationRepository.viewCounts(workspaceID: ws, agentID: fixture.agent.id, visibleInboxes: nil, in: sql))
            }
            #expect(listed.count == 4)
            #expect(Set(listed.map(\.number)) == [1, 2, 3, 4])
            #expect(listed.first { $0.subject == "Dostava 2" }?.messageCount == 3)
            #expect(listed.first { $0.subject == "Dostava 2" }?.lastMessagePreview == "Hvala, čekam odgovor 2")
            #expect(counts["open"] == 4)

            func search(_ query: String) async throws -> Set<String?> {
                let hits = try await database.read { try await SearchIndex.search(workspaceID: ws, query: query, limit: 10, kind: kind, in: $0) }
                return Set(hits.map { hit in listed.first { $0.id == hit.conversationID }?.subject })
            }
            #expect(try await search("narudzba") == ["Dostava 0", "Dostava 1", "Dostava 2"])
            #expect(try await search("dostava 1") == ["Dostava 1"])
            #expect(try await search("ana2") == ["Dostava 2"])

            // The customer is found by email, and the next conversation takes the next number.
            let again = try await service.ingest(.sample(inbox: fixture.inbox.id, email: "ana1@example.hr", text: "Još jedno pitanje"),
                                                 workspaceID: ws)
            #expect(again.conversationID == listed.first { $0.subject == "Dostava 1" }?.id)
            let new = try await service.ingest(.sample(inbox: fixture.inbox.id, email: "new@example.com"), workspaceID: ws)
            let numbers = try await database.read { sql in
                try await ConversationRepository.find(workspaceID: ws, id: new.conversationID, in: sql)?.number
            }
            #expect(numbers == 5)
            #expect(first.createdConversation)
        }
    }
}
