/// Accuracy, macro-F1 and per-class figures for a classifier's predictions.
public struct ClassificationReport: Sendable {
    public struct ClassFigures: Sendable {
        public var label: String
        public var precision: Double
        public var recall: Double
        public var f1: Double
        public var support: Int
    }

    public var accuracy: Double
    public var macroF1: Double
    public var perClass: [ClassFigures]
    public var count: Int

    /// `labels` fixes the order of the per-class figures; labels that occur only in the
    /// predictions or only in the truth are added after them.
    public init(truth: [String], predicted: [String], labels: [String] = []) {
        precondition(truth.count == predicted.count)
        var order = labels
        var known = Set(labels)
        for label in truth + predicted where !known.contains(label) {
            known.insert(label)
            order.append(label)
        }
        var truePositives: [String: Int] = [:]
        var predictedCount: [String: Int] = [:]
        var support: [String: Int] = [:]
        var correct = 0
        for (actual, guess) in zip(truth, predicted) {
            support[actual, default: 0] += 1
            predictedCount[guess, default: 0] += 1
            if actual == guess {
                correct += 1
                truePositives[actual, default: 0] += 1
            }
        }
        count = truth.count
        accuracy = truth.isEmpty ? 0 : Double(correct) / Double(truth.count)
        // Macro-F1 averages over every class in the truth or the predictions (as scikit-learn
        // does), so predicting a label that never occurs costs something.
        perClass = order.filter { support[$0, default: 0] > 0 || predictedCount[$0, default: 0] > 0 }.map { label in
            let tp = Double(truePositives[label, default: 0])
            let precision = predictedCount[label, default: 0] == 0 ? 0 : tp / Double(predictedCount[label]!)
            let recall = support[label, default: 0] == 0 ? 0 : tp / Double(support[label]!)
            let f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall)
            return ClassFigures(label: label, precision: precision, recall: recall, f1: f1,
                                support: support[label, default: 0])
        }
        macroF1 = perClass.isEmpty ? 0 : perClass.map(\.f1).reduce(0, +) / Double(perClass.count)
    }
}

/// How a classifier does on data with an out-of-scope label (CLINC150's "oos"): accuracy on the
/// rows that have an intent, and how many out-of-scope rows it recognised. A row is answered
/// out of scope when the model names that label or is less sure than its threshold.
public struct OutOfScopeReport: Sendable {
    public var inScopeAccuracy: Double
    public var inScopeRows: Int
    public var recall: Double
    public var precision: Double
    public var outOfScopeRows: Int

    /// Nil when no row of the truth is out of scope.
    public init?(truth: [String], predicted: [String], label: String) {
        let inScope = zip(truth, predicted).filter { $0.0 != label }
        let outOfScope = zip(truth, predicted).filter { $0.0 == label }
        guard !outOfScope.isEmpty else { return nil }
        let answered = predicted.filter { $0 == label }.count
        let recognised = outOfScope.filter { $0.1 == label }.count
        inScopeRows = inScope.count
        outOfScopeRows = outOfScope.count
        inScopeAccuracy = inScope.isEmpty ? 0 : Double(inScope.filter { $0.0 == $0.1 }.count) / Double(inScope.count)
        recall = Double(recognised) / Double(outOfScope.count)
        precision = answered == 0 ? 0 : Double(recognised) / Double(answered)
    }
}
