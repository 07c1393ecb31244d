import Foundation

/// A text's features after weighting: rows of a model with their values.
struct SparseVector: Sendable {
    var rows: [Int32] = []
    var values: [Float] = []
}

/// What a classifier says about one text.
public struct Prediction: Sendable, Equatable {
    public var label: String
    public var confidence: Double
    /// Every label with its probability, most likely first.
    public var ranking: [(label: String, probability: Double)]

    public static func == (lhs: Prediction, rhs: Prediction) -> Bool {
        lhs.label == rhs.label && lhs.confidence == rhs.confidence
            && lhs.ranking.map(\.label) == rhs.ranking.map(\.label)
            && lhs.ranking.map(\.probability) == rhs.ranking.map(\.probability)
    }
}

public struct TrainingOptions: Sendable, Equatable {
    public var epochs: Int
    public var learningRate: Float
    /// L2 penalty per example; nil lets the trainer choose one of `l2Choices` on a held-out part
    /// of the training set.
    public var l2: Float?
    public var seed: UInt64

    /// The penalties a training without `l2` tries. The weakest suits clean labels (every
    /// intent corpus we have); noisy ones — sentiment labelled by the emoticons people typed,
    /// say — need the stronger ones, or the model learns each example's noise by heart.
    public static let l2Choices: [Float] = [1e-5, 1e-4, 3e-4, 1e-3]

    public init(epochs: Int = 25, learningRate: Float = 0.5, l2: Float? = nil, seed: UInt64 = 20_261_124) {
        self.epochs = epochs
        self.learningRate = learningRate
        self.l2 = l2
        self.seed = seed
    }
}

/// A linear text classifier of our own: hashed word and character n-grams (`Featurizer`), TF-IDF
/// weighting with each block L2-normalized, and a multinomial logistic regression (softmax)
/// trained by SGD with L2 weight decay and a linearly decaying learning rate. Softmax gives real
/// probabilities, which is what thresholds such as "leave the intent unset below 0.5" need.
///
/// Training is deterministic: the same texts, labels, options and seed give a bit-identical model.
public struct TextClassifier: Sendable {
    public let labels: [String]
    public let config: FeatureConfig
    let index: FeatureIndex
    let idf: [Float]
    /// rows × classes, row-major, each row quantized to 8 bits with its own scale: a quarter of
    /// the memory of floats, and prediction is bound by memory traffic, not arithmetic.
    let weights: [Int8]
    let rowScales: [Float]
    let bias: [Float]
    /// Free text kept with the model: what it was trained on, when, how it evaluated.
    public var notes: String

    init(labels: [String], config: FeatureConfig, index: FeatureIndex, idf: [Float], weights: [Int8],
         rowScales: [Float], bias: [Float], notes: String) {
        self.labels = labels
        self.config = config
        self.index = index
        self.idf = idf
        self.weights = weights
        self.rowScales = rowScales
        self.bias = bias
        self.notes = notes
    }

    /// Rounds each row of trained float weights to Int8 with the row's largest magnitude as scale.
    static func quantize(_ weights: [Float], classes: Int) -> (weights: [Int8], scales: [Float]) {
        let rows = weights.count / classes
        let stride = stride(classes: classes)
        var quantized = [Int8](repeating: 0, count: rows * stride)
        var scales = [Float](repeating: 0, count: rows)
        for row in 0..<rows {
            let base = row * classes
            var largest: Float = 0
            for k in 0..<classes { largest = max(largest, abs(weights[base + k])) }
            guard largest > 0 else { continue }
            let scale = largest / 127
            scales[row] = scale
            for k in 0..<classes {
                quantized[row * stride + k] = Int8((weights[base + k] / scale).rounded())
            }
        }
        return (quantized, scales)
    }

    public var featureCount: Int { index.count }
    var featurizer: Featurizer { Featurizer(config: config) }

    // MARK: Prediction

    public func predict(_ text: String) -> Prediction {
        predict(features: featurizer.raw(text))
    }

    /// `predict` for features computed once and shared between models of the same `config`.
    public func predict(features: RawFeatures) -> Prediction {
        let probabilities = self.probabilities(features: features)
        let order = probabilities.indices.sorted { probabilities[$0] > probabilities[$1] || (probabilities[$0] == probabilities[$1] && $0 < $1) }
        let ranking = order.map { (label: labels[$0], probability: Double(probabilities[$0])) }
        return Prediction(label: ranking[0].label, confidence: ranking[0].probability, ranking: ranking)
    }

