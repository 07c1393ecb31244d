import ArgumentParser
import Foundation
import ShopdeskCore
import ShopdeskServer

extension Bench {
    /// Rule evaluation on one core: a workspace's worth of varied rules against varied inbound
    /// messages in four languages, facts prepared the way the ingest path prepares them.
    struct Rules: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Evaluate rules against inbound messages on one thread and report evaluations per second.")

        @Option(help: "Active rules.") var rules = 200
        @Option(help: "Message evaluations to time.") var evaluations = 1_000_000
        @Option(help: "Seed for the generated rules.") var seed: UInt64 = 7

        func run() throws {
            var generator = SeededGenerator(seed: seed)
            let compileStart = ContinuousClock.now
            let definitions = (0..<rules).map { RulesBenchData.rule(index: $0, using: &generator) }
            let set = RuleSet(definitions.enumerated().map { (Int64($0.offset + 1), $0.element) })
            let compileTime = ContinuousClock.now - compileStart
            let texts = RulesBenchData.messages
            let prepared = texts.indices.map { RulesBenchData.facts(index: $0, text: texts[$0], rules: set) }

            var fired = 0
            let evaluateStart = ContinuousClock.now
            for index in 0..<evaluations { fired += set.countMatches(prepared[index % prepared.count]) }
            let evaluateTime = ContinuousClock.now - evaluateStart

            let withFactsCount = max(1, evaluations / 10)
            let factsStart = ContinuousClock.now
            for index in 0..<withFactsCount {
                fired += set.countMatches(RulesBenchData.facts(index: index, text: texts[index % texts.count], rules: set))
            }
            let factsTime = ContinuousClock.now - factsStart

            func perSecond(_ count: Int, _ duration: Duration) -> String {
                let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
                return String(format: "%10.0f /s  (%6.2f µs each)", Double(count) / seconds, seconds / Double(count) * 1e6)
            }
            Console.out("rules: \(set.rules.count) active, compiled in \(compileTime.formatted(.units(allowed: [.milliseconds])))")
            Console.out("evaluate (facts prepared)      \(perSecond(evaluations, evaluateTime))")
            Console.out("prepare facts + evaluate       \(perSecond(withFactsCount, factsTime))")
            Console.out(String(format: "rules fired per message: %.2f", Double(fired) / Double(evaluations + withFactsCount)))
        }
    }
}
