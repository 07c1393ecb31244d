import Foundation

/// Multinomial logistic regression by SGD over sparse vectors, single-threaded so that the
/// result does not depend on scheduling.
enum SoftmaxTrainer {
    /// Below this many examples a held-out fifth says too little; the weakest penalty is used.
    static let fewestForChoosing = 200

    /// The penalty of `TrainingOptions.l2Choices` whose model, trained on four fifths of the
    /// examples, has the most right answers on the fifth held out (the smaller log loss among
    /// equals). Penalties are tried from the weakest, two at a time on two threads, and the
    /// trying stops once a stronger one no longer helps: clean labels cost two trial trainings.
    /// The split is drawn from the options' seed and the pairs do not depend on the cores, so
    /// the choice repeats.
    static func chooseL2(vectors: [SparseVector], targets: [Int], rows: Int, classes: Int,
                         options: TrainingOptions) -> Float {
        let choices = TrainingOptions.l2Choices
        guard vectors.count >= fewestForChoosing, choices.count > 1 else { return choices[0] }
        var random = SplitMix64(seed: options.seed ^ 0x4C32)
        var order = Array(vectors.indices)
        random.shuffle(&order)
        let heldOut = Array(order.prefix(vectors.count / 5))
        let kept = order.dropFirst(vectors.count / 5)
        let trainVectors = kept.map { vectors[$0] }, trainTargets = kept.map { targets[$0] }
        var best = Trial(l2: choices[0], right: -1, loss: .infinity)
        for first in stride(from: 0, to: choices.count, by: 2) {
            let round = Array(choices[first..<min(choices.count, first + 2)])
            let trials = ParallelMap.map(round, chunks: round.count) { l2 -> Trial in
                var trial = options
                trial.l2 = l2
                let (weights, bias) = train(vectors: trainVectors, targets: trainTargets, rows: rows,
                                            classes: classes, options: trial)
                return score(l2: l2, weights: weights, bias: bias, classes: classes,
                             examples: heldOut.map { (vectors[$0], targets[$0]) })
            }
            for trial in trials where trial.isBetter(than: best) { best = trial }
            if best.l2 != round[round.count - 1] { break }
        }
        return best.l2
    }

    struct Trial: Sendable {
        var l2: Float
        var right: Int
        var loss: Double

        func isBetter(than other: Trial) -> Bool {
            right > other.right || (right == other.right && loss < other.loss)
        }
    }

    /// Right answers and summed log loss of float weights on labelled vectors.
    static func score(l2: Float, weights: [Float], bias: [Float], classes: Int,
                      examples: [(vector: SparseVector, target: Int)]) -> Trial {
        var right = 0
        var loss = 0.0
        var scores = [Float](repeating: 0, count: classes)
        for (vector, target) in examples {
            for k in 0..<classes { scores[k] = bias[k] }
            for position in vector.rows.indices {
                let base = Int(vector.rows[position]) * classes
                for k in 0..<classes { scores[k] += vector.values[position] * weights[base + k] }
            }
            var top = 0
            for k in 1..<classes where scores[k] > scores[top] { top = k }
            var sum: Float = 0
            for k in 0..<classes { sum += expf(scores[k] - scores[top]) }
            if top == target { right += 1 }
            loss += Double(logf(sum) - (scores[target] - scores[top]))
        }
        return Trial(l2: l2, right: right, loss: loss)
    }

    static func train(vectors: [SparseVector], targets: [Int], rows: Int, classes: Int,
                      options: TrainingOptions) -> (weights: [Float], bias: [Float]) {
        var weights = [Float](repeating: 0, count: rows * classes)
        var bias = [Float](repeating: 0, count: classes)
        // The weights are `scale * weights`: decaying all of them is one multiplication.
        var scale: Float = 1
        var random = SplitMix64(seed: options.seed)
        var order = Array(vectors.indices)
        let totalSteps = Float(max(1, options.epochs * vectors.count))
        var step: Float = 0
        var scores = [Float](repeating: 0, count: classes)
        let l2 = options.l2 ?? TrainingOptions.l2Choices[0]

        weights.withUnsafeMutableBufferPointer { weights in
            scores.withUnsafeMutableBufferPointer { scores in
                for _ in 0..<options.epochs {
                    random.shuffle(&order)
                    for example in order {
                        let rate = options.learningRate * max(0.0001, 1 - step / totalSteps)
                        step += 1
                        let vector = vectors[example]
                        // Forward.
                        for k in 0..<classes { scores[k] = bias[k] }
                        for position in vector.rows.indices {
                            let base = Int(vector.rows[position]) * classes
                            let value = vector.values[position] * scale
                            for k in 0..<classes { scores[k] += value * weights[base + k] }
                        }
                        var top = scores[0]
                        for k in 1..<classes where scores[k] > top { top = scores[k] }
                        var sum: Float = 0
                        for k in 0..<classes {
                            scores[k] = expf(scores[k] - top)
                            sum += scores[k]
                        }
                        // Gradient of the log loss: p - y.
                        let inverse = 1 / sum
                        for k in 0..<classes { scores[k] *= inverse }
                        scores[targets[example]] -= 1
                        // Decay, then step.
                        scale *= 1 - rate * l2
                        if scale < 1e-6 {
                            for index in 0..<weights.count { weights[index] *= scale }
                            scale = 1
                        }
                        let stepSize = rate / scale
                        for position in vector.rows.indices {
                            let base = Int(vector.rows[position]) * classes
                            let value = vector.values[position] * stepSize
                            for k in 0..<classes { weights[base + k] -= value * scores[k] }
                        }
                        for k in 0..<classes { bias[k] -= rate * scores[k] }
                    }
                }
                for index in 0..<weights.count { weights[index] *= scale }
            }
        }
        return (weights, bias)
    }
}
