import Testing
@testable import ShopdeskMail

@Suite("Delivery status notifications")
struct DeliveryReportTests {
    static func bounce(original: String, returned: String = "message/rfc822", action: String = "failed") -> [UInt8] {
        let text = [
            "From: Mail Delivery System <MAILER-DAEMON@mx.shop.example>",
            "To: support@shop.example",
            "Subject: Undelivered Mail Returned to Sender",
            "Message-ID: <bounce-\(original)>",
            "Auto-Submitted: auto-replied",
            "MIME-Version: 1.0",
            "Content-Type: multipart/report; report-type=delivery-status; boundary=\"b1\"",
            "",
            "--b1",
            "Content-Type: text/plain; charset=us-ascii",
            "",
            "I'm sorry to have to inform you that your message could not be delivered.",
            "",
            "--b1",
            "Content-Type: message/delivery-status",
            "",
            "Reporting-MTA: dns; mx.shop.example",
            "Arrival-Date: Tue, 24 Nov 2026 09:15:02 +0100",
            "",
            "Final-Recipient: rfc822; nobody@example.hr",
            "Original-Recipient: rfc822;nobody@example.hr",
            "Action: \(action)",
            "Status: 5.1.1",
            "Diagnostic-Code: smtp; 550 5.1.1 <nobody@example.hr>: Recipient address",
            "    rejected: User unknown in virtual mailbox table",
            "",
            "--b1",
            "Content-Type: \(returned)",
            "",
            "From: Support <support@shop.example>",
            "To: nobody@example.hr",
            "Subject: Re: Order",
            "Message-ID: <\(original)>",
            "",
            "Your parcel left today.",
            "",
            "--b1--",
            "",
        ].joined(separator: "\r\n")
        return Array(text.utf8)
    }

    @Test(arguments: ["message/rfc822", "text/rfc822-headers"])
    func aBounceNamesTheMessageTheRecipientAndTheReason(returned: String) throws {
        let report = try #require(DeliveryReport.parse(ParsedEmail.parse(Self.bounce(original: "ours-1@shop.example", returned: returned))))
        #expect(report.originalMessageID == "ours-1@shop.example")
        #expect(report.failures == [DeliveryReport.Failure(
            recipient: "nobody@example.hr", status: "5.1.1",
            diagnostic: "550 5.1.1 <nobody@example.hr>: Recipient address rejected: User unknown in virtual mailbox table")])
    }

    @Test func delaysAndOrdinaryMailAreNotFailures() throws {
        let delayed = try #require(DeliveryReport.parse(ParsedEmail.parse(Self.bounce(original: "x@y", action: "delayed"))))
        #expect(delayed.failures.isEmpty)
        let plain = Array("From: a@b.example\r\nSubject: hi\r\n\r\nHello\r\n".utf8)
        #expect(DeliveryReport.parse(ParsedEmail.parse(plain)) == nil)
    }
}
