import Foundation
import Testing

/// The guard for "every write of a workspace's data names the workspace": each SQL statement in
/// the store and the server that changes rows (UPDATE, DELETE) carries `workspace_id` in its
/// WHERE clause (directly or through a subquery), changes the `workspaces` row by the
/// workspace's own id, or says right above it, in a `// workspace:` comment, why it needs none.
/// Outside testing found an approve/reject whose UPDATE lacked it: the answer said 404 while
/// another workspace's refund moved. A new statement without the workspace fails here.
@Suite("Workspace-scoped writes")
struct WorkspaceScopedWritesTests {
    struct Statement: CustomStringConvertible {
        var file: String
        var line: Int
        var text: String
        var description: String { "\(file):\(line): \(text.prefix(140))" }
    }

    static let sources: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources")

    /// Every string literal (one-line or `"""`) in the store and server targets that writes rows.
    static func writes() throws -> [Statement] {
        var statements: [Statement] = []
        for target in ["ShopdeskStore", "ShopdeskServer"] {
            let root = sources.appendingPathComponent(target)
            let files = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? []
            for file in files where file.pathExtension == "swift" {
                let source = try String(contentsOf: file, encoding: .utf8)
                let lines = source.components(separatedBy: "\n")
                var index = 0
                while index < lines.count {
                    let line = lines[index]
                    var literal = ""
                    let start = index
                    if let open = line.range(of: "\"\"\"") {
                        // A multi-line literal runs to the next line holding `"""`.
                        _ = open
                        var end = index + 1
                        while end < lines.count, !lines[end].contains("\"\"\"") { literal += lines[end] + " "; end += 1 }
                        index = end + 1
                    } else {
                        literal = line
                        index += 1
                    }
                    let text = literal.split(whereSeparator: \.isWhitespace).joined(separator: " ")
                    guard Self.writesRows(text) else { continue }
                    let above = lines[max(0, start - 3)...start].joined(separator: "\n")
                    statements.append(Statement(file: "\(target)/\(file.lastPathComponent)", line: start + 1,
                                                text: above.contains("// workspace:") ? "EXEMPT " + text : text))
                }
            }
        }
        return statements
    }

    /// `UPDATE table SET` or `DELETE FROM table` (not `FOR UPDATE`, not an upsert's `DO UPDATE SET`).
    static func writesRows(_ text: String) -> Bool {
        let upper = text.uppercased()
        if upper.contains("DELETE FROM ") { return true }
        guard let update = upper.range(of: "UPDATE ") else { return false }
        let before = upper[..<update.lowerBound]
        return !before.hasSuffix("FOR ") && !before.hasSuffix("DO ") && upper[update.upperBound...].contains(" SET ")
    }

    static func namesWorkspace(_ text: String) -> Bool {
        if text.hasPrefix("EXEMPT ") { return true }
        guard let whereClause = text.range(of: " WHERE ", options: .caseInsensitive) else { return false }
        let condition = text[whereClause.upperBound...]
        if condition.contains("workspace_id") { return true }
        // The workspace's own row, by the workspace's id.
        return text.uppercased().contains("UPDATE WORKSPACES ") && condition.contains("id = \\(bind: workspaceID")
    }

    @Test func everyWriteNamesTheWorkspace() throws {
        let writes = try Self.writes()
        #expect(writes.count > 60, "the scan found the statements (\(writes.count))")
        let unscoped = writes.filter { !Self.namesWorkspace($0.text) }
        #expect(unscoped.isEmpty, "writes without the workspace:\n\(unscoped.map(\.description).joined(separator: "\n"))")
    }

    @Test func theScanSeesWhatItShould() {
        #expect(Self.writesRows("UPDATE order_actions SET state = 'running' WHERE id = 1"))
        #expect(!Self.writesRows("SELECT id FROM jobs FOR UPDATE SKIP LOCKED"))
        #expect(!Self.writesRows("INSERT INTO t (a) VALUES (1) ON CONFLICT (a) DO UPDATE SET a = excluded.a"))
        #expect(!Self.namesWorkspace("UPDATE order_actions SET state = 'running' WHERE id = 1 AND state = 'x'"))
        #expect(Self.namesWorkspace("UPDATE order_actions SET state = 'x' WHERE workspace_id = 1 AND id = 2"))
    }
}
