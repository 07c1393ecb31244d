import Foundation
import Logging
import ServiceLifecycle
import ShopdeskChannels
import ShopdeskCore
import ShopdeskStore

/// IDLE connections to the IMAP mailboxes whose server supports it: a poll is queued the moment
/// the server announces new mail, so mail shows up in seconds rather than at the next minute.
///
/// No timer of its own: each `imap.poll` job makes sure its mailbox has a watcher on the node
/// that ran it (`ensure`), so a watcher that ended (server gone, settings changed, restart) comes
/// back with the next poll, and polling stays the source of truth.
actor IMAPIdleWatchers {
    private struct Watcher {
        var server: OutgoingSMTP
        var folder: String
        var generation: Int
        var task: Task<Void, Never>
    }
    private var watchers: [InboxID: Watcher] = [:]
    private var generation = 0
    private var stopped = false
    /// RFC 2177: re-issue IDLE before 29 minutes.
    static let idleSeconds: TimeInterval = 25 * 60

    /// Starts a watcher for `inbox` unless one with the same settings runs; stops it when the
    /// inbox no longer polls IMAP.
    func ensure(_ inbox: Inbox, services: AppServices) {
        guard !stopped, let email = inbox.email, let server = email.imap else {
            watchers.removeValue(forKey: inbox.id)?.task.cancel()
            return
        }
        if let current = watchers[inbox.id], current.server == server, current.folder == email.imapFolder { return }
        watchers[inbox.id]?.task.cancel()
        generation += 1
        let mine = generation
        watchers[inbox.id] = Watcher(server: server, folder: email.imapFolder, generation: mine, task: Task {
            await Self.watch(inbox, server: server, folder: email.imapFolder, services: services)
            self.finished(inbox.id, generation: mine)
        })
    }

    private func finished(_ id: InboxID, generation: Int) {
        if watchers[id]?.generation == generation { watchers[id] = nil }
    }

    func stopAll() {
        stopped = true
        for watcher in watchers.values { watcher.task.cancel() }
        watchers = [:]
    }

    /// One IDLE session until it fails or is cancelled; the next poll starts another.
    private static func watch(_ inbox: Inbox, server: OutgoingSMTP, folder: String, services: AppServices) async {
        do {
            let (server, password, token) = try await MailOAuth(services: services).imapSignIn(server, inbox: inbox)
            try await IMAPClient.session(server, password: password, accessToken: token, tls: services.mailTLS) { client in
                guard client.capabilities.contains("IDLE") else { return }
                let validity = try await client.select(folder)
                // Mail that came after the last poll but before this IDLE began: poll now.
                let checkpoint = try await services.database.read { try await IMAPCheckpointRepository.find(inboxID: inbox.id, in: $0) }
                let last = checkpoint?.uidValidity == validity ? checkpoint?.lastUID ?? 0 : 0
                if try await !client.uids(after: last).isEmpty {
                    try await services.database.write { try await IMAPPoller.schedule(inbox, at: Date(), in: $0) }
                }
                while !Task.isCancelled {
                    if try await client.idle(seconds: idleSeconds) {
                        try await services.database.write { try await IMAPPoller.schedule(inbox, at: Date(), in: $0) }
                    }
                }
            }
        } catch {
            services.logger.debug("IMAP IDLE ended; the next poll starts it again", metadata: ["inbox": "\(inbox.id)", "error": "\(error)"])
        }
    }
}

/// Closes the IDLE connections when the server shuts down.
struct IMAPIdleService: Service, CustomStringConvertible {
    let watchers: IMAPIdleWatchers
    var description: String { "IMAPIdleService" }

    func run() async throws {
        try? await gracefulShutdown()
        await watchers.stopAll()
    }
}
