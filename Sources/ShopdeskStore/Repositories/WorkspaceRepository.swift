import Foundation
import ShopdeskCore
import SQLKit

/// Workspaces and the agents in them.
public enum WorkspaceRepository {
    public static func create(name: String, timeZone: String, now: Date, in sql: any SQLDatabase) async throws -> Workspace {
        guard let row = try await sql.raw("""
            INSERT INTO workspaces (name, time_zone, created_at) VALUES (\(bind: name), \(bind: timeZone), \(bind: now.millis))
            RETURNING id
            """).first() else { throw StoredValueError(column: "workspaces.id", value: "missing") }
        return Workspace(id: try row.id("id"), name: name, timeZone: timeZone, createdAt: now)
    }

    public static func find(_ id: WorkspaceID, in sql: any SQLDatabase) async throws -> Workspace? {
        try await sql.raw("SELECT * FROM workspaces WHERE id = \(bind: id.rawValue)").first().map {
            Workspace(id: try $0.id("id"), name: try $0.string("name"), timeZone: try $0.string("time_zone"),
                      createdAt: try $0.date("created_at"))
        }
    }

    /// Every workspace's id, oldest first.
    public static func ids(in sql: any SQLDatabase) async throws -> [WorkspaceID] {
        try await sql.raw("SELECT id FROM workspaces ORDER BY id").all().map { try $0.id("id") }
    }

    public static func findByName(_ name: String, in sql: any SQLDatabase) async throws -> Workspace? {
        guard let row = try await sql.raw("SELECT id FROM workspaces WHERE name = \(bind: name) ORDER BY id LIMIT 1").first() else {
            return nil
        }
        return try await find(try row.id("id"), in: sql)
    }
}

/// An agent row with the secret parts the auth layer needs.
public struct AgentCredentials: Sendable {
    public var agent: Agent
    public var passwordHash: String
    public var passwordChangedAt: Date
}

public enum AgentRepository {
    /// The columns `decode` reads (see `ConversationRepository.columns` for why not `*`), and
    /// the same of an `agents a` in a join.
    static let columns: SQLQueryString = "id, workspace_id, email, name, role, locale, disabled_at, created_at, password_hash, password_changed_at"
    static let joinedColumns: SQLQueryString = """
        a.id, a.workspace_id, a.email, a.name, a.role, a.locale, a.disabled_at, a.created_at, a.password_hash, a.password_changed_at
        """

    public static func create(
        workspaceID: WorkspaceID, email: String, name: String, role: Role, passwordHash: String, locale: String,
        now: Date, in sql: any SQLDatabase
    ) async throws -> Agent {
        let email = try Identities.email(email)
        if try await exists(email: email, workspaceID: workspaceID, in: sql) {
            throw ShopdeskError.conflict("An agent with the email \(email) already exists in this workspace.").because("agent_email_taken", ["email": email])
        }
        guard let row = try await sql.raw("""
            INSERT INTO agents (workspace_id, email, name, role, password_hash, locale, password_changed_at, created_at)
            VALUES (\(bind: workspaceID.rawValue), \(bind: email), \(bind: name), \(bind: role.rawValue), \(bind: passwordHash),
              \(bind: locale), \(bind: now.millis), \(bind: now.millis)) RETURNING *
            """).first() else { throw StoredValueError(column: "agents.id", value: "missing") }
        return try decode(row).agent
    }

    public static func find(workspaceID: WorkspaceID, id: AgentID, in sql: any SQLDatabase) async throws -> Agent? {
        try await sql.raw("""
            SELECT \(columns) FROM agents WHERE workspace_id = \(bind: workspaceID.rawValue) AND id = \(bind: id.rawValue)
            """).first().map { try decode($0).agent }
    }

    /// This workspace's agent with the email (single sign-on finds agents by the provider's email).
    public static func find(workspaceID: WorkspaceID, email: String, in sql: any SQLDatabase) async throws -> Agent? {
        try await sql.raw("""
            SELECT \(columns) FROM agents WHERE workspace_id = \(bind: workspaceID.rawValue) AND email = \(bind: email.lowercased())
            """).first().map { try decode($0).agent }
    }

    /// Whether this workspace has an agent with the email; other workspaces' people are not
    /// looked at, so their existence never shows.
    public static func exists(email: String, workspaceID: WorkspaceID, in sql: any SQLDatabase) async throws -> Bool {
        try await sql.raw("""
            SELECT id FROM agents WHERE workspace_id = \(bind: workspaceID.rawValue) AND email = \(bind: email.lowercased())
            """).first() != nil
    }

    /// The agents a sign-in with this email may be for, one per workspace, oldest first; at most
    /// `limit`, so a sign-in never checks an unbounded number of password hashes.
    public static func signInCandidates(email: String, limit: Int, in sql: any SQLDatabase) async throws -> [AgentCredentials] {
        try await sql.raw("SELECT \(columns) FROM agents WHERE email = \(bind: email.lowercased()) ORDER BY id LIMIT \(bind: limit)").all().map(decode)
    }

    public static func credentials(workspaceID: WorkspaceID, id: AgentID, in sql: any SQLDatabase) async throws -> AgentCredentials? {
        try await sql.raw("""
            SELECT \(columns) FROM agents WHERE workspace_id = \(bind: workspaceID.rawValue) AND id = \(bind: id.rawValue)
            """).first().map(decode)
    }

    public static func list(workspaceID: WorkspaceID, in sql: any SQLDatabase) async throws -> [Agent] {
        try await sql.raw("SELECT \(columns) FROM agents WHERE workspace_id = \(bind: workspaceID.rawValue) ORDER BY id").all().map { try decode($0).agent }
    }

    public static func update(_ agent: Agent, in sql: any SQLDatabase) async throws {
        try await sql.raw("""
            UPDATE agents SET name = \(bind: agent.name), role = \(bind: agent.role.rawValue), locale = \(bind: agent.locale),
              disabled_at = \(bind: agent.disabled ? Date().millis : nil)
            WHERE id = \(bind: agent.id.rawValue) AND workspace_id = \(bind: agent.workspaceID.rawValue)
            """).run()
        if agent.disabled {
            try await sql.raw("DELETE FROM sessions WHERE workspace_id = \(bind: agent.workspaceID.rawValue) AND agent_id = \(bind: agent.id.rawValue)").run()
        }
    }

    /// Sets a new password and ends every other session of the agent.
    public static func setPassword(
        _ id: AgentID, workspaceID: WorkspaceID, hash: String, keepSessionID: Int64?, now: Date, in sql: any SQLDatabase
    ) async throws {
        let ws = workspaceID.rawValue
        try await sql.raw("""
            UPDATE agents SET password_hash = \(bind: hash), password_changed_at = \(bind: now.millis) WHERE workspace_id = \(bind: ws) AND id = \(bind: id.rawValue)
            """).run()
        try await sql.raw("""
            DELETE FROM sessions WHERE workspace_id = \(bind: ws) AND agent_id = \(bind: id.rawValue) AND id <> \(bind: keepSessionID ?? -1)
            """).run()
    }

    static func decode(_ row: any SQLRow) throws -> AgentCredentials {
        AgentCredentials(
            agent: Agent(id: try row.id("id"), workspaceID: try row.id("workspace_id"), email: try row.string("email"),
                         name: try row.string("name"), role: try row.enumValue("role"), locale: try row.string("locale"),
                         disabled: try row.int64OrNil("disabled_at") != nil, createdAt: try row.date("created_at")),
            passwordHash: try row.string("password_hash"),
            passwordChangedAt: try row.date("password_changed_at")
        )
    }
}
