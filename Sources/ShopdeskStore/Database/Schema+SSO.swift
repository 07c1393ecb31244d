extension Schema {
    /// Single sign-on with OpenID Connect: a workspace's providers (the client secret sealed by
    /// the server's key), and the sign-ins under way (state, nonce and PKCE verifier, each used
    /// once and for ten minutes; the state is kept as a hash).
    static func version53(_ d: SchemaDialect) -> [String] {
        [
            """
            CREATE TABLE sso_providers (id \(d.primaryKey), workspace_id BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
              name TEXT NOT NULL, issuer TEXT NOT NULL, client_id TEXT NOT NULL, client_secret TEXT NOT NULL,
              role TEXT NOT NULL DEFAULT 'agent', domains TEXT NOT NULL DEFAULT '', create_agents INTEGER NOT NULL DEFAULT 0,
              enabled INTEGER NOT NULL DEFAULT 1, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL)
            """,
            "CREATE INDEX sso_providers_workspace ON sso_providers(workspace_id)",
            """
            CREATE TABLE sso_logins (state_hash TEXT PRIMARY KEY, workspace_id BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
              provider_id BIGINT NOT NULL REFERENCES sso_providers(id) ON DELETE CASCADE, nonce TEXT NOT NULL, verifier TEXT NOT NULL,
              expires_at BIGINT NOT NULL)
            """,
        ]
    }
}

extension Schema {
    /// A workspace whose agents sign in only with single sign-on (its owner keeps a password).
    static func version55(_ d: SchemaDialect) -> [String] {
        ["ALTER TABLE workspaces ADD COLUMN require_sso INTEGER NOT NULL DEFAULT 0"]
    }
}
