import Foundation
import ShopdeskCore
import SQLKit

/// The last IMAP UID taken in per inbox, with the mailbox's UIDVALIDITY.
public enum IMAPCheckpointRepository {
    public static func find(inboxID: InboxID, in sql: any SQLDatabase) async throws -> (uidValidity: Int64, lastUID: Int64)? {
        try await sql.raw("SELECT uid_validity, last_uid FROM imap_checkpoints WHERE inbox_id = \(bind: inboxID.rawValue)").first().map {
            (try $0.int64("uid_validity"), try $0.int64("last_uid"))
        }
    }

    public static func save(inboxID: InboxID, uidValidity: Int64, lastUID: Int64, now: Date, in sql: any SQLDatabase) async throws {
        try await sql.raw("""
            INSERT INTO imap_checkpoints (inbox_id, uid_validity, last_uid, updated_at)
            VALUES (\(bind: inboxID.rawValue), \(bind: uidValidity), \(bind: lastUID), \(bind: now.millis))
            ON CONFLICT (inbox_id) DO UPDATE SET uid_validity = excluded.uid_validity, last_uid = excluded.last_uid, updated_at = excluded.updated_at
            """).run()
    }
}
