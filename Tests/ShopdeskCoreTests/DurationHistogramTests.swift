import Foundation
import ShopdeskCore
import Testing

@Suite("Durations at a report's precision")
struct DurationHistogramTests {
    @Test func stepsAreSecondsThenMinutesThenTenMinutesThenHours() {
        #expect(DurationHistogram.step(59) == 59)
        #expect(DurationHistogram.step(3_599) == 3_599)
        #expect(DurationHistogram.step(3_659) == 3_600)
        #expect(DurationHistogram.step(86_399) == 86_340)
        #expect(DurationHistogram.step(86_400 + 599) == 86_400)
        #expect(DurationHistogram.step(31 * 86_400 + 3_599) == 31 * 86_400)
        #expect(DurationHistogram.step(-5) == -5)
    }

    /// The histogram's nearest-rank percentile is the exact one rounded down to its step, however
    /// the durations are split into days and added up again.
    @Test func percentilesOfAddedHistogramsAreTheExactOnesAtTheirStep() {
        var generator = SeededGenerator(seed: 3)
        for _ in 0..<50 {
            let values = (0..<Int.random(in: 1...300, using: &generator)).map { _ in
                [Int.random(in: 0..<3_600, using: &generator), Int.random(in: 0..<200_000, using: &generator),
                 Int.random(in: 0..<5_000_000, using: &generator)].randomElement(using: &generator)!
            }
            var total = DurationHistogram()
            for chunk in stride(from: 0, to: values.count, by: 17) {
                var day = DurationHistogram()
                for value in values[chunk..<min(chunk + 17, values.count)] { day.add(value) }
                total.add(DurationHistogram(text: Substring(day.text)))
            }
            let sorted = values.sorted()
            for share in [0.5, 0.9, 1.0, 0.01] {
                let exact = sorted[max(0, Int((share * Double(sorted.count)).rounded(.up)) - 1)]
                #expect(total.percentile(share) == DurationHistogram.step(exact))
            }
            #expect(total.count == values.count)
            #expect(total.buckets([300, 3_600, 86_400]) == [
                values.count { $0 < 300 }, values.count { $0 >= 300 && $0 < 3_600 }, values.count { $0 >= 3_600 && $0 < 86_400 },
                values.count { $0 >= 86_400 },
            ])
        }
        #expect(DurationHistogram().percentile(0.5) == nil)
    }

    @Test func unreadablePairsAreSkipped() {
        let histogram = DurationHistogram(text: "60:2,oops,120:x,:3,180:1,240:-4")
        #expect(histogram.count == 3)
        #expect(histogram.text == "60:2,180:1")
    }
}
