import Foundation
import ShopdeskCore
import SQLKit

/// Resolved conversations older than the workspace's `locked_after_days` are read-only history:
/// agents cannot change or answer them, and a customer's reply to one starts a new conversation.
public enum HistoryLock {
    public static func days(workspaceID: WorkspaceID, in sql: any SQLDatabase) async throws -> Int? {
        try await sql.raw("SELECT locked_after_days FROM workspaces WHERE id = \(bind: workspaceID.rawValue)")
            .first()?.int64OrNil("locked_after_days").map(Int.init)
    }

    public static func save(workspaceID: WorkspaceID, days: Int?, in sql: any SQLDatabase) async throws {
        if let days, !(1...3650).contains(days) {
            throw ShopdeskError.invalid(field: "locked_after_days", "Lock resolved conversations after 1 to 3650 days, or never (null).")
        }
        try await sql.raw("UPDATE workspaces SET locked_after_days = \(bind: days.map(Int64.init)) WHERE id = \(bind: workspaceID.rawValue)").run()
    }

    static func isLocked(_ conversation: Conversation, now: Date, in sql: any SQLDatabase) async throws -> Bool {
        guard conversation.state.status == .resolved, let resolvedAt = conversation.resolvedAt,
              let days = try await days(workspaceID: conversation.workspaceID, in: sql) else { return false }
        return now.timeIntervalSince(resolvedAt) > TimeInterval(days) * 86_400
    }

    /// Refuses a change to locked history with what to do instead.
    static func ensureWritable(_ conversation: Conversation, now: Date, in sql: any SQLDatabase) async throws {
        if try await isLocked(conversation, now: now, in: sql) {
            throw ShopdeskError.conflict(
                "Conversation \(conversation.number) was resolved long ago and is read-only history; write to the customer in a new conversation.")
                .because("history_locked", ["number": String(conversation.number)])
        }
    }
}
