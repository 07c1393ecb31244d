extension Schema {
    /// Automation: macros, ordered rules, the workspace's business hours, and a version the
    /// write path compares to know when its compiled rules are stale (on every node).
    static func version10(_ d: SchemaDialect) -> [String] {
        [
            """
            CREATE TABLE macros (id \(d.primaryKey), workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
              name TEXT NOT NULL, definition TEXT NOT NULL, usage_count BIGINT NOT NULL DEFAULT 0,
              created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, UNIQUE (workspace_id, name))
            """,
            """
            CREATE TABLE rules (id \(d.primaryKey), workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
              position BIGINT NOT NULL, definition TEXT NOT NULL, fired_count BIGINT NOT NULL DEFAULT 0,
              created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL)
            """,
            "CREATE INDEX rules_workspace ON rules(workspace_id, position)",
            "ALTER TABLE workspaces ADD COLUMN automation_version BIGINT NOT NULL DEFAULT 0",
            "ALTER TABLE workspaces ADD COLUMN business_hours TEXT",
        ]
    }
}
