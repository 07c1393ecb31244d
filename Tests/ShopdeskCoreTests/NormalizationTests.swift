import Foundation
import Testing
@testable import ShopdeskCore

@Suite("Identity and text normalization")
struct NormalizationTests {
    @Test func emailsAreLowercasedAndValidated() throws {
        #expect(try Identities.email("Ana.Kovac@Example.HR") == "ana.kovac@example.hr")
        for bad in ["no-at-sign", "two@@example.com", "a@b", "a b@example.com", "x@example.com\r\nBcc: y@z.com"] {
            #expect(throws: ShopdeskError.self) { try Identities.email(bad) }
        }
    }

    @Test func phonesKeepDigitsAndPlus() throws {
        #expect(try Identities.phone("+385 (91) 123-4567") == "+385911234567")
        #expect(throws: ShopdeskError.self) { try Identities.phone("12") }
    }

    @Test func subjectsAndNamesCannotCarryLineBreaks() {
        #expect(Text.singleLine("Hello\r\nBcc: evil@example.com") == "Hello Bcc: evil@example.com")
    }

    @Test func previewsAreOneLineAndCutAtTheLength() {
        // The plain definition, to hold the fast one to: controls become spaces, runs of spaces one.
        func reference(_ raw: String, _ length: Int) -> String {
            let line = raw.unicodeScalars.map { $0.properties.generalCategory == .control ? " " : String($0) }.joined()
                .split(separator: " ").joined(separator: " ")
            return line.count <= length ? line : String(line.prefix(length - 1)) + "…"
        }
        var random = SystemRandomNumberGenerator()
        let pieces = ["a", "ž", "Ж", " ", "  ", "\r\n", "\t", "\u{85}", "e\u{301}\u{302}\u{303}", "👍🏽", "\u{A0}", "word "]
        for _ in 0..<3_000 {
            var text = ""
            for _ in 0..<Int.random(in: 0..<120, using: &random) { text += pieces.randomElement(using: &random)! }
            let length = Int.random(in: 5..<45, using: &random)
            #expect(Text.preview(text, length: length) == reference(text, length), "\(text.debugDescription)")
            #expect(Text.singleLine(text) == reference(text, .max))
        }
    }

    @Test("search folding removes diacritics but keeps Cyrillic", arguments: [
        ("Čćđšž", "ccdsz"), ("Ação É", "acao e"), ("Привет, ЙОД ёлка", "привет, йод елка"),
    ])
    func folding(input: String, expected: String) {
        #expect(SearchText.fold(input) == expected)
    }

    @Test func fastFoldingAgreesWithTheSlowPathScalarByScalar() {
        var random = SystemRandomNumberGenerator()
        let ranges: [ClosedRange<UInt32>] = [0x20...0x7E, 0xA0...0x2FF, 0x400...0x52F]
        for _ in 0..<20_000 {
            var text = String.UnicodeScalarView()
            for _ in 0..<Int.random(in: 1...40, using: &random) {
                let range = ranges.randomElement(using: &random)!
                text.append(Unicode.Scalar(UInt32.random(in: range, using: &random))!)
            }
            let string = String(text)
            // The fast path either declines (nil) or gives exactly what the slow path gives.
            #expect(SearchText.fold(string) == SearchText.slowFold(string), "\(string.unicodeScalars.map { String($0.value, radix: 16) })")
        }
        for sample in ["Narudžba ĐURĐEVAC šalica", "Devolução AÇÃO", "Ёлка Йогурт ЗАКАЗ", "Straße Œuvre Łódź"] {
            #expect(SearchText.fastFold(sample) == SearchText.slowFold(sample))
        }
        // Decomposed accents and Greek take the slow path.
        #expect(SearchText.fastFold("e\u{301}") == nil)
        #expect(SearchText.fold("e\u{301}") == "e")
        #expect(SearchText.fastFold("ΟΔΟΣ") == nil)
    }

    @Test func queryTermsSplitOnPunctuation() {
        #expect(SearchText.queryTerms("Narudžba #1234, hitno!") == ["narudzba", "1234", "hitno"])
    }

    @Test func inboundMessageNeedsIdentityAndText() {
        let base = InboundMessage(inboxID: InboxID(1), channelMessageID: nil, customer: .init(email: "a@example.com"),
                                  subject: "Hi", text: "Where is my order?", receivedAt: Date())
        #expect(throws: Never.self) { try base.validated() }
        var noIdentity = base
        noIdentity.customer = .init(name: "Only a name")
        #expect(throws: ShopdeskError.self) { try noIdentity.validated() }
        var blank = base
        blank.text = "  \n "
        #expect(throws: ShopdeskError.self) { try blank.validated() }
    }

