/// The schema, written once for both engines. `SchemaDialect` supplies the few spellings that
/// differ (primary keys and full-text search); everything else is common SQL.
struct SchemaDialect {
    let kind: DatabaseKind

    var primaryKey: String { kind == .sqlite ? "INTEGER PRIMARY KEY" : "BIGSERIAL PRIMARY KEY" }
    /// PostgreSQL keeps a tsvector beside the searchable row; SQLite keeps separate FTS5 tables.
    var searchColumn: String { kind == .postgres ? ", search_vector tsvector" : "" }
    /// Raw bytes.
    var blob: String { kind == .sqlite ? "BLOB" : "BYTEA" }
}

enum Schema {
    static func version1(_ d: SchemaDialect) -> [String] {
        var statements = [
            """
            CREATE TABLE workspaces (id \(d.primaryKey), name TEXT NOT NULL, time_zone TEXT NOT NULL,
              conversation_counter BIGINT NOT NULL DEFAULT 0, created_at BIGINT NOT NULL)
            """,
            """
            CREATE TABLE agents (id \(d.primaryKey), workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
              email TEXT NOT NULL UNIQUE, name TEXT NOT NULL, role TEXT NOT NULL, password_hash TEXT NOT NULL,
              locale TEXT NOT NULL, disabled_at BIGINT, password_changed_at BIGINT NOT NULL,
              created_at BIGINT NOT NULL)
            """,
            "CREATE INDEX agents_workspace ON agents(workspace_id)",
            """
            CREATE TABLE sessions (id \(d.primaryKey), workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
              agent_id BIGINT NOT NULL REFERENCES agents(id) ON DELETE CASCADE, token_hash TEXT NOT NULL UNIQUE,
              csrf_token TEXT NOT NULL, created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL)
            """,
            """
            CREATE TABLE api_tokens (id \(d.primaryKey), workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
              agent_id BIGINT NOT NULL REFERENCES agents(id) ON DELETE CASCADE, name TEXT NOT NULL,
              token_hash TEXT NOT NULL UNIQUE, created_at BIGINT NOT NULL, last_used_at BIGINT, revoked_at BIGINT)
            """,
            """
            CREATE TABLE teams (id \(d.primaryKey), workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
              name TEXT NOT NULL, created_at BIGINT NOT NULL, UNIQUE (workspace_id, name))
            """,
            """
            CREATE TABLE team_members (team_id BIGINT NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
              agent_id BIGINT NOT NULL REFERENCES agents(id) ON DELETE CASCADE, PRIMARY KEY (team_id, agent_id))
            """,
            """
            CREATE TABLE inboxes (id \(d.primaryKey), workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
              kind TEXT NOT NULL, name TEXT NOT NULL, webhook_url TEXT, secret TEXT NOT NULL,
              created_at BIGINT NOT NULL)
            """,
            """
            CREATE TABLE inbox_members (inbox_id BIGINT NOT NULL REFERENCES inboxes(id) ON DELETE CASCADE,
              agent_id BIGINT NOT NULL REFERENCES agents(id) ON DELETE CASCADE, PRIMARY KEY (inbox_id, agent_id))
            """,
            "CREATE INDEX inbox_members_agent ON inbox_members(agent_id)",
            """
            CREATE TABLE tags (id \(d.primaryKey), workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
              name TEXT NOT NULL, created_at BIGINT NOT NULL, UNIQUE (workspace_id, name))
            """,
            """
            CREATE TABLE customers (id \(d.primaryKey), workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
              name TEXT, email TEXT, phone TEXT, external_id TEXT, locale TEXT, merged_into BIGINT,
              created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL\(d.searchColumn))
            """,
            "CREATE INDEX customers_workspace ON customers(workspace_id, id)",
            """
            CREATE TABLE customer_identities (workspace_id BIGINT NOT NULL, kind TEXT NOT NULL, value TEXT NOT NULL,
              customer_id BIGINT NOT NULL REFERENCES customers(id), PRIMARY KEY (workspace_id, kind, value))
            """,
            "CREATE INDEX customer_identities_customer ON customer_identities(customer_id)",
            """
            CREATE TABLE conversations (id \(d.primaryKey), workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
              number BIGINT NOT NULL, inbox_id BIGINT NOT NULL REFERENCES inboxes(id),
              customer_id BIGINT NOT NULL REFERENCES customers(id), subject TEXT, status TEXT NOT NULL,
              snoozed_until BIGINT, priority INTEGER NOT NULL, assignee_id BIGINT REFERENCES agents(id),
              team_id BIGINT REFERENCES teams(id), language TEXT, merged_into BIGINT,
              last_message_at BIGINT NOT NULL, last_message_preview TEXT, last_message_direction TEXT,
              message_count INTEGER NOT NULL DEFAULT 0, first_response_at BIGINT, resolved_at BIGINT,
              created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL\(d.searchColumn),
              UNIQUE (workspace_id, number))
            """,
            "CREATE INDEX conversations_by_status ON conversations(workspace_id, status, last_message_at, id)",
            "CREATE INDEX conversations_by_assignee ON conversations(workspace_id, assignee_id, status, last_message_at)",
            "CREATE INDEX conversations_by_customer ON conversations(customer_id, inbox_id, status)",
            "CREATE INDEX conversations_by_recency ON conversations(workspace_id, last_message_at, id)",
            """
            CREATE TABLE conversation_tags (conversation_id BIGINT NOT NULL REFERENCES conversations(id),
              tag_id BIGINT NOT NULL REFERENCES tags(id) ON DELETE CASCADE, PRIMARY KEY (conversation_id, tag_id))
            """,
            "CREATE INDEX conversation_tags_tag ON conversation_tags(tag_id)",
            """
            CREATE TABLE messages (id \(d.primaryKey), workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
              conversation_id BIGINT NOT NULL REFERENCES conversations(id), inbox_id BIGINT NOT NULL,
              direction TEXT NOT NULL, author_agent_id BIGINT, author_customer_id BIGINT, text TEXT NOT NULL,
              channel_message_id TEXT, delivery_status TEXT, delivery_error TEXT,
              created_at BIGINT NOT NULL\(d.searchColumn), UNIQUE (inbox_id, channel_message_id))
            """,
            "CREATE INDEX messages_by_conversation ON messages(conversation_id, id)",
            """
            CREATE TABLE attachments (id \(d.primaryKey), workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
              message_id BIGINT REFERENCES messages(id), sha256 TEXT NOT NULL, file_name TEXT NOT NULL,
              content_type TEXT NOT NULL, size BIGINT NOT NULL, uploaded_by BIGINT, created_at BIGINT NOT NULL)
            """,
            "CREATE INDEX attachments_by_message ON attachments(message_id)",
            """
            CREATE TABLE events (id \(d.primaryKey), workspace_id BIGINT NOT NULL, conversation_id BIGINT,
              kind TEXT NOT NULL, actor_kind TEXT NOT NULL, actor_id BIGINT, payload TEXT NOT NULL,
              created_at BIGINT NOT NULL)
            """,
            "CREATE INDEX events_by_conversation ON events(conversation_id, id)",
            """
            CREATE TABLE jobs (id \(d.primaryKey), workspace_id BIGINT, kind TEXT NOT NULL, payload TEXT NOT NULL,
              status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, max_attempts INTEGER NOT NULL,
              run_at BIGINT NOT NULL, locked_until BIGINT, last_error TEXT, dedupe_key TEXT UNIQUE,
              created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL)
            """,
            "CREATE INDEX jobs_due ON jobs(status, run_at)",
            """
            CREATE TABLE webhooks (id \(d.primaryKey), workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
              url TEXT NOT NULL, secret TEXT NOT NULL, events TEXT NOT NULL, disabled_at BIGINT,
              created_at BIGINT NOT NULL)
            """,
            "CREATE INDEX webhooks_workspace ON webhooks(workspace_id)",
        ]
        switch d.kind {
        case .sqlite:
            // Contentless FTS5 tables keyed by the row id of the indexed row; text is stored folded
            // (see SearchText.fold) and the tokenizer strips any diacritics left.
            for table in ["message_fts", "conversation_fts", "customer_fts"] {
                statements.append("""
                    CREATE VIRTUAL TABLE \(table) USING fts5(body, content='', contentless_delete=1,
                      tokenize='unicode61 remove_diacritics 2')
                    """)
            }
        case .postgres:
            for table in ["messages", "conversations", "customers"] {
                statements.append("CREATE INDEX \(table)_search ON \(table) USING GIN (search_vector)")
            }
        }
        return statements
    }

