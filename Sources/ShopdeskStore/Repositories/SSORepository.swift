import Foundation
import ShopdeskCore
import SQLKit

/// A workspace's OpenID Connect providers, and the sign-ins started with them.
public enum SSORepository {
    public struct Provider: Sendable, Equatable {
        public var id: Int64
        public var workspaceID: WorkspaceID
        public var name: String
        /// The provider's issuer URL, exactly as its ID tokens name it (`iss`).
        public var issuer: String
        public var clientID: String
        /// Sealed by the server's key (`SecretBox`); never shown again.
        public var sealedSecret: String
        /// The role of agents created at their first sign-in.
        public var role: Role
        /// Email domains whose people may sign in with it (empty: any the provider vouches for).
        public var domains: [String]
        /// Whether someone the provider vouches for, with no agent yet, becomes one.
        public var createAgents: Bool
        public var enabled: Bool

        public init(id: Int64 = 0, workspaceID: WorkspaceID, name: String, issuer: String, clientID: String, sealedSecret: String,
                    role: Role, domains: [String], createAgents: Bool, enabled: Bool) {
            self.id = id; self.workspaceID = workspaceID; self.name = name; self.issuer = issuer; self.clientID = clientID
            self.sealedSecret = sealedSecret; self.role = role; self.domains = domains; self.createAgents = createAgents; self.enabled = enabled
        }

        /// Whether `email`'s domain is one the provider may sign people in for.
        public func allows(email: String) -> Bool {
            guard !domains.isEmpty else { return true }
            guard let at = email.lastIndex(of: "@") else { return false }
            return domains.contains(String(email[email.index(after: at)...]).lowercased())
        }
    }

    /// A sign-in under way: what the callback must find to accept the provider's answer.
    public struct Login: Sendable {
        public var workspaceID: WorkspaceID
        public var providerID: Int64
        public var nonce: String
        public var verifier: String

        public init(workspaceID: WorkspaceID, providerID: Int64, nonce: String, verifier: String) {
            self.workspaceID = workspaceID; self.providerID = providerID; self.nonce = nonce; self.verifier = verifier
        }
    }

    public static func list(workspaceID: WorkspaceID, in sql: any SQLDatabase) async throws -> [Provider] {
        try await sql.raw("SELECT * FROM sso_providers WHERE workspace_id = \(bind: workspaceID.rawValue) ORDER BY id").all().map(decode)
    }

    public static func find(workspaceID: WorkspaceID, id: Int64, in sql: any SQLDatabase) async throws -> Provider? {
        try await sql.raw("SELECT * FROM sso_providers WHERE workspace_id = \(bind: workspaceID.rawValue) AND id = \(bind: id)").first().map(decode)
    }

    /// A provider by id alone: the sign-in page's link names only the provider.
    public static func find(id: Int64, in sql: any SQLDatabase) async throws -> Provider? {
        try await sql.raw("SELECT * FROM sso_providers WHERE id = \(bind: id)").first().map(decode)
    }

    /// Enabled providers that sign people in for the email's domain, across workspaces (at most 10).
    public static func forEmail(_ email: String, in sql: any SQLDatabase) async throws -> [Provider] {
        guard let at = email.lastIndex(of: "@") else { return [] }
        let domain = String(email[email.index(after: at)...]).lowercased()
        // Only a domain's own characters: `%` or `_` would be LIKE's wildcards and list other
        // workspaces' providers.
        guard !domain.isEmpty, domain.count <= 253,
              domain.unicodeScalars.allSatisfy({ CharacterSet.alphanumerics.contains($0) || $0 == "." || $0 == "-" }) else { return [] }
        // The domains column is ",a.hr,b.com," so that one LIKE finds a whole domain.
        return try await sql.raw("""
            SELECT * FROM sso_providers WHERE enabled = 1 AND domains LIKE \(bind: "%," + domain + ",%") ORDER BY id LIMIT 10
            """).all().map(decode)
    }

