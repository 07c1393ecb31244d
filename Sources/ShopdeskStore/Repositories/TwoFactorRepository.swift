import Foundation
import ShopdeskCore
import SQLKit

/// An agent's two-factor sign-in as stored: the secrets are sealed by the server (this layer
/// never sees them in the clear), recovery codes are SHA-256 hashes.
public struct TwoFactorState: Sendable, Equatable {
    public var sealedSecret: String?
    public var sealedPending: String?
    public var lastStep: Int64?
    public var recoveryCodesLeft: Int
    public var enabled: Bool { sealedSecret != nil }
}

public enum TwoFactorRepository {
    public static func state(agentID: AgentID, workspaceID: WorkspaceID, in sql: any SQLDatabase) async throws -> TwoFactorState? {
        guard let row = try await sql.raw("""
            SELECT totp_secret, totp_pending, totp_last_step,
              (SELECT COUNT(*) FROM recovery_codes r WHERE r.workspace_id = a.workspace_id AND r.agent_id = a.id AND r.used_at IS NULL) AS codes_left
            FROM agents a WHERE a.workspace_id = \(bind: workspaceID.rawValue) AND a.id = \(bind: agentID.rawValue)
            """).first() else { return nil }
        return TwoFactorState(sealedSecret: try row.stringOrNil("totp_secret"), sealedPending: try row.stringOrNil("totp_pending"),
                              lastStep: try row.int64OrNil("totp_last_step"), recoveryCodesLeft: try row.int("codes_left"))
    }

    /// Starts (or restarts) an enrolment; the secret in use, if any, stays until the new one is confirmed.
    public static func setPending(_ sealed: String?, agentID: AgentID, workspaceID: WorkspaceID, in sql: any SQLDatabase) async throws {
        try await sql.raw("""
            UPDATE agents SET totp_pending = \(bind: sealed) WHERE workspace_id = \(bind: workspaceID.rawValue) AND id = \(bind: agentID.rawValue)
            """).run()
    }

    /// The enrolment confirmed with a code of `step`: the secret in use, new recovery codes.
    public static func enable(sealed: String, step: Int64, recoveryHashes: [String], agentID: AgentID, workspaceID: WorkspaceID,
                              in sql: any SQLDatabase) async throws {
        try await sql.raw("""
            UPDATE agents SET totp_secret = \(bind: sealed), totp_pending = NULL, totp_last_step = \(bind: step)
            WHERE workspace_id = \(bind: workspaceID.rawValue) AND id = \(bind: agentID.rawValue)
            """).run()
        try await replaceRecoveryCodes(recoveryHashes, agentID: agentID, workspaceID: workspaceID, in: sql)
    }

    public static func replaceRecoveryCodes(_ hashes: [String], agentID: AgentID, workspaceID: WorkspaceID, in sql: any SQLDatabase) async throws {
        try await sql.raw("""
            DELETE FROM recovery_codes WHERE workspace_id = \(bind: workspaceID.rawValue) AND agent_id = \(bind: agentID.rawValue)
            """).run()
        for hash in hashes {
            try await sql.raw("""
                INSERT INTO recovery_codes (workspace_id, agent_id, code_hash) VALUES (\(bind: workspaceID.rawValue), \(bind: agentID.rawValue), \(bind: hash))
                """).run()
        }
    }

    public static func disable(agentID: AgentID, workspaceID: WorkspaceID, in sql: any SQLDatabase) async throws {
        try await sql.raw("""
            UPDATE agents SET totp_secret = NULL, totp_pending = NULL, totp_last_step = NULL
            WHERE workspace_id = \(bind: workspaceID.rawValue) AND id = \(bind: agentID.rawValue)
            """).run()
        try await replaceRecoveryCodes([], agentID: agentID, workspaceID: workspaceID, in: sql)
    }

    /// Records a code's step as used; false when it (or a later one) already was, so a code
    /// overheard or replayed within its 90 seconds signs in no one.
    public static func useStep(_ step: Int64, agentID: AgentID, workspaceID: WorkspaceID, in sql: any SQLDatabase) async throws -> Bool {
        try await sql.raw("""
            UPDATE agents SET totp_last_step = \(bind: step)
            WHERE workspace_id = \(bind: workspaceID.rawValue) AND id = \(bind: agentID.rawValue)
              AND (totp_last_step IS NULL OR totp_last_step < \(bind: step)) RETURNING id
            """).first() != nil
    }

    /// Uses a recovery code once; false when it is unknown or used.
    public static func useRecoveryCode(hash: String, agentID: AgentID, workspaceID: WorkspaceID, now: Date, in sql: any SQLDatabase) async throws -> Bool {
        try await sql.raw("""
            UPDATE recovery_codes SET used_at = \(bind: now.millis)
            WHERE workspace_id = \(bind: workspaceID.rawValue) AND agent_id = \(bind: agentID.rawValue) AND code_hash = \(bind: hash) AND used_at IS NULL
            RETURNING id
            """).first() != nil
    }

    public static func workspaceRequires(_ workspaceID: WorkspaceID, in sql: any SQLDatabase) async throws -> Bool {
        try await sql.raw("SELECT require_two_factor FROM workspaces WHERE id = \(bind: workspaceID.rawValue)").first()?.int("require_two_factor") == 1
    }

    public static func setWorkspaceRequires(_ required: Bool, workspaceID: WorkspaceID, in sql: any SQLDatabase) async throws {
        // workspace: the workspaces row is the workspace itself, found by its own id (from the admin's session, never from a request's body).
        try await sql.raw("UPDATE workspaces SET require_two_factor = \(bind: required ? 1 : 0) WHERE id = \(bind: workspaceID.rawValue)").run()
    }

    /// Agents of the workspace with two-factor sign-in on (for the admins' list).
    public static func enrolledAgents(workspaceID: WorkspaceID, in sql: any SQLDatabase) async throws -> Set<AgentID> {
        Set(try await sql.raw("""
            SELECT id FROM agents WHERE workspace_id = \(bind: workspaceID.rawValue) AND totp_secret IS NOT NULL
            """).all().map { AgentID(try $0.int64("id")) })
    }
}