    /// SQLite: the FTS tables get a `ws` column holding the workspace as a token, so a search
    /// can take the most recent matches of one workspace without reading other workspaces'.
    /// Existing rows are re-indexed from their source rows with SQLite's `lower()`; the tokenizer
    /// removes diacritics, so only letters without a decomposition (đ, ё) stay unfolded there.
    static func version3(_ d: SchemaDialect) -> [String] {
        guard d.kind == .sqlite else {
            return ["CREATE INDEX messages_by_workspace ON messages(workspace_id, id)"]
        }
        var statements: [String] = []
        for table in ["message_fts", "conversation_fts", "customer_fts"] {
            statements.append("DROP TABLE \(table)")
            statements.append("""
                CREATE VIRTUAL TABLE \(table) USING fts5(ws, body, content='', contentless_delete=1,
                  tokenize='unicode61 remove_diacritics 2')
                """)
        }
        statements.append("""
            INSERT INTO message_fts (rowid, ws, body) SELECT id, 'w' || workspace_id, lower(text) FROM messages
            """)
        statements.append("""
            INSERT INTO conversation_fts (rowid, ws, body) SELECT id, 'w' || workspace_id, lower(subject) FROM conversations
            WHERE subject IS NOT NULL
            """)
        statements.append("""
            INSERT INTO customer_fts (rowid, ws, body)
            SELECT id, 'w' || workspace_id, lower(coalesce(name, '') || ' ' || coalesce(email, '') || ' ' ||
              replace(replace(coalesce(email, ''), '@', ' '), '.', ' ') || ' ' || coalesce(phone, '')) FROM customers
            """)
        return statements
    }