    @Test func timestampsRoundTripWithMilliseconds() throws {
        let date = Timestamps.date(millis: 1_800_000_000_123)
        let text = Timestamps.iso8601(date)
        #expect(text == "2027-01-15T08:00:00.123Z")
        #expect(try #require(Timestamps.parse(text)).timeIntervalSince1970 == date.timeIntervalSince1970)
    }
}

@Suite("Timestamps and JSON writing")
struct OutputFormatTests {
    @Test("ISO 8601 matches Foundation's format on many dates", arguments: [
        Int64(0), 951_782_400_000, 1_709_164_800_999, 1_800_000_000_123, -86_400_001, 4_102_444_799_999,
    ])
    func iso8601MatchesFoundation(millis: Int64) throws {
        let date = Timestamps.date(millis: millis)
        let text = Timestamps.iso8601(date)
        let whole = Date(timeIntervalSince1970: Double((millis - ((millis % 1000) + 1000) % 1000)) / 1000)
        let expected = whole.formatted(Date.ISO8601FormatStyle()).dropLast() + "." + String(format: "%03d", ((millis % 1000) + 1000) % 1000) + "Z"
        #expect(text == expected)
        #expect(Timestamps.millis(try #require(Timestamps.parse(text))) == millis)
    }

    @Test func writerEscapesLikeJSONSerialization() throws {
        var writer = JSONWriter()
        let tricky = "quote \" backslash \\ newline \n tab \t bell \u{07} emoji 🛍 čćž Привет </script>"
        writer.object { json in
            json.field("text", tricky)
            json.field("missing", nil as String?)
            json.key("list")
            json.array { json in
                json.int(-5)
                json.double(2.5)
                json.null()
                json.bool(true)
            }
        }
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(writer.bytes)) as? [String: Any])
        #expect(parsed["text"] as? String == tricky)
        #expect(parsed["missing"] == nil)
        #expect((parsed["list"] as? [Any])?.count == 4)
    }

    @Test func writerNumbersAndDatesAreWrittenInPlace() throws {
        var writer = JSONWriter()
        let date = Date(timeIntervalSince1970: 1_732_406_400.123)
        writer.array { json in
            for value: Int64 in [0, 7, -1, 1234567890, .max, .min] { json.int(value) }
            json.string("plain ascii key")
            json.date(date)
        }
        #expect(String(decoding: writer.bytes, as: UTF8.self) ==
                "[0,7,-1,1234567890,9223372036854775807,-9223372036854775808,\"plain ascii key\",\"\(Timestamps.iso8601(date))\"]")
        #expect(Timestamps.iso8601(date) == "2024-11-24T00:00:00.123Z")
    }

    /// Payloads are stored as `JSONValue.text` writes them; `JSONEncoder` with sorted keys must
    /// read back the same value, and the text is the same bytes for the usual payload.
    @Test func payloadTextMatchesJSONEncoder() throws {
        let payload: [String: JSONValue] = [
            "message_id": .number(42), "direction": .string("inbound \"quoted\" čć\n"), "score": .number(-0.25),
            "tags": .array([.string("vip"), .null, .bool(false)]), "nested": .object(["b": .number(1e20), "a": .number(3)]),
        ]
        let text = JSONValue.text(payload)
        #expect(try JSONDecoder().decode([String: JSONValue].self, from: Data(text.utf8)) == payload)
        let simple: [String: JSONValue] = ["message_id": .number(7), "direction": .string("inbound"), "conversation_id": .null]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        #expect(JSONValue.text(simple) == String(decoding: try encoder.encode(simple), as: UTF8.self))
    }

    /// `Text.trimmed` replaces Foundation's `trimmingCharacters(in: .whitespacesAndNewlines)`.
    @Test func trimmedDropsUnicodeWhiteSpaceAtBothEnds() {
        #expect(Text.trimmed("  ana@shop.hr \r\n") == "ana@shop.hr")
        #expect(Text.trimmed("\u{00A0}\u{3000}Ivan Horvat\t") == "Ivan Horvat")
        #expect(Text.trimmed("plain") == "plain")
        #expect(Text.trimmed("čćž ") == "čćž")
        #expect(Text.trimmed(" \n\t ") == "")
        #expect(Text.trimmed("") == "")
        for sample in ["  a b  ", "\u{2028}x\u{2029}", "é", " +385 91 ", "\u{0085}z"] {
            #expect(Text.trimmed(sample) == sample.trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }
}
