extension Schema {
    /// Commerce: connected shops (credentials sealed by the server), order snapshots linked to
    /// customers, order actions keyed by an idempotency key, webhook receipts for deduplication,
    /// revenue credited to conversations, and each customer's order summary for rules.
    static func version17(_ d: SchemaDialect) -> [String] {
        [
            """
            CREATE TABLE store_connections (id \(d.primaryKey), workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
              platform TEXT NOT NULL, name TEXT NOT NULL, shop_url TEXT NOT NULL, credentials TEXT, webhook_secret TEXT,
              settings TEXT NOT NULL, last_error TEXT, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL)
            """,
            "CREATE INDEX store_connections_workspace ON store_connections(workspace_id)",
            """
            CREATE TABLE orders (id \(d.primaryKey), workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
              connection_id BIGINT NOT NULL REFERENCES store_connections(id) ON DELETE CASCADE, external_id TEXT NOT NULL,
              number TEXT NOT NULL, plain_number TEXT NOT NULL, customer_id BIGINT REFERENCES customers(id), email TEXT,
              placed_at BIGINT NOT NULL, financial_status TEXT NOT NULL, fulfillment_status TEXT NOT NULL, cancelled BIGINT NOT NULL,
              total_minor BIGINT NOT NULL, refunded_minor BIGINT NOT NULL, currency TEXT NOT NULL, snapshot TEXT NOT NULL,
              synced_at BIGINT NOT NULL, UNIQUE (connection_id, external_id))
            """,
            "CREATE INDEX orders_customer ON orders(workspace_id, customer_id, placed_at)",
            "CREATE INDEX orders_number ON orders(workspace_id, plain_number)",
            "CREATE INDEX orders_email ON orders(workspace_id, email)",
            """
            CREATE TABLE order_actions (id \(d.primaryKey), workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
              order_id BIGINT NOT NULL REFERENCES orders(id) ON DELETE CASCADE, conversation_id BIGINT REFERENCES conversations(id),
              agent_id BIGINT NOT NULL REFERENCES agents(id), idempotency_key TEXT NOT NULL, kind TEXT NOT NULL, request TEXT NOT NULL,
              summary TEXT NOT NULL, amount_minor BIGINT, currency TEXT, state TEXT NOT NULL, result TEXT, error TEXT,
              decided_by BIGINT REFERENCES agents(id), created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL,
              UNIQUE (workspace_id, idempotency_key))
            """,
            "CREATE INDEX order_actions_order ON order_actions(order_id, created_at)",
            "CREATE INDEX order_actions_state ON order_actions(workspace_id, state)",
            """
            CREATE TABLE store_webhook_receipts (connection_id BIGINT NOT NULL REFERENCES store_connections(id) ON DELETE CASCADE,
              event_id TEXT NOT NULL, received_at BIGINT NOT NULL, PRIMARY KEY (connection_id, event_id))
            """,
            """
            CREATE TABLE revenue_credits (order_id BIGINT PRIMARY KEY REFERENCES orders(id) ON DELETE CASCADE,
              workspace_id BIGINT NOT NULL REFERENCES workspaces(id), conversation_id BIGINT NOT NULL REFERENCES conversations(id),
              agent_id BIGINT REFERENCES agents(id), amount_minor BIGINT NOT NULL, currency TEXT NOT NULL, placed_at BIGINT NOT NULL)
            """,
            "CREATE INDEX revenue_credits_workspace ON revenue_credits(workspace_id, placed_at)",
            "ALTER TABLE customers ADD COLUMN order_count BIGINT NOT NULL DEFAULT 0",
            "ALTER TABLE customers ADD COLUMN spent_minor BIGINT",
            "ALTER TABLE customers ADD COLUMN spent_currency TEXT",
            "ALTER TABLE customers ADD COLUMN last_order_at BIGINT",
            "ALTER TABLE customers ADD COLUMN last_order_financial TEXT",
            "ALTER TABLE customers ADD COLUMN last_order_fulfillment TEXT",
            "ALTER TABLE customers ADD COLUMN last_order_total_minor BIGINT",
            "ALTER TABLE customers ADD COLUMN orders_synced_at BIGINT",
        ]
    }

