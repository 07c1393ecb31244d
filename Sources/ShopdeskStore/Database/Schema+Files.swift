extension Schema {
    /// File bytes kept in the database, for the `database` file store: every node of a
    /// PostgreSQL deployment reads them without a shared disk or an object store. Files are
    /// content-addressed and shared by every workspace that has the same bytes (as on disk), so
    /// the row names no workspace; the attachments and emails that refer to a file do.
    static func version49(_ d: SchemaDialect) -> [String] {
        ["CREATE TABLE file_blobs (sha256 TEXT PRIMARY KEY, size BIGINT NOT NULL, bytes \(d.blob) NOT NULL, created_at BIGINT NOT NULL)"]
    }
}
