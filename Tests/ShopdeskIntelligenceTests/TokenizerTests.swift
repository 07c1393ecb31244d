import Testing
@testable import ShopdeskIntelligence

@Suite struct TokenizerTests {
    @Test func placeholder() { #expect(Tokenizer().tokens("Hi") == ["hi"]) }
}