    /// The most likely label only: the fast path for bulk evaluation.
    public func predictLabel(_ text: String) -> Int {
        let scores = self.scores(vector(featurizer.raw(text)))
        var best = 0
        for index in scores.indices where scores[index] > scores[best] { best = index }
        return best
    }

    public func probabilities(_ text: String) -> [Float] {
        probabilities(features: featurizer.raw(text))
    }

    public func probabilities(features: RawFeatures) -> [Float] {
        var scores = self.scores(vector(features))
        TextClassifier.softmax(&scores)
        return scores
    }

    /// Row width in `weights`: the class count rounded up to whole 16-lane vectors.
    var stride: Int { TextClassifier.stride(classes: labels.count) }
    static func stride(classes: Int) -> Int { (classes + 15) / 16 * 16 }

    func scores(_ vector: SparseVector) -> [Float] {
        let classes = labels.count
        let lanes = stride / 16
        var accumulators = [SIMD16<Float>](repeating: .zero, count: lanes)
        weights.withUnsafeBytes { weights in
            rowScales.withUnsafeBufferPointer { rowScales in
                accumulators.withUnsafeMutableBufferPointer { accumulators in
                    for position in vector.rows.indices {
                        let row = Int(vector.rows[position])
                        let value = SIMD16<Float>(repeating: vector.values[position] * rowScales[row])
                        var offset = row * lanes * 16
                        for lane in 0..<lanes {
                            let packed = weights.loadUnaligned(fromByteOffset: offset, as: SIMD16<Int8>.self)
                            accumulators[lane] += value * SIMD16<Float>(packed)
                            offset += 16
                        }
                    }
                }
            }
        }
        var scores = bias
        for k in 0..<classes { scores[k] += accumulators[k / 16][k % 16] }
        return scores
    }

    func vector(_ raw: RawFeatures) -> SparseVector {
        var result = SparseVector()
        result.rows.reserveCapacity(raw.wordKeys.count + raw.charKeys.count)
        result.values.reserveCapacity(raw.wordKeys.count + raw.charKeys.count)
        TextClassifier.appendBlock(raw.wordKeys, to: &result) { index.row($0) } weight: { idf[$0] }
        TextClassifier.appendBlock(raw.charKeys, to: &result) { index.row($0) } weight: { idf[$0] }
        return result
    }

    /// Counts each key, weights it by (1 + ln tf) · idf, and L2-normalizes the block. Keys the
    /// model never saw are dropped before normalizing. Counting uses a small open-addressing
    /// table rather than a sort: this runs for every message and a sort was most of its cost.
    static func appendBlock(_ keys: [UInt64], to vector: inout SparseVector, row: (UInt64) -> Int?,
                            weight: (Int) -> Float) {
        guard !keys.isEmpty else { return }
        var capacity = 16
        while capacity < keys.count * 2 { capacity <<= 1 }
        let mask = capacity - 1
        var slots = [Int32](repeating: -1, count: capacity)
        var counts = [Int32](repeating: 0, count: capacity)
        let start = vector.rows.count
        for key in keys {
            guard let found = row(key) else { continue }
            var slot = (found &* 0x9E37) & mask
            while slots[slot] != -1, slots[slot] != Int32(found) { slot = (slot + 1) & mask }
            if slots[slot] == -1 {
                slots[slot] = Int32(found)
                vector.rows.append(Int32(found))
                vector.values.append(Float(slot))
            }
            counts[slot] += 1
        }
        guard vector.rows.count > start else { return }
        var squares: Float = 0
        for index in start..<vector.rows.count {
            let count = counts[Int(vector.values[index])]
            let value = (1 + logf(Float(count))) * weight(Int(vector.rows[index]))
            vector.values[index] = value
            squares += value * value
        }
        guard squares > 0 else { return }
        let scale = 1 / squares.squareRoot()
        for index in start..<vector.values.count { vector.values[index] *= scale }
    }

    static func softmax(_ scores: inout [Float]) {
        guard let top = scores.max() else { return }
        var sum: Float = 0
        for index in scores.indices {
            scores[index] = expf(scores[index] - top)
            sum += scores[index]
        }
        for index in scores.indices { scores[index] /= sum }
    }

    // MARK: Training

    public enum TrainingError: Error, CustomStringConvertible {
        case empty
        case mismatched(texts: Int, labels: Int)
        case oneLabel(String)

