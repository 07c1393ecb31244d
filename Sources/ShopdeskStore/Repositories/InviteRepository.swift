import Foundation
import ShopdeskCore
import SQLKit

/// An invitation for a new agent, accepted once through a link that carries a secret token.
public struct AgentInvite: Sendable, Equatable {
    public var id: Int64
    public var workspaceID: WorkspaceID
    public var email: String
    public var name: String
    public var role: Role
    public var locale: String
    public var createdAt: Date
    public var expiresAt: Date
    public var acceptedAt: Date?
}

public enum InviteRepository {
    public static func create(
        workspaceID: WorkspaceID, email: String, name: String, role: Role, locale: String, tokenHash: String, invitedBy: AgentID,
        now: Date, expiresAt: Date, in sql: any SQLDatabase
    ) async throws -> AgentInvite {
        let email = try Identities.email(email)
        if try await AgentRepository.exists(email: email, workspaceID: workspaceID, in: sql) {
            throw ShopdeskError.conflict("An agent with the email \(email) already exists in this workspace.").because("agent_email_taken", ["email": email])
        }
        guard let row = try await sql.raw("""
            INSERT INTO agent_invites (workspace_id, email, name, role, locale, token_hash, invited_by, created_at, expires_at)
            VALUES (\(bind: workspaceID.rawValue), \(bind: email), \(bind: name), \(bind: role.rawValue), \(bind: locale),
                    \(bind: tokenHash), \(bind: invitedBy.rawValue), \(bind: now.millis), \(bind: expiresAt.millis))
            RETURNING *
            """).first() else { throw StoredValueError(column: "agent_invites.id", value: "missing") }
        return try decode(row)
    }

    /// Invitations not yet accepted, newest first.
    public static func pending(workspaceID: WorkspaceID, now: Date, in sql: any SQLDatabase) async throws -> [AgentInvite] {
        try await sql.raw("""
            SELECT * FROM agent_invites WHERE workspace_id = \(bind: workspaceID.rawValue) AND accepted_at IS NULL
              AND expires_at > \(bind: now.millis) ORDER BY id DESC
            """).all().map(decode)
    }

    /// Takes the invitation the token belongs to, if it is still open, and marks it accepted in
    /// the same transaction: a second use of the link finds nothing.
    public static func claim(tokenHash: String, now: Date, in sql: any SQLDatabase) async throws -> AgentInvite? {
        // workspace: found by its secret token before anyone is signed in; the invite names its workspace.
        try await sql.raw("""
            UPDATE agent_invites SET accepted_at = \(bind: now.millis)
            WHERE token_hash = \(bind: tokenHash) AND accepted_at IS NULL AND expires_at > \(bind: now.millis)
            RETURNING *
            """).first().map(decode)
    }

    public static func revoke(workspaceID: WorkspaceID, id: Int64, in sql: any SQLDatabase) async throws -> Bool {
        try await sql.raw("""
            DELETE FROM agent_invites WHERE workspace_id = \(bind: workspaceID.rawValue) AND id = \(bind: id) AND accepted_at IS NULL
            RETURNING id
            """).first() != nil
    }

    static func decode(_ row: any SQLRow) throws -> AgentInvite {
        AgentInvite(id: try row.int64("id"), workspaceID: try row.id("workspace_id"), email: try row.string("email"),
                    name: try row.string("name"), role: try row.enumValue("role"), locale: try row.string("locale"),
                    createdAt: try row.date("created_at"), expiresAt: try row.date("expires_at"), acceptedAt: try row.dateOrNil("accepted_at"))
    }
}
