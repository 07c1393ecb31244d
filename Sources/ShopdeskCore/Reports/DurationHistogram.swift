import Foundation

/// Durations counted at the precision a report shows them: to the second under an hour, to the
/// minute under a day, to ten minutes under thirty days and to the hour beyond. A period's
/// percentiles are read from the sum of its days' histograms, so a year costs as little as a week,
/// and the same figure read from the conversations themselves (a filter the daily rollups do not
/// keep) gives the same answer: both round each percentile down to its step.
public struct DurationHistogram: Equatable, Sendable {
    /// Step start (seconds) → how many durations fall in that step.
    public private(set) var counts: [Int: Int] = [:]
    public private(set) var count = 0

    public init() {}

    /// The start of the step `seconds` falls in (negative durations, from clocks that disagree, stay as they are).
    public static func step(_ seconds: Int) -> Int {
        switch seconds {
        case ..<3_600: seconds
        case ..<86_400: seconds - seconds % 60
        case ..<(30 * 86_400): seconds - seconds % 600
        default: seconds - seconds % 3_600
        }
    }

    public mutating func add(_ seconds: Int, times: Int = 1) {
        guard times != 0 else { return }
        counts[Self.step(seconds), default: 0] += times
        count += times
    }

    public mutating func add(_ other: DurationHistogram) {
        for (step, n) in other.counts { counts[step, default: 0] += n }
        count += other.count
    }

    /// The nearest-rank percentile (`share` in 0…1), as the start of its step.
    public func percentile(_ share: Double) -> Int? {
        percentiles([share])[0]
    }

    /// Several nearest-rank percentiles in one pass over the sorted steps.
    public func percentiles(_ shares: [Double]) -> [Int?] {
        guard count > 0 else { return shares.map { _ in nil } }
        let ranks = shares.map { max(1, Int(($0 * Double(count)).rounded(.up))) }
        var answers = [Int?](repeating: nil, count: shares.count)
        var seen = 0
        for step in counts.keys.sorted() {
            seen += counts[step] ?? 0
            for (index, rank) in ranks.enumerated() where answers[index] == nil && seen >= rank { answers[index] = step }
            if !answers.contains(where: { $0 == nil }) { break }
        }
        return answers
    }

    /// How many durations fall under each bound (the last: at or over the last bound). The bounds
    /// must be step starts (whole minutes under a day, ten minutes under thirty days…).
    public func buckets(_ bounds: [Int]) -> [Int] {
        var buckets = Array(repeating: 0, count: bounds.count + 1)
        for (step, n) in counts { buckets[bounds.firstIndex { step < $0 } ?? bounds.count] += n }
        return buckets
    }

    /// `step:count` pairs separated by commas, in step order (empty for none).
    public var text: String {
        counts.keys.sorted().map { "\($0):\(counts[$0] ?? 0)" }.joined(separator: ",")
    }

    /// Reads `text`; anything that is not a `step:count` pair is skipped.
    public init(text: Substring) {
        for pair in text.split(separator: ",") {
            let parts = pair.split(separator: ":", maxSplits: 1)
            guard parts.count == 2, let step = Int(parts[0]), let n = Int(parts[1]), n > 0 else { continue }
            counts[step, default: 0] += n
            count += n
        }
    }
}
