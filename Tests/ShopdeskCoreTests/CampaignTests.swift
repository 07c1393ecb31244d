import Foundation
import ShopdeskCore
import Testing

@Suite("Campaigns: definitions and significance")
struct CampaignTests {
    @Test func definitionsAreChecked() throws {
        let base = CampaignDefinition(variants: [CampaignVariant(key: "A", weight: 100, message: "Hi")])
        #expect(throws: Never.self) { try base.validated() }
        var split = base
        split.variants = [CampaignVariant(key: "A", weight: 50, message: "Hi"), CampaignVariant(key: "A", weight: 50, message: "Ho")]
        #expect(throws: CampaignError.self) { try split.validated() }
        var offer = base
        offer.variants[0].offer = .init(percent: 10, fixedMinor: 500)
        #expect(throws: CampaignError.self) { try offer.validated() }
        var link = base
        link.variants[0].button = .init(label: "Go", url: "javascript:alert(1)")
        #expect(throws: CampaignError.self) { try link.validated() }
        var hours = base
        hours.hours = "sometimes"
        #expect(throws: CampaignError.self) { try hours.validated() }
    }

    @Test func aLeadIsSignificantOnlyWithEnoughDisplaysAndAClearDifference() throws {
        // 5 % against 10 % on 1,000 displays each: z ≈ 4.2, p ≈ 0.00003.
        let clear = try #require(CampaignSignificance.compare(control: (50, 1_000), variant: (100, 1_000)))
        #expect(clear.significant && clear.pValue < 0.001 && abs(clear.lift - 0.05) < 1e-9)
        // The same rates on 20 displays each: could be luck.
        let small = try #require(CampaignSignificance.compare(control: (1, 20), variant: (2, 20)))
        #expect(!small.significant)
        // 10 % against 11 % on 1,000 each: p ≈ 0.46.
        let close = try #require(CampaignSignificance.compare(control: (100, 1_000), variant: (110, 1_000)))
        #expect(!close.significant && close.pValue > 0.4 && close.pValue < 0.5)
        #expect(CampaignSignificance.compare(control: (0, 0), variant: (1, 10)) == nil)
        #expect(CampaignSignificance.compare(control: (0, 100), variant: (0, 100))?.pValue == 1)
    }
}
