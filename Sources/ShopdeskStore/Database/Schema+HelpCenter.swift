extension Schema {
    /// Help center: categories (names per language), articles (draft or published, with
    /// feedback counts) and their translations in Markdown; the workspace's public address and a
    /// version that tells every node when its search index is stale.
    static func version18(_ d: SchemaDialect) -> [String] {
        [
            "ALTER TABLE workspaces ADD COLUMN help_slug TEXT",
            "ALTER TABLE workspaces ADD COLUMN help_settings TEXT",
            "ALTER TABLE workspaces ADD COLUMN help_version BIGINT NOT NULL DEFAULT 0",
            "CREATE UNIQUE INDEX workspaces_help_slug ON workspaces(help_slug)",
            """
            CREATE TABLE help_categories (id \(d.primaryKey), workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
              position BIGINT NOT NULL, names TEXT NOT NULL, created_at BIGINT NOT NULL)
            """,
            "CREATE INDEX help_categories_workspace ON help_categories(workspace_id, position)",
            """
            CREATE TABLE help_articles (id \(d.primaryKey), workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
              category_id BIGINT REFERENCES help_categories(id) ON DELETE SET NULL, status TEXT NOT NULL, position BIGINT NOT NULL,
              helpful_yes BIGINT NOT NULL DEFAULT 0, helpful_no BIGINT NOT NULL DEFAULT 0, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL)
            """,
            "CREATE INDEX help_articles_workspace ON help_articles(workspace_id, status, position)",
            """
            CREATE TABLE help_translations (article_id BIGINT NOT NULL REFERENCES help_articles(id) ON DELETE CASCADE,
              language TEXT NOT NULL, title TEXT NOT NULL, body TEXT NOT NULL, slug TEXT NOT NULL, updated_at BIGINT NOT NULL,
              PRIMARY KEY (article_id, language))
            """,
        ]
    }
}

extension Schema {
    /// The chat bot: which messages it wrote (with the quick replies it offered) and where it
    /// stands in each conversation it handles.
    static func version19(_ d: SchemaDialect) -> [String] {
        [
            "ALTER TABLE messages ADD COLUMN bot TEXT",
            "ALTER TABLE conversations ADD COLUMN bot_state TEXT",
        ]
    }
}

extension Schema {
    /// Workspace-trained intent and sentiment models: the last training's report per task, and
    /// the model itself when it was adopted (serialized, base64).
    static func version20(_ d: SchemaDialect) -> [String] {
        [
            """
            CREATE TABLE workspace_models (workspace_id BIGINT NOT NULL REFERENCES workspaces(id), task TEXT NOT NULL,
              model TEXT, report TEXT NOT NULL, trained_at BIGINT NOT NULL, PRIMARY KEY (workspace_id, task))
            """,
        ]
    }
}

extension Schema {
    /// Inbound email's HTML, sanitized on arrival, for agents who want to see the formatting.
    static func version21(_ d: SchemaDialect) -> [String] {
        ["ALTER TABLE messages ADD COLUMN html TEXT"]
    }
}

extension Schema {
    /// Where IMAP polling of each email inbox stands: the mailbox's UIDVALIDITY and the last UID
    /// taken in (committed) — a restart resumes after it.
    static func version22(_ d: SchemaDialect) -> [String] {
        ["CREATE TABLE imap_checkpoints (inbox_id BIGINT PRIMARY KEY REFERENCES inboxes(id), uid_validity BIGINT NOT NULL, last_uid BIGINT NOT NULL, updated_at BIGINT NOT NULL)"]
    }

    /// Received mail's raw bytes in the row that records it, written in the same transaction as
    /// the message (one durable commit per email instead of a file, a rename and two fsyncs);
    /// rows from before, and very large mail, keep them in the file store under `sha256`.
    static func version23(_ d: SchemaDialect) -> [String] {
        ["ALTER TABLE inbound_emails ADD COLUMN raw \(d.blob)"]
    }

    /// The outcome of each inbox's latest mailbox poll, shown to admins.
    static func version24(_ d: SchemaDialect) -> [String] {
        ["""
         CREATE TABLE mailbox_checks (inbox_id BIGINT PRIMARY KEY REFERENCES inboxes(id) ON DELETE CASCADE,
           checked_at BIGINT NOT NULL, succeeded_at BIGINT, error TEXT, taken BIGINT NOT NULL DEFAULT 0)
         """]
    }
}
