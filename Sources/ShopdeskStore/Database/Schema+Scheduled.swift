extension Schema {
    /// Replies an agent wrote now to leave later ("send later"): kept apart from the messages until
    /// their time, when a job sends them through the ordinary reply path and records which message
    /// each became (`message_id`), in the same transaction, so one is never sent twice.
    static func version31(_ d: SchemaDialect) -> [String] {
        [
            """
            CREATE TABLE scheduled_replies (id \(d.primaryKey), workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
              conversation_id BIGINT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
              agent_id BIGINT NOT NULL REFERENCES agents(id), text TEXT NOT NULL, attachment_ids TEXT NOT NULL,
              send_at BIGINT NOT NULL, status TEXT NOT NULL, message_id BIGINT, error TEXT, created_at BIGINT NOT NULL)
            """,
            "CREATE INDEX scheduled_replies_conversation ON scheduled_replies(workspace_id, conversation_id, status)",
        ]
    }
}

extension Schema {
    /// Saved views: a named filter of the conversation list (the same fields as the list API's
    /// query, as JSON), the agent's own (`agent_id`) or shared with the workspace (NULL).
    static func version32(_ d: SchemaDialect) -> [String] {
        [
            """
            CREATE TABLE saved_views (id \(d.primaryKey), workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
              agent_id BIGINT REFERENCES agents(id) ON DELETE CASCADE, name TEXT NOT NULL, filters TEXT NOT NULL,
              sort TEXT NOT NULL, layout TEXT NOT NULL, position INTEGER NOT NULL,
              created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL)
            """,
            "CREATE INDEX saved_views_workspace ON saved_views(workspace_id, agent_id)",
        ]
    }
}
