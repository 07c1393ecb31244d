import Foundation
import ShopdeskCore
import SQLKit

/// A connection's Shopify grant as stored: sealed by the server, with its expiry and the renewal
/// lease readable without opening it.
public struct StoredShopToken: Equatable, Sendable {
    public var sealedGrant: String?
    public var expiresAt: Date?
    public var leaseOwner: String?
    public var leaseUntil: Date
    /// How many times a token was obtained for this connection, and the last time.
    public var renewals: Int
    public var renewedAt: Date?
}

/// Shopify access tokens from the OAuth grants (`store_tokens`). Every statement names the
/// workspace. Renewal is guarded by a lease on the row: a node renews only while it holds it, so
/// two nodes never ask Shopify at once (an expiring token's refresh token works only once).
public enum StoreTokenRepository {
    public static func find(workspaceID: WorkspaceID, connectionID: StoreConnectionID, in sql: any SQLDatabase) async throws -> StoredShopToken? {
        try await sql.raw("""
            SELECT grant_sealed, expires_at, lease_owner, lease_until, renewals, renewed_at FROM store_tokens
            WHERE workspace_id = \(bind: workspaceID.rawValue) AND connection_id = \(bind: connectionID.rawValue)
            """).first().map { row in
            StoredShopToken(sealedGrant: try row.stringOrNil("grant_sealed"), expiresAt: try row.dateOrNil("expires_at"),
                            leaseOwner: try row.stringOrNil("lease_owner"), leaseUntil: try row.date("lease_until"),
                            renewals: try row.int("renewals"), renewedAt: try row.dateOrNil("renewed_at"))
        }
    }

    /// Takes the renewal lease until `until` when nobody holds it (or it ran out); false when
    /// another node is renewing right now.
    public static func takeLease(workspaceID: WorkspaceID, connectionID: StoreConnectionID, owner: String, now: Date, until: Date,
                                 in sql: any SQLDatabase) async throws -> Bool {
        try await ensureRow(workspaceID: workspaceID, connectionID: connectionID, in: sql)
        return try await sql.raw("""
            UPDATE store_tokens SET lease_owner = \(bind: owner), lease_until = \(bind: until.millis)
            WHERE workspace_id = \(bind: workspaceID.rawValue) AND connection_id = \(bind: connectionID.rawValue)
              AND (lease_until < \(bind: now.millis) OR lease_owner = \(bind: owner))
            RETURNING connection_id
            """).first() != nil
    }

    /// Stores a new grant and gives the lease back; only the lease's holder may (a node whose
    /// lease ran out while it waited on Shopify does not overwrite a newer token).
    @discardableResult
    public static func saveGrant(workspaceID: WorkspaceID, connectionID: StoreConnectionID, sealed: String, expiresAt: Date?, owner: String?,
                                 now: Date, in sql: any SQLDatabase) async throws -> Bool {
        try await ensureRow(workspaceID: workspaceID, connectionID: connectionID, in: sql)
        let holder: SQLQueryString = owner.map { "AND lease_owner = \(bind: $0)" } ?? ""
        return try await sql.raw("""
            UPDATE store_tokens SET grant_sealed = \(bind: sealed), expires_at = \(bind: expiresAt?.millis), lease_owner = NULL, lease_until = 0,
              renewals = renewals + 1, renewed_at = \(bind: now.millis)
            WHERE workspace_id = \(bind: workspaceID.rawValue) AND connection_id = \(bind: connectionID.rawValue) \(holder)
            RETURNING connection_id
            """).first() != nil
    }

    public static func releaseLease(workspaceID: WorkspaceID, connectionID: StoreConnectionID, owner: String, in sql: any SQLDatabase) async throws {
        try await sql.raw("""
            UPDATE store_tokens SET lease_owner = NULL, lease_until = 0
            WHERE workspace_id = \(bind: workspaceID.rawValue) AND connection_id = \(bind: connectionID.rawValue) AND lease_owner = \(bind: owner)
            """).run()
    }

    /// Forgets the grant (the shop uninstalled the app, or the admin starts over).
    public static func clear(workspaceID: WorkspaceID, connectionID: StoreConnectionID, in sql: any SQLDatabase) async throws {
        try await sql.raw("""
            UPDATE store_tokens SET grant_sealed = NULL, expires_at = NULL
            WHERE workspace_id = \(bind: workspaceID.rawValue) AND connection_id = \(bind: connectionID.rawValue)
            """).run()
    }

    /// Remembers the one-time value an install redirect carries in its state.
    public static func startInstall(workspaceID: WorkspaceID, connectionID: StoreConnectionID, nonce: String, until: Date,
                                    in sql: any SQLDatabase) async throws {
        try await ensureRow(workspaceID: workspaceID, connectionID: connectionID, in: sql)
        try await sql.raw("""
            UPDATE store_tokens SET install_nonce = \(bind: nonce), install_until = \(bind: until.millis)
            WHERE workspace_id = \(bind: workspaceID.rawValue) AND connection_id = \(bind: connectionID.rawValue)
            """).run()
    }

    /// Uses up the install's one-time value: true once, for the latest install started, before it ran out.
    public static func finishInstall(workspaceID: WorkspaceID, connectionID: StoreConnectionID, nonce: String, now: Date,
                                     in sql: any SQLDatabase) async throws -> Bool {
        try await sql.raw("""
            UPDATE store_tokens SET install_nonce = NULL, install_until = NULL
            WHERE workspace_id = \(bind: workspaceID.rawValue) AND connection_id = \(bind: connectionID.rawValue)
              AND install_nonce = \(bind: nonce) AND install_until >= \(bind: now.millis)
            RETURNING connection_id
            """).first() != nil
    }

    static func ensureRow(workspaceID: WorkspaceID, connectionID: StoreConnectionID, in sql: any SQLDatabase) async throws {
        try await sql.raw("""
            INSERT INTO store_tokens (connection_id, workspace_id)
            SELECT id, workspace_id FROM store_connections WHERE workspace_id = \(bind: workspaceID.rawValue) AND id = \(bind: connectionID.rawValue)
            ON CONFLICT (connection_id) DO NOTHING
            """).run()
    }
}
