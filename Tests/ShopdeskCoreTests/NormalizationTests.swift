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

    @Test("search folding removes diacritics but keeps Cyrillic", arguments: [
        ("Čćđšž", "ccdsz"), ("Ação É", "acao e"), ("Привет, ЙОД ёлка", "привет, йод елка"),
    ])
    func folding(input: String, expected: String) {
        #expect(SearchText.fold(input) == expected)
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
