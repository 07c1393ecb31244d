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

/// How the last polls of an inbox's mailbox went, for the admin pages: when it was last
/// checked, when it last worked, and what went wrong if it did not.
public struct MailboxCheck: Sendable, Equatable {
    public var checkedAt: Date
    public var succeededAt: Date?
    /// Nil when the last check worked.
    public var error: String?
    /// Messages taken in by the last check.
    public var taken: Int
}

public enum MailboxCheckRepository {
    public static func record(inboxID: InboxID, at time: Date, error: String?, taken: Int, in sql: any SQLDatabase) async throws {
        let succeeded = error == nil ? time.millis : nil
        try await sql.raw("""
            INSERT INTO mailbox_checks (inbox_id, checked_at, succeeded_at, error, taken)
            VALUES (\(bind: inboxID.rawValue), \(bind: time.millis), \(bind: succeeded), \(bind: error.map { String($0.prefix(1000)) }), \(bind: Int64(taken)))
            ON CONFLICT (inbox_id) DO UPDATE SET checked_at = excluded.checked_at,
              succeeded_at = COALESCE(excluded.succeeded_at, mailbox_checks.succeeded_at), error = excluded.error, taken = excluded.taken
            """).run()
    }

    public static func find(inboxID: InboxID, in sql: any SQLDatabase) async throws -> MailboxCheck? {
        try await sql.raw("SELECT checked_at, succeeded_at, error, taken FROM mailbox_checks WHERE inbox_id = \(bind: inboxID.rawValue)")
            .first().map {
                MailboxCheck(checkedAt: try $0.date("checked_at"), succeededAt: try $0.dateOrNil("succeeded_at"),
                             error: try $0.stringOrNil("error"), taken: Int(try $0.int64("taken")))
            }
    }
}
