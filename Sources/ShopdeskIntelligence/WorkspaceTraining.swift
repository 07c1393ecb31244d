import Foundation

/// Learning from one shop: the intents and sentiments its agents corrected (and its
/// conversations tagged with an intent's name) teach a workspace model trained on the shipped
/// corpus plus those labels. A quarter of the shop's labels is held out; the workspace model is
/// adopted only if it classifies them better than the shipped one does.
public enum WorkspaceTraining {
    public enum Task: String, Codable, Sendable, CaseIterable {
        case intent, sentiment
        /// Agents' spam and not-spam choices; the shipped side is `SpamCheck`'s rules.
        case spam
    }

    public struct Example: Equatable, Sendable {
        public var text: String
        public var label: String
        public init(text: String, label: String) { self.text = text; self.label = label }
    }

    public struct Report: Codable, Equatable, Sendable {
        public var task: Task
        public var examples: Int
        public var heldOut: Int
        public var shippedAccuracy: Double?
        public var workspaceAccuracy: Double?
        public var adopted: Bool
        /// Why the model was or was not adopted, in a sentence for admins.
        public var reason: String
        public var seconds: Double

        enum CodingKeys: String, CodingKey {
            case task, examples, adopted, reason, seconds
            case heldOut = "held_out"
            case shippedAccuracy = "shipped_accuracy"
            case workspaceAccuracy = "workspace_accuracy"
        }
    }

    /// Fewer labels than this teach nothing reliable; the report says how many are missing.
    public static let minimumExamples = 20
    /// The shop's own examples count this many times against the corpus's.
    public static let weight = 3

    /// The team's corpus for a task, as shipped in the bundle. Spam's is the team's written spam
    /// (`Corpus/spam.csv`) against every customer question of the intent corpus.
    public static func corpus(_ task: Task) throws -> LabeledExamples {
        if task == .spam {
            guard let url = Bundle.module.url(forResource: "spam", withExtension: "csv", subdirectory: "Corpus") else {
                throw Intelligence.LoadError.missing("Corpus/spam.csv")
            }
            var all = try LabeledExamples.read(path: url.path)
            let questions = try corpus(.intent).texts
            all.texts += questions
            all.labels += Array(repeating: "ham", count: questions.count)
            return all
        }
        var all = LabeledExamples()
        for part in ["train", "test"] {
            guard let url = Bundle.module.url(forResource: "\(task.rawValue)_\(part)", withExtension: "csv", subdirectory: "Corpus") else {
                throw Intelligence.LoadError.missing("Corpus/\(task.rawValue)_\(part).csv")
            }
            let examples = try LabeledExamples.read(path: url.path)
            all.texts += examples.texts
            all.labels += examples.labels
        }
        return all
    }

    /// The shop's labels split for training and judging (every fourth held out), and the
    /// training set: the task's corpus plus the learnt labels counted `weight` times.
    static func trainingSet(_ task: Task, _ examples: [Example]) throws
        -> (texts: [String], labels: [String], learn: [Example], judge: [Example]) {
        var learn: [Example] = []
        var judge: [Example] = []
        for (index, example) in examples.enumerated() {
            if index % 4 == 3 { judge.append(example) } else { learn.append(example) }
        }
        let corpus = try corpus(task)
        var texts = corpus.texts
        var labels = corpus.labels
        // A label the corpus does not have (the workspace's own intent) is taught by a handful
        // of examples against hundreds per corpus label: they count as much as half a typical
        // corpus label, so the new intent can win where it fits.
        var perLabel: [String: Int] = [:]
        for label in corpus.labels { perLabel[label, default: 0] += 1 }
        let typical = perLabel.values.sorted().dropFirst(perLabel.count / 2).first ?? 0
        var newCounts: [String: Int] = [:]
        for example in learn where perLabel[example.label] == nil { newCounts[example.label, default: 0] += 1 }
        for example in learn {
            let times = newCounts[example.label].map { max(weight, min(maximumNewLabelWeight, typical / (2 * $0))) } ?? weight
            texts += Array(repeating: example.text, count: times)
            labels += Array(repeating: example.label, count: times)
        }
        return (texts, labels, learn, judge)
    }

    /// At most this many times one example of a new label counts.
    static let maximumNewLabelWeight = 30
    /// A new intent with this many examples is learnt even before the workspace has
    /// `minimumExamples` labels (one of every four is held out to judge it).
    public static let minimumNewIntentExamples = 4

