extension Schema {
    /// A workspace's retention policy (JSON: months) and when each conversation was anonymised by it.
    static func version52(_ d: SchemaDialect) -> [String] {
        ["ALTER TABLE workspaces ADD COLUMN retention TEXT", "ALTER TABLE conversations ADD COLUMN anonymised_at BIGINT"]
    }
}
