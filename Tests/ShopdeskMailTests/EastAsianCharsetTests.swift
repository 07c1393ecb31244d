import Foundation
@testable import ShopdeskMail
import ShopdeskCore
import ShopdeskTestSupport
import Testing

/// Japanese, Chinese and Korean mail in the charsets their mail programs still send. The bytes
/// are the text as Python's codecs encode it (the expected strings are written out).
@Suite("Charsets: Japanese, Chinese and Korean")
struct EastAsianCharsetTests {
    static let samples: [(label: String, bytes: [UInt8], text: String)] = [
        ("Shift_JIS", [0x82, 0xB2, 0x92, 0x8D, 0x95, 0xB6, 0x82, 0xCC, 0x8F, 0xA4, 0x95, 0x69, 0x82, 0xCD, 0x82, 0xA2, 0x82, 0xC2,
                       0x93, 0xCD, 0x82, 0xAB, 0x82, 0xDC, 0x82, 0xB7, 0x82, 0xA9, 0x81, 0x48, 0x87, 0x40, 0xB6, 0xC0, 0xB6, 0xC5],
         "ご注文の商品はいつ届きますか？①ｶﾀｶﾅ"),
        ("EUC-JP", [0xA4, 0xB4, 0xC3, 0xED, 0xCA, 0xB8, 0xA4, 0xCE, 0xBE, 0xA6, 0xC9, 0xCA, 0xA4, 0xCF, 0xA4, 0xA4, 0xA4, 0xC4,
                    0xC6, 0xCF, 0xA4, 0xAD, 0xA4, 0xDE, 0xA4, 0xB9, 0xA4, 0xAB, 0xA1, 0xA9, 0x8F, 0xB0, 0xA1, 0x8E, 0xB6, 0x8E,
                    0xC0, 0x8E, 0xB6, 0x8E, 0xC5],
         "ご注文の商品はいつ届きますか？丂ｶﾀｶﾅ"),
        ("ISO-2022-JP", [0x1B, 0x24, 0x42, 0x24, 0x34, 0x43, 0x6D, 0x4A, 0x38, 0x24, 0x4E, 0x3E, 0x26, 0x49, 0x4A, 0x24, 0x4F, 0x24,
                         0x24, 0x24, 0x44, 0x46, 0x4F, 0x24, 0x2D, 0x24, 0x5E, 0x24, 0x39, 0x24, 0x2B, 0x21, 0x29, 0x1B, 0x28, 0x42,
                         0x0D, 0x0A, 0x1B, 0x24, 0x42, 0x24, 0x4F, 0x24, 0x24, 0x1B, 0x28, 0x42],
         "ご注文の商品はいつ届きますか？\r\nはい"),
        ("GB2312", [0xCE, 0xD2, 0xB5, 0xC4, 0xB6, 0xA9, 0xB5, 0xA5, 0xCA, 0xB2, 0xC3, 0xB4, 0xCA, 0xB1, 0xBA, 0xF2, 0xB5, 0xBD, 0xA3, 0xBF],
         "我的订单什么时候到？"),
        ("GB18030", [0xCE, 0xD2, 0xB5, 0xC4, 0xB6, 0xA9, 0xB5, 0xA5, 0xCA, 0xB2, 0xC3, 0xB4, 0xCA, 0xB1, 0xBA, 0xF2, 0xB5, 0xBD,
                     0xA3, 0xBF, 0x81, 0x30, 0xA3, 0x38, 0x94, 0x39, 0xFC, 0x36, 0xA2, 0xE3],
         "我的订单什么时候到？ȁ😀€"),
        ("Big5", [0xA7, 0xDA, 0xAA, 0xBA, 0xAD, 0x71, 0xB3, 0xE6, 0xA4, 0xB0, 0xBB, 0xF2, 0xAE, 0xC9, 0xAD, 0xD4, 0xA8, 0xEC, 0xA1,
                  0x48, 0x87, 0x45, 0x88, 0x62],
         "我的訂單什麼時候到？𧉧Ê̄"),
        ("EUC-KR", [0xC1, 0xD6, 0xB9, 0xAE, 0xC7, 0xD1, 0x20, 0xBB, 0xF3, 0xC7, 0xB0, 0xC0, 0xBA, 0x20, 0xBE, 0xF0, 0xC1, 0xA6, 0x20,
                    0xB5, 0xB5, 0xC2, 0xF8, 0xC7, 0xCF, 0xB3, 0xAA, 0xBF, 0xE4, 0x3F, 0x20, 0x8C, 0x63],
         "주문한 상품은 언제 도착하나요? 똠"),
        ("ISO-2022-KR", [0x1B, 0x24, 0x29, 0x43, 0x0E, 0x41, 0x56, 0x39, 0x2E, 0x0F, 0x20, 0x0E, 0x3B, 0x73, 0x47, 0x30, 0x0F],
         "주문 상품"),
    ]

