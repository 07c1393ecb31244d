import Foundation
import ShopdeskCore
import ShopdeskStore

/// Setting up workspaces from the command line (`admin create`, `demo`, `bench`).
public enum Provisioning {
    /// Creates an owner in the named workspace, creating the workspace if there is none by that name.
    public static func createOwner(
        database: Database, workspace name: String, timeZone: String, email: String, name agentName: String, passwordHash: String
    ) async throws -> (Agent, String) {
        try await database.write { sql in
            let now = Date()
            let workspace: Workspace
            if let existing = try await WorkspaceRepository.findByName(name, in: sql) {
                workspace = existing
            } else {
                workspace = try await WorkspaceRepository.create(name: name, timeZone: timeZone, now: now, in: sql)
            }
            let agent = try await AgentRepository.create(workspaceID: workspace.id, email: email, name: agentName, role: .owner,
                                                         passwordHash: passwordHash, locale: "en", now: now, in: sql)
            return (agent, workspace.name)
        }
    }

    /// An API token for an agent, as `POST /api/v1/tokens` would make it.
    public static func createToken(database: Database, agent: Agent, name: String) async throws -> String {
        let token = Secrets.token(prefix: "sdk_")
        _ = try await database.write {
            try await AccessRepository.createToken(agent: agent, name: name, tokenHash: Secrets.sha256Hex(token), now: Date(), in: $0)
        }
        return token
    }
}