    /// Conversation counts per inbox, assignee (0: nobody) and status, kept by the same
    /// transactions that change them, so inbox views never count rows. Filled from the rows.
    static func version4(_ d: SchemaDialect) -> [String] {
        [
            """
            CREATE TABLE conversation_counts (workspace_id BIGINT NOT NULL, inbox_id BIGINT NOT NULL,
              assignee_key BIGINT NOT NULL, status TEXT NOT NULL, n BIGINT NOT NULL,
              PRIMARY KEY (workspace_id, inbox_id, assignee_key, status))
            """,
            """
            INSERT INTO conversation_counts (workspace_id, inbox_id, assignee_key, status, n)
            SELECT workspace_id, inbox_id, COALESCE(assignee_id, 0), status, COUNT(*) FROM conversations
            WHERE merged_into IS NULL GROUP BY workspace_id, inbox_id, COALESCE(assignee_id, 0), status
            """,
            // Version 2's covering index only served the counting query these counters replace.
            "DROP INDEX conversations_counts",
        ]
    }

    /// Language, intent and sentiment on every inbound message and on its conversation.
    static func version5(_ d: SchemaDialect) -> [String] {
        let real = d.kind == .postgres ? "DOUBLE PRECISION" : "REAL"
        return [
            "ALTER TABLE messages ADD COLUMN language TEXT",
            "ALTER TABLE messages ADD COLUMN intent TEXT",
            "ALTER TABLE messages ADD COLUMN intent_confidence \(real)",
            "ALTER TABLE messages ADD COLUMN sentiment TEXT",
            "ALTER TABLE messages ADD COLUMN sentiment_score \(real)",
            "ALTER TABLE messages ADD COLUMN urgent INTEGER NOT NULL DEFAULT 0",
            "ALTER TABLE messages ADD COLUMN promoter INTEGER NOT NULL DEFAULT 0",
            "ALTER TABLE conversations ADD COLUMN intent TEXT",
            "ALTER TABLE conversations ADD COLUMN sentiment TEXT",
            "ALTER TABLE conversations ADD COLUMN urgent INTEGER NOT NULL DEFAULT 0",
            "CREATE INDEX conversations_by_intent ON conversations(workspace_id, intent, last_message_at)",
        ]
    }

