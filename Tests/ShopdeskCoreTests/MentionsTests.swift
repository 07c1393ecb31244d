import Testing
@testable import ShopdeskCore

/// Which agents a note names with `@`.
@Suite("Mentions")
struct MentionsTests {
    let agents: [(id: Int, name: String)] = [(1, "Ana"), (2, "Ana Lima"), (3, "Ivo Horvat"), (4, "Ольга")]

    @Test func theLongestNameAfterAnAtWinsAndMustEndAWord() {
        #expect(Mentions.find(in: "@Ana Lima can you check? cc @ivo horvat", names: agents) == [2, 3])
        #expect(Mentions.find(in: "@Ana, please", names: agents) == [1])
        #expect(Mentions.find(in: "@Anabela and @ana", names: agents) == [1], "Anabela is not Ana")
        #expect(Mentions.find(in: "спросите @Ольга!", names: agents) == [4])
        #expect(Mentions.find(in: "@Ana @Ana @ana", names: agents) == [1], "each agent once")
    }

    @Test func anEmailAddressIsNotAMention() {
        #expect(Mentions.find(in: "write to ana@Ana.example", names: agents).isEmpty)
        #expect(Mentions.find(in: "no names here", names: agents).isEmpty)
        #expect(Mentions.find(in: "@", names: agents).isEmpty)
    }

    @Test func aNoteFullOfAtSignsCostsNoMoreThanItsFirstFifty() {
        let text = String(repeating: "@x ", count: 20_000) + "@Ana"
        #expect(Mentions.find(in: text, names: agents).isEmpty, "only the first 50 are looked at")
        #expect(Mentions.find(in: String(repeating: "@Ana ", count: 10_000), names: agents) == [1])
    }
}
