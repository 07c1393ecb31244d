import Foundation
import ShopdeskCore
import ShopdeskStore
import ShopdeskTestSupport
import Testing

@Suite("Full-text search")
struct SearchTests {
    @Test(arguments: TestDatabase.kinds)
    func findsAcrossLanguagesAndDiacritics(kind: DatabaseKind) async throws {
        try await TestDatabase.with(kind) { database in
            let fixture = try await TestDatabase.fixture(database)
            let service = ConversationService(database: database, publisher: nil)
            let ws = fixture.workspace.id
            let croatian = try await service.ingest(.sample(inbox: fixture.inbox.id, email: "ivan@example.hr",
                text: "Narudžba još nije stigla, molim provjerite dostavu", subject: "Dostava"), workspaceID: ws)
            let russian = try await service.ingest(.sample(inbox: fixture.inbox.id, email: "olga@example.ru",
                text: "Где мой заказ? Посылка не пришла", subject: "Заказ"), workspaceID: ws)
            let portuguese = try await service.ingest(.sample(inbox: fixture.inbox.id, email: "joao@example.br",
                text: "Quero a devolução do pedido, veio com defeito", subject: "Devolução"), workspaceID: ws)

            func search(_ query: String) async throws -> [ConversationID] {
                try await database.read { try await SearchIndex.search(workspaceID: ws, query: query, limit: 10, kind: kind, in: $0) }
                    .map(\.conversationID)
            }
            #expect(try await search("narudzba") == [croatian.conversationID])
            #expect(try await search("NARUDŽBA") == [croatian.conversationID])
            #expect(try await search("заказ") == [russian.conversationID])
            #expect(try await search("посыл") == [russian.conversationID])
            #expect(try await search("devolucao") == [portuguese.conversationID])
            #expect(try await search("devolução defeito") == [portuguese.conversationID])
            #expect(try await search("olga") == [russian.conversationID])
            #expect(try await search("example.hr") == [croatian.conversationID])
            #expect(try await search("nothing-like-this").isEmpty)
            #expect(try await search("  ").isEmpty)
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func ranksByRelevanceThenRecencyAndStaysInWorkspace(kind: DatabaseKind) async throws {
        try await TestDatabase.with(kind) { database in
            let fixture = try await TestDatabase.fixture(database)
            let other = try await TestDatabase.fixture(database, name: "Other")
            let service = ConversationService(database: database, publisher: nil)
            let ws = fixture.workspace.id
            let weak = try await service.ingest(.sample(inbox: fixture.inbox.id, email: "a@example.com",
                text: "I have a question about sizes, and also a long story about many other things in my life and my refund",
                subject: "Question"), workspaceID: ws)
            let strong = try await service.ingest(.sample(inbox: fixture.inbox.id, email: "b@example.com",
                text: "Refund refund refund please", subject: "Refund"), workspaceID: ws)
            _ = try await service.ingest(.sample(inbox: other.inbox.id, email: "c@example.com", text: "refund", subject: "refund"),
                                         workspaceID: other.workspace.id)
            let hits = try await database.read { try await SearchIndex.search(workspaceID: ws, query: "refund", limit: 10, kind: kind, in: $0) }
            #expect(hits.map(\.conversationID) == [strong.conversationID, weak.conversationID])
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func mergedMessagesAreFoundInTheSurvivor(kind: DatabaseKind) async throws {
        try await TestDatabase.with(kind) { database in
            let fixture = try await TestDatabase.fixture(database)
            let service = ConversationService(database: database, publisher: nil)
            let ws = fixture.workspace.id
            let a = try await service.ingest(.sample(inbox: fixture.inbox.id, email: "a@example.com", text: "zeppelin"), workspaceID: ws)
            let b = try await service.ingest(.sample(inbox: fixture.inbox.id, email: "b@example.com", text: "hello"), workspaceID: ws)
            _ = try await service.merge(workspaceID: ws, sourceID: a.conversationID, into: b.conversationID, actor: .agent(fixture.agent.id))
            let hits = try await database.read { try await SearchIndex.search(workspaceID: ws, query: "zeppelin", limit: 10, kind: kind, in: $0) }
            #expect(hits.map(\.conversationID) == [b.conversationID])
        }
    }
}
