import Foundation
@testable import ShopdeskMail
import Testing

/// The team's `.eml` fixtures (written by `Fixtures/make-fixtures.py`) through the real parser.
@Suite("MIME parser")
struct MIMEParserTests {
    static func fixture(_ name: String) throws -> [UInt8] {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: "eml"))
        return Array(try Data(contentsOf: url))
    }

    @Test func croatianUTF8QuotedPrintableReply() throws {
        let mail = ParsedEmail.parse(try Self.fixture("croatian-utf8-qp"))
        #expect(mail.from == EmailAddress(name: "Željka Kovačić", address: "zeljka@example.hr"))
        #expect(mail.subject == "Re: Narudžba #1042 kasni")
        #expect(mail.messageID == "CAF1042.zk@mail.example.hr")
        #expect(mail.inReplyTo == ["reply-2@shop.example"])
        #expect(mail.references == ["first-1@shop.example", "reply-2@shop.example"])
        #expect(mail.text?.contains("gdje je moja narudžba #1042? Čekam već tjedan dana.") == true)
        #expect(mail.date == Date(timeIntervalSince1970: 1_795_508_102))
        #expect(!mail.isAutomatic)
    }

    @Test func datesInTheirRFC5322AndObsoleteForms() {
        func date(_ text: String) -> TimeInterval? { ParsedEmail.parse(Array("Date: \(text)\r\n\r\nx".utf8)).date?.timeIntervalSince1970 }
        // Expected values from Python's email.utils.parsedate_to_datetime.
        #expect(date("Tue, 24 Nov 2026 09:15:02 +0100") == 1_795_508_102)
        #expect(date("24 Nov 26 08:15:02 GMT") == 1_795_508_102, "two-digit year, zone name, no weekday")
        #expect(date("Sun, 29 Feb 2032 23:59 -0730") == 1_961_738_940, "no seconds, a leap day, a half-hour zone")
        #expect(date("1 Jan 1999 00:00:00 EST (Eastern)") == 915_166_800)
        #expect(date("Tue,  24  Nov 2026 08:15:02") == 1_795_508_102, "no zone: UTC")
        #expect(date("yesterday") == nil)
        #expect(date("32 Nov 2026 10:00:00 +0000") == nil)
    }

    @Test func portugueseAlternativeInLatin1AndWindows1252() throws {
        let mail = ParsedEmail.parse(try Self.fixture("portuguese-alternative-latin1"))
        #expect(mail.subject == "Troca de produto não recebido")
        #expect(mail.text == "Olá, a minha encomenda chegou danificada. Posso trocar?\nObrigada, Conceição\n")
        #expect(mail.html?.contains("Obrigada, Conceição – “urgente”") == true)
        #expect(mail.attachments.isEmpty)
        #expect(mail.root.parts.count == 2, "the preamble is not a part")
    }

    @Test func russianInKOI8R() throws {
        let mail = ParsedEmail.parse(try Self.fixture("russian-koi8r"))
        #expect(mail.from?.name == "Иван Петров")
        #expect(mail.subject == "Заказ не пришёл", "adjacent encoded words join without the space between them")
        #expect(mail.text == "Здравствуйте! Заказ номер 5531 не пришёл. Верните деньги, пожалуйста.\n")
        #expect(mail.date != nil, "a date with a trailing comment")
    }

    @Test func nestedPartsInlineImagesAndRFC2231Names() throws {
        let mail = ParsedEmail.parse(try Self.fixture("croatian-mixed-attachments"))
        #expect(mail.subject == "Račun i slika")
        #expect(mail.text == "Šaljem račun i fotografiju oštećene kutije. Đurđica\n")
        #expect(mail.html?.contains("cid:box@hr") == true)
        #expect(mail.attachments.count == 2)
        let image = try #require(mail.attachments.first { $0.contentType == "image/png" })
        #expect(image.fileName == "kutija.png")
        #expect(image.contentID == "box@hr")
        #expect(image.inline)
        #expect(image.data.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        let invoice = try #require(mail.attachments.first { $0.contentType == "application/pdf" })
        #expect(invoice.fileName == "Račun za narudžbu 1042.pdf")
        #expect(!invoice.inline)
        #expect(String(decoding: invoice.data, as: UTF8.self).hasPrefix("%PDF-1.4"))
    }

    @Test func malformedMailIsReadWithBestEffort() throws {
        let mail = ParsedEmail.parse(try Self.fixture("malformed"))
        #expect(mail.subject?.hasSuffix("oké") == true)
        #expect(mail.text == "Price is = 10 € and =ZZ stays, softbreak joins.")
        let data = try #require(mail.attachments.first)
        #expect(data.fileName == "data.bin")
        #expect(data.data == [0, 1, 2, 3, 4, 5, 6, 7, 8], "junk in base64 is skipped")
        #expect(mail.from == nil || mail.from?.address.contains("broken@example.com") == true)
    }

    @Test func bouncesAndAutoRepliesAreAutomatic() throws {
        let mail = ParsedEmail.parse(try Self.fixture("bounce"))
        #expect(mail.isAutomatic)
        #expect(mail.text == "The mail could not be delivered.")
        var listMail = ParsedEmail.parse(Array("From: news@shop.example\r\nList-Id: <news.shop.example>\r\n\r\nHi".utf8))
        #expect(listMail.isAutomatic)
        listMail = ParsedEmail.parse(Array("From: a@b.example\r\nAuto-Submitted: no\r\n\r\nHi".utf8))
        #expect(!listMail.isAutomatic)
    }

    @Test func charsetsOurCustomersUse() {
        #expect(Charset.decode([0xE8, 0x9A, 0x9E], charset: "windows-1250") == "čšž")
        #expect(Charset.decode([0xE8, 0xB9, 0xBE], charset: "ISO-8859-2") == "čšž")
        #expect(Charset.decode([0xC1, 0xC2, 0xD7], charset: "koi8-r") == "абв")
        #expect(Charset.decode([0xA4, 0xA6, 0xA7], charset: "koi8-u") == "єії")
        #expect(Charset.decode([0xB0, 0xB1, 0xB2], charset: "iso-8859-5") == "АБВ")
        #expect(Charset.decode([0xE0, 0xE1], charset: "cp1251") == "аб")
        #expect(Charset.decode([0xE3, 0xE7, 0xE9], charset: "latin1") == "ãçé")
        #expect(Charset.decode([0xA4, 0x80], charset: "iso-8859-15") == "€\u{80}")
        #expect(Charset.decode([0x93, 0x80, 0x94], charset: "windows-1252") == "“€”")
        // Mislabelled: Windows-1252 bytes claimed to be UTF-8 are still read.
        #expect(Charset.decode([0x43, 0x61, 0x66, 0xE9], charset: "utf-8") == "Café")
        #expect(Charset.decode(Array("Ünïcödé".utf8), charset: "x-unknown") == "Ünïcödé")
    }

    @Test func encodedWordsAndParameters() {
        #expect(EncodedWords.decode("=?utf-8?q?Ol=C3=A1_mundo?= =?utf-8?b?w6c=?=") == "Olá mundoç")
        #expect(EncodedWords.decode("Re: =?UTF-8*hr?Q?=C4=8Cao?= there") == "Re: Čao there")
        #expect(EncodedWords.decode("no =? words here") == "no =? words here")
        let (type, parameters) = HeaderParameters.parse(#"Text/Plain; charset="utf-8"; name="a;b.txt"; format=flowed"#)
        #expect(type == "text/plain")
        #expect(parameters == ["charset": "utf-8", "name": "a;b.txt", "format": "flowed"])
        let extended = HeaderParameters.parse("attachment; filename*=iso-8859-2'hr'ra%E8un.pdf")
        #expect(extended.parameters["filename"] == "račun.pdf")
        let outlook = HeaderParameters.parse(#"attachment; filename="=?utf-8?B?xI1hxaEucGRm?=""#)
        #expect(outlook.parameters["filename"] == "čaš.pdf")
    }

    @Test func addressListsWithQuotesCommentsAndGroups() {
        let list = Addresses.parse(#""Horvat, Ana" <ana@example.hr>, ivan@example.ru (Ivan), Undisclosed recipients:;, <bare@example.com>"#)
        #expect(list == [
            EmailAddress(name: "Horvat, Ana", address: "ana@example.hr"),
            EmailAddress(name: "Ivan", address: "ivan@example.ru"),
            EmailAddress(name: nil, address: "bare@example.com"),
        ])
        #expect(MessageIDs.parse("<a@b> <c@d>\r\n\t<e@f>") == ["a@b", "c@d", "e@f"])
        #expect(MessageIDs.parse("a@b") == ["a@b"])
    }

    @Test func htmlOnlyMailGetsReadableText() {
        let raw = "From: a@b.example\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
            + "<html><head><style>p{color:red}</style><script>alert(1)</script></head><body><p>Hello&nbsp;there &amp; welcome</p><div>Line two &#268;</div></body></html>"
        let mail = ParsedEmail.parse(Array(raw.utf8))
        #expect(mail.text == "Hello there & welcome\nLine two Č")
    }

    /// Property test: whatever bytes arrive, the parser returns (no crash, no hang), including
    /// every fixture mutated at random and deeply nested multiparts. The libFuzzer harness in
    /// `Fuzz/` does the same with coverage guidance.
    @Test func arbitraryBytesNeverCrashTheParser() throws {
        var random = SplitMix(seed: 2026)
        let fixtures = try ["croatian-utf8-qp", "portuguese-alternative-latin1", "russian-koi8r", "croatian-mixed-attachments",
                            "malformed", "bounce"].map(Self.fixture)
        let alphabet = Array("=?-\r\n:;\"<>@bBqQ_%*'\t ".utf8) + [0x00, 0xFF, 0x80]
        for round in 0..<3_000 {
            var bytes = fixtures[round % fixtures.count]
            for _ in 0..<Int(random.next() % 12) + 1 {
                guard !bytes.isEmpty else { break }
                let position = Int(random.next() % UInt64(bytes.count))
                switch random.next() % 4 {
                case 0: bytes[position] = alphabet[Int(random.next() % UInt64(alphabet.count))]
                case 1: bytes.remove(at: position)
                case 2: bytes.insert(contentsOf: bytes[position..<min(bytes.count, position + 40)], at: position)
                default: bytes = Array(bytes[..<position])
                }
            }
            _ = ParsedEmail.parse(bytes)
        }
        var nested = ""
        for depth in 0..<200 { nested += "Content-Type: multipart/mixed; boundary=b\(depth)\r\n\r\n--b\(depth)\r\n" }
        let deep = ParsedEmail.parse(Array(nested.utf8))
        #expect(deep.root.isMultipart)
        _ = ParsedEmail.parse([])
        _ = ParsedEmail.parse(Array(repeating: 0x0A, count: 10_000))
    }
}

