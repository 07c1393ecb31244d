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

// More of the "Email sending" suite: chats continued by email, automatic replies (RFC 3834),
// the admin's test mail, signatures and bounces, each against the aiosmtpd sink.

extension EmailSendingTests {
    @Test("an offline chat continues by email: unseen replies are mailed, the answer by mail comes back into the chat")
    func offlineChatContinuesByEmail() async throws {
        guard let sink = try await SMTPSink.start() else { return }
        defer { sink.stop() }
        try await Harness.run(.sqlite, configure: Harness.localServers) { harness in
            let (mail, _) = try await Self.sendingInbox(harness, sink)
            let refused = try await harness.client.json(.post, "/api/v1/inboxes", token: harness.ownerToken,
                                                        body: #"{"name":"Bad","kind":"chat","chat":{"email_inbox_id":999}}"#)
            #expect(refused.status == .unprocessableContent)
            let chat = try await ChatFixture.make(harness, chat: #"{"greeting":"Hi","email_inbox_id":\#(mail.inboxID)}"#)
            let visitor = try await chat.visitorToken()
            let conversation = try await chat.send(visitor, "Is the green lamp back in stock?").int("conversation_id")
            _ = try await harness.client.json(.post, "/api/v1/widget/contact", headers: ["X-Visitor-Token": visitor],
                                              body: #"{"name":"Ana","email":"ana@example.hr"}"#)
            let reply = try await harness.client.json(.post, "/api/v1/conversations/\(conversation)/messages", token: harness.ownerToken,
                                                      body: #"{"text":"Yes, it is back since this morning."}"#).int("id")
            // Nobody saw it in the widget: a few minutes later it goes by mail to the address the visitor left.
            _ = try await harness.runJobs(at: Date().addingTimeInterval(4 * 60))
            let received = try sink.messages()
            #expect(received.count == 1)
            let sent = ParsedEmail.parse(try #require(received.first))
            #expect(sent.to.map(\.address) == ["ana@example.hr"])
            #expect(sent.text == "Yes, it is back since this morning.")
            let replyTo = try #require(sent.replyTo.first?.address)
            #expect(replyTo.hasPrefix("support+c\(conversation)-"))
            let messages = try await harness.client.json(.get, "/api/v1/conversations/\(conversation)/messages", token: harness.ownerToken).items
            #expect(messages.first { ($0["id"] as? NSNumber)?.int64Value == reply }?["delivery_status"] as? String == "sent")

            // Her answer by mail lands in the chat; the same answer from someone else does not.
            let answer = try await mail.deliver(MailFixture.mail(from: "Ana <ana@example.hr>", subject: "Re: Site chat", id: "ana-1@example.hr",
                                                                 references: [try #require(sent.messageID)], body: "Great, I'll order today!",
                                                                 extra: "Cc: \(replyTo)"))
            #expect(try answer.int("conversation_id") == conversation)
            let forged = try await mail.deliver(MailFixture.mail(from: "Eve <eve@example.com>", subject: "Re: Site chat", id: "eve-1@example.com",
                                                                 references: [try #require(sent.messageID)], body: "Send me her order",
                                                                 extra: "Cc: \(replyTo)"))
            #expect(try forged.int("conversation_id") != conversation)
            let widget = try await harness.client.json(.get, "/api/v1/widget/messages", headers: ["X-Visitor-Token": visitor])
            let shown = (widget.body as? [String: Any])?["messages"] as? [[String: Any]] ?? []
            #expect(shown.contains { $0["text"] as? String == "Great, I'll order today!" })

            // A reply the widget showed (read) is not mailed.
            let seen = try await harness.client.json(.post, "/api/v1/conversations/\(conversation)/messages", token: harness.ownerToken,
                                                     body: #"{"text":"Thanks, Ana!"}"#).int("id")
            _ = try await harness.runJobs()
            _ = try await harness.client.json(.post, "/api/v1/widget/acknowledge", headers: ["X-Visitor-Token": visitor],
                                              body: #"{"message_id":\#(seen),"status":"read"}"#)
            _ = try await harness.runJobs(at: Date().addingTimeInterval(4 * 60))
            #expect(try sink.messages().count == 1)
        }
    }
}

extension EmailSendingTests {
    @Test("automatic replies say so, never answer machines, and go out once a day per sender (RFC 3834)")
    func automaticRepliesFollowRFC3834() async throws {
        guard let sink = try await SMTPSink.start() else { return }
        defer { sink.stop() }
        try await Harness.run(.sqlite, configure: Harness.localServers) { harness in
            let (mail, _) = try await Self.sendingInbox(harness, sink)
            let token = harness.ownerToken
            let macro = try await harness.client.json(.post, "/api/v1/macros", token: token,
                                                      body: #"{"name":"Ack","body":"We got your message and answer within a day."}"#).int("id")
            _ = try await harness.client.json(.post, "/api/v1/rules", token: token, body: #"""
                {"name":"Acknowledge","triggers":["message.inbound"],"actions":[{"type":"reply_with_macro","macro_id":\#(macro)}]}
                """#)
            let first = try await mail.deliver(MailFixture.mail(id: "human-1@example.hr"))
            _ = try await mail.deliver(MailFixture.mail(id: "human-2@example.hr", references: ["human-1@example.hr"], body: "Any news?"))
            _ = try await mail.deliver(MailFixture.mail(from: "Robot <noreply@shop.example.org>", subject: "Out of office", id: "robot-1@x",
                                                        extra: "Auto-Submitted: auto-replied"))
            _ = try await mail.deliver(MailFixture.mail(from: "News <news@list.example>", subject: "Weekly deals", id: "list-1@x",
                                                        extra: "List-Id: <deals.list.example>"))
            _ = try await harness.runJobs()
            let sent = try sink.messages().map { ParsedEmail.parse($0) }
            #expect(sent.count == 1, "one acknowledgement for the human's conversation, none for machines or lists")
            #expect(sent.first?.to.map(\.address) == ["marta@example.hr"])
            #expect(sent.first?.isAutomatic == true)
            #expect(sent.first?.headers["Auto-Submitted"] == "auto-replied")
            let timeline = try await harness.client.json(.get, "/api/v1/conversations/\(try first.int("conversation_id"))/timeline", token: token)
            let skipped = timeline.items.compactMap { (($0["payload"] as? [String: Any])?["skipped"] as? [[String: Any]])?.first?["reason"] as? String }
            #expect(skipped.contains("The customer got an automatic reply in the last 24 hours."))
            // A new conversation of the same sender the same day: still no second automatic reply.
            _ = try await mail.deliver(MailFixture.mail(subject: "Another question", id: "human-3@example.hr", body: "And the invoice?"))
            _ = try await harness.runJobs()
            #expect(try sink.messages().count == 1)
        }
    }
}

extension EmailSendingTests {
    @Test("the admin's test mail goes out through the inbox's SMTP server, and a wrong server says why")
    func testMail() async throws {
        guard let sink = try await SMTPSink.start() else { return }
        defer { sink.stop() }
        try await Harness.run(.sqlite, configure: Harness.localServers) { harness in
            let (mail, _) = try await Self.sendingInbox(harness, sink)
            let sent = try await harness.client.json(.post, "/api/v1/inboxes/\(mail.inboxID)/email/test", token: harness.ownerToken,
                                                     body: #"{"to":"owner@shop.example"}"#)
            #expect(sent.status == .ok)
            let received = try sink.messages().map { ParsedEmail.parse($0) }
            #expect(received.first?.to.map(\.address) == ["owner@shop.example"])
            #expect(received.first?.isAutomatic == true)
            let invalid = try await harness.client.json(.post, "/api/v1/inboxes/\(mail.inboxID)/email/test", token: harness.ownerToken,
                                                        body: #"{"to":"not an address"}"#)
            #expect(invalid.status == .unprocessableContent)
            // The same inbox pointed at a port where nothing listens.
            let closed = try FreePort.pick()
            _ = try await harness.client.json(.patch, "/api/v1/inboxes/\(mail.inboxID)", token: harness.ownerToken, body: """
                {"email":{"address":"support@shop.example","smtp":{"host":"127.0.0.1","port":\(closed),"security":"none"}}}
                """)
            let failed = try await harness.client.json(.post, "/api/v1/inboxes/\(mail.inboxID)/email/test", token: harness.ownerToken,
                                                       body: #"{"to":"owner@shop.example"}"#)
            #expect(failed.status == .badGateway)
            #expect(failed.detail.hasPrefix("The test mail did not go out:"))
            let agent = try await harness.agent(role: .agent)
            let forbidden = try await harness.client.json(.post, "/api/v1/inboxes/\(mail.inboxID)/email/test", token: agent.token,
                                                          body: #"{"to":"owner@shop.example"}"#)
            #expect(forbidden.status == .forbidden)
        }
    }
}

extension EmailSendingTests {
    @Test func anAgentsSignatureEndsTheirEmailReplies() async throws {
        guard let sink = try await SMTPSink.start() else { return }
        defer { sink.stop() }
        try await Harness.run(.sqlite, configure: Harness.localServers) { harness in
            let (mail, _) = try await Self.sendingInbox(harness, sink)
            let tooLong = try await harness.client.json(.patch, "/api/v1/auth/me", token: harness.ownerToken,
                                                        body: #"{"signature":"\#(String(repeating: "x", count: 1001))"}"#)
            #expect(tooLong.status == .unprocessableContent)
            _ = try await harness.client.json(.patch, "/api/v1/auth/me", token: harness.ownerToken,
                                              body: #"{"signature":"Olivia\nShop support · +385 1 234 567"}"#)
            #expect(try await harness.client.json(.get, "/api/v1/auth/me/signature", token: harness.ownerToken).string("signature")
                    == "Olivia\nShop support · +385 1 234 567")
            let id = try await mail.deliver(MailFixture.mail(id: "sig-1@example.hr")).int("conversation_id")
            _ = try await harness.client.json(.post, "/api/v1/conversations/\(id)/messages", token: harness.ownerToken,
                                              body: #"{"text":"Your parcel left today."}"#)
            _ = try await harness.runJobs()
            let raw = String(decoding: try #require(try sink.messages().first), as: UTF8.self)
            let sent = ParsedEmail.parse(Array(raw.utf8))
            #expect(sent.text == "Your parcel left today.\n\n-- \nOlivia\nShop support · +385 1 234 567")
            // The thread in the app shows what the agent wrote, without the signature.
            let messages = try await harness.client.json(.get, "/api/v1/conversations/\(id)/messages", token: harness.ownerToken).items
            #expect(messages.contains { $0["text"] as? String == "Your parcel left today." })
        }
    }
}

extension EmailSendingTests {
    @Test("a bounce marks the reply failed with the recipient and the reason; a stray report is quarantined")
    func bouncesMarkRepliesFailed() async throws {
        guard let sink = try await SMTPSink.start() else { return }
        defer { sink.stop() }
        try await Harness.run(.sqlite, configure: Harness.localServers) { harness in
            let (mail, _) = try await Self.sendingInbox(harness, sink)
            let id = try await mail.deliver(MailFixture.mail(from: "Nobody <nobody@example.hr>", id: "b-1@example.hr")).int("conversation_id")
            let reply = try await harness.client.json(.post, "/api/v1/conversations/\(id)/messages", token: harness.ownerToken,
                                                      body: #"{"text":"Your parcel left today."}"#).int("id")
            _ = try await harness.runJobs()
            let first = try #require(try sink.messages().first)
            let ours = try #require(ParsedEmail.parse(first).messageID)
            let report = String(decoding: DeliveryReportFixture.bounce(original: ours), as: UTF8.self)
            let answer = try await mail.deliver(report)
            #expect(answer.status == .accepted)
            let messages = try await harness.client.json(.get, "/api/v1/conversations/\(id)/messages", token: harness.ownerToken).items
            let sent = try #require(messages.first { ($0["id"] as? NSNumber)?.int64Value == reply })
            #expect(sent["delivery_status"] as? String == "failed")
            #expect((sent["delivery_error"] as? String)?.hasPrefix("Bounced by nobody@example.hr: 5.1.1 550 5.1.1") == true)
            #expect(messages.count == 2, "the report is not a message in the conversation")
            let stray = try await mail.deliver(String(decoding: DeliveryReportFixture.bounce(original: "someone-else@elsewhere"), as: UTF8.self))
            #expect(try stray.string("reason") == "A delivery report about a message this inbox did not send.")
        }
    }
}

/// A bounce as Postfix writes one, about `original`.
enum DeliveryReportFixture {
    static func bounce(original: String) -> [UInt8] {
        Array([
            "From: Mail Delivery System <MAILER-DAEMON@mx.shop.example>", "To: support@shop.example",
            "Subject: Undelivered Mail Returned to Sender", "Message-ID: <bounce-\(original)>", "Auto-Submitted: auto-replied",
            "MIME-Version: 1.0", "Content-Type: multipart/report; report-type=delivery-status; boundary=\"b1\"", "",
            "--b1", "Content-Type: text/plain", "", "Your message could not be delivered.", "",
            "--b1", "Content-Type: message/delivery-status", "", "Reporting-MTA: dns; mx.shop.example", "",
            "Final-Recipient: rfc822; nobody@example.hr", "Action: failed", "Status: 5.1.1",
            "Diagnostic-Code: smtp; 550 5.1.1 User unknown", "",
            "--b1", "Content-Type: text/rfc822-headers", "", "From: support@shop.example", "Message-ID: <\(original)>", "",
            "--b1--", "",
        ].joined(separator: "\r\n").utf8)
    }
}

extension EmailSendingTests {
    @Test("mail is submitted over STARTTLS and TLS to a server whose certificate Shopdesk was told to trust, and refused to one it was not")
    func submissionOverTLS() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("smtp-tls-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let certificate = try await SMTPTLSTests.certificate(in: directory)
        for security in [SMTPSink.Security.starttls, .tls] {
            guard let sink = try await SMTPSink.start(security: security, certificate: certificate) else { return }
            defer { sink.stop() }
            for trusted in [true, false] {
                try await Harness.run(.sqlite, configure: { $0.allowPrivateWebhookTargets = true; if trusted { $0.tlsCAFile = certificate.cert } }) { harness in
                    // As `localhost`, the name on the certificate; AUTH only after the handshake.
                    let created = try await harness.client.json(.post, "/api/v1/inboxes", token: harness.ownerToken, body: """
                        {"name":"Support mail","kind":"email","email":{"address":"support@shop.example",
                         "smtp":{"host":"localhost","port":\(sink.port),"security":"\(security.rawValue)","username":"shop","password":"s3cret"}}}
                        """)
                    let inbox = try created.object("inbox").int("id")
                    let sent = try await harness.client.json(.post, "/api/v1/inboxes/\(inbox)/email/test", token: harness.ownerToken,
                                                             body: #"{"to":"owner@shop.example"}"#)
                    if trusted {
                        #expect(sent.status == .ok, "\(security): \(sent.text)")
                    } else {
                        #expect(sent.status != .ok && sent.text.contains("not trusted"), "\(security): \(sent.text)")
                    }
                }
            }
            #expect(try sink.messages().count == 1, "\(security): one test mail, from the run that trusted the certificate")
        }
    }
}
