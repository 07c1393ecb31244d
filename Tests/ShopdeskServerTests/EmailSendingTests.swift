import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import ShopdeskCore
import ShopdeskMail
@testable import ShopdeskServer
import ShopdeskStore
import ShopdeskTestSupport
import Testing

/// Replies from an email inbox go out over SMTP to a real sink (aiosmtpd from PyPI), which
/// keeps what it receives; we read it back with our parser and check what a mail program sees.
@Suite("Email sending", .serialized)
struct EmailSendingTests {
    /// An email inbox that sends through `sink` as shop/s3cret.
    static func sendingInbox(_ harness: Harness, _ sink: SMTPSink) async throws -> (MailFixture, JSONResponse) {
        let created = try await harness.client.json(.post, "/api/v1/inboxes", token: harness.ownerToken, body: """
            {"name":"Support mail","kind":"email","email":{"address":"support@shop.example",
             "smtp":{"host":"127.0.0.1","port":\(sink.port),"security":"none","username":"shop","password":"s3cret"}}}
            """)
        guard created.status == .created else { throw HarnessError("Creating the inbox: \(created.text)") }
        return (MailFixture(harness: harness, inboxID: try created.object("inbox").int("id"), token: try created.string("token")), created)
    }

    @Test func repliesGoOutThreadedSignedAndSafe() async throws {
        guard let sink = try await SMTPSink.start() else { return }
        defer { sink.stop() }
        try await Harness.run(.sqlite, configure: Harness.localServers) { harness in
            let (mail, created) = try await Self.sendingInbox(harness, sink)
            #expect(!created.text.contains("s3cret"))
            // A subject that tries to smuggle a header in through an encoded word.
            let hostile = "=?utf-8?B?\(Data("Narudžba 1042\r\nBcc: evil@evil.example".utf8).base64EncodedString())?="
            let first = try await mail.deliver(MailFixture.mail(subject: hostile, id: "m1@example.hr"))
            let conversation = try first.int("conversation_id")

            _ = try await harness.client.json(.post, "/api/v1/conversations/\(conversation)/messages", token: harness.ownerToken,
                                              body: #"{"text":"Paket je poslan danas.\n.Točka na početku retka ostaje."}"#)
            _ = try await harness.client.json(.post, "/api/v1/conversations/\(conversation)/messages", token: harness.ownerToken,
                                              body: #"{"text":"internal only","private":true}"#)
            _ = try await harness.runJobs()
            let received = try sink.messages()
            #expect(received.count == 1, "the note is never sent")
            let sent = ParsedEmail.parse(try #require(received.first))
            #expect(sent.from?.address == "support@shop.example")
            #expect(sent.to.map(\.address) == ["marta@example.hr"])
            #expect(sent.inReplyTo == ["m1@example.hr"])
            #expect(sent.references.contains("m1@example.hr"))
            #expect(sent.subject?.hasPrefix("Re: Narudžba 1042") == true)
            #expect(sent.text == "Paket je poslan danas.\n.Točka na početku retka ostaje.")
            #expect(sent.html?.contains("Paket je poslan danas.") == true)
            #expect(!sent.isAutomatic)
            #expect(sent.headers["Bcc"] == nil, "no header can be injected")
            let replyTo = try #require(sent.replyTo.first?.address)
            #expect(replyTo.hasPrefix("support+c\(conversation)-"))
            let ourID = try #require(sent.messageID)

            // The reply shows as sent, with our Message-ID.
            let thread = try await harness.client.json(.get, "/api/v1/conversations/\(conversation)/messages", token: harness.ownerToken)
            let reply = try #require(thread.items.first { $0["direction"] as? String == "outbound" })
            #expect(reply["delivery_status"] as? String == "sent")
            #expect(reply["channel_message_id"] as? String == ourID)

            // The customer's answer threads by References to our message…
            let answer = try await mail.deliver(MailFixture.mail(subject: "Re: something else", id: "m2@example.hr", references: [ourID]))
            #expect(try answer.int("conversation_id") == conversation)
            // …or, when the mail program dropped References, by the signed Reply-To token.
            let tokenOnly = try await mail.deliver(MailFixture.mail(subject: "another subject", id: "m3@example.hr")
                .replacingOccurrences(of: "To: support@shop.example", with: "To: \(replyTo)"))
            #expect(try tokenOnly.int("conversation_id") == conversation)
            // A made-up token does nothing.
            let forged = try await mail.deliver(MailFixture.mail(subject: "forged", id: "m4@example.hr")
                .replacingOccurrences(of: "To: support@shop.example", with: "To: support+c\(conversation)-00000000000000000000@shop.example"))
            #expect(try forged.int("conversation_id") != conversation)
        }
    }

    @Test func refusedMailIsMarkedFailedWithTheReasonAndRetriesReallyResend() async throws {
        guard let sink = try await SMTPSink.start() else { return }
        defer { sink.stop() }
        try await Harness.run(.sqlite, configure: Harness.localServers) { harness in
            let (mail, _) = try await Self.sendingInbox(harness, sink)
            let first = try await mail.deliver(MailFixture.mail(from: "reject@example.hr", id: "r1@example.hr"))
            let conversation = try first.int("conversation_id")
            let posted = try await harness.client.json(.post, "/api/v1/conversations/\(conversation)/messages", token: harness.ownerToken,
                                                       body: #"{"text":"Hello"}"#)
            let messageID = try posted.int("id")
            _ = try await harness.runJobs()
            var thread = try await harness.client.json(.get, "/api/v1/conversations/\(conversation)/messages", token: harness.ownerToken)
            var reply = try #require(thread.items.first { ($0["id"] as? Int).map(Int64.init) == messageID })
            #expect(reply["delivery_status"] as? String == "failed")
            #expect((reply["delivery_error"] as? String)?.contains("550") == true)

            // A retry sends again (and fails again, for the same reason): a real attempt.
            let retried = try await harness.client.json(.post, "/api/v1/messages/\(messageID)/retry", token: harness.ownerToken)
            #expect(retried.status.code < 300)
            _ = try await harness.runJobs()
            thread = try await harness.client.json(.get, "/api/v1/conversations/\(conversation)/messages", token: harness.ownerToken)
            reply = try #require(thread.items.first { ($0["id"] as? Int).map(Int64.init) == messageID })
            #expect(reply["delivery_status"] as? String == "failed")
            #expect(try sink.rejectedRecipients() == 2)

            // A wrong password is a permanent failure with the server's answer.
            _ = try await harness.client.json(.patch, "/api/v1/inboxes/\(mail.inboxID)", token: harness.ownerToken, body: """
                {"email":{"address":"support@shop.example","smtp":{"host":"127.0.0.1","port":\(sink.port),"security":"none","username":"shop","password":"wrong"}}}
                """)
            let second = try await mail.deliver(MailFixture.mail(from: "ana@example.hr", id: "r2@example.hr"))
            let other = try await harness.client.json(.post, "/api/v1/conversations/\(try second.int("conversation_id"))/messages",
                                                      token: harness.ownerToken, body: #"{"text":"Hello Ana"}"#)
            _ = try await harness.runJobs()
            let otherThread = try await harness.client.json(.get, "/api/v1/conversations/\(try second.int("conversation_id"))/messages",
                                                            token: harness.ownerToken)
            let failed = try #require(otherThread.items.first { ($0["id"] as? Int).map(Int64.init) == (try? other.int("id")) })
            #expect((failed["delivery_error"] as? String)?.contains("535") == true, "\(failed)")
        }
    }
}

/// aiosmtpd as a child process: accepts AUTH for shop/s3cret, refuses recipients named
/// reject@…, and writes every message it accepts to a directory.
final class SMTPSink: @unchecked Sendable {
    let process: Process
    let port: Int
    let directory: URL
    let input: Pipe

    private init(process: Process, port: Int, directory: URL, input: Pipe) {
        self.process = process
        self.port = port
        self.directory = directory
        self.input = input
    }

    static var python: String {
        ProcessInfo.processInfo.environment["SHOPDESK_TEST_PYTHON"] ?? "/usr/bin/python3"
    }

    /// How the sink speaks TLS: not at all, STARTTLS required before AUTH (587's way), or TLS
    /// from the first byte (465's way).
    enum Security: String { case none, starttls, tls }

    /// Nil (the test is skipped) when aiosmtpd is not installed, except in CI, where it must be.
    /// With `oauthUserinfo`, the sink also takes XOAUTH2 and asks that OpenID userinfo address
    /// whether the token belongs to the user named (each accepted user is written to `xoauth2`).
    static func start(security: Security = .none, certificate: (cert: String, key: String)? = nil,
                      oauthUserinfo: String? = nil) async throws -> SMTPSink? {
        let check = try await Python.run("import aiosmtpd; print('ok')", input: "", executable: python)
        guard check == "ok\n" else {
            if ProcessInfo.processInfo.environment["CI"] == "true" { Issue.record("aiosmtpd is missing (SHOPDESK_TEST_PYTHON)") }
            return nil
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("smtp-sink-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let port = try FreePort.pick()
        let script = """
            import asyncio, os, sys, time
            from aiosmtpd.controller import Controller
            from aiosmtpd.smtp import AuthResult
            out, port = sys.argv[1], int(sys.argv[2])
            class Sink:
                async def handle_RCPT(self, server, session, envelope, address, options):
                    if address.startswith('reject@'):
                        open(os.path.join(out, 'rejected'), 'a').write(address + '\\n')
                        return '550 5.1.1 No such user here'
                    envelope.rcpt_tos.append(address)
                    return '250 OK'
                async def handle_DATA(self, server, session, envelope):
                    name = os.path.join(out, '%06d.eml' % len([f for f in os.listdir(out) if f.endswith('.eml')]))
                    open(name + '.part', 'wb').write(envelope.original_content)
                    os.rename(name + '.part', name)
                    return '250 2.0.0 Stored'
                async def auth_XOAUTH2(self, server, args):
                    import base64, json, urllib.request
                    userinfo = sys.argv[6]
                    if not userinfo or len(args) < 2:
                        return AuthResult(success=False, handled=False)
                    fields = dict(part.split('=', 1) for part in base64.b64decode(args[1]).decode().split('\\x01') if '=' in part)
                    token = fields.get('auth', '')[len('Bearer '):]
                    try:
                        answer = urllib.request.urlopen(urllib.request.Request(userinfo, headers={'Authorization': 'Bearer ' + token}), timeout=5)
                        claims = json.load(answer)
                    except Exception:
                        return AuthResult(success=False, handled=False)
                    ok = claims.get('email') == fields.get('user')
                    if ok:
                        open(os.path.join(out, 'xoauth2'), 'a').write(fields.get('user') + '\\n')
                    return AuthResult(success=ok, handled=False)
            def check(server, session, envelope, mechanism, data):
                ok = data.login == b'shop' and data.password == b's3cret'
                return AuthResult(success=ok, handled=False)
            security, cert, key = sys.argv[3], sys.argv[4], sys.argv[5]
            if security == 'none':
                controller = Controller(Sink(), hostname='127.0.0.1', port=port, authenticator=check, auth_require_tls=False)
            else:
                import ssl
                context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
                context.load_cert_chain(cert, key)
                if security == 'starttls':
                    controller = Controller(Sink(), hostname='127.0.0.1', port=port, authenticator=check, auth_require_tls=True,
                                            tls_context=context, require_starttls=True)
                else:
                    # The port speaks only TLS; aiosmtpd does not count a TLS-from-the-start session as encrypted for AUTH.
                    controller = Controller(Sink(), hostname='127.0.0.1', port=port, authenticator=check, auth_require_tls=False,
                                            ssl_context=context)
            controller.start()
            print('ready', flush=True)
            sys.stdin.read()
            controller.stop()
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", script, directory.path, String(port), security.rawValue, certificate?.cert ?? "", certificate?.key ?? "",
                             oauthUserinfo ?? ""]
        let stdout = Pipe()
        let stdin = Pipe()
        process.standardOutput = stdout
        process.standardInput = stdin
        process.standardError = FileHandle.nullDevice
        try await ChildProcess.launch(process)
        let sink = SMTPSink(process: process, port: port, directory: directory, input: stdin)
        let ready = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Bool, any Error>) in
            Thread.detachNewThread {
                let line = stdout.fileHandleForReading.availableData
                continuation.resume(returning: String(decoding: line, as: UTF8.self).hasPrefix("ready"))
            }
        }
        guard ready else {
            sink.stop()
            throw HarnessError("The SMTP sink did not start")
        }
        return sink
    }

    func messages() throws -> [[UInt8]] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".eml") }.sorted()
            .map { Array(try Data(contentsOf: directory.appendingPathComponent($0))) }
    }

    /// The users the sink accepted an XOAUTH2 token of, one line each.
    func oauthSignIns() -> [String] {
        ((try? String(contentsOf: directory.appendingPathComponent("xoauth2"), encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    func rejectedRecipients() throws -> Int {
        let text = (try? String(contentsOf: directory.appendingPathComponent("rejected"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").count
    }

    /// Closing its input ends the sink (it waits on stdin); nothing here blocks on the child.
    func stop() {
        try? input.fileHandleForWriting.close()
        if process.isRunning { process.terminate() }
        try? FileManager.default.removeItem(at: directory)
    }
}