    @Test(arguments: samples.indices)
    func textInEachCharsetReadsAsWritten(index: Int) {
        let sample = Self.samples[index]
        #expect(Charset.isKnown(sample.label))
        #expect(Charset.decode(sample.bytes, charset: sample.label) == sample.text, "\(sample.label)")
    }

    @Test func labelsMailProgramsWriteAreRecognized() {
        for label in ["shift_jis", "x-sjis", "windows-31j", "CP932", "euc-jp", "iso-2022-jp", "ISO-2022-JP-2", "gb2312", "GBK",
                      "gb18030", "x-gbk", "cp936", "big5", "Big5-HKSCS", "euc-kr", "ks_c_5601-1987", "cp949", "iso-2022-kr"] {
            #expect(Charset.isKnown(label), "\(label)")
        }
    }

    @Test func brokenSequencesLoseOneCharacterAndKeepTheASCIIAfterIt() {
        // A lead byte followed by ASCII: one replacement, then the ASCII as written.
        #expect(Charset.decode([0x82, 0x20, 0x41], charset: "shift_jis") == "\u{FFFD} A")
        #expect(Charset.decode([0xB0, 0x20, 0x41], charset: "euc-kr") == "\u{FFFD} A")
        #expect(Charset.decode([0xA4, 0x0A, 0x41], charset: "big5") == "\u{FFFD}\nA")
        #expect(Charset.decode([0x81, 0x30, 0x41], charset: "gb18030") == "\u{FFFD}0A")
        #expect(Charset.decode([0xA4, 0x41], charset: "euc-jp") == "\u{FFFD}A")
        // A lead byte at the very end.
        #expect(Charset.decode([0x41, 0x82], charset: "shift_jis") == "A\u{FFFD}")
        #expect(Charset.decode([0x41, 0x8F, 0xB0], charset: "euc-jp") == "A\u{FFFD}")
        // An escape sequence nobody defined is one replacement; the text goes on.
        #expect(Charset.decode([0x1B, 0x25, 0x47, 0x41], charset: "iso-2022-jp") == "\u{FFFD}%GA")
    }

    @Test func mislabelledUTF8UnderASevenBitLabelIsReadAsUTF8() {
        #expect(Charset.decode(Array("ご注文".utf8), charset: "iso-2022-jp") == "ご注文")
    }

    @Test func aJapaneseMailReadsAsTheCustomerWroteIt() {
        let mail = ParsedEmail.parse(Array("""
            From: =?ISO-2022-JP?B?GyRCOzNFRBsoQg==?= <yamada@example.jp>
            Subject: =?ISO-2022-JP?B?GyRCJDRDbUo4JEskRCQkJEYbKEI=?=
            MIME-Version: 1.0
            Content-Type: text/plain; charset=Shift_JIS
            Content-Transfer-Encoding: base64

            j6SVaYLNgtyCvpPNgqKCxIKigtyCuYLxgUINCpKNlbaU1I2GIDEyMzQ=

            """.replacingOccurrences(of: "\n", with: "\r\n").utf8))
        #expect(mail.subject == "ご注文について")
        #expect(mail.text?.contains("商品はまだ届いていません。") == true)
        #expect(mail.text?.contains("注文番号 1234") == true)
    }

    @Test func randomBytesUnderEveryLabelDecodeInLinearTime() throws {
        var random = SeededGenerator(seed: 2212)
        let labels = ["shift_jis", "euc-jp", "iso-2022-jp", "gb18030", "big5", "euc-kr", "iso-2022-kr"]
        for _ in 0..<400 {
            let bytes = (0..<Int.random(in: 0...300, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            for label in labels {
                // Never longer than one character per byte (Big5's four combining pairs aside).
                #expect(Charset.decode(bytes, charset: label).unicodeScalars.count <= bytes.count * 2)
            }
        }
        for label in labels {
            let growth = ParserProbe.growth(make: { n in String(repeating: "\u{1B}$B\u{8F}\u{81}0\u{81}", count: n / 8) },
                                            parse: { _ = Charset.decode(Array($0.utf8), charset: label) })
            #expect(growth < ParserProbe.linearBound, "\(label): ×\(Int(growth))")
        }
    }
}
