import Foundation
import ShopdeskCore
@testable import ShopdeskServer
import ShopdeskStore
import ShopdeskTestSupport
import Testing

/// `shopdesk demo`'s data, seeded small: the owner can sign in and finds conversations, the
/// automation, the custom fields and the shared views the README promises.
@Suite("The demo shop's data")
struct DemoSeedTests {
    @Test func aSmallDemoSeedsEverythingTheTourNames() async throws {
        try await TestDatabase.with(.sqlite) { database in
            let result = try await DemoSeeder(database: database, passwordHasher: PasswordHasher(cost: 4))
                .seed(ownerPassword: "demo password 1", customers: 20, conversations: 40)
            #expect(result.conversations > 0 && result.customers > 0)
            let ws = result.workspaceID
            let (owner, fields, macros, rules) = try await database.read { sql in
                let owner = try await AgentRepository.list(workspaceID: ws, in: sql).first { $0.email == result.ownerEmail }
                return (owner, try await CustomFieldRepository.list(workspaceID: ws, in: sql), try await MacroRepository.list(workspaceID: ws, in: sql),
                        try await RuleRepository.list(workspaceID: ws, in: sql))
            }
            let agent = try #require(owner)
            let views = try await database.read { try await SavedViewRepository.list(workspaceID: ws, agentID: agent.id, in: $0) }
            #expect(fields.map(\.key).sorted() == ["loyalty_card", "return_reason"])
            #expect(views.map(\.name) == ["Urgent and high", "Returns board"] && views.allSatisfy(\.isShared))
            #expect(!macros.isEmpty && !rules.isEmpty)
            // Every shared view's filter reads, for the agent looking.
            for view in views { _ = try ConversationFilter(fields: view.fields, me: agent.id) }
        }
    }
}