    /// When each agent last read each conversation, for unread markers.
    static func version6(_ d: SchemaDialect) -> [String] {
        [
            """
            CREATE TABLE conversation_reads (agent_id BIGINT NOT NULL REFERENCES agents(id) ON DELETE CASCADE,
              conversation_id BIGINT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE, read_at BIGINT NOT NULL,
              PRIMARY KEY (agent_id, conversation_id))
            """,
        ]
    }

    /// Single-use invitations for new agents; only a hash of the link's token is stored.
    static func version7(_ d: SchemaDialect) -> [String] {
        [
            """
            CREATE TABLE agent_invites (id \(d.primaryKey), workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
              email TEXT NOT NULL, name TEXT NOT NULL, role TEXT NOT NULL, locale TEXT NOT NULL,
              token_hash TEXT NOT NULL UNIQUE, invited_by BIGINT REFERENCES agents(id) ON DELETE SET NULL,
              created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL, accepted_at BIGINT)
            """,
            "CREATE INDEX agent_invites_workspace ON agent_invites(workspace_id, id)",
        ]
    }

    /// The chat channel: widget settings and public key on inboxes, visitors with their page
    /// context, who uploaded an attachment, and when each agent was last connected.
    static func version8(_ d: SchemaDialect) -> [String] {
        [
            "ALTER TABLE inboxes ADD COLUMN settings TEXT",
            "ALTER TABLE inboxes ADD COLUMN widget_key TEXT",
            "CREATE UNIQUE INDEX inboxes_widget_key ON inboxes(widget_key)",
            """
            CREATE TABLE chat_visitors (id \(d.primaryKey), workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
              inbox_id BIGINT NOT NULL REFERENCES inboxes(id) ON DELETE CASCADE, token_hash TEXT NOT NULL UNIQUE,
              customer_id BIGINT REFERENCES customers(id), conversation_id BIGINT REFERENCES conversations(id),
              name TEXT, email TEXT, identifier TEXT, context TEXT NOT NULL, created_at BIGINT NOT NULL, last_seen_at BIGINT NOT NULL)
            """,
            "CREATE INDEX chat_visitors_conversation ON chat_visitors(conversation_id)",
            "ALTER TABLE attachments ADD COLUMN visitor_id BIGINT",
            "ALTER TABLE agents ADD COLUMN last_seen_at BIGINT",
        ]
    }

    /// The email channel: which Message-IDs belong to which conversation (threading and
    /// dedupe), and every received raw message, kept, with quarantined ones visible to admins.
    static func version9(_ d: SchemaDialect) -> [String] {
        [
            """
            CREATE TABLE email_message_ids (inbox_id BIGINT NOT NULL REFERENCES inboxes(id) ON DELETE CASCADE,
              message_id TEXT NOT NULL, conversation_id BIGINT NOT NULL REFERENCES conversations(id),
              message_row BIGINT REFERENCES messages(id), PRIMARY KEY (inbox_id, message_id))
            """,
            """
            CREATE TABLE inbound_emails (id \(d.primaryKey), workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
              inbox_id BIGINT NOT NULL REFERENCES inboxes(id) ON DELETE CASCADE, sha256 TEXT NOT NULL, size BIGINT NOT NULL,
              received_at BIGINT NOT NULL, status TEXT NOT NULL, error TEXT, message_row BIGINT REFERENCES messages(id))
            """,
            "CREATE INDEX inbound_emails_status ON inbound_emails(inbox_id, status, id)",
        ]
    }
}
