import Foundation

extension Schema {
    /// Mailboxes connected with OAuth 2.0 (Gmail, Microsoft 365): the refresh token an admin's
    /// consent gave, sealed, one per email inbox. Access tokens live in each node's memory.
    static func version54(_ d: SchemaDialect) -> [String] {
        [
            """
            CREATE TABLE mail_oauth_grants (inbox_id BIGINT PRIMARY KEY REFERENCES inboxes(id) ON DELETE CASCADE,
              workspace_id BIGINT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE, provider TEXT NOT NULL, username TEXT NOT NULL,
              refresh_token TEXT NOT NULL, connected_by BIGINT, connected_at BIGINT NOT NULL, updated_at BIGINT NOT NULL)
            """,
            "CREATE INDEX mail_oauth_grants_workspace ON mail_oauth_grants(workspace_id)",
        ]
    }
}
