import Foundation
import SQLKit

/// Which stored files the database still refers to: attachments (uploads, received files, return
/// photos) and original emails whose bytes are not in their own row. Files are shared by content
/// across workspaces, so these reads span them; they return hashes, never anyone's data.
public enum FileReferences {
    public static func isReferenced(_ sha256: String, in sql: any SQLDatabase) async throws -> Bool {
        if try await sql.raw("SELECT 1 AS found FROM attachments WHERE sha256 = \(bind: sha256) LIMIT 1").first() != nil { return true }
        return try await sql.raw("SELECT 1 AS found FROM inbound_emails WHERE sha256 = \(bind: sha256) LIMIT 1").first() != nil
    }

    /// The referenced files after `after` in hash order, at most `limit`: what a backup copies and
    /// `shopdesk files migrate` moves, in pages that a restart can resume.
    public static func page(after: String, limit: Int, in sql: any SQLDatabase) async throws -> [String] {
        try await sql.raw("""
            SELECT sha256 FROM attachments WHERE sha256 > \(bind: after)
            UNION SELECT sha256 FROM inbound_emails WHERE raw IS NULL AND sha256 > \(bind: after)
            ORDER BY sha256 LIMIT \(bind: limit)
            """).all().map { try $0.decode(column: "sha256", as: String.self) }
    }
}

/// The `database` file store's rows (`file_blobs`).
public enum FileBlobRepository {
    /// Inserts the bytes once; a second store of the same hash changes nothing.
    public static func insert(sha256: String, bytes: Data, now: Date, in sql: any SQLDatabase) async throws {
        try await sql.raw("""
            INSERT INTO file_blobs (sha256, size, bytes, created_at) VALUES (\(bind: sha256), \(bind: bytes.count), \(bind: bytes), \(bind: Int64(now.timeIntervalSince1970)))
            ON CONFLICT (sha256) DO NOTHING
            """).run()
    }

    public static func bytes(sha256: String, in sql: any SQLDatabase) async throws -> Data? {
        try await sql.raw("SELECT bytes FROM file_blobs WHERE sha256 = \(bind: sha256)").first()?.decode(column: "bytes", as: Data.self)
    }

    public static func exists(sha256: String, in sql: any SQLDatabase) async throws -> Bool {
        try await sql.raw("SELECT 1 AS found FROM file_blobs WHERE sha256 = \(bind: sha256)").first() != nil
    }

    public static func delete(sha256: String, in sql: any SQLDatabase) async throws {
        // workspace: a file's bytes are shared by content across workspaces; the caller deletes
        // them only once no attachment or email of any workspace refers to them.
        try await sql.raw("DELETE FROM file_blobs WHERE sha256 = \(bind: sha256)").run()
    }
}
