extension Schema {
    /// File bytes kept in the database, for the `database` file store: every node of a
    /// PostgreSQL deployment reads them without a shared disk or an object store. Files are
    /// content-addressed and shared by every workspace that has the same bytes (as on disk), so
    /// the row names no workspace; the attachments and emails that refer to a file do.
    static func version49(_ d: SchemaDialect) -> [String] {
        ["CREATE TABLE file_blobs (sha256 TEXT PRIMARY KEY, size BIGINT NOT NULL, bytes \(d.blob) NOT NULL, created_at BIGINT NOT NULL)"]
    }
}

extension Schema {
    /// Request counts per caller and minute, shared by the nodes of a PostgreSQL deployment so
    /// that a rate limit holds across them. Keys are hashes of a token, session or address; no
    /// workspace's data.
    static func version50(_ d: SchemaDialect) -> [String] {
        ["CREATE TABLE rate_counts (key TEXT NOT NULL, window_start BIGINT NOT NULL, count BIGINT NOT NULL, PRIMARY KEY (key, window_start))"]
    }
}

extension Schema {
    /// Received email's SPF, DKIM and DMARC results (JSON), shown on the message.
    static func version51(_ d: SchemaDialect) -> [String] {
        ["ALTER TABLE messages ADD COLUMN mail_auth TEXT"]
    }
}
