extension Schema {
    /// A workspace's own intents, made by an admin from messages no shipped intent fits; the
    /// workspace model learns them from the conversations labelled with them.
    static func version46(_ d: SchemaDialect) -> [String] {
        [
            """
            CREATE TABLE workspace_intents (id \(d.primaryKey), workspace_id BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
              name TEXT NOT NULL, label TEXT NOT NULL, created_by BIGINT, created_at BIGINT NOT NULL)
            """,
            "CREATE UNIQUE INDEX workspace_intents_name ON workspace_intents(workspace_id, name)",
        ]
    }
}