    public static func save(_ provider: Provider, now: Date, in sql: any SQLDatabase) async throws -> Provider {
        let domains = provider.domains.isEmpty ? "" : "," + provider.domains.joined(separator: ",") + ","
        let row: (any SQLRow)?
        if provider.id == 0 {
            row = try await sql.raw("""
                INSERT INTO sso_providers (workspace_id, name, issuer, client_id, client_secret, role, domains, create_agents, enabled, created_at, updated_at)
                VALUES (\(bind: provider.workspaceID.rawValue), \(bind: provider.name), \(bind: provider.issuer), \(bind: provider.clientID),
                  \(bind: provider.sealedSecret), \(bind: provider.role.rawValue), \(bind: domains), \(bind: provider.createAgents ? 1 : 0),
                  \(bind: provider.enabled ? 1 : 0), \(bind: now.millis), \(bind: now.millis))
                RETURNING *
                """).first()
        } else {
            row = try await sql.raw("""
                UPDATE sso_providers SET name = \(bind: provider.name), issuer = \(bind: provider.issuer), client_id = \(bind: provider.clientID),
                  client_secret = \(bind: provider.sealedSecret), role = \(bind: provider.role.rawValue), domains = \(bind: domains),
                  create_agents = \(bind: provider.createAgents ? 1 : 0), enabled = \(bind: provider.enabled ? 1 : 0), updated_at = \(bind: now.millis)
                WHERE workspace_id = \(bind: provider.workspaceID.rawValue) AND id = \(bind: provider.id)
                RETURNING *
                """).first()
        }
        guard let row else { throw ShopdeskError.notFound("Single sign-on provider \(provider.id)") }
        return try decode(row)
    }

    public static func delete(workspaceID: WorkspaceID, id: Int64, in sql: any SQLDatabase) async throws -> Bool {
        try await sql.raw("DELETE FROM sso_providers WHERE workspace_id = \(bind: workspaceID.rawValue) AND id = \(bind: id) RETURNING id")
            .first() != nil
    }

    public static func startLogin(stateHash: String, _ login: Login, expiresAt: Date, in sql: any SQLDatabase) async throws {
        try await sql.raw("""
            DELETE FROM sso_logins WHERE workspace_id = \(bind: login.workspaceID.rawValue) AND expires_at < \(bind: Date().millis)
            """).run()
        try await sql.raw("""
            INSERT INTO sso_logins (state_hash, workspace_id, provider_id, nonce, verifier, expires_at)
            VALUES (\(bind: stateHash), \(bind: login.workspaceID.rawValue), \(bind: login.providerID), \(bind: login.nonce),
              \(bind: login.verifier), \(bind: expiresAt.millis))
            """).run()
    }

    /// The sign-in the state names, taken (it works once) if it has not expired.
    public static func takeLogin(stateHash: String, now: Date, in sql: any SQLDatabase) async throws -> Login? {
        // workspace: the one row the caller's state names; its workspace is read from it.
        guard let row = try await sql.raw("""
            DELETE FROM sso_logins WHERE state_hash = \(bind: stateHash) RETURNING workspace_id, provider_id, nonce, verifier, expires_at
            """).first(), try row.int64("expires_at") >= now.millis else { return nil }
        return Login(workspaceID: try row.id("workspace_id"), providerID: try row.int64("provider_id"),
                     nonce: try row.string("nonce"), verifier: try row.string("verifier"))
    }

    /// Whether the workspace's agents (all but its owner) must sign in with single sign-on.
    public static func requiresSSO(workspaceID: WorkspaceID, in sql: any SQLDatabase) async throws -> Bool {
        try await sql.raw("SELECT require_sso FROM workspaces WHERE id = \(bind: workspaceID.rawValue)").first()?.int("require_sso") == 1
    }

    public static func setRequiresSSO(_ required: Bool, workspaceID: WorkspaceID, in sql: any SQLDatabase) async throws {
        // workspace: the workspaces table's own row (its key is the workspace id), from the admin's
        // session; the route takes no id, so no other workspace can be named.
        try await sql.raw("UPDATE workspaces SET require_sso = \(bind: required ? 1 : 0) WHERE id = \(bind: workspaceID.rawValue)").run()
    }

    static func decode(_ row: any SQLRow) throws -> Provider {
        Provider(id: try row.int64("id"), workspaceID: try row.id("workspace_id"), name: try row.string("name"), issuer: try row.string("issuer"),
                 clientID: try row.string("client_id"), sealedSecret: try row.string("client_secret"),
                 role: Role(rawValue: try row.string("role")) ?? .agent,
                 domains: try row.string("domains").split(separator: ",").map(String.init),
                 createAgents: try row.int("create_agents") != 0, enabled: try row.int("enabled") != 0)
    }
}
