import Foundation
import ShopdeskCore

/// The guard every parser of user input runs under in the tests: random and hostile input for
/// a bounded number of tries (a crash fails the run), and no superlinear growth.
///
/// Growth is judged without a time limit: the same hostile shape at two sizes a hundred times
/// apart, each parsed a few times and the fastest kept, in the thread's own CPU time (so other
/// processes on a shared machine barely count). Linear work grows about ×100; quadratic work
/// ×10,000. The bound sits at ×1,500, far from both, so the check holds on a noisy machine and
/// still catches the class (the nested quotes of a help article took two hours for one view).
public enum ParserProbe {
    /// `count` inputs mixing the parser's own syntax (`alphabet`) with random bytes, of lengths
    /// up to `maxLength`: what a fuzzer would try first.
    public static func inputs(count: Int, alphabet: [String], maxLength: Int = 400, seed: UInt64 = 22) -> [String] {
        var random = SeededGenerator(seed: seed)
        let noise = ["\u{0}", "\u{FEFF}", "é", "ж", "€", "\r", "\n", "\t", " ", "\u{10FFFF}", "\u{301}", "\\", "\""]
        return (0..<count).map { _ in
            var text = ""
            let length = Int.random(in: 0...maxLength, using: &random)
            while text.unicodeScalars.count < length {
                let pool = Bool.random(using: &random) ? alphabet : noise
                text += pool.randomElement(using: &random) ?? ""
            }
            return text
        }
    }

    /// How many times longer the largest input took than the smallest (fastest of three runs
    /// of the small one; the large one runs again only when its first run looked too slow, so a
    /// quadratic parser fails after one slow run instead of three).
    public static func growth(small: Int = 2_000, large: Int = 200_000, make: (Int) -> String, parse: (String) -> Void) -> Double {
        func once(_ input: String) -> Double {
            let start = threadCPUTime()
            parse(input)
            return threadCPUTime() - start
        }
        let smallInput = make(small), largeInput = make(large)
        parse(smallInput)   // warm caches and lazily built tables
        // A floor for the small run: a few microseconds of timer resolution must not inflate the ratio.
        let base = max((0..<3).map { _ in once(smallInput) }.min() ?? 0, 20e-6)
        var ratio = once(largeInput) / base
        var tries = 1
        while ratio >= linearBound, ratio < linearBound * 10, tries < 3 {
            ratio = min(ratio, once(largeInput) / base)
            tries += 1
        }
        return ratio
    }

    /// The largest growth ratio a linear parser may show for inputs ×100 apart.
    public static let linearBound = 1_500.0

    private static func threadCPUTime() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
