import Foundation
import ShopdeskCore
import SQLKit

/// The signature an agent's email replies end with.
public enum SignatureRepository {
    public static let maxLength = 1000

    public static func signature(of agent: AgentID, in sql: any SQLDatabase) async throws -> String? {
        try await sql.raw("SELECT signature FROM agents WHERE id = \(bind: agent.rawValue)").first()?.stringOrNil("signature")
    }

    public static func save(_ signature: String?, for agent: AgentID, workspaceID: WorkspaceID, in sql: any SQLDatabase) async throws {
        let text = signature?.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (text?.count ?? 0) <= maxLength else {
            throw ShopdeskError.invalid(field: "signature", "A signature has at most \(maxLength) characters.").because("signature_too_long", ["max": String(maxLength)])
        }
        try await sql.raw("""
            UPDATE agents SET signature = \(bind: text?.isEmpty == false ? text : nil) WHERE workspace_id = \(bind: workspaceID.rawValue) AND id = \(bind: agent.rawValue)
            """).run()
    }
}
