extension Schema {
    /// Two-factor sign-in: an agent's TOTP secret (sealed by the server's key), the one being
    /// enrolled, the last step used (a code works once), single-use recovery codes (hashed), and
    /// whether the workspace requires it.
    static func version47(_ d: SchemaDialect) -> [String] {
        [
            "ALTER TABLE agents ADD COLUMN totp_secret TEXT",
            "ALTER TABLE agents ADD COLUMN totp_pending TEXT",
            "ALTER TABLE agents ADD COLUMN totp_last_step BIGINT",
            "ALTER TABLE workspaces ADD COLUMN require_two_factor INTEGER NOT NULL DEFAULT 0",
            """
            CREATE TABLE recovery_codes (id \(d.primaryKey), workspace_id BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
              agent_id BIGINT NOT NULL REFERENCES agents(id) ON DELETE CASCADE, code_hash TEXT NOT NULL, used_at BIGINT)
            """,
            "CREATE INDEX recovery_codes_agent ON recovery_codes(agent_id)",
        ]
    }
}
