extension Schema {
    /// An agent's email is unique within a workspace, not across them: a workspace creating an
    /// agent must not learn that the address belongs to someone in another workspace.
    ///
    /// PostgreSQL swaps the constraint. SQLite cannot drop an inline UNIQUE, so the table is
    /// rebuilt the way SQLite documents it (new table, copy, drop, rename) with foreign-key
    /// enforcement off — see `Migration.rebuildsTables` — so the rows that point at agents
    /// (sessions, memberships, conversations…) are neither cascaded away nor repointed.
    static func version27(_ d: SchemaDialect) -> [String] {
        if d.kind == .postgres {
            return [
                "ALTER TABLE agents DROP CONSTRAINT agents_email_key",
                "ALTER TABLE agents ADD CONSTRAINT agents_workspace_email UNIQUE (workspace_id, email)",
                "DROP INDEX agents_workspace",
                "CREATE INDEX agents_email ON agents(email)",
            ]
        }
        let columns = """
            id, workspace_id, email, name, role, password_hash, locale, disabled_at, password_changed_at, created_at,
            last_seen_at, capacity, away_at, signature
            """
        return [
            """
            CREATE TABLE agents_rebuilt (id \(d.primaryKey), workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
              email TEXT NOT NULL, name TEXT NOT NULL, role TEXT NOT NULL, password_hash TEXT NOT NULL,
              locale TEXT NOT NULL, disabled_at BIGINT, password_changed_at BIGINT NOT NULL,
              created_at BIGINT NOT NULL, last_seen_at BIGINT, capacity BIGINT, away_at BIGINT, signature TEXT,
              UNIQUE (workspace_id, email))
            """,
            "INSERT INTO agents_rebuilt (\(columns)) SELECT \(columns) FROM agents",
            "DROP TABLE agents",
            "ALTER TABLE agents_rebuilt RENAME TO agents",
            "CREATE INDEX agents_email ON agents(email)",
        ]
    }
}

extension Schema {
    /// Customers who blocked a messaging channel's bot or asked for no more messages; nothing is
    /// sent to them on that channel until they write again.
    static func version28(_ d: SchemaDialect) -> [String] {
        [
            """
            CREATE TABLE channel_opt_outs (workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
              inbox_id BIGINT NOT NULL REFERENCES inboxes(id) ON DELETE CASCADE, identity TEXT NOT NULL,
              opted_out_at BIGINT NOT NULL, reason TEXT NOT NULL, PRIMARY KEY (inbox_id, identity))
            """,
        ]
    }
}

extension Schema {
    /// Replies sent as a messaging channel's approved template (WhatsApp outside its window).
    static func version29(_ d: SchemaDialect) -> [String] {
        ["ALTER TABLE messages ADD COLUMN channel_template TEXT"]
    }
}

extension Schema {
    /// Comments on a shop's Facebook and Instagram posts as conversations: a conversation follows
    /// one comment thread (`channel_thread`, the top comment's id) on one post (`channel_post`);
    /// a customer's comment keeps whether it was hidden or deleted (`comment_status`), a reply
    /// whether it went publicly under the comment or privately to the commenter (`comment_reply`);
    /// the posts themselves, with their text and picture, are kept once per inbox.
    static func version30(_ d: SchemaDialect) -> [String] {
        [
            "ALTER TABLE conversations ADD COLUMN channel_thread TEXT",
            "ALTER TABLE conversations ADD COLUMN channel_post TEXT",
            "CREATE INDEX conversations_channel_thread ON conversations(inbox_id, channel_thread)",
            "ALTER TABLE messages ADD COLUMN comment_status TEXT",
            "ALTER TABLE messages ADD COLUMN comment_reply TEXT",
            """
            CREATE TABLE channel_posts (workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
              inbox_id BIGINT NOT NULL REFERENCES inboxes(id) ON DELETE CASCADE, post_id TEXT NOT NULL,
              text TEXT, link TEXT, image_attachment_id BIGINT REFERENCES attachments(id), fetched_at BIGINT NOT NULL,
              PRIMARY KEY (inbox_id, post_id))
            """,
        ]
    }
}
