import Foundation

/// Durations counted at the precision a report shows them: to the second under an hour, to the
/// minute under a day, to ten minutes under thirty days and to the hour beyond (up to five years;
/// longer ones count as five years, negative ones — clocks that disagree — as zero). A period's
/// percentiles are read from the sum of its days' histograms, so a year costs little more than a
/// week, and the same figure read from the conversations themselves (a filter the daily rollups
/// do not keep) gives the same answer: both round each percentile down to its step.
public struct DurationHistogram: Equatable, Sendable {
    /// How many durations fall in each step, by the step's index (see `index(of:)`).
    public private(set) var counts: [Int] = []
    public private(set) var count = 0

    public init() {}

    public static func == (a: DurationHistogram, b: DurationHistogram) -> Bool {
        a.count == b.count && a.counts.reversed().drop { $0 == 0 }.elementsEqual(b.counts.reversed().drop { $0 == 0 })
    }

    static let minuteSteps = 3_600, tenMinuteSteps = 4_980, hourSteps = 9_156
    static let lastIndex = hourSteps + 5 * 365 * 24

    /// The index of the step `seconds` falls in.
    public static func index(of seconds: Int) -> Int {
        switch seconds {
        case ..<0: 0
        case ..<3_600: seconds
        case ..<86_400: minuteSteps + (seconds - 3_600) / 60
        case ..<2_592_000: tenMinuteSteps + (seconds - 86_400) / 600
        default: min(lastIndex, hourSteps + (seconds - 2_592_000) / 3_600)
        }
    }

    /// The first second of a step.
    public static func start(ofIndex index: Int) -> Int {
        switch index {
        case ..<minuteSteps: index
        case ..<tenMinuteSteps: 3_600 + (index - minuteSteps) * 60
        case ..<hourSteps: 86_400 + (index - tenMinuteSteps) * 600
        default: 2_592_000 + (index - hourSteps) * 3_600
        }
    }

    /// The start of the step `seconds` falls in: the value a percentile is reported as.
    public static func step(_ seconds: Int) -> Int { start(ofIndex: index(of: seconds)) }

    public mutating func add(_ seconds: Int, times: Int = 1) {
        add(index: Self.index(of: seconds), times: times)
    }

    private mutating func add(index: Int, times: Int) {
        guard times > 0, index >= 0, index <= Self.lastIndex else { return }
        if index >= counts.count { counts.append(contentsOf: repeatElement(0, count: index + 1 - counts.count)) }
        counts[index] += times
        count += times
    }

    public mutating func add(_ other: DurationHistogram) {
        if other.counts.count > counts.count { counts.append(contentsOf: repeatElement(0, count: other.counts.count - counts.count)) }
        for (index, n) in other.counts.enumerated() where n != 0 { counts[index] += n }
        count += other.count
    }

    /// The nearest-rank percentile (`share` in 0…1), as the start of its step.
    public func percentile(_ share: Double) -> Int? {
        percentiles([share])[0]
    }

    /// Several nearest-rank percentiles in one pass over the steps.
    public func percentiles(_ shares: [Double]) -> [Int?] {
        guard count > 0 else { return shares.map { _ in nil } }
        let ranks = shares.map { max(1, Int(($0 * Double(count)).rounded(.up))) }
        var answers = [Int?](repeating: nil, count: shares.count)
        var seen = 0
        for (index, n) in counts.enumerated() where n != 0 {
            seen += n
            for (which, rank) in ranks.enumerated() where answers[which] == nil && seen >= rank { answers[which] = Self.start(ofIndex: index) }
            if !answers.contains(where: { $0 == nil }) { break }
        }
        return answers
    }

    /// How many durations fall under each bound (the last: at or over the last bound). The bounds
    /// must be step starts (whole minutes under a day, ten minutes under thirty days…).
    public func buckets(_ bounds: [Int]) -> [Int] {
        let limits = bounds.map(Self.index(of:))
        var buckets = Array(repeating: 0, count: bounds.count + 1)
        for (index, n) in counts.enumerated() where n != 0 { buckets[limits.firstIndex { index < $0 } ?? limits.count] += n }
        return buckets
    }

    // MARK: Bytes

    /// The steps in use as varints: how many, then for each the distance from the previous one
    /// and its count.
    public func encode(into bytes: inout [UInt8]) {
        Self.encode(steps: Dictionary(uniqueKeysWithValues: counts.indices.filter { counts[$0] != 0 }.map { ($0, counts[$0]) }), into: &bytes)
    }

    /// The same bytes from step indexes and their counts (how a day is added up: sparse).
    public static func encode(steps: [Int: Int], into bytes: inout [UInt8]) {
        let used = steps.keys.filter { (steps[$0] ?? 0) > 0 && $0 >= 0 && $0 <= lastIndex }.sorted()
        VarInt.append(UInt64(used.count), to: &bytes)
        var previous = 0
        for index in used {
            VarInt.append(UInt64(index - previous), to: &bytes)
            VarInt.append(UInt64(steps[index] ?? 0), to: &bytes)
            previous = index
        }
    }

    /// Adds a histogram `encode` wrote at `position` (moved past it). Returns false, having added
    /// what it could, when the bytes end early.
    @discardableResult
    public mutating func add(decoding bytes: UnsafeBufferPointer<UInt8>, at position: inout Int) -> Bool {
        guard let used = VarInt.read(bytes, at: &position) else { return false }
        var index = 0
        for _ in 0..<min(used, UInt64(Self.lastIndex + 1)) {
            guard let distance = VarInt.read(bytes, at: &position), let n = VarInt.read(bytes, at: &position),
                  distance <= UInt64(Self.lastIndex), n <= UInt64(Int.max / 2) else { return false }
            index += Int(distance)
            add(index: index, times: Int(n))
        }
        return true
    }
}

/// Unsigned LEB128 numbers, and signed ones zigzagged.
public enum VarInt {
    public static func append(_ value: UInt64, to bytes: inout [UInt8]) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(value & 0x7F) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    public static func append(signed value: Int, to bytes: inout [UInt8]) {
        append(UInt64(bitPattern: Int64((value << 1) ^ (value >> 63))), to: &bytes)
    }

    /// The number at `position` (moved past it), or nil when the bytes end inside it or it is too long.
    public static func read(_ bytes: UnsafeBufferPointer<UInt8>, at position: inout Int) -> UInt64? {
        var value: UInt64 = 0, shift: UInt64 = 0
        while position < bytes.count, shift < 64 {
            let byte = bytes[position]
            position += 1
            value |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return value }
            shift += 7
        }
        return nil
    }

    public static func readSigned(_ bytes: UnsafeBufferPointer<UInt8>, at position: inout Int) -> Int? {
        guard let raw = read(bytes, at: &position) else { return nil }
        return Int(Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1))))
    }
}
