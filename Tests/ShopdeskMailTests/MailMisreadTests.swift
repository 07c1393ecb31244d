import Foundation
@testable import ShopdeskMail
import Testing

/// Mail that outside testing found lost or misread, written the way the mail programs send it.
@Suite("MIME: layouts, charsets and entities real mail programs send")
struct MailMisreadTests {
    static func mail(_ text: String) -> ParsedEmail {
        ParsedEmail.parse(Array(text.replacingOccurrences(of: "\n", with: "\r\n").utf8))
    }

    @Test func appleMailsAttachmentBetweenTwoHalvesOfTheHTML() {
        let mail = Self.mail("""
            From: Ana <ana@example.com.br>
            Subject: Nota fiscal
            MIME-Version: 1.0
            Content-Type: multipart/alternative; boundary="outer"

            --outer
            Content-Type: text/plain; charset=utf-8

            Segue a nota fiscal.
            --outer
            Content-Type: multipart/mixed; boundary="inner"

            --inner
            Content-Type: text/html; charset=utf-8

            <html><body><p>Segue a <b>nota fiscal</b>.</p></body></html>
            --inner
            Content-Type: application/pdf; name="nota.pdf"
            Content-Disposition: inline; filename="nota.pdf"
            Content-Transfer-Encoding: base64

            JVBERi0xLjQK
            --inner
            Content-Type: text/html; charset=utf-8

            <html><body><p>Obrigada!</p></body></html>
            --inner--
            --outer--
            """)
        #expect(mail.text == "Segue a nota fiscal.")
        #expect(mail.attachments.map(\.fileName) == ["nota.pdf"], "the PDF is kept")
        #expect(mail.html?.contains("<b>nota fiscal</b>") == true && mail.html?.contains("Obrigada!") == true, "both halves of the HTML")
    }

    @Test func anEmptyPlainAlternativeDoesNotHideTheHTML() {
        let mail = Self.mail("""
            From: marta@example.hr
            Content-Type: multipart/alternative; boundary="b"

            --b
            Content-Type: text/plain; charset=utf-8

            \u{20}
            --b
            Content-Type: text/html; charset=utf-8

            <p>Gdje je moja narud&#382;ba?</p>
            --b--
            """)
        #expect(mail.text == "Gdje je moja narudžba?")
    }

    @Test func latin1AndASCIILabelsAreReadAsWindows1252() {
        // “Olá” – 10 € … in Windows-1252 bytes, labelled as mail programs label them.
        let bytes: [UInt8] = [0x93, 0x4F, 0x6C, 0xE1, 0x94, 0x20, 0x96, 0x20, 0x31, 0x30, 0x20, 0x80, 0x85]
        #expect(Charset.decode(bytes, charset: "ISO-8859-1") == "“Olá” – 10 €…")
        #expect(Charset.decode(bytes, charset: "us-ascii") == "“Olá” – 10 €…")
        #expect(Charset.decode(bytes, charset: nil) == "“Olá” – 10 €…")
    }

    @Test func aCharacterSplitAcrossEncodedWordsIsJoined() {
        // "Narudžba" with ž (C5 BE) split between two words, as some senders cut at a fixed length.
        #expect(EncodedWords.decode("=?UTF-8?B?TmFydWTF?= =?UTF-8?B?vmJh?=") == "Narudžba")
        #expect(EncodedWords.decode("=?utf-8?Q?Narud=C5?=\r\n =?utf-8?Q?=BEba_kasni?=") == "Narudžba kasni")
        // Different charsets are decoded each on their own; text between words stays.
        #expect(EncodedWords.decode("=?iso-8859-1?Q?Ol=E1?= =?utf-8?Q?=C5=BE?= x =?utf-8?Q?y?=") == "Olá\u{17E} x y")
        // An unterminated word is text, and a header full of them is read in linear time.
        #expect(EncodedWords.decode("=?utf-8?Q?never ends") == "=?utf-8?Q?never ends")
        let hostile = String(repeating: "=?a?Q?x ", count: 50_000)
        let unchanged = EncodedWords.decode(hostile) == hostile
        #expect(unchanged)
    }

    @Test func namedEntitiesAreDecodedOnceInTextAndHTML() {
        #expect(HTMLText.plain("<p>Almo&ccedil;o &ndash; 10&nbsp;&euro; &hellip; &Eacute;&amp;</p>") == "Almoço – 10 € … É&")
        let html = HTMLSanitizer.sanitize("<p>Almo&ccedil;o &euro; &amp;amp; &unknown;</p>")
        #expect(html.contains("Almoço €"), "\(html)")
        #expect(html.contains("&amp;amp;") && html.contains("&amp;unknown;"), "what was escaped stays escaped once: \(html)")
    }

    @Test func aDelayedDeliveryIsAReportNotAFailure() {
        let mail = Self.mail("""
            From: Mail Delivery System <MAILER-DAEMON@mx.example.hr>
            Subject: Delayed Mail (still being retried)
            Content-Type: multipart/report; report-type=delivery-status; boundary="r"

            --r
            Content-Type: text/plain

            Your message could not be delivered yet; we keep trying.
            --r
            Content-Type: message/delivery-status

            Reporting-MTA: dns; mx.example.hr

            Final-Recipient: rfc822; ana@example.hr
            Action: delayed
            Status: 4.4.7
            --r--
            """)
        let report = DeliveryReport.parse(mail)
        #expect(report?.failures.isEmpty == true && report?.delays.first?.recipient == "ana@example.hr")
        #expect(mail.isAutomatic)
    }
}
