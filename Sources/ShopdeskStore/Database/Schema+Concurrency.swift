extension Schema {
    /// Writes on PostgreSQL no longer queue behind two rows every new conversation changed.
    ///
    /// - View counters get a `stripe`: PostgreSQL writers add to the stripe of their connection
    ///   (`pg_backend_pid() % 8`), so eight concurrent ingests no longer wait for one another's
    ///   commit on the workspace's "open, unassigned" row; readers add the stripes up. SQLite
    ///   has one writer and always uses stripe 0.
    /// - Conversation numbers on PostgreSQL come from a sequence per workspace, created on first
    ///   use from the workspace's counter. A sequence takes no row lock, so a rolled-back ingest
    ///   leaves a gap in the numbers. SQLite keeps `workspaces.conversation_counter`.
    static func version25(_ d: SchemaDialect) -> [String] {
        var statements = [
            """
            CREATE TABLE conversation_counts_striped (workspace_id BIGINT NOT NULL, inbox_id BIGINT NOT NULL,
              assignee_key BIGINT NOT NULL, status TEXT NOT NULL, stripe INTEGER NOT NULL DEFAULT 0, n BIGINT NOT NULL,
              PRIMARY KEY (workspace_id, inbox_id, assignee_key, status, stripe))
            """,
            """
            INSERT INTO conversation_counts_striped (workspace_id, inbox_id, assignee_key, status, stripe, n)
            SELECT workspace_id, inbox_id, assignee_key, status, 0, n FROM conversation_counts
            """,
            "DROP TABLE conversation_counts",
            "ALTER TABLE conversation_counts_striped RENAME TO conversation_counts",
        ]
        if d.kind == .postgres {
            // Two first conversations at once: the second CREATE waits for the first one's
            // transaction and then finds the name taken, which is fine (both use the sequence).
            statements.append("""
                CREATE OR REPLACE FUNCTION shopdesk_next_conversation_number(ws BIGINT) RETURNS BIGINT
                LANGUAGE plpgsql AS $$
                DECLARE
                  seq TEXT := 'conversation_numbers_' || ws;
                BEGIN
                  IF to_regclass(seq) IS NULL THEN
                    BEGIN
                      EXECUTE format('CREATE SEQUENCE %I START WITH %s', seq,
                        (SELECT conversation_counter + 1 FROM workspaces WHERE id = ws));
                    EXCEPTION WHEN duplicate_table OR unique_violation THEN
                      NULL;
                    END;
                  END IF;
                  RETURN nextval(seq);
                END $$
                """)
        }
        return statements
    }
}
