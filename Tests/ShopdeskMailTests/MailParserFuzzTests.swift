import Foundation
@testable import ShopdeskMail
import ShopdeskTestSupport
import Testing

/// Mail as anyone on the internet may write it: random and hostile messages never crash the
/// parser, the sanitizer or the header decoders, and their work grows linearly with the input.
/// (Fuzz/run-mime-fuzzer.sh runs libFuzzer on the same code for longer.)
@Suite("Mail parsers: fuzzed and linear")
struct MailParserFuzzTests {
    static let syntax = ["From: a@b\r\n", "Content-Type: multipart/mixed; boundary=x\r\n", "--x\r\n", "--x--\r\n", "\r\n\r\n",
                         "=?utf-8?B?", "=?iso-8859-1?Q?", "?=", "=C5", "Content-Transfer-Encoding: base64\r\n",
                         "Content-Transfer-Encoding: quoted-printable\r\n", "<p>", "</p>", "<script>", "&amp;", "&#x", "&ccedil;", ";",
                         "multipart/report; report-type=delivery-status", "Action: delayed\r\n", "filename*0*=utf-8''%C5"]

    @Test func randomMessagesParse() {
        for input in ParserProbe.inputs(count: 2_000, alphabet: Self.syntax, maxLength: 600) {
            let mail = ParsedEmail.parse(Array(input.utf8))
            _ = mail.isAutomatic
            _ = DeliveryReport.parse(mail)
            _ = mail.html.map(HTMLSanitizer.sanitize)
            _ = HTMLText.plain(input)
            _ = EncodedWords.decode(input)
        }
    }

    static let shapes: [String: (make: @Sendable (Int) -> String, parse: @Sendable (String) -> Void)] = [
        "encoded words without an end": ({ n in String(repeating: "=?a?Q?x ", count: n / 8) }, { _ = EncodedWords.decode($0) }),
        "split encoded words": ({ n in String(repeating: "=?utf-8?Q?=C5?= ", count: n / 16) }, { _ = EncodedWords.decode($0) }),
        "unclosed scripts": ({ n in String(repeating: "<script>", count: n / 8) }, { _ = HTMLText.plain($0) }),
        "entities": ({ n in String(repeating: "&ccedil;&#x", count: n / 11) }, { _ = HTMLText.plain($0); _ = HTMLSanitizer.sanitize($0) }),
        "open tags": ({ n in String(repeating: "<a href=\"", count: n / 9) }, { _ = HTMLSanitizer.sanitize($0) }),
        "nested multiparts": ({ n in
            var text = "Content-Type: multipart/mixed; boundary=b0\r\n\r\n"
            var level = 0
            while text.utf8.count < n { level += 1; text += "--b\(level - 1)\r\nContent-Type: multipart/mixed; boundary=b\(level)\r\n\r\n" }
            return text
        }, { _ = ParsedEmail.parse(Array($0.utf8)) }),
        "header lines": ({ n in String(repeating: "X-A: b\r\n", count: n / 8) + "\r\nbody" }, { _ = ParsedEmail.parse(Array($0.utf8)) }),
    ]

    @Test(arguments: shapes.keys.sorted())
    func workGrowsLinearly(shape: String) throws {
        let probe = try #require(Self.shapes[shape])
        let growth = ParserProbe.growth(make: probe.make, parse: probe.parse)
        #expect(growth < ParserProbe.linearBound, "\(shape): ×\(Int(growth))")
    }
}
