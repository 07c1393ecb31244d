extension Schema {
    /// The reports' facts: one row per conversation with what docs/REPORTS.md defines (first
    /// response, resolutions, responses, survey, bot), keyed by the workspace's calendar days so
    /// a period is a range of an index (holding the durations, so the speed figures read only
    /// the index); one row per next-response wait; and how far each
    /// workspace's facts have read its events (with the time zone and hours they were computed in,
    /// and while they are all being computed, the conversation reached).
    static func version37(_ d: SchemaDialect) -> [String] {
        [
            """
            CREATE TABLE report_facts (conversation_id BIGINT PRIMARY KEY REFERENCES conversations(id) ON DELETE CASCADE,
              workspace_id BIGINT NOT NULL REFERENCES workspaces(id), inbox_id BIGINT NOT NULL, channel TEXT NOT NULL, customer_id BIGINT NOT NULL,
              team_id BIGINT, assignee_id BIGINT, intent TEXT, language TEXT, sentiment TEXT, priority INTEGER NOT NULL,
              merged INTEGER NOT NULL, created_at BIGINT NOT NULL, created_day INTEGER NOT NULL, created_slot INTEGER NOT NULL,
              first_response_day INTEGER, first_response BIGINT, first_response_business BIGINT,
              responses INTEGER NOT NULL, customer_messages INTEGER NOT NULL, automatic_messages INTEGER NOT NULL,
              first_resolved_day INTEGER, reopened INTEGER NOT NULL, one_touch INTEGER NOT NULL, fcr INTEGER NOT NULL,
              resolved_day INTEGER, resolution BIGINT, resolution_business BIGINT,
              survey_kind TEXT, survey_sent_day INTEGER, survey_answered_day INTEGER, survey_score INTEGER,
              bot_answered INTEGER NOT NULL, bot_handed_over INTEGER NOT NULL, bot_resolved INTEGER NOT NULL)
            """,
            "CREATE INDEX report_facts_created ON report_facts(workspace_id, created_day, created_slot)",
            "CREATE INDEX report_facts_first_response ON report_facts(workspace_id, first_response_day, first_response, first_response_business)",
            "CREATE INDEX report_facts_resolved ON report_facts(workspace_id, resolved_day, resolution, resolution_business)",
            "CREATE INDEX report_facts_first_resolved ON report_facts(workspace_id, first_resolved_day, reopened, one_touch, fcr, responses)",
            "CREATE INDEX report_facts_survey ON report_facts(workspace_id, survey_answered_day)",
            "CREATE INDEX report_facts_survey_sent ON report_facts(workspace_id, survey_sent_day)",
            """
            CREATE TABLE report_waits (workspace_id BIGINT NOT NULL, conversation_id BIGINT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
              day INTEGER NOT NULL, seconds BIGINT NOT NULL, business BIGINT NOT NULL)
            """,
            "CREATE INDEX report_waits_day ON report_waits(workspace_id, day, seconds, business)",
            "CREATE INDEX report_waits_conversation ON report_waits(conversation_id)",
            """
            CREATE TABLE report_cursors (workspace_id BIGINT PRIMARY KEY REFERENCES workspaces(id), event_id BIGINT NOT NULL,
              basis TEXT NOT NULL, rebuild_after BIGINT, updated_at BIGINT NOT NULL)
            """,
        ]
    }

    /// Each day's figures per slice of the workspace (`ReportDay`): all conversations (dimension
    /// and value empty) and those of each channel, inbox, intent, language, team, agent and
    /// priority; the days whose facts changed since they were added up; and the facts'
    /// automation figures.
    static func version38(_ d: SchemaDialect) -> [String] {
        [
            """
            CREATE TABLE report_days (workspace_id BIGINT NOT NULL REFERENCES workspaces(id), dimension TEXT NOT NULL, value TEXT NOT NULL,
              day INTEGER NOT NULL, counts TEXT NOT NULL, speeds \(d.blob) NOT NULL, slots TEXT NOT NULL, mix TEXT NOT NULL,
              PRIMARY KEY (workspace_id, dimension, value, day))
            """,
            "CREATE INDEX report_days_day ON report_days(workspace_id, day)",
            "CREATE TABLE report_dirty_days (workspace_id BIGINT NOT NULL REFERENCES workspaces(id), day INTEGER NOT NULL, PRIMARY KEY (workspace_id, day))",
            // Automation: why the bot handed over, whether a rule acted or made the resolution
            // that stands, the macros applied (ids, comma-separated), and touched by automation at all.
            "ALTER TABLE report_facts ADD COLUMN handover_reason TEXT",
            "ALTER TABLE report_facts ADD COLUMN rule_touched INTEGER NOT NULL DEFAULT 0",
            "ALTER TABLE report_facts ADD COLUMN rule_resolved INTEGER NOT NULL DEFAULT 0",
            "ALTER TABLE report_facts ADD COLUMN macros TEXT",
            "ALTER TABLE report_facts ADD COLUMN automated INTEGER NOT NULL DEFAULT 0",
            "DROP INDEX report_facts_resolved",
            "CREATE INDEX report_facts_resolved ON report_facts(workspace_id, resolved_day, resolution, resolution_business, rule_resolved)",
        ]
    }

    /// The rest of the reports: each conversation's words and phrases (`TopicTerms`, for rising
    /// topics) and each day's counts of them; the backlog's moves per conversation and day
    /// (`BacklogChange`); an index for a topic's example conversations; agents' online and away
    /// time (one row per stretch, extended by the realtime heartbeat); and the workspace's
    /// report settings (the scoreboard's goals, the weekly digest) and the scoreboard's TV link.
    static func version45(_ d: SchemaDialect) -> [String] {
        [
            "ALTER TABLE report_facts ADD COLUMN terms TEXT",
            // A filtered report joins each wait to its conversation's facts: the index holds the conversation too.
            "DROP INDEX report_waits_day",
            "CREATE INDEX report_waits_day ON report_waits(workspace_id, day, seconds, business, conversation_id)",
            "CREATE INDEX report_facts_intent ON report_facts(workspace_id, intent, created_day)",
            // Each other day index holds the creation day too: a period read from the facts takes
            // the conversations created in it from one range, and from the other indexes only
            // those created before it, told apart in the index (no row read for the rest).
            "DROP INDEX report_facts_first_response",
            "CREATE INDEX report_facts_first_response ON report_facts(workspace_id, first_response_day, first_response, first_response_business, created_day)",
            "DROP INDEX report_facts_resolved",
            "CREATE INDEX report_facts_resolved ON report_facts(workspace_id, resolved_day, resolution, resolution_business, rule_resolved, created_day)",
            "DROP INDEX report_facts_first_resolved",
            "CREATE INDEX report_facts_first_resolved ON report_facts(workspace_id, first_resolved_day, reopened, one_touch, fcr, responses, created_day)",
            "DROP INDEX report_facts_survey",
            "CREATE INDEX report_facts_survey ON report_facts(workspace_id, survey_answered_day, created_day)",
            "DROP INDEX report_facts_survey_sent",
            "CREATE INDEX report_facts_survey_sent ON report_facts(workspace_id, survey_sent_day, created_day)",
            """
            CREATE TABLE report_backlog (workspace_id BIGINT NOT NULL, conversation_id BIGINT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
              day INTEGER NOT NULL, open INTEGER NOT NULL, pending INTEGER NOT NULL, snoozed INTEGER NOT NULL)
            """,
            "CREATE INDEX report_backlog_day ON report_backlog(workspace_id, day)",
            "CREATE INDEX report_backlog_conversation ON report_backlog(conversation_id)",
            // Each SLA target's outcome (`SLAOutcome`): met on its day, or breached on the day it came due, and why.
            """
            CREATE TABLE report_sla (workspace_id BIGINT NOT NULL, conversation_id BIGINT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
              day INTEGER NOT NULL, target TEXT NOT NULL, met INTEGER NOT NULL, cause TEXT)
            """,
            "CREATE INDEX report_sla_day ON report_sla(workspace_id, day)",
            "CREATE INDEX report_sla_conversation ON report_sla(conversation_id)",
            """
            CREATE TABLE report_terms (workspace_id BIGINT NOT NULL REFERENCES workspaces(id), day INTEGER NOT NULL, term TEXT NOT NULL,
              n INTEGER NOT NULL, PRIMARY KEY (workspace_id, day, term))
            """,
            """
            CREATE TABLE agent_sessions (id \(d.primaryKey), workspace_id BIGINT NOT NULL REFERENCES workspaces(id),
              agent_id BIGINT NOT NULL REFERENCES agents(id) ON DELETE CASCADE, status TEXT NOT NULL,
              started_at BIGINT NOT NULL, last_seen_at BIGINT NOT NULL)
            """,
            "CREATE INDEX agent_sessions_agent ON agent_sessions(workspace_id, agent_id, last_seen_at)",
            "CREATE INDEX agent_sessions_seen ON agent_sessions(workspace_id, last_seen_at)",
            "ALTER TABLE workspaces ADD COLUMN report_settings TEXT",
            // The scoreboard's TV link: the SHA-256 of its token.
            "ALTER TABLE workspaces ADD COLUMN report_tv_hash TEXT",
            "CREATE UNIQUE INDEX workspaces_report_tv ON workspaces(report_tv_hash)",
            // Each weekly digest, claimed once before it is sent (the Monday of the week it reports).
            """
            CREATE TABLE report_digests (workspace_id BIGINT NOT NULL REFERENCES workspaces(id), week INTEGER NOT NULL, sent_at BIGINT NOT NULL,
              PRIMARY KEY (workspace_id, week))
            """,
            // The orders attributed to a conversation (the reports' conversion rate).
            "CREATE INDEX revenue_credits_conversation ON revenue_credits(conversation_id)",
        ]
    }
}