/// A small deterministic generator for the property test.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite("Reply text")
struct ReplyTextTests {
    @Test(arguments: [
        // Gmail, English, wrapped header.
        ("Thanks, that helps!\n\nOn Tue, 24 Nov 2026 at 09:15, Shop Support <support@shop.example>\nwrote:\n> Your order ships today.\n", "Thanks, that helps!"),
        // Apple Mail, Portuguese.
        ("Obrigada!\n\nEm 24 de nov. de 2026, às 10:00, Loja <suporte@shop.example> escreveu:\n\n> Olá\n", "Obrigada!"),
        // Croatian (Gmail in Croatian).
        ("Hvala, stiglo je.\n\nuto, 24. stu 2026. u 09:15 Podrška <podrska@shop.example> napisao je:\n> Paket je poslan.", "Hvala, stiglo je."),
        // Russian.
        ("Спасибо, получила.\n\n24 нояб. 2026 г., в 18:30, Магазин <support@shop.example> написал:\n> Заказ отправлен.", "Спасибо, получила."),
        // Outlook, English header block.
        ("Please cancel it.\n\nFrom: Shop Support <support@shop.example>\nSent: Tuesday, November 24, 2026 9:15 AM\nTo: Ana\nSubject: Order", "Please cancel it."),
        // Outlook in Croatian with a separator line.
        ("Molim povrat novca.\n\n-----Izvorna poruka-----\nOd: Podrška\nPoslano: utorak", "Molim povrat novca."),
        // Thunderbird bottom quote and a signature.
        ("Where is it?\n\n-- \nMarta Horvat\nCEO, Example d.o.o.", "Where is it?"),
        ("Onde está?\n\nEnviado do meu iPhone", "Onde está?"),
        // Nothing to cut: kept as is, including a line that merely mentions writing.
        ("Hvala\nIvan je napisao: da stiže sutra, je li to točno?", "Hvala\nIvan je napisao: da stiže sutra, je li to točno?"),
    ])
    func cutsQuotedHistoryAndSignatures(input: String, expected: String) {
        #expect(ReplyText.visible(input) == expected)
    }

    @Test func aMessageThatIsOnlyAQuoteKeepsItsText() {
        #expect(ReplyText.visible("> just a quote") == "> just a quote")
    }
}