        public var description: String {
            switch self {
            case .empty: "there is nothing to train on: the training set has no rows"
            case let .mismatched(texts, labels): "\(texts) texts but \(labels) labels"
            case let .oneLabel(label): "every training row has the label \"\(label)\"; a classifier needs at least two"
            }
        }
    }

    public static func train(texts: [String], labels: [String], config: FeatureConfig,
                             options: TrainingOptions = TrainingOptions(), notes: String = "") throws -> TextClassifier {
        guard !texts.isEmpty else { throw TrainingError.empty }
        guard texts.count == labels.count else { throw TrainingError.mismatched(texts: texts.count, labels: labels.count) }
        // Labels in order of first appearance: deterministic and readable.
        var labelIDs: [String: Int] = [:]
        var labelNames: [String] = []
        let targets = labels.map { label -> Int in
            if let id = labelIDs[label] { return id }
            labelIDs[label] = labelNames.count
            labelNames.append(label)
            return labelNames.count - 1
        }
        guard labelNames.count >= 2 else { throw TrainingError.oneLabel(labelNames[0]) }

        let featurizer = Featurizer(config: config)
        let raws = ParallelMap.map(texts) { featurizer.raw($0) }

        // Vocabulary in order of first appearance, with document frequencies.
        var rowOf: [UInt64: Int] = [:]
        var keys: [UInt64] = []
        var documentFrequency: [Int] = []
        var lastDocument: [Int] = []
        for (document, raw) in raws.enumerated() {
            for block in [raw.wordKeys, raw.charKeys] {
                for key in block {
                    if let row = rowOf[key] {
                        if lastDocument[row] != document {
                            lastDocument[row] = document
                            documentFrequency[row] += 1
                        }
                    } else {
                        rowOf[key] = keys.count
                        keys.append(key)
                        documentFrequency.append(1)
                        lastDocument.append(document)
                    }
                }
            }
        }
        let index = FeatureIndex(keys: keys)
        let documents = Float(texts.count)
        let idf = documentFrequency.map { logf((1 + documents) / (1 + Float($0))) + 1 }

        let vectors = ParallelMap.map(raws) { raw -> SparseVector in
            var vector = SparseVector()
            appendBlock(raw.wordKeys, to: &vector) { index.row($0) } weight: { idf[$0] }
            appendBlock(raw.charKeys, to: &vector) { index.row($0) } weight: { idf[$0] }
            return vector
        }
        var options = options
        if options.l2 == nil {
            options.l2 = SoftmaxTrainer.chooseL2(vectors: vectors, targets: targets, rows: keys.count,
                                                 classes: labelNames.count, options: options)
        }
        let (weights, bias) = SoftmaxTrainer.train(vectors: vectors, targets: targets, rows: keys.count,
                                                   classes: labelNames.count, options: options)
        let (quantized, scales) = quantize(weights, classes: labelNames.count)
        return TextClassifier(labels: labelNames, config: config, index: index, idf: idf, weights: quantized,
                              rowScales: scales, bias: bias, notes: notes)
    }
}

/// A small deterministic random number generator, so that training with a seed repeats exactly.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return Hash.mix(state)
    }

    /// Fisher–Yates with our own draws, so the order does not change with the standard library.
    public mutating func shuffle<T>(_ array: inout [T]) {
        guard array.count > 1 else { return }
        for index in stride(from: array.count - 1, to: 0, by: -1) {
            let other = Int(next() % UInt64(index + 1))
            array.swapAt(index, other)
        }
    }
}

enum ParallelMap {
    /// Maps in order on all cores; the result does not depend on how work was scheduled.
    static func map<Input: Sendable, Output: Sendable>(_ inputs: [Input], chunks: Int? = nil,
                                                       _ transform: @Sendable (Input) -> Output) -> [Output] {
        let chunks = chunks ?? max(1, min(ProcessInfo.processInfo.activeProcessorCount, inputs.count / 256))
        if chunks == 1 { return inputs.map(transform) }
        let results = ResultSlots<[Output]>(count: chunks)
        let size = (inputs.count + chunks - 1) / chunks
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            let range = (chunk * size)..<min(inputs.count, (chunk + 1) * size)
            results.set(chunk, inputs[range].map(transform))
        }
        return results.values.flatMap { $0! }
    }
}

private final class ResultSlots<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var values: [Value?]
    init(count: Int) { values = Array(repeating: nil, count: count) }
    func set(_ index: Int, _ value: Value) {
        lock.lock()
        values[index] = value
        lock.unlock()
    }
}
