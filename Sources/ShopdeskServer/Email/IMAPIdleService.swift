import Foundation
import Logging
import ServiceLifecycle
import ShopdeskCore
import ShopdeskStore

/// Keeps an IDLE connection to every IMAP mailbox whose server supports it and queues a poll the
/// moment new mail is announced, so mail shows up in seconds rather than at the next minute.
/// Polling stays the source of truth: if IDLE fails or is not offered, the minute poll still runs.
struct IMAPIdleService: Service {
    let services: AppServices
    /// How often the list of mailboxes is read again (new or changed inboxes).
    static let rescan: Duration = .seconds(10)
    /// RFC 2177: re-issue IDLE before 29 minutes.
    static let idleSeconds: TimeInterval = 25 * 60

    func run() async throws {
        await cancelWhenGracefulShutdown {
            var watchers: [InboxID: (settings: OutgoingSMTP, folder: String, task: Task<Void, Never>)] = [:]
            while !Task.isCancelled {
                let inboxes = (try? await services.database.read { try await InboxRepository.withIMAP(in: $0) }) ?? []
                for inbox in inboxes {
                    guard let email = inbox.email, let server = email.imap else { continue }
                    if let current = watchers[inbox.id], current.settings == server, current.folder == email.imapFolder { continue }
                    watchers[inbox.id]?.task.cancel()
                    watchers[inbox.id] = (server, email.imapFolder, Task { await watch(inbox) })
                }
                for (id, watcher) in watchers where !inboxes.contains(where: { $0.id == id }) {
                    watcher.task.cancel()
                    watchers[id] = nil
                }
                // Deliberate wait between scans of the inbox list; cancelled at shutdown.
                try? await Task.sleep(for: Self.rescan)
            }
            for watcher in watchers.values { watcher.task.cancel() }
        }
    }

    private func watch(_ inbox: Inbox) async {
        guard let email = inbox.email, let server = email.imap else { return }
        while !Task.isCancelled {
            do {
                let password = try server.passwordSealed.map { try services.secretBox().open($0) }
                let supported = try await IMAPClient.session(server, password: password) { client -> Bool in
                    guard client.capabilities.contains("IDLE") else { return false }
                    let validity = try await client.select(email.imapFolder)
                    // Mail that came after the last poll but before this IDLE began: poll now.
                    let checkpoint = try await services.database.read { try await IMAPCheckpointRepository.find(inboxID: inbox.id, in: $0) }
                    let last = checkpoint?.uidValidity == validity ? checkpoint?.lastUID ?? 0 : 0
                    if try await !client.uids(after: last).isEmpty {
                        try await services.database.write { try await IMAPPoller.schedule(inbox, at: Date(), in: $0) }
                    }
                    while !Task.isCancelled {
                        if try await client.idle(seconds: Self.idleSeconds) {
                            try await services.database.write { try await IMAPPoller.schedule(inbox, at: Date(), in: $0) }
                        }
                    }
                    return true
                }
                if !supported { return }
            } catch {
                services.logger.debug("IMAP IDLE ended; polling continues", metadata: ["inbox": "\(inbox.id)", "error": "\(error)"])
            }
            // Deliberate back-off before reconnecting; the minute poll covers the gap.
            try? await Task.sleep(for: .seconds(60))
        }
    }
}
