import Foundation
import ShopdeskCore
import ShopdeskStore
import ShopdeskTestSupport
import SQLKit
import Testing

/// Version 27 makes agent emails unique per workspace; on SQLite that rebuilds the agents table,
/// which must keep every row that points at an agent.
@Suite("Agent emails unique per workspace (migration)")
struct AgentEmailMigrationTests {
    @Test(arguments: TestDatabase.kinds)
    func rebuildingKeepsAgentsAndEverythingThatPointsAtThem(kind: DatabaseKind) async throws {
        try await TestDatabase.with(kind, schemaVersion: 26) { database in
            let now = Date()
            let (first, second, agent) = try await database.write { sql in
                let first = try await WorkspaceRepository.create(name: "First", timeZone: "UTC", now: now, in: sql)
                let second = try await WorkspaceRepository.create(name: "Second", timeZone: "UTC", now: now, in: sql)
                let agent = try await AgentRepository.create(workspaceID: first.id, email: "ana@example.com", name: "Ana", role: .owner,
                                                             passwordHash: "x", locale: "en", now: now, in: sql)
                _ = try await AccessRepository.createSession(agent: agent, tokenHash: "session-hash", csrfToken: "c",
                                                             expiresAt: now.addingTimeInterval(3600), now: now, in: sql)
                _ = try await AccessRepository.createToken(agent: agent, name: "api", tokenHash: "token-hash", now: now, in: sql)
                return (first, second, agent)
            }
            // Before: the address is taken everywhere.
            await #expect(throws: (any Error).self) {
                try await database.write { sql in
                    _ = try await AgentRepository.create(workspaceID: second.id, email: "ana@example.com", name: "Ana", role: .owner,
                                                         passwordHash: "y", locale: "en", now: now, in: sql)
                }
            }

            #expect(try await Migrator.migrate(database, upTo: 27) == [27])

            let (sessions, tokens, kept) = try await database.read { sql in
                (try await sql.raw("SELECT COUNT(*) AS n FROM sessions").first()!.decode(column: "n", as: Int.self),
                 try await sql.raw("SELECT COUNT(*) AS n FROM api_tokens").first()!.decode(column: "n", as: Int.self),
                 try await AgentRepository.find(workspaceID: first.id, id: agent.id, in: sql))
            }
            #expect(sessions == 1 && tokens == 1)
            #expect(kept == agent)
            let twin = try await database.write { sql in
                try await AgentRepository.create(workspaceID: second.id, email: "ANA@example.com", name: "Ana", role: .owner,
                                                 passwordHash: "y", locale: "en", now: now, in: sql)
            }
            #expect(twin.workspaceID == second.id && twin.email == "ana@example.com")
            let candidates = try await database.read { try await AgentRepository.signInCandidates(email: "ana@example.com", limit: 8, in: $0) }
            #expect(candidates.map(\.agent.id) == [agent.id, twin.id])
            // The database itself refuses a second one in the same workspace, and foreign keys are
            // enforced again after the rebuild.
            await #expect(throws: (any Error).self) {
                try await database.write { sql in
                    try await sql.raw("""
                        INSERT INTO agents (workspace_id, email, name, role, password_hash, locale, password_changed_at, created_at)
                        VALUES (\(bind: first.id.rawValue), 'ana@example.com', 'Twin', 'agent', 'z', 'en', 0, 0)
                        """).run()
                }
            }
            await #expect(throws: (any Error).self) {
                try await database.write { sql in
                    try await sql.raw("""
                        INSERT INTO sessions (workspace_id, agent_id, token_hash, csrf_token, created_at, expires_at)
                        VALUES (\(bind: first.id.rawValue), 987654, 'dangling', 'c', 0, 0)
                        """).run()
                }
            }
        }
    }
}
