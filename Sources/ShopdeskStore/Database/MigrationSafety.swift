/// Which schema statements a node of the previous version survives while they run and after:
/// the rolling upgrade's rule. Older nodes name their columns and tables, so a statement that
/// only adds (a table, an index, a column that may be empty or has a default, a sequence, a
/// function, a trigger) or fills in rows leaves them working; one that drops, renames or
/// changes what exists does not. Such migrations run only when every node is stopped
/// (`Migrator.OfflineMigrations`); one that looks additive but is not is marked `offline`.
enum MigrationSafety {
    static func isAdditive(_ statement: String) -> Bool {
        let words = statement.uppercased().split(whereSeparator: { $0.isWhitespace }).map(String.init)
        let text = words.joined(separator: " ")
        // Not statements run here: the beginnings of migration statements that old nodes survive
        // (an `UPDATE` in a migration fills rows; it is judged, never executed, by this list).
        let additivePrefixes = [
            "CREATE TABLE", "CREATE INDEX", "CREATE UNIQUE INDEX", "CREATE VIRTUAL TABLE", "CREATE SEQUENCE",
            "CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", "CREATE TRIGGER", "INSERT INTO", "UPDATE ", "DROP INDEX",
        ]
        if additivePrefixes.contains(where: text.hasPrefix) { return true }
        // A constraint relaxed: everything old nodes write still fits.
        if text.hasPrefix("ALTER TABLE"), text.hasSuffix("DROP NOT NULL"), words.count > 4, words[3] == "ALTER", words[4] == "COLUMN" { return true }
        // A new column: old nodes never name it, so it must take their rows as they write them.
        if text.hasPrefix("ALTER TABLE"), words.count > 4, words[3] == "ADD", words[4] == "COLUMN" {
            return !text.contains("NOT NULL") || text.contains("DEFAULT")
        }
        return false
    }

    /// The first statement of `migration` an older node would not survive, on this engine.
    static func firstBlocking(_ migration: Migrator.Migration, _ dialect: SchemaDialect) -> String? {
        if migration.offline { return migration.statements(dialect).first ?? migration.name }
        return migration.statements(dialect).first { !isAdditive($0) }
    }
}

/// `shopdesk serve` or `migrate` found migrations that older nodes would not survive, on a
/// database that is in use, and was not told that every node is stopped.
public struct OfflineMigrationError: Error, CustomStringConvertible {
    public let versions: [(version: Int64, name: String, statement: String)]
    public var description: String {
        let list = versions.map { "\($0.version) (\($0.name): \($0.statement.prefix(80).replacingOccurrences(of: "\n", with: " "))…)" }
        return "Schema versions \(list.joined(separator: ", ")) change what running nodes of the previous version use, so they "
            + "cannot be applied while those nodes serve. Stop every node, then run `shopdesk migrate --offline` "
            + "(or start one node with `shopdesk serve --offline-migrations`), and start the others once it is up."
    }
}
