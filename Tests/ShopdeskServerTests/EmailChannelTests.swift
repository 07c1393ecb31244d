import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import ShopdeskCore
@testable import ShopdeskServer
import ShopdeskStore
import ShopdeskTestSupport
import Testing

/// An email inbox made over the API, and mail delivered to it.
struct MailFixture {
    let harness: Harness
    let inboxID: Int64
    let token: String

    static func make(_ harness: Harness, address: String = "support@shop.example") async throws -> MailFixture {
        let created = try await harness.client.json(.post, "/api/v1/inboxes", token: harness.ownerToken,
                                                    body: #"{"name":"Support mail","kind":"email","email":{"address":"\#(address)"}}"#)
        guard created.status == .created else { throw HarnessError("Creating an email inbox: \(created.text)") }
        return MailFixture(harness: harness, inboxID: try created.object("inbox").int("id"), token: try created.string("token"))
    }

    func deliver(_ raw: String, token: String? = nil) async throws -> JSONResponse {
        try await harness.client.execute(
            uri: "/api/v1/inboxes/\(inboxID)/email", method: .post,
            headers: [HTTPField.Name("X-Inbox-Token")!: token ?? self.token, .contentType: "message/rfc822"],
            body: ByteBuffer(string: raw)
        ) { response in
            let text = String(buffer: response.body)
            return JSONResponse(status: response.status, headers: response.headers,
                                body: try? JSONSerialization.jsonObject(with: Data(text.utf8)), text: text)
        }
    }

    static func mail(from: String = "Marta Horvat <marta@example.hr>", subject: String = "Narudžba 1042", id: String,
                     references: [String] = [], body: String = "Gdje je moja narudžba?", extra: String = "") -> String {
        var headers = ["From: \(from)", "To: support@shop.example", "Subject: \(subject)", "Message-ID: <\(id)>",
                       "Date: Tue, 24 Nov 2026 09:15:02 +0100", "MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8"]
        if !references.isEmpty {
            headers.append("In-Reply-To: <\(references.last!)>")
            headers.append("References: " + references.map { "<\($0)>" }.joined(separator: " "))
        }
        if !extra.isEmpty { headers.append(extra) }
        return headers.joined(separator: "\r\n") + "\r\n\r\n" + body.replacingOccurrences(of: "\n", with: "\r\n") + "\r\n"
    }
}

@Suite("Email channel")
struct EmailChannelTests {
    @Test(arguments: TestDatabase.kinds)
    func mailThreadsByReferencesSubjectAndMergesButNeverForNonParticipants(kind: DatabaseKind) async throws {
        try await Harness.run(kind, configure: Harness.localServers) { harness in
            let mail = try await MailFixture.make(harness)
            let first = try await mail.deliver(MailFixture.mail(id: "m1@example.hr"))
            #expect(first.status == .created)
            let conversation = try first.int("conversation_id")

            // The same Message-ID again (a sender retrying) is the same message.
            let again = try await mail.deliver(MailFixture.mail(id: "m1@example.hr"))
            #expect(again.status == .ok)
            #expect(try again.int("message_id") == first.int("message_id"))

            // A reply (References) continues it, and the quoted history is cut from what agents read.
            let reply = try await mail.deliver(MailFixture.mail(
                subject: "Re: Narudžba 1042", id: "m2@example.hr", references: ["m1@example.hr"],
                body: "Još ništa.\n\nuto, 24. stu 2026. u 09:15 Podrška <support@shop.example> napisao je:\n> Gdje je moja narudžba?"))
            #expect(try reply.int("conversation_id") == conversation)
            let thread = try await harness.client.json(.get, "/api/v1/conversations/\(conversation)/messages", token: harness.ownerToken)
            #expect(thread.items.last?["text"] as? String == "Još ništa.")

            // Someone else replying to the thread (forged or forwarded) starts their own conversation.
            let forged = try await mail.deliver(MailFixture.mail(from: "eve@evil.example", subject: "Re: Narudžba 1042", id: "x1@evil.example",
                                                                references: ["m1@example.hr", "m2@example.hr"]))
            #expect(try forged.int("conversation_id") != conversation)

            // Without references: the same subject from the same sender joins; a new subject is new.
            let sameSubject = try await mail.deliver(MailFixture.mail(subject: "RE: narudžba   1042", id: "m3@example.hr"))
            #expect(try sameSubject.int("conversation_id") == conversation)
            let newQuestion = try await mail.deliver(MailFixture.mail(subject: "Povrat za narudžbu 1001", id: "m4@example.hr"))
            let second = try newQuestion.int("conversation_id")
            #expect(second != conversation)

            // Replies to a merged conversation land in the survivor.
            _ = try await harness.client.json(.post, "/api/v1/conversations/\(second)/merge", token: harness.ownerToken,
                                              body: #"{"into":\#(conversation)}"#)
            let late = try await mail.deliver(MailFixture.mail(subject: "Re: Povrat za narudžbu 1001", id: "m5@example.hr",
                                                              references: ["m4@example.hr"]))
            #expect(try late.int("conversation_id") == conversation)
        }
    }

    @Test func charsetsAttachmentsAndAuthentication() async throws {
        try await Harness.run(.sqlite, configure: Harness.localServers) { harness in
            let mail = try await MailFixture.make(harness)
            let wrong = try await mail.deliver(MailFixture.mail(id: "w@example.hr"), token: "sdi_wrong")
            #expect(wrong.status == .unauthorized)

            let raw = """
                From: =?koi8-r?B?6dfBzg==?= <ivan@example.ru>\r
                To: support@shop.example\r
                Subject: =?utf-8?B?0JfQsNC60LDQtyDQvdC1INC/0YDQuNGI0ZHQuw==?=\r
                Message-ID: <ru-1@example.ru>\r
                MIME-Version: 1.0\r
                Content-Type: multipart/mixed; boundary=zz\r
                \r
                --zz\r
                Content-Type: text/plain; charset=koi8-r\r
                Content-Transfer-Encoding: base64\r
                \r
                +sHLwdog19TP0s/KIMTFztggzsUg0NLJ26PM\r
                --zz\r
                Content-Type: application/pdf; name="invoice.pdf"\r
                Content-Disposition: attachment; filename="invoice.pdf"\r
                Content-Transfer-Encoding: base64\r
                \r
                JVBERi0xLjQKJSB0ZXN0Cg==\r
                --zz--\r

                """
            let stored = try await mail.deliver(raw)
            #expect(stored.status == .created)
            let conversation = try await harness.client.json(.get, "/api/v1/conversations/\(try stored.int("conversation_id"))",
                                                             token: harness.ownerToken)
            #expect(try conversation.string("subject") == "Заказ не пришёл")
            let messages = try await harness.client.json(.get, "/api/v1/conversations/\(try stored.int("conversation_id"))/messages",
                                                         token: harness.ownerToken)
            let message = try #require(messages.items.first)
            #expect(message["text"] as? String == "Заказ второй день не пришёл")
            #expect((message["attachment_ids"] as? [Any])?.count == 1)
            let customer = try await harness.client.json(.get, "/api/v1/customers/\(try stored.int("customer_id"))", token: harness.ownerToken)
            #expect(try customer.string("email") == "ivan@example.ru")
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func unreadableMailIsQuarantinedKeptAndReplayable(kind: DatabaseKind) async throws {
        try await Harness.run(kind, configure: Harness.localServers) { harness in
            let mail = try await MailFixture.make(harness)
            let noSender = "To: support@shop.example\r\nSubject: who am I\r\nMessage-ID: <q1@example.com>\r\n\r\nno From header\r\n"
            let answer = try await mail.deliver(noSender)
            #expect(answer.status == .accepted)
            let quarantineID = try answer.int("quarantine_id")
            #expect(answer.text.contains("From"))
            // The next message is not held up by it.
            #expect(try await mail.deliver(MailFixture.mail(id: "after@example.hr")).status == .created)
            // A loop: our own address as the sender.
            let loop = try await mail.deliver(MailFixture.mail(from: "support@shop.example", id: "loop@shop.example"))
            #expect(loop.status == .accepted)

            let list = try await harness.client.json(.get, "/api/v1/inboxes/\(mail.inboxID)/quarantine", token: harness.ownerToken)
            #expect(list.items.count == 2)
            try await harness.client.execute(uri: "/api/v1/inboxes/\(mail.inboxID)/quarantine/\(quarantineID)/raw", method: .get,
                                             headers: [.authorization: "Bearer \(harness.ownerToken)"]) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == noSender)
            }
            let (_, agentToken) = try await harness.agent(role: .agent)
            let refused = try await harness.client.json(.get, "/api/v1/inboxes/\(mail.inboxID)/quarantine", token: agentToken)
            #expect(refused.status == .forbidden)
            let replayed = try await harness.client.json(.post, "/api/v1/inboxes/\(mail.inboxID)/quarantine/\(quarantineID)/replay",
                                                         token: harness.ownerToken)
            #expect(replayed.status == .accepted, "still no sender: kept in quarantine")

            // Mail above the in-row limit keeps its bytes in the file store; the download is the same.
            let large = noSender.replacingOccurrences(of: "q1@", with: "q2@") + String(repeating: String(repeating: "x", count: 76) + "\r\n", count: 14_000)
            #expect(large.utf8.count > 1 << 20)
            let quarantinedLarge = try await mail.deliver(large)
            let largeID = try quarantinedLarge.int("quarantine_id")
            try await harness.client.execute(uri: "/api/v1/inboxes/\(mail.inboxID)/quarantine/\(largeID)/raw", method: .get,
                                             headers: [.authorization: "Bearer \(harness.ownerToken)"]) { response in
                #expect(response.status == .ok)
                #expect(response.body.readableBytes == large.utf8.count)
            }
        }
    }

    @Test func smtpDeliveryIsAcknowledgedOnlyAfterItIsStored() async throws {
        guard Python.available else { return }
        let port = try FreePort.pick()
        try await Harness.run(.sqlite, mode: .live, configure: { $0.allowPrivateWebhookTargets = true; $0.smtpPort = port; $0.maxEmailBytes = 200_000 }) { harness in
            _ = try await MailFixture.make(harness)
            try await Self.waitForPort(port)
            let message = MailFixture.mail(id: "smtp-1@example.hr", body: "Poslano preko SMTP-a.\n.leading dot stays")
            let sent = try await Python.smtp(port: port, from: "marta@example.hr", to: ["Support@Shop.Example", "support+abc@shop.example"], message: message)
            #expect(sent["error"] == nil, "\(sent)")
            let list = try await harness.client.json(.get, "/api/v1/conversations?view=all", token: harness.ownerToken)
            #expect(list.items.count == 1)
            let id = try #require(list.items.first?["id"] as? Int)
            let thread = try await harness.client.json(.get, "/api/v1/conversations/\(id)/messages", token: harness.ownerToken)
            #expect(thread.items.count == 1, "two addresses of one inbox: one message")
            #expect(thread.items.first?["text"] as? String == "Poslano preko SMTP-a.\n.leading dot stays")

            // The sender retries after a lost answer: still one message.
            _ = try await Python.smtp(port: port, from: "marta@example.hr", to: ["support@shop.example"], message: message)
            #expect(try await harness.client.json(.get, "/api/v1/conversations/\(id)/messages", token: harness.ownerToken).items.count == 1)

            // Unknown recipients and oversized mail are refused, not accepted and dropped.
            let unknown = try await Python.smtp(port: port, from: "marta@example.hr", to: ["nobody@shop.example"], message: message)
            #expect(unknown["error"]?.contains("550") == true, "\(unknown)")
            let big = MailFixture.mail(id: "big@example.hr", body: String(repeating: "x", count: 300_000))
            let tooBig = try await Python.smtp(port: port, from: "marta@example.hr", to: ["support@shop.example"], message: big)
            #expect(tooBig["error"]?.contains("552") == true, "\(tooBig)")
            // A 2 MB line without a break is answered with an SMTP error, not a reset the sender retries for days.
            let longLine = MailFixture.mail(id: "long-line@example.hr", body: String(repeating: "y", count: 2_000_000))
            let refused = try await Python.smtp(port: port, from: "marta@example.hr", to: ["support@shop.example"], message: longLine)
            #expect(refused["error"]?.contains("552") == true, "\(refused)")

            // A connection that drops in the middle of DATA leaves nothing behind.
            try await Python.abandonData(port: port, to: "support@shop.example", partial: MailFixture.mail(id: "cut@example.hr"))
            let all = try await harness.client.json(.get, "/api/v1/conversations?view=all", token: harness.ownerToken)
            #expect(all.items.count == 1)
        }
    }

    @Test func lmtpAnswersEachRecipient() async throws {
        guard Python.available else { return }
        let port = try FreePort.pick()
        try await Harness.run(.sqlite, mode: .live, configure: { $0.allowPrivateWebhookTargets = true; $0.smtpPort = port; $0.smtpMode = "lmtp" }) { harness in
            _ = try await MailFixture.make(harness)
            _ = try await MailFixture.make(harness, address: "returns@shop.example")
            try await Self.waitForPort(port)
            let result = try await Python.smtp(port: port, from: "ana@example.hr", to: ["support@shop.example", "returns@shop.example"],
                                         message: MailFixture.mail(id: "lmtp-1@example.hr"), lmtp: true)
            #expect(result["error"] == nil, "\(result)")
            let list = try await harness.client.json(.get, "/api/v1/conversations?view=all", token: harness.ownerToken)
            #expect(list.items.count == 2, "one conversation in each inbox")
        }
    }

    static func waitForPort(_ port: Int) async throws {
        for _ in 0..<100 {
            if await Python.canConnect(port: port) { return }
            // The SMTP service binds asynchronously after the HTTP server starts.
            try await Task.sleep(for: .milliseconds(50))
        }
        throw HarnessError("Nothing listens on \(port)")
    }
}

/// Python's smtplib: an SMTP/LMTP client we did not write, speaking over a real socket.
enum Python {
    /// CI points SHOPDESK_TEST_PYTHON at a virtual environment; smtplib is in any Python.
    static var executable: String { ProcessInfo.processInfo.environment["SHOPDESK_TEST_PYTHON"] ?? "/usr/bin/python3" }

