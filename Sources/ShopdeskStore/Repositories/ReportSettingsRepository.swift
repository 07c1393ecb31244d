import Foundation
import ShopdeskCore
import SQLKit

/// A workspace's report settings (`workspaces.report_settings`), its TV link and its digests.
public enum ReportSettingsRepository {
    public static func find(workspaceID: WorkspaceID, in sql: any SQLDatabase) async throws -> ReportSettings {
        guard let text = try await sql.raw("SELECT report_settings FROM workspaces WHERE id = \(bind: workspaceID.rawValue)").first()?
            .stringOrNil("report_settings") else { return ReportSettings() }
        do { return try JSONCoding.decode(ReportSettings.self, from: text) } catch {
            throw StoredValueError(column: "workspaces.report_settings", value: text)
        }
    }

    public static func save(_ settings: ReportSettings, workspaceID: WorkspaceID, in sql: any SQLDatabase) async throws {
        // workspace: the row is the workspace itself (`workspaces.id` is the workspace id; there is no other column to name).
        try await sql.raw("""
            UPDATE workspaces SET report_settings = \(bind: try JSONCoding.string(settings)) WHERE id = \(bind: workspaceID.rawValue)
            """).run()
    }

    /// The workspace whose TV link has this token's hash (nil: no such link, or it was turned off).
    public static func workspace(tvTokenHash hash: String, in sql: any SQLDatabase) async throws -> WorkspaceID? {
        // workspace: the token is the credential that names the workspace.
        try await sql.raw("SELECT id FROM workspaces WHERE report_tv_hash = \(bind: hash)").first()?.id("id")
    }

    /// Sets (or with nil, turns off) the TV link's token hash.
    public static func setTVHash(_ hash: String?, workspaceID: WorkspaceID, in sql: any SQLDatabase) async throws {
        // workspace: the row is the workspace itself (`workspaces.id` is the workspace id), the caller's own.
        try await sql.raw("UPDATE workspaces SET report_tv_hash = \(bind: hash) WHERE id = \(bind: workspaceID.rawValue)").run()
    }

    /// Whether the workspace has a TV link.
    public static func hasTV(workspaceID: WorkspaceID, in sql: any SQLDatabase) async throws -> Bool {
        try await sql.raw("SELECT report_tv_hash FROM workspaces WHERE id = \(bind: workspaceID.rawValue)").first()?.stringOrNil("report_tv_hash") != nil
    }

    /// The workspaces that want the weekly digest (the default), with their time zones.
    public static func digestWorkspaces(in sql: any SQLDatabase) async throws -> [(id: WorkspaceID, timeZone: String)] {
        // workspace: a scan of every workspace, to queue each one's own digest job.
        try await sql.raw("SELECT id, time_zone, report_settings FROM workspaces").all().compactMap { row in
            let settings = try row.stringOrNil("report_settings").map { try JSONCoding.decode(ReportSettings.self, from: $0) } ?? ReportSettings()
            return settings.digest ? (try row.id("id"), try row.string("time_zone")) : nil
        }
    }

    /// Claims the digest of the week starting `week` (`yyyymmdd`): true once, false ever after.
    public static func claimDigest(workspaceID: WorkspaceID, week: Int, now: Date, in sql: any SQLDatabase) async throws -> Bool {
        try await sql.raw("""
            INSERT INTO report_digests (workspace_id, week, sent_at) VALUES (\(bind: workspaceID.rawValue), \(bind: week), \(bind: now.millis))
            ON CONFLICT (workspace_id, week) DO NOTHING RETURNING week
            """).first() != nil
    }

    /// Gives a claimed digest back (it could not be sent; the next attempt claims it again).
    public static func releaseDigest(workspaceID: WorkspaceID, week: Int, in sql: any SQLDatabase) async throws {
        try await sql.raw("DELETE FROM report_digests WHERE workspace_id = \(bind: workspaceID.rawValue) AND week = \(bind: week)").run()
    }
}
