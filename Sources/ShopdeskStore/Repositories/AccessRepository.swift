import Foundation
import ShopdeskCore
import SQLKit

/// A signed-in browser session or a personal API token, resolved to its agent.
public struct Principal: Sendable {
    public var agent: Agent
    public var sessionID: Int64?
    public var csrfToken: String?
    public var tokenID: TokenID?
    /// A session of an agent without two-factor sign-in in a workspace that requires it: it may
    /// only set it up (API tokens are not held to this; they are credentials of their own).
    public var mustSetUpTwoFactor = false
}

public struct APITokenRecord: Sendable, Equatable {
    public var id: TokenID
    public var name: String
    public var createdAt: Date
    public var lastUsedAt: Date?
}

/// Sessions and API tokens. Only SHA-256 hashes of the secrets are stored.
public enum AccessRepository {
    public static func createSession(
        agent: Agent, tokenHash: String, csrfToken: String, expiresAt: Date, now: Date, in sql: any SQLDatabase
    ) async throws -> Int64 {
        guard let row = try await sql.raw("""
            INSERT INTO sessions (workspace_id, agent_id, token_hash, csrf_token, created_at, expires_at)
            VALUES (\(bind: agent.workspaceID.rawValue), \(bind: agent.id.rawValue), \(bind: tokenHash), \(bind: csrfToken),
              \(bind: now.millis), \(bind: expiresAt.millis)) RETURNING id
            """).first() else { throw StoredValueError(column: "sessions.id", value: "missing") }
        return try row.int64("id")
    }

    public static func session(tokenHash: String, now: Date, in sql: any SQLDatabase) async throws -> Principal? {
        guard let row = try await sql.raw("""
            SELECT s.id AS session_id, s.csrf_token, w.require_two_factor AS workspace_requires,
              CASE WHEN a.totp_secret IS NULL THEN 0 ELSE 1 END AS has_totp, \(AgentRepository.joinedColumns) FROM sessions s
              JOIN agents a ON a.id = s.agent_id JOIN workspaces w ON w.id = a.workspace_id
            WHERE s.token_hash = \(bind: tokenHash) AND s.expires_at > \(bind: now.millis) AND a.disabled_at IS NULL
            """).first() else { return nil }
        var principal = Principal(agent: try AgentRepository.decode(row).agent, sessionID: try row.int64("session_id"),
                                  csrfToken: try row.string("csrf_token"), tokenID: nil)
        principal.mustSetUpTwoFactor = try row.int("workspace_requires") == 1 && (try row.int("has_totp")) == 0
        return principal
    }

    public static func deleteSession(_ id: Int64, workspaceID: WorkspaceID, in sql: any SQLDatabase) async throws {
        try await sql.raw("DELETE FROM sessions WHERE workspace_id = \(bind: workspaceID.rawValue) AND id = \(bind: id)").run()
    }

    public static func createToken(
        agent: Agent, name: String, tokenHash: String, now: Date, in sql: any SQLDatabase
    ) async throws -> APITokenRecord {
        guard let row = try await sql.raw("""
            INSERT INTO api_tokens (workspace_id, agent_id, name, token_hash, created_at)
            VALUES (\(bind: agent.workspaceID.rawValue), \(bind: agent.id.rawValue), \(bind: name), \(bind: tokenHash), \(bind: now.millis))
            RETURNING id
            """).first() else { throw StoredValueError(column: "api_tokens.id", value: "missing") }
        return APITokenRecord(id: try row.id("id"), name: name, createdAt: now, lastUsedAt: nil)
    }

    public static func token(tokenHash: String, in sql: any SQLDatabase) async throws -> Principal? {
        guard let row = try await sql.raw("""
            SELECT t.id AS token_id, \(AgentRepository.joinedColumns) FROM api_tokens t JOIN agents a ON a.id = t.agent_id
            WHERE t.token_hash = \(bind: tokenHash) AND t.revoked_at IS NULL AND a.disabled_at IS NULL
            """).first() else { return nil }
        return Principal(agent: try AgentRepository.decode(row).agent, sessionID: nil, csrfToken: nil,
                         tokenID: try row.id("token_id"))
    }

    public static func tokens(of agent: AgentID, in sql: any SQLDatabase) async throws -> [APITokenRecord] {
        try await sql.raw("""
            SELECT * FROM api_tokens WHERE agent_id = \(bind: agent.rawValue) AND revoked_at IS NULL ORDER BY id
            """).all().map {
            APITokenRecord(id: try $0.id("id"), name: try $0.string("name"), createdAt: try $0.date("created_at"),
                           lastUsedAt: try $0.dateOrNil("last_used_at"))
        }
    }

    public static func revokeToken(_ id: TokenID, agent: Agent, now: Date, in sql: any SQLDatabase) async throws -> Bool {
        try await sql.raw("""
            UPDATE api_tokens SET revoked_at = \(bind: now.millis)
            WHERE workspace_id = \(bind: agent.workspaceID.rawValue) AND id = \(bind: id.rawValue) AND agent_id = \(bind: agent.id.rawValue)
              AND revoked_at IS NULL RETURNING id
            """).first() != nil
    }
}
