import Foundation
import ShopdeskCore
import SQLKit

/// The OAuth grants of mailboxes connected with Google or Microsoft: one per email inbox.
public enum MailOAuthRepository {
    public struct Grant: Sendable, Equatable {
        public var workspaceID: WorkspaceID
        public var inboxID: InboxID
        /// The configured provider's name (`google`, `microsoft`, or another the server knows).
        public var provider: String
        /// The mailbox's address, signed in as with XOAUTH2.
        public var username: String
        /// Sealed by the server's key (`SecretBox`); never shown.
        public var sealedRefreshToken: String
        public var connectedBy: AgentID?
        public var connectedAt: Date

        public init(workspaceID: WorkspaceID, inboxID: InboxID, provider: String, username: String, sealedRefreshToken: String,
                    connectedBy: AgentID?, connectedAt: Date) {
            self.workspaceID = workspaceID; self.inboxID = inboxID; self.provider = provider; self.username = username
            self.sealedRefreshToken = sealedRefreshToken; self.connectedBy = connectedBy; self.connectedAt = connectedAt
        }
    }

    public static func find(workspaceID: WorkspaceID, inboxID: InboxID, in sql: any SQLDatabase) async throws -> Grant? {
        try await sql.raw("""
            SELECT * FROM mail_oauth_grants WHERE workspace_id = \(bind: workspaceID.rawValue) AND inbox_id = \(bind: inboxID.rawValue)
            """).first().map(decode)
    }

    /// A new consent replaces the inbox's grant. The inbox is the caller's (checked in its workspace).
    public static func save(_ grant: Grant, in sql: any SQLDatabase) async throws {
        try await sql.raw("""
            DELETE FROM mail_oauth_grants WHERE workspace_id = \(bind: grant.workspaceID.rawValue) AND inbox_id = \(bind: grant.inboxID.rawValue)
            """).run()
        try await sql.raw("""
            INSERT INTO mail_oauth_grants (inbox_id, workspace_id, provider, username, refresh_token, connected_by, connected_at, updated_at)
            VALUES (\(bind: grant.inboxID.rawValue), \(bind: grant.workspaceID.rawValue), \(bind: grant.provider), \(bind: grant.username),
              \(bind: grant.sealedRefreshToken), \(bind: grant.connectedBy?.rawValue), \(bind: grant.connectedAt.millis), \(bind: grant.connectedAt.millis))
            """).run()
    }

    /// Microsoft hands out a new refresh token with each access token; the newest is kept.
    public static func replaceRefreshToken(workspaceID: WorkspaceID, inboxID: InboxID, sealed: String, now: Date, in sql: any SQLDatabase) async throws {
        try await sql.raw("""
            UPDATE mail_oauth_grants SET refresh_token = \(bind: sealed), updated_at = \(bind: now.millis)
            WHERE workspace_id = \(bind: workspaceID.rawValue) AND inbox_id = \(bind: inboxID.rawValue)
            """).run()
    }

    public static func delete(workspaceID: WorkspaceID, inboxID: InboxID, in sql: any SQLDatabase) async throws {
        try await sql.raw("""
            DELETE FROM mail_oauth_grants WHERE workspace_id = \(bind: workspaceID.rawValue) AND inbox_id = \(bind: inboxID.rawValue)
            """).run()
    }

    static func decode(_ row: any SQLRow) throws -> Grant {
        Grant(workspaceID: try row.id("workspace_id"), inboxID: try row.id("inbox_id"), provider: try row.string("provider"),
              username: try row.string("username"), sealedRefreshToken: try row.string("refresh_token"),
              connectedBy: try row.int64OrNil("connected_by").map(AgentID.init),
              connectedAt: Timestamps.date(millis: try row.int64("connected_at")))
    }
}
