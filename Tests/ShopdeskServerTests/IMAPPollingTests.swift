import Foundation
import ShopdeskCore
@testable import ShopdeskServer
import ShopdeskStore
import ShopdeskTestSupport
import Testing

/// A real IMAP server (Dovecot from Debian's packages) on a free port, with one mailbox user.
final class Dovecot: @unchecked Sendable {
    // The process and directory are set once in `start` and only read afterwards.
    let port: Int
    /// Implicit TLS (imaps) when started with a certificate; 0 otherwise.
    let tlsPort: Int
    let directory: String
    private let process: Process

    static var available: Bool {
        if FileManager.default.isExecutableFile(atPath: "/usr/sbin/dovecot") { return true }
        // CI installs it; there a missing Dovecot is a failure, not a skip.
        if ProcessInfo.processInfo.environment["CI"] == "true" { Issue.record("dovecot is missing") }
        return false
    }

    private init(port: Int, tlsPort: Int, directory: String, process: Process) {
        self.port = port
        self.tlsPort = tlsPort
        self.directory = directory
        self.process = process
    }

    /// With a certificate, the plain port offers STARTTLS and `tlsPort` speaks TLS from the first byte.
    /// With `oauthUserinfo` (an OpenID provider's userinfo address), Dovecot also takes XOAUTH2:
    /// it asks that address about the token, and `oauthUser` (the token's email) owns the same mailbox.
    static func start(certificate: (cert: String, key: String)? = nil, oauthUserinfo: String? = nil,
                      oauthUser: String = "shop@shop.example") async throws -> Dovecot {
        let port = try FreePort.pick()
        let tlsPort = certificate == nil ? 0 : try FreePort.pick()
        let ssl = certificate.map { "ssl = yes\nssl_cert = <\($0.cert)\nssl_key = <\($0.key)\nssl_dh = </usr/share/dovecot/dh.pem" } ?? "ssl = no"
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dovecot-\(UUID().uuidString.prefix(8))").path
        for folder in ["mail", "run"] { try FileManager.default.createDirectory(atPath: "\(directory)/\(folder)", withIntermediateDirectories: true) }
        // Mail processes must not run as root: the mailbox belongs to nobody.
        try FileManager.default.setAttributes([.ownerAccountID: 65534, .groupOwnerAccountID: 65534], ofItemAtPath: "\(directory)/mail")
        var users = "shop:{PLAIN}s3cret:65534:65534::\(directory)/mail/shop\n"
        var oauth = ""
        if let oauthUserinfo {
            users += "\(oauthUser)::65534:65534::\(directory)/mail/shop\n"
            try """
                introspection_mode = auth
                introspection_url = \(oauthUserinfo)
                username_attribute = email
                """.write(toFile: "\(directory)/oauth2.conf.ext", atomically: true, encoding: .utf8)
            // The token is asked about first; a password that is no token falls through to the users file.
            oauth = """
                auth_mechanisms = plain login xoauth2
                passdb {
                  driver = oauth2
                  args = \(directory)/oauth2.conf.ext
                }
                """
        }
        try users.write(toFile: "\(directory)/users", atomically: true, encoding: .utf8)
        try """
            protocols = imap
            listen = 127.0.0.1
            base_dir = \(directory)/run
            state_dir = \(directory)/run
            log_path = \(directory)/dovecot.log
            \(ssl)
            disable_plaintext_auth = no
            mail_location = maildir:~/Maildir
            # Look for new mail every second while idling (containers may lack inotify).
            mailbox_idle_check_interval = 1 secs
            default_internal_user = dovecot
            default_internal_group = dovecot
            default_login_user = dovenull
            service imap-login {
              inet_listener imap {
                port = \(port)
              }
              inet_listener imaps {
                port = \(tlsPort)
              }
            }
            \(oauth)
            passdb {
              driver = passwd-file
              args = scheme=PLAIN username_format=%u \(directory)/users
            }
            userdb {
              driver = passwd-file
              args = username_format=%u \(directory)/users
            }
            """.write(toFile: "\(directory)/dovecot.conf", atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/sbin/dovecot")
        process.arguments = ["-F", "-c", "\(directory)/dovecot.conf"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try await ChildProcess.launch(process)
        let server = Dovecot(port: port, tlsPort: tlsPort, directory: directory, process: process)
        try await EmailChannelTests.waitForPort(port)
        if tlsPort != 0 { try await EmailChannelTests.waitForPort(tlsPort) }
        return server
    }

    func stop() {
        process.terminate()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Runs imaplib as the mailbox user: `append` puts messages in, `flags` reads them back.
    func imap(_ code: String, input: [String: Any] = [:]) async throws -> Any? {
        let script = """
            import imaplib, json, sys
            request = json.load(sys.stdin)
            box = imaplib.IMAP4('127.0.0.1', request['port'])
            box.login('shop', 's3cret')
            box.select('INBOX')
            result = None
            \(code)
            box.logout()
            print(json.dumps(result))
            """
        var request = input
        request["port"] = port
        let output = try await Python.run(script, input: String(decoding: try JSONSerialization.data(withJSONObject: request), as: UTF8.self))
        return try JSONSerialization.jsonObject(with: Data(output.utf8), options: .fragmentsAllowed)
    }

    func append(_ messages: [String]) async throws {
        _ = try await imap("""
            for message in request['messages']:
                box.append('INBOX', None, None, message.encode('utf-8'))
            """, input: ["messages": messages])
    }

    /// UID → flags of every message in INBOX.
    func flags() async throws -> [String: String] {
        let result = try await imap("""
            typ, data = box.uid('FETCH', '1:*', '(FLAGS)')
            result = {}
            for item in data:
                text = item.decode() if isinstance(item, bytes) else ''
                if 'UID' in text:
                    uid = text.split('UID ')[1].split(' ')[0].rstrip(')')
                    result[uid] = text.split('FLAGS (')[1].split(')')[0]
            """)
        return result as? [String: String] ?? [:]
    }
}

@Suite("IMAP polling", .serialized)
struct IMAPPollingTests {
    @Test func mailIsTakenInOnceFlaggedAfterCommitAndResumedFromTheCheckpoint() async throws {
        guard Python.available, Dovecot.available else { return }
        let dovecot = try await Dovecot.start()
        defer { dovecot.stop() }
        try await dovecot.append([MailFixture.mail(id: "imap-1@example.hr", body: "Prva poruka."),
                                  MailFixture.mail(from: "Ivan <ivan@example.hr>", subject: "Povrat", id: "imap-2@example.hr", body: "Druga poruka.")])
        try await Harness.run(.sqlite, mode: .live, configure: Harness.localServers) { harness in
            let created = try await harness.client.json(.post, "/api/v1/inboxes", token: harness.ownerToken, body: """
                {"name":"Support mail","kind":"email","email":{"address":"support@shop.example",
                 "imap":{"host":"127.0.0.1","port":\(dovecot.port),"security":"none","username":"shop","password":"s3cret"}}}
                """)
            #expect(created.status == .created, "\(created.text)")
            #expect(!created.text.contains("s3cret"), "the password is sealed, never shown")
            let inboxID = InboxID(try created.object("inbox").int("id"))
            try await harness.runJobs()
            let first = try await harness.client.json(.get, "/api/v1/conversations?view=all", token: harness.ownerToken)
            #expect(first.items.count == 2, "\(first.text)")
            let flags = try await dovecot.flags()
            #expect(flags.count == 2 && flags.values.allSatisfy { $0.contains("\\Seen") }, "\(flags)")

            // New mail arrives; the next poll takes only it.
            try await dovecot.append([MailFixture.mail(subject: "Re: Narudžba 1042", id: "imap-3@example.hr", references: ["imap-1@example.hr"],
                                                       body: "Još nešto.")])
            try await harness.runJobs(at: Date().addingTimeInterval(IMAPPoller.interval + 1))
            let second = try await harness.client.json(.get, "/api/v1/conversations?view=all", token: harness.ownerToken)
            #expect(second.items.count == 2, "the reply threads into its conversation")

            // A crash between commit and checkpoint: the next poll fetches again and duplicates nothing.
            try await harness.database.write { try await $0.raw("DELETE FROM imap_checkpoints WHERE inbox_id = \(bind: inboxID.rawValue)").run() }
            try await harness.runJobs(at: Date().addingTimeInterval(2 * IMAPPoller.interval + 2))
            var messages = 0
            for item in try await harness.client.json(.get, "/api/v1/conversations?view=all", token: harness.ownerToken).items {
                messages += try await harness.client.json(.get, "/api/v1/conversations/\(item["id"] as? Int ?? 0)/messages", token: harness.ownerToken).items.count
            }
            #expect(messages == 3, "three mails, three messages")

            // Dovecot offers IDLE: new mail is announced and a poll is queued at once, not a minute later.
            let waiting = { () async throws -> Int64? in
                try await harness.database.read {
                    try await $0.raw("SELECT run_at FROM jobs WHERE kind = 'imap.poll' AND status = 'queued'").first()?.decode(column: "run_at", as: Int64.self)
                }
            }
            let before = try #require(try await waiting())
            try await dovecot.append([MailFixture.mail(from: "Olga <olga@example.ru>", subject: "Заказ", id: "imap-4@example.ru", body: "Где мой заказ?")])
            var announced = false
            for _ in 0..<250 where !announced {
                if let runAt = try await waiting(), runAt < before { announced = true; break }
                // Polling the jobs table while the IDLE connection (re)connects and reports the new mail.
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(announced, "a poll was queued for the mail that came before IDLE began")
            // Now the connection is idling: the next mail is announced by the server itself.
            try await harness.runJobs()
            let idleBefore = try #require(try await waiting())
            try await dovecot.append([MailFixture.mail(from: "Ana <ana@example.hr>", subject: "Veličina", id: "imap-5@example.hr", body: "Imate li M?")])
            announced = false
            for _ in 0..<100 where !announced {
                if let runAt = try await waiting(), runAt < idleBefore { announced = true; break }
                // Polling the jobs table until the IDLE connection reports EXISTS.
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(announced, "a poll was queued as soon as the mailbox said EXISTS")
            try await harness.runJobs()
            let all = try await harness.client.json(.get, "/api/v1/conversations?view=all", token: harness.ownerToken)
            #expect(all.items.count == 4, "\(all.text)")
            let checkpoint = try await harness.database.read { try await IMAPCheckpointRepository.find(inboxID: inboxID, in: $0) }
            #expect(checkpoint?.lastUID == 5)
        }
    }
}

extension IMAPPollingTests {
    @Test(.enabled(if: Browser.shouldRun), .timeLimit(.minutes(10)))
    func adminsSetTheMailboxUpInSettingsWithoutLosingTheSMTPServer() async throws {
        try await Harness.run(.sqlite, mode: .live, configure: Harness.localServers) { harness in
            let created = try await harness.client.json(.post, "/api/v1/inboxes", token: harness.ownerToken, body: """
                {"name":"Support mail","kind":"email","email":{"address":"support@shop.example",
                 "smtp":{"host":"smtp.shop.example","port":587,"security":"starttls","username":"shop","password":"out-secret"}}}
                """)
            let id = try created.object("inbox").int("id")
            let port = try #require(harness.client.port)
            let closedPort = try FreePort.pick()
            try await Browser.with { page in
                try await WebAppTests.signIn(page, harness, "http://127.0.0.1:\(port)/#/admin/channels")
                try await page.waitFor("document.querySelector('#imap-\(id)-form')", "the IMAP form")
                _ = try await page.evaluate("document.querySelector('#imap-\(id)-form').closest('details').open = true")
                // Nothing listens on that port: the test button and the status line must say so.
                try await WebAppTests.fill(page, ["#imap-\(id)-host": "localhost", "#imap-\(id)-port": String(closedPort),
                                                  "#imap-\(id)-username": "shop", "#imap-\(id)-password": "in-secret"])
                _ = try await page.evaluate("document.querySelector('#imap-\(id)-form').requestSubmit()")
                try await page.waitFor("document.querySelector('#imap-\(id)-form [role=status]').textContent.length > 0", "saved")
                _ = try await page.evaluate("document.querySelector('#imap-\(id)-test').click()")
                try await page.waitFor("document.querySelector('#imap-\(id)-test-status').textContent.includes('Could not connect')", "the reason")
                try await page.waitFor("document.querySelector('#imap-\(id)-health').textContent.includes('⚠')", "the failed check on the status line")
            }
            let inbox = try await harness.client.json(.get, "/api/v1/inboxes/\(id)", token: harness.ownerToken)
            let email = try inbox.object("email")
            #expect(try email.object("imap").string("host") == "localhost")
            #expect(try email.object("smtp").string("host") == "smtp.shop.example", "saving IMAP keeps SMTP")
            #expect(!inbox.text.contains("in-secret") && !inbox.text.contains("out-secret") && !inbox.text.contains("v1:"), "no password, plain or sealed")
            let stored = try await harness.database.read { try await InboxRepository.find(workspaceID: harness.workspaceID, id: InboxID(id), in: $0) }
            #expect(stored?.email?.smtp?.passwordSealed != nil && stored?.email?.imap?.passwordSealed != nil, "both passwords kept, sealed")
        }
    }
}
