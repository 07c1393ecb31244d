import Foundation
import SQLKit
import ShopdeskChannels
import ShopdeskCore
import ShopdeskStore

/// Takes new mail out of an email inbox's IMAP mailbox. Each message is committed
/// (`EmailReceiver.receive`: stored, quarantined or recognised as a delivery report) before its
/// UID is checkpointed and before it is flagged \Seen or moved, so a crash at any point loses
/// nothing: the next poll fetches from the checkpoint again and the Message-ID makes a repeat
/// one message. A new UIDVALIDITY starts from the beginning (again deduplicated).
struct IMAPPoller {
    let services: AppServices
    /// Messages taken per poll; the rest wait for the next one.
    static let batch = 50
    static let interval: TimeInterval = 60

    /// Queues a poll of `inbox` (one waiting poll per inbox).
    static func schedule(_ inbox: Inbox, at time: Date, in sql: any SQLDatabase) async throws {
        try await JobQueue.enqueue(kind: JobKind.imapPoll, payload: ["inbox_id": .id(inbox.id)], workspaceID: inbox.workspaceID, runAt: time,
                                   maxAttempts: 5, dedupeKey: "imap:\(inbox.id)", in: sql)
    }

    /// One poll; returns how many messages were taken in.
    @discardableResult
    func poll(_ inbox: Inbox, now: Date = Date()) async throws -> Int {
        guard let settings = inbox.email, let configured = settings.imap else { return 0 }
        let tls = services.mailTLS
        return try await MailOAuth(services: services).session(configured, inbox: inbox, imap: true) { server, password, token in
            try await IMAPClient.session(server, password: password, accessToken: token, tls: tls) { client in
                try await take(from: client, inbox: inbox, settings: settings, now: now)
            }
        }
    }

    /// The new messages of the selected folder, each committed before it is checkpointed and marked.
    private func take(from client: IMAPClient, inbox: Inbox, settings: EmailSettings, now: Date) async throws -> Int {
        let receiver = EmailReceiver(services: services)
        let database = services.database
        let validity = try await client.select(settings.imapFolder)
        let checkpoint = try await database.read { try await IMAPCheckpointRepository.find(inboxID: inbox.id, in: $0) }
        var last = checkpoint?.uidValidity == validity ? checkpoint?.lastUID ?? 0 : 0
        var taken = 0
        for uid in try await client.uids(after: last).prefix(Self.batch) {
            guard let raw = try await client.fetch(uid) else { continue }
            _ = try await receiver.receive(raw, inbox: inbox, now: now)
            last = uid
            try await database.write { try await IMAPCheckpointRepository.save(inboxID: inbox.id, uidValidity: validity, lastUID: uid, now: now, in: $0) }
            if let folder = settings.imapMoveTo { try await client.move(uid, to: folder) } else { try await client.markSeen(uid) }
            taken += 1
        }
        if checkpoint == nil || checkpoint?.uidValidity != validity {
            let mark = last
            try await database.write { try await IMAPCheckpointRepository.save(inboxID: inbox.id, uidValidity: validity, lastUID: mark, now: now, in: $0) }
        }
        return taken
    }

    /// An admin's "test the connection": TLS, login and the folder, and how many messages wait
    /// beyond the checkpoint; a poll is queued at once when it works.
    func test(_ inbox: Inbox, now: Date = Date()) async throws -> (folder: String, waiting: Int) {
        guard let settings = inbox.email, let configured = settings.imap else { return ("", 0) }
        let database = services.database
        let tls = services.mailTLS
        let waiting = try await MailOAuth(services: services).session(configured, inbox: inbox, imap: true) { server, password, token in
            try await IMAPClient.session(server, password: password, accessToken: token, tls: tls) { client in
                let validity = try await client.select(settings.imapFolder)
                let checkpoint = try await database.read { try await IMAPCheckpointRepository.find(inboxID: inbox.id, in: $0) }
                let last = checkpoint?.uidValidity == validity ? checkpoint?.lastUID ?? 0 : 0
                return try await client.uids(after: last).count
            }
        }
        try await database.write { try await Self.schedule(inbox, at: now, in: $0) }
        return (settings.imapFolder, waiting)
    }
}
