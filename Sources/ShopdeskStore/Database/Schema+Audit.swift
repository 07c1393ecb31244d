extension Schema {
    /// The audit log: who did what to the workspace's settings and security, append-only (the
    /// database refuses to change a row).
    static func version48(_ d: SchemaDialect) -> [String] {
        var statements = [
            """
            CREATE TABLE audit_log (id \(d.primaryKey), workspace_id BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
              at BIGINT NOT NULL, agent_id BIGINT, actor TEXT NOT NULL, via TEXT NOT NULL, action TEXT NOT NULL, target TEXT,
              summary TEXT NOT NULL, address TEXT)
            """,
            "CREATE INDEX audit_log_at ON audit_log(workspace_id, at)",
            "CREATE INDEX audit_log_action ON audit_log(workspace_id, action, at)",
        ]
        switch d.kind {
        case .sqlite:
            statements.append("""
                CREATE TRIGGER audit_log_append_only BEFORE UPDATE ON audit_log
                BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END
                """)
        case .postgres:
            statements.append("""
                CREATE FUNCTION audit_log_append_only() RETURNS trigger AS $$
                BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$ LANGUAGE plpgsql
                """)
            statements.append("CREATE TRIGGER audit_log_append_only BEFORE UPDATE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()")
        }
        return statements
    }
}
