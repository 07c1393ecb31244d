import ArgumentParser
import Foundation
import ShopdeskCore
import ShopdeskIntelligence

extension Bench {
    /// The CPU that every inbound message costs before it reaches the database: search folding
    /// and classification. Single-threaded, on the benchmark's generated text and on a few
    /// real-sounding messages.
    struct Text: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Time search folding and classification per message on one core.")

        @Option(help: "Messages per measurement.") var count = 20_000

        func run() async throws {
            var generator = TextGenerator(seed: 11)
            let generated = (0..<count).map { _ in generator.sentence(words: 24) }
            let samples = [
                "Hi, where is my order #10482? It was supposed to arrive on Monday and the tracking hasn't moved.",
                "Olá, gostaria de trocar o tamanho da camiseta do pedido 5521 por um M. Obrigada!",
                "Здравствуйте! Заказ №7730 пришёл с разбитой кружкой, что делать?",
                "Pozdrav, narudžba 3312 još nije stigla, a platila sam prije dva tjedna. Hitno!",
            ]
            let written = (0..<count).map { samples[$0 % samples.count] }
            let intelligence = try Intelligence.shipped()
            for (name, texts) in [("generated (24 words)", generated), ("written samples", written)] {
                let fold = measure(texts) { SearchText.fold($0).utf8.count }
                let classify = measure(texts) { intelligence.analyze($0).sentimentScore > 2 ? 1 : 0 }
                Console.out("\(name): fold \(format(fold)) µs, classify \(format(classify)) µs per message")
            }
        }

        private func measure(_ texts: [String], _ body: (String) -> Int) -> Double {
            var sink = 0
            for text in texts.prefix(500) { sink &+= body(text) }   // warm caches and lazy statics
            let started = DispatchTime.now().uptimeNanoseconds
            for text in texts { sink &+= body(text) }
            let elapsed = Double(DispatchTime.now().uptimeNanoseconds - started) / 1000
            // The bodies call into other modules, which the optimizer cannot see through, so the
            // work is never removed; keeping the result alive to here makes that explicit.
            withExtendedLifetime(sink) {}
            return elapsed / Double(texts.count)
        }

        private func format(_ micros: Double) -> String { String(format: "%.1f", micros) }
    }
}
