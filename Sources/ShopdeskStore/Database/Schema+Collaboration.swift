extension Schema {
    /// Working together on a conversation: who follows it (hears when the customer writes), and
    /// each agent's notifications (mentioned in a note, assigned, a followed conversation
    /// answered), read in the app and, when left unread, by email.
    static func version33(_ d: SchemaDialect) -> [String] {
        [
            """
            CREATE TABLE conversation_followers (workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
              conversation_id BIGINT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
              agent_id BIGINT NOT NULL REFERENCES agents(id) ON DELETE CASCADE, created_at BIGINT NOT NULL,
              PRIMARY KEY (conversation_id, agent_id))
            """,
            "CREATE INDEX conversation_followers_agent ON conversation_followers(workspace_id, agent_id)",
            """
            CREATE TABLE notifications (id \(d.primaryKey), workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
              agent_id BIGINT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
              conversation_id BIGINT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE, message_id BIGINT,
              kind TEXT NOT NULL, actor_agent_id BIGINT, preview TEXT, created_at BIGINT NOT NULL, read_at BIGINT, emailed_at BIGINT)
            """,
            "CREATE INDEX notifications_agent ON notifications(workspace_id, agent_id, id)",
            "CREATE INDEX notifications_conversation ON notifications(workspace_id, agent_id, kind, conversation_id)",
            "ALTER TABLE agents ADD COLUMN notify_by_email INTEGER NOT NULL DEFAULT 1",
        ]
    }
}

extension Schema {
    /// Custom fields: a workspace's own fields on conversations and customers, and their values
    /// (one row per field and conversation or customer, so filters stay plain SQL on both databases).
    static func version34(_ d: SchemaDialect) -> [String] {
        [
            """
            CREATE TABLE custom_fields (id \(d.primaryKey), workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
              entity TEXT NOT NULL, key TEXT NOT NULL, label TEXT NOT NULL, kind TEXT NOT NULL, options TEXT NOT NULL,
              required_to_resolve INTEGER NOT NULL, position INTEGER NOT NULL, created_at BIGINT NOT NULL,
              UNIQUE (workspace_id, entity, key))
            """,
            """
            CREATE TABLE custom_values (workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
              field_id BIGINT NOT NULL REFERENCES custom_fields(id) ON DELETE CASCADE, entity_id BIGINT NOT NULL,
              value TEXT NOT NULL, updated_at BIGINT NOT NULL, PRIMARY KEY (field_id, entity_id))
            """,
            "CREATE INDEX custom_values_entity ON custom_values(workspace_id, entity_id)",
            "CREATE INDEX custom_values_value ON custom_values(field_id, value)",
        ]
    }
}

extension Schema {
    /// Web push: the browsers (one row per agent and push endpoint) an agent's notifications are
    /// pushed to, with the keys each message is encrypted for.
    static func version35(_ d: SchemaDialect) -> [String] {
        [
            """
            CREATE TABLE push_subscriptions (id \(d.primaryKey), workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
              agent_id BIGINT NOT NULL REFERENCES agents(id) ON DELETE CASCADE, endpoint TEXT NOT NULL,
              p256dh TEXT NOT NULL, auth TEXT NOT NULL, user_agent TEXT, created_at BIGINT NOT NULL,
              last_success_at BIGINT, failures INTEGER NOT NULL DEFAULT 0, last_error TEXT,
              UNIQUE (agent_id, endpoint))
            """,
            "CREATE INDEX push_subscriptions_agent ON push_subscriptions(workspace_id, agent_id)",
        ]
    }
}

extension Schema {
    /// A saved view's board can have a column per option of a conversation custom field (a
    /// dropdown's options, a checkbox's yes and no) instead of one per status.
    static func version36(_ d: SchemaDialect) -> [String] {
        ["ALTER TABLE saved_views ADD COLUMN board_field TEXT"]
    }
}