    static var available: Bool {
        if FileManager.default.isExecutableFile(atPath: executable) { return true }
        // CI installs it; there a missing Python is a failure, not a skip.
        if ProcessInfo.processInfo.environment["CI"] == "true" { Issue.record("python3 is missing") }
        return false
    }

    /// Runs the script on a thread of its own: waiting for the child process must not hold one
    /// of the few threads that run Swift tasks, among them the server the script talks to.
    static func run(_ script: String, input: String, executable: String = Python.executable) async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try runBlocking(script, input: input, executable: executable) })
            }
        }
    }

    private static func runBlocking(_ script: String, input: String, executable: String) throws -> String {
        guard FileManager.default.isExecutableFile(atPath: executable) else { return "" }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["-c", script]
        let stdin = Pipe(), stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try ChildProcess.start(process)
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        // The output is read on a thread of its own and the wait is for the script, not for the
        // pipe's end: a child another test started at the same moment may have inherited the
        // pipe's write end and hold it open for as long as it lives (a suite once hung here at exit).
        let output = OutputBuffer()
        let reader = stdout.fileHandleForReading
        Thread.detachNewThread {
            while true {
                let chunk = reader.availableData
                if chunk.isEmpty { break }
                output.append(chunk)
            }
            output.finish()
        }
        process.waitUntilExit()
        output.waitForEnd(seconds: 10)
        return String(decoding: output.data, as: UTF8.self)
    }

    /// Sends `message` and returns {"error": "..."} when the server refused it.
    static func smtp(port: Int, from: String, to: [String], message: String, lmtp: Bool = false) async throws -> [String: String] {
        let script = """
            import json, smtplib, sys
            request = json.load(sys.stdin)
            try:
                client = smtplib.LMTP('127.0.0.1', request['port']) if request['lmtp'] else smtplib.SMTP('127.0.0.1', request['port'], timeout=20)
                refused = client.sendmail(request['from'], request['to'], request['message'].encode('utf-8'))
                client.quit()
                print(json.dumps({'error': str(refused)} if refused else {}))
            except Exception as error:
                print(json.dumps({'error': repr(error)}))
            """
        let request = try JSONSerialization.data(withJSONObject: ["port": port, "lmtp": lmtp, "from": from, "to": to, "message": message])
        let output = try await run(script, input: String(decoding: request, as: UTF8.self))
        return (try? JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: String]) ?? ["error": "no answer: \(output)"]
    }

    /// Starts DATA, sends half a message and hangs up.
    static func abandonData(port: Int, to: String, partial: String) async throws {
        let script = """
            import json, smtplib, sys
            request = json.load(sys.stdin)
            client = smtplib.SMTP('127.0.0.1', request['port'], timeout=20)
            client.ehlo()
            client.mail('marta@example.hr')
            client.rcpt(request['to'])
            client.putcmd('data')
            client.getreply()
            client.send(request['partial'][: len(request['partial']) // 2].encode('utf-8'))
            client.sock.close()
            """
        let request = try JSONSerialization.data(withJSONObject: ["port": port, "to": to, "partial": partial])
        _ = try await run(script, input: String(decoding: request, as: UTF8.self))
    }

    static func canConnect(port: Int) async -> Bool {
        (try? await run("import socket,sys; socket.create_connection(('127.0.0.1', int(sys.stdin.read())), 1).close(); print('ok')",
                  input: String(port))) == "ok\n"
    }
}

/// What a child process wrote, collected by a reading thread and taken by the waiting one.
final class OutputBuffer: @unchecked Sendable {
    // Guarded by `condition`.
    private var bytes = Data()
    private var ended = false
    private let condition = NSCondition()

    func append(_ chunk: Data) {
        condition.lock()
        bytes.append(chunk)
        condition.unlock()
    }

    func finish() {
        condition.lock()
        ended = true
        condition.broadcast()
        condition.unlock()
    }

    /// Waits until the pipe has ended, or `seconds` at most once the process has exited.
    func waitForEnd(seconds: Double) {
        let deadline = Date().addingTimeInterval(seconds)
        condition.lock()
        while !ended, condition.wait(until: deadline) {}
        condition.unlock()
    }

    var data: Data {
        condition.lock()
        defer { condition.unlock() }
        return bytes
    }
}
