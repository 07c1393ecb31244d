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
        #expect(DurationHistogram.step(-5) == 0)
        #expect(DurationHistogram.step(40 * 365 * 86_400) == DurationHistogram.step(5 * 365 * 86_400 + 2_592_000))
        for seconds in [0, 59, 3_600, 3_659, 86_399, 86_400, 2_591_999, 2_592_000, 100_000_000] {
            #expect(DurationHistogram.start(ofIndex: DurationHistogram.index(of: seconds)) == DurationHistogram.step(seconds))
            #expect(DurationHistogram.step(seconds) <= seconds)
        }
    }

    /// The histogram's nearest-rank percentile is the exact one rounded down to its step, however
    /// the durations are split into days and added up again.
    @Test func percentilesOfAddedHistogramsAreTheExactOnesAtTheirStep() {
        var generator = SeededGenerator(seed: 3)
        for _ in 0..<20 {
            let values = (0..<Int.random(in: 1...300, using: &generator)).map { _ in
                [Int.random(in: 0..<3_600, using: &generator), Int.random(in: 0..<200_000, using: &generator),
                 Int.random(in: 0..<5_000_000, using: &generator)].randomElement(using: &generator)!
            }
            var total = DurationHistogram()
            for chunk in stride(from: 0, to: values.count, by: 17) {
                var day = DurationHistogram()
                for value in values[chunk..<min(chunk + 17, values.count)] { day.add(value) }
                var bytes: [UInt8] = []
                day.encode(into: &bytes)
                bytes.withUnsafeBufferPointer { buffer in
                    var position = 0
                    #expect(total.add(decoding: buffer, at: &position) && position == buffer.count)
                }
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

    /// Bytes cut short or out of range add what they can and say so; they never trap.
    @Test func damagedBytesAreRefused() {
        var histogram = DurationHistogram()
        histogram.add(60, times: 2)
        histogram.add(180)
        var bytes: [UInt8] = []
        histogram.encode(into: &bytes)
        for length in 0..<bytes.count {
            var partial = DurationHistogram()
            Array(bytes.prefix(length)).withUnsafeBufferPointer { buffer in
                var position = 0
                #expect(!partial.add(decoding: buffer, at: &position))
            }
            #expect(partial.count <= 3)
        }
        var huge: [UInt8] = []
        VarInt.append(1, to: &huge)
        VarInt.append(UInt64.max, to: &huge)
        VarInt.append(UInt64.max, to: &huge)
        huge.withUnsafeBufferPointer { buffer in
            var position = 0, other = DurationHistogram()
            #expect(!other.add(decoding: buffer, at: &position))
            #expect(other.count == 0)
        }
        var signed: [UInt8] = []
        for value in [0, -1, 1, Int.max, Int.min, -123_456] { VarInt.append(signed: value, to: &signed) }
        signed.withUnsafeBufferPointer { buffer in
            var position = 0
            #expect([0, -1, 1, Int.max, Int.min, -123_456].map { _ in VarInt.readSigned(buffer, at: &position) } == [0, -1, 1, Int.max, Int.min, -123_456])
        }
    }
}
