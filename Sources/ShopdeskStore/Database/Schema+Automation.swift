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

    /// SLA: ordered policies, and on each conversation its policy, its clocks (JSON) and the
    /// earliest running due time, indexed for the inbox's "SLA due" sort.
    static func version11(_ d: SchemaDialect) -> [String] {
        [
            """
            CREATE TABLE sla_policies (id \(d.primaryKey), workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
              position BIGINT NOT NULL, definition TEXT NOT NULL, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL)
            """,
            "CREATE INDEX sla_policies_workspace ON sla_policies(workspace_id, position)",
            "ALTER TABLE conversations ADD COLUMN sla_policy_id BIGINT",
            "ALTER TABLE conversations ADD COLUMN sla_due_at BIGINT",
            "ALTER TABLE conversations ADD COLUMN sla_state TEXT",
            "CREATE INDEX conversations_sla_due ON conversations(workspace_id, sla_due_at)",
        ]
    }

    /// Time-based rules fire once per conversation until it changes: the conversation's
    /// `updated_at` when each rule last fired on it. Resolved conversations can become read-only.
    static func version12(_ d: SchemaDialect) -> [String] {
        [
            """
            CREATE TABLE rule_firings (rule_id BIGINT NOT NULL REFERENCES rules(id) ON DELETE CASCADE,
              conversation_id BIGINT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE, anchor BIGINT NOT NULL,
              PRIMARY KEY (rule_id, conversation_id))
            """,
            "ALTER TABLE workspaces ADD COLUMN locked_after_days BIGINT",
        ]
    }

    /// Assignment: a policy per inbox and per team, each agent's capacity and "away" switch,
    /// and where each rotation stands.
    static func version13(_ d: SchemaDialect) -> [String] {
        [
            "ALTER TABLE inboxes ADD COLUMN assignment TEXT",
            "ALTER TABLE teams ADD COLUMN assignment TEXT",
            "ALTER TABLE agents ADD COLUMN capacity BIGINT",
            "ALTER TABLE agents ADD COLUMN away_at BIGINT",
            "CREATE TABLE assignment_cursors (scope TEXT PRIMARY KEY, agent_id BIGINT NOT NULL)",
        ]
    }

    /// Surveys after resolution: the workspace's settings, and one survey per conversation with
    /// its link token (hashed; set when it goes out), when it went out and its answer.
    static func version14(_ d: SchemaDialect) -> [String] {
        [
            "ALTER TABLE workspaces ADD COLUMN survey TEXT",
            """
            CREATE TABLE surveys (id \(d.primaryKey), workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
              conversation_id BIGINT NOT NULL UNIQUE REFERENCES conversations(id) ON DELETE CASCADE, kind TEXT NOT NULL,
              token_hash TEXT UNIQUE, created_at BIGINT NOT NULL, sent_at BIGINT, answered_at BIGINT, score BIGINT, comment TEXT)
            """,
        ]
    }

    /// Customer labels for rules and SLA: tags (JSON array) and VIP (since when).
    static func version15(_ d: SchemaDialect) -> [String] {
        ["ALTER TABLE customers ADD COLUMN tags TEXT", "ALTER TABLE customers ADD COLUMN vip_since BIGINT"]
    }

    /// Each agent's email signature.
    static func version16(_ d: SchemaDialect) -> [String] {
        ["ALTER TABLE agents ADD COLUMN signature TEXT"]
    }
}