    /// Trains and judges a workspace model. Deterministic: the same labels give the same model.
    /// A held-out label counts as right only when the model gives it with at least `threshold`
    /// confidence, as classification in the product does (an intent below it stays unset).
    public static func train(_ task: Task, examples: [Example], shipped: TextClassifier, threshold: Double = 0) throws -> (model: TextClassifier?, report: Report) {
        let started = Date()
        var newLabelCounts: [String: Int] = [:]
        for example in examples where !shipped.labels.contains(example.label) { newLabelCounts[example.label, default: 0] += 1 }
        let teachesNewIntent = task == .intent && newLabelCounts.values.contains { $0 >= minimumNewIntentExamples }
        guard examples.count >= minimumExamples || teachesNewIntent else {
            return (nil, Report(task: task, examples: examples.count, heldOut: 0, shippedAccuracy: nil, workspaceAccuracy: nil, adopted: false,
                                reason: "\(examples.count) corrected \(task.rawValue) labels so far; at least \(minimumExamples) are needed to train and judge a model.",
                                seconds: 0))
        }
        let (texts, labels, learn, judge) = try trainingSet(task, examples)
        guard !judge.isEmpty else {
            return (nil, Report(task: task, examples: examples.count, heldOut: 0, shippedAccuracy: nil, workspaceAccuracy: nil, adopted: false,
                                reason: "Too few labels to hold any out and judge a model.", seconds: 0))
        }
        let notes = "\(task.rawValue) model for one workspace: the Shopdesk corpus plus \(learn.count) of its own labels"
        let model = try TextClassifier.train(texts: texts, labels: labels, config: shipped.config, notes: notes)
        let accuracy = { (classifier: TextClassifier) in
            Double(judge.filter { example in
                let prediction = classifier.predict(example.text)
                return prediction.label == example.label && prediction.confidence >= threshold
            }.count) / Double(judge.count)
        }
        return verdict(task, model: model, examples: examples.count, heldOut: judge.count, before: accuracy(shipped), after: accuracy(model),
                       baseline: "the shipped model", started: started)
    }

    /// The model if it is right more often than the baseline on the held-out labels, and the
    /// report that says so in a sentence for admins.
    static func verdict(_ task: Task, model: TextClassifier, examples: Int, heldOut: Int, before: Double, after: Double,
                        baseline: String, started: Date) -> (model: TextClassifier?, report: Report) {
        let adopted = after > before
        let percent = { (value: Double) in String(format: "%.1f %%", value * 100) }
        let reason = adopted
            ? "Adopted: on \(heldOut) held-out labels of this shop it is right \(percent(after)) of the time, \(baseline) \(percent(before))."
            : "Kept \(baseline): on \(heldOut) held-out labels the workspace model is right \(percent(after)) of the time, \(baseline) \(percent(before))."
        return (adopted ? model : nil, Report(task: task, examples: examples, heldOut: heldOut, shippedAccuracy: before,
                                              workspaceAccuracy: after, adopted: adopted, reason: reason,
                                              seconds: (Date().timeIntervalSince(started) * 100).rounded() / 100))
    }
}

extension WorkspaceTraining {
    /// A workspace's spam model: the spam corpus plus its agents' choices, used beside the rules
    /// (spam when the rules say so or the model is at least `spamThreshold` sure). It is judged
    /// that way against the rules alone on a quarter of the shop's labels, and adopted only if
    /// right more often.
    public static let spamThreshold = 0.8

    public static func trainSpam(examples: [Example]) throws -> (model: TextClassifier?, report: Report) {
        let started = Date()
        let spamLabels = examples.filter { $0.label == "spam" }.count
        guard examples.count >= minimumExamples, spamLabels >= 5 else {
            return (nil, Report(task: .spam, examples: examples.count, heldOut: 0, shippedAccuracy: nil, workspaceAccuracy: nil, adopted: false,
                                reason: "\(spamLabels) conversations marked as spam and \(examples.count - spamLabels) let out or answered so far; at least 5 marked and \(minimumExamples) in all are needed.",
                                seconds: 0))
        }
        let (texts, labels, learn, judge) = try trainingSet(.spam, examples)
        let model = try TextClassifier.train(texts: texts, labels: labels, config: .topic,
                                             notes: "spam model for one workspace: the Shopdesk spam corpus plus \(learn.count) of its own labels")
        let rules = { (text: String) in SpamCheck.check(text: text).isSpam }
        let both = { (text: String) in rules(text) || isSpam(text, model: model) }
        let accuracy = { (says: (String) -> Bool) in
            Double(judge.filter { says($0.text) == ($0.label == "spam") }.count) / Double(max(judge.count, 1))
        }
        return verdict(.spam, model: model, examples: examples.count, heldOut: judge.count, before: accuracy(rules), after: accuracy(both),
                       baseline: "the rules alone", started: started)
    }

    /// Whether a workspace's spam model is sure enough that `text` is spam.
    public static func isSpam(_ text: String, model: TextClassifier) -> Bool {
        guard let index = model.labels.firstIndex(of: "spam") else { return false }
        return Double(model.probabilities(text)[index]) >= spamThreshold
    }
}

extension Intelligence {
    /// These models with a workspace's own intent and sentiment models where it has adopted them.
    public func replacing(intent: TextClassifier?, sentiment: TextClassifier?, spam: TextClassifier? = nil) -> Intelligence {
        var copy = Intelligence(language: language, intent: intent ?? self.intent, sentiment: sentiment ?? self.sentiment)
        copy.intentThreshold = intentThreshold
        copy.languageThreshold = languageThreshold
        copy.spam = spam ?? self.spam
        return copy
    }
}
