import Foundation
import ShopdeskCore
@testable import ShopdeskServer
import ShopdeskStore
import ShopdeskTestSupport
import Testing

/// An email's HTML is sanitized on arrival and only ever shown in a sandboxed frame.
@Suite("Email HTML")
struct EmailHTMLTests {
    static let raw = [
        "From: Marta Horvat <marta@example.hr>", "To: support@shop.example", "Subject: Račun", "Message-ID: <html-1@example.hr>",
        "Date: Tue, 24 Nov 2026 09:15:02 +0100", "MIME-Version: 1.0", "Content-Type: multipart/alternative; boundary=\"b1\"", "",
        "--b1", "Content-Type: text/plain; charset=utf-8", "", "Molim račun za narudžbu 1042.", "",
        "--b1", "Content-Type: text/html; charset=utf-8", "",
        "<html><head><style>body{color:red}</style><script>fetch('/api/v1/tokens',{method:'POST'})</script></head>",
        "<body><p onclick=\"steal()\">Molim <b>račun</b> za narudžbu 1042.</p><img src=\"https://tracker.example/p.gif\" alt=\"\">",
        "<a href=\"javascript:alert(document.cookie)\">klik</a><a href=\"https://shop.example/r/1042\">račun</a></body></html>", "",
        "--b1--", "",
    ].joined(separator: "\r\n")

    @Test func htmlIsSanitizedBeforeAnyoneSeesIt() async throws {
        try await Harness.run(.sqlite, mode: .live) { harness in
            let mail = try await MailFixture.make(harness)
            let delivered = try await mail.deliver(Self.raw)
            #expect(delivered.status == .created, "\(delivered.text)")
            let messages = try await harness.client.json(.get, "/api/v1/conversations/\(try delivered.int("conversation_id"))/messages", token: harness.ownerToken)
            let html = try #require(messages.items.first?["html"] as? String)
            #expect(html.contains("<b>račun</b>") && html.contains("href=\"https://shop.example/r/1042\""), "\(html)")
            for forbidden in ["<script", "onclick", "javascript:", "<img", "tracker.example", "<style"] {
                #expect(!html.contains(forbidden), "\(forbidden) in \(html)")
            }
            #expect(messages.items.first?["text"] as? String == "Molim račun za narudžbu 1042.")
        }
    }

    @Test(.enabled(if: Browser.shouldRun), .timeLimit(.minutes(10)))
    func agentsSeeTheFormattingInASandboxedFrame() async throws {
        try await Harness.run(.sqlite, mode: .live) { harness in
            let mail = try await MailFixture.make(harness)
            let delivered = try await mail.deliver(Self.raw)
            let port = try #require(harness.client.port)
            try await Browser.with { page in
                try await WebAppTests.signIn(page, harness, "http://127.0.0.1:\(port)/#/open/\(try delivered.int("conversation_id"))")
                try await page.waitFor("document.querySelector('.formatted button')", "the formatting toggle")
                _ = try await page.evaluate("document.querySelector('.formatted button').click()")
                try await page.waitFor("document.querySelector('.formatted iframe')", "the frame")
                #expect(try await page.evaluate("document.querySelector('.formatted iframe').getAttribute('sandbox')") as? String == "")
                let srcdoc = try await page.evaluate("document.querySelector('.formatted iframe').srcdoc") as? String ?? ""
                #expect(srcdoc.contains("<b>račun</b>") && srcdoc.contains("default-src 'none'") && !srcdoc.contains("<script"))
                // The original, as a download link beside it; fetched with the agent's session it is the mail as sent.
                let href = try await page.evaluate("document.querySelector('.original-email')?.getAttribute('href')") as? String
                #expect(href == "/api/v1/conversations/\(try delivered.int("conversation_id"))/messages/\(try delivered.int("message_id"))/original")
                let fetched = try await page.evaluate("""
                    fetch(document.querySelector('.original-email').href).then((r) => r.arrayBuffer()).then((bytes) => bytes.byteLength)
                    """) as? Int
                #expect(fetched == Self.raw.utf8.count)
            }
        }
    }
}