    /// Shopify access tokens from the OAuth grants, one row per connection: the sealed grant, its
    /// expiry, and the lease a node holds while it renews (so that nodes never renew at once,
    /// which with rotating refresh tokens would lose the shop), plus the pending install's state.
    static func version39(_ d: SchemaDialect) -> [String] {
        [
            """
            CREATE TABLE store_tokens (connection_id BIGINT PRIMARY KEY REFERENCES store_connections(id) ON DELETE CASCADE,
              workspace_id BIGINT NOT NULL REFERENCES workspaces(id), grant_sealed TEXT, expires_at BIGINT,
              lease_owner TEXT, lease_until BIGINT NOT NULL DEFAULT 0, renewals BIGINT NOT NULL DEFAULT 0, renewed_at BIGINT,
              install_nonce TEXT, install_until BIGINT)
            """,
            "CREATE INDEX store_tokens_workspace ON store_tokens(workspace_id)",
        ]
    }

    /// Reading a shop whole: where the backfill (customers, then recent orders) has got to, so a
    /// job that dies resumes from its cursor, and when the last reconciliation ran.
    static func version40(_ d: SchemaDialect) -> [String] {
        [
            """
            CREATE TABLE store_syncs (connection_id BIGINT PRIMARY KEY REFERENCES store_connections(id) ON DELETE CASCADE,
              workspace_id BIGINT NOT NULL REFERENCES workspaces(id), phase TEXT NOT NULL, cursor TEXT, since BIGINT NOT NULL,
              customers BIGINT NOT NULL DEFAULT 0, orders BIGINT NOT NULL DEFAULT 0, customers_total BIGINT, orders_total BIGINT,
              started_at BIGINT NOT NULL, finished_at BIGINT, error TEXT, updated_at BIGINT NOT NULL)
            """,
            "CREATE INDEX store_syncs_workspace ON store_syncs(workspace_id)",
        ]
    }

    /// Returns: one row per return, with its lines and photos as JSON, the shop's own return id
    /// (Shopify), and the refund's order action once one is asked for.
    static func version41(_ d: SchemaDialect) -> [String] {
        [
            """
            CREATE TABLE returns (id \(d.primaryKey), workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
              connection_id BIGINT NOT NULL REFERENCES store_connections(id) ON DELETE CASCADE,
              order_id BIGINT NOT NULL REFERENCES orders(id) ON DELETE CASCADE, order_number TEXT NOT NULL,
              customer_id BIGINT REFERENCES customers(id) ON DELETE SET NULL, conversation_id BIGINT REFERENCES conversations(id) ON DELETE SET NULL,
              state TEXT NOT NULL, lines TEXT NOT NULL, photos TEXT NOT NULL, origin TEXT NOT NULL, agent_id BIGINT REFERENCES agents(id),
              external_id TEXT, tracking_number TEXT, decline_reason TEXT, refund_action_id BIGINT REFERENCES order_actions(id),
              created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL)
            """,
            "CREATE INDEX returns_order ON returns(order_id)",
            "CREATE INDEX returns_state ON returns(workspace_id, state, created_at)",
            "CREATE INDEX returns_refund_action ON returns(refund_action_id)",
        ]
    }

    /// Proactive campaigns: the campaigns, one row per display (with the code made for it and
    /// what the visitor did), and the orders credited to a display.
    static func version42(_ d: SchemaDialect) -> [String] {
        [
            """
            CREATE TABLE campaigns (id \(d.primaryKey), workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
              inbox_id BIGINT NOT NULL REFERENCES inboxes(id), name TEXT NOT NULL, status TEXT NOT NULL, priority BIGINT NOT NULL,
              definition TEXT NOT NULL, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL)
            """,
            "CREATE INDEX campaigns_inbox ON campaigns(inbox_id, status)",
            """
            CREATE TABLE campaign_shows (id \(d.primaryKey), workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
              campaign_id BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE, variant TEXT NOT NULL, visitor_id BIGINT NOT NULL,
              discount_code TEXT, engaged_at BIGINT, dismissed_at BIGINT, conversation_id BIGINT REFERENCES conversations(id) ON DELETE SET NULL,
              shown_at BIGINT NOT NULL)
            """,
            "CREATE INDEX campaign_shows_campaign ON campaign_shows(campaign_id, variant)",
            "CREATE INDEX campaign_shows_visitor ON campaign_shows(workspace_id, visitor_id, shown_at)",
            "CREATE INDEX campaign_shows_code ON campaign_shows(workspace_id, discount_code)",
            """
            CREATE TABLE campaign_credits (order_id BIGINT PRIMARY KEY REFERENCES orders(id) ON DELETE CASCADE,
              workspace_id BIGINT NOT NULL REFERENCES workspaces(id), campaign_id BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
              show_id BIGINT NOT NULL REFERENCES campaign_shows(id) ON DELETE CASCADE, variant TEXT NOT NULL, amount_minor BIGINT NOT NULL,
              currency TEXT NOT NULL, placed_at BIGINT NOT NULL)
            """,
            "CREATE INDEX campaign_credits_campaign ON campaign_credits(campaign_id, variant)",
        ]
    }

    /// Exchanges: what a return's exchange became (the new order, or the shop's word for it); the
    /// customer's returns for templates (`returns.last`).
    static func version43(_ d: SchemaDialect) -> [String] {
        ["ALTER TABLE returns ADD COLUMN exchange_ref TEXT", "CREATE INDEX returns_customer ON returns(workspace_id, customer_id, created_at)"]
    }

    /// Order actions a rule asks for (a cancellation within minutes of the order): `rule_id`
    /// names the rule and `agent_id` is empty. PostgreSQL drops the constraint; SQLite rebuilds
    /// the table the documented way with foreign-key enforcement off (see `Migration.rebuildsTables`),
    /// so the returns that name a refund keep it.
    static func version44(_ d: SchemaDialect) -> [String] {
        if d.kind == .postgres {
            return ["ALTER TABLE order_actions ALTER COLUMN agent_id DROP NOT NULL", "ALTER TABLE order_actions ADD COLUMN rule_id BIGINT"]
        }
        let columns = """
            id, workspace_id, order_id, conversation_id, agent_id, idempotency_key, kind, request, summary, amount_minor, currency, state,
            result, error, decided_by, created_at, updated_at
            """
        return [
            """
            CREATE TABLE order_actions_rebuilt (id \(d.primaryKey), workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
              order_id BIGINT NOT NULL REFERENCES orders(id) ON DELETE CASCADE, conversation_id BIGINT REFERENCES conversations(id),
              agent_id BIGINT REFERENCES agents(id), idempotency_key TEXT NOT NULL, kind TEXT NOT NULL, request TEXT NOT NULL,
              summary TEXT NOT NULL, amount_minor BIGINT, currency TEXT, state TEXT NOT NULL, result TEXT, error TEXT,
              decided_by BIGINT REFERENCES agents(id), created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, rule_id BIGINT,
              UNIQUE (workspace_id, idempotency_key))
            """,
            "INSERT INTO order_actions_rebuilt (\(columns)) SELECT \(columns) FROM order_actions",
            "DROP TABLE order_actions",
            "ALTER TABLE order_actions_rebuilt RENAME TO order_actions",
            "CREATE INDEX order_actions_order ON order_actions(order_id, created_at)",
            "CREATE INDEX order_actions_state ON order_actions(workspace_id, state)",
        ]
    }
}
