import ArgumentParser
import Foundation
import ShopdeskCore
import ShopdeskIntelligence
import ShopdeskStore

/// `shopdesk intel ...`: the language, intent and sentiment models and the help-center search,
/// from the command line. The output of classify, eval and eval-faq is a stable contract and is
/// the command's result, so it goes to standard output with `print`, as the other commands' results
/// do; errors go through ArgumentParser to standard error with a non-zero exit.
struct Intel: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "intel",
        abstract: "Classify text, evaluate the learner and the help-center search, train the shipped models.",
        subcommands: [Classify.self, Evaluate.self, EvaluateFAQ.self, EvaluateReplies.self, Train.self]
    )

    struct Classify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the language, intent and sentiment of a text as JSON."
        )

        @Argument(help: "The text; reads standard input when omitted.")
        var text: String?

        func run() throws {
            let input = text ?? String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
            let models = try Intelligence.shipped()
            let insight = models.analyze(input)
            let intent = models.intent.predict(input)
            let language = models.language.predict(input)
            let ranking = language?.ranking ?? []
            var output: [String: Any] = [
                "language": insight.language ?? "unknown",
                "language_confidence": round3(language?.confidence ?? 0),
                "intent": insight.intent as Any? ?? NSNull(),
                "intent_confidence": insight.intentConfidence,
                "intent_candidates": intent.ranking.prefix(3).map { ["intent": $0.label, "confidence": round3($0.probability)] },
                "language_candidates": ranking.prefix(3).map { ["language": $0.label, "confidence": round3($0.probability)] },
                "sentiment": insight.sentiment,
                "sentiment_score": insight.sentimentScore,
                "urgent": insight.urgent,
                "promoter": insight.promoter,
            ]
            output["intent_threshold"] = models.intentThreshold
            Console.out(try json(output))
        }
    }

    struct Evaluate: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "eval",
            abstract: "Train a fresh model on TRAIN and report accuracy, macro-F1, per-class figures and speed on TEST.",
            discussion: """
            CSV files are UTF-8 with a header that has `text` and `label` columns. Without --train, \
            --task language evaluates the shipped language model (labels are ISO 639-1 codes such as en, pt, ru, hr).
            """
        )

        @Option(help: "intent, sentiment or language")
        var task: Task

        @Option(help: "Training CSV (text,label).")
        var train: String?

        @Option(help: "Test CSV (text,label).")
        var test: String

        @Option(help: "Training epochs.")
        var epochs: Int = TrainingOptions().epochs

        @Option(help: "L2 penalty per example; without it the trainer chooses one on a held-out part of the training set.")
        var l2: Float?

        @Option(help: "Seed for the deterministic training order.")
        var seed: UInt64 = TrainingOptions().seed

        @Flag(help: "Print a JSON report instead of text.")
        var json = false

        @Option(help: "The label of out-of-scope rows; when the test set has any, in-scope accuracy and out-of-scope recall are reported.")
        var oosLabel = "oos"

        @Option(help: "Intent and sentiment: below this confidence the answer is the out-of-scope label (0 = only when the model names it).")
        var oosThreshold = 0.0

        @Flag(help: "Language: the model's answers alone, without the Serbian/Bosnian/Croatian dialect markers.")
        var modelOnly = false

        enum Task: String, ExpressibleByArgument, CaseIterable {
            case intent, sentiment, language
        }

        /// What is evaluated: a classifier trained here or shipped, or the language detector.
        struct Subject {
            var labels: [String]
            var featureCount: Int
            var bytes: Int
            var predict: (String) -> String
        }

        func run() throws {
            if let l2, !(l2 >= 0 && l2 < 1) { throw ValidationError("--l2 is a penalty per example from 0 to below 1, such as 0.0001, not \(l2)") }
            let testSet = try LabeledExamples.read(path: test)
            guard testSet.count > 0 else { throw ValidationError("\(test) has no rows to evaluate") }
            var trainingSeconds: Double? = nil
            var trainingRows = 0
            let started = Date()
            let trainSet = try train.map { try LabeledExamples.read(path: $0) }
            let subject: Subject
            if task == .language {
                subject = try languageSubject(trainSet: trainSet)
            } else {
                let model: TextClassifier
                if let trainSet {
                    model = try TextClassifier.train(texts: trainSet.texts, labels: trainSet.labels, config: .topic,
                                                     options: TrainingOptions(epochs: epochs, l2: l2, seed: seed))
                } else {
                    let shipped = try Intelligence.shipped()
                    model = task == .intent ? shipped.intent : shipped.sentiment
                }
                let threshold = oosThreshold, outOfScope = oosLabel
                subject = Subject(labels: model.labels, featureCount: model.featureCount, bytes: model.serialized().count,
                                  predict: { text in
                                      guard threshold > 0 else { return model.labels[model.predictLabel(text)] }
                                      let prediction = model.predict(text)
                                      return prediction.confidence < threshold ? outOfScope : prediction.label
                                  })
            }
            if let trainSet {
                trainingRows = trainSet.count
                trainingSeconds = Date().timeIntervalSince(started)
            }
            let truth = task == .language ? testSet.labels.map(LanguageCodes.normalize) : testSet.labels
            // Warm up, then time single-threaded prediction over the whole test set, repeated
            // until at least half a second has passed so the figure is stable.
            var predicted = testSet.texts.map(subject.predict)
            var rounds = 0
            let timed = Date()
            repeat {
                predicted = testSet.texts.map(subject.predict)
                rounds += 1
            } while Date().timeIntervalSince(timed) < 0.5
            // Shopdesk's language detection is the model plus the dialect markers that tell
            // Serbian, Bosnian and Croatian apart (`SouthSlavic`); `--model-only` measures the model alone.
            if task == .language, !modelOnly {
                predicted = zip(testSet.texts, predicted).map { SouthSlavic.refine($1, text: $0) ?? $1 }
            }
            let perSecond = Double(rounds * testSet.count) / Date().timeIntervalSince(timed)
            let report = ClassificationReport(truth: truth, predicted: predicted, labels: subject.labels)
            let outOfScope = task == .language ? nil : OutOfScopeReport(truth: truth, predicted: predicted, label: oosLabel)
            if json {
                var output: [String: Any] = [
                    "task": task.rawValue, "test_rows": testSet.count, "accuracy": report.accuracy,
                    "macro_f1": report.macroF1, "predictions_per_second": perSecond.rounded(),
                    "features": subject.featureCount, "model_bytes": subject.bytes,
                    "per_class": report.perClass.map {
                        ["label": $0.label, "precision": $0.precision, "recall": $0.recall, "f1": $0.f1, "support": $0.support] as [String: Any]
                    },
                ]
                if let trainingSeconds {
                    output["training_seconds"] = trainingSeconds
                    output["train_rows"] = trainingRows
                }
                if let outOfScope {
                    output["in_scope_accuracy"] = outOfScope.inScopeAccuracy
                    output["oos_recall"] = outOfScope.recall
                    output["oos_precision"] = outOfScope.precision
                    output["oos_threshold"] = oosThreshold
                }
                Console.out(try Intel.json(output))
                return
            }
            Console.out("task: \(task.rawValue)")
            if let trainingSeconds {
                Console.out("train rows: \(trainingRows)")
                Console.out(String(format: "training time: %.2f s", trainingSeconds))
            } else {
                Console.out("model: shipped \(task.rawValue) model")
            }
            Console.out("test rows: \(testSet.count)")
            Console.out(String(format: "accuracy: %.4f", report.accuracy))
            Console.out(String(format: "macro-F1: %.4f", report.macroF1))
            if let outOfScope {
                Console.out(String(format: "in-scope accuracy: %.4f (%d rows)", outOfScope.inScopeAccuracy, outOfScope.inScopeRows))
                Console.out(String(format: "out-of-scope recall: %.4f, precision %.4f (%d rows; threshold %.2f)", outOfScope.recall,
                                   outOfScope.precision, outOfScope.outOfScopeRows, oosThreshold))
            }
            Console.out(String(format: "predictions per second: %.0f (one core)", perSecond))
            Console.out("model: \(subject.featureCount) features, \(subject.bytes) bytes")
            Console.out("")
            let width = max(12, report.perClass.map(\.label.count).max() ?? 0)
            Console.out("label".padding(toLength: width, withPad: " ", startingAt: 0) + "  precision  recall     f1  support")
            for figures in report.perClass {
                Console.out(figures.label.padding(toLength: width, withPad: " ", startingAt: 0)
                    + String(format: "  %9.4f  %6.4f  %.4f  %7d", figures.precision, figures.recall, figures.f1, figures.support))
            }
        }
    }

    struct EvaluateFAQ: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "eval-faq",
            abstract: "Index articles with the help-center search and report P@1, R@5 and MRR@10 for the queries.",
            discussion: "ARTICLES is JSON lines of {\"id\",\"title\",\"body\"}; QUERIES is JSON lines of {\"text\",\"article_id\"}."
        )

        @Option(help: "JSON lines: {\"id\", \"title\", \"body\"}")
        var articles: String

        @Option(help: "JSON lines: {\"text\", \"article_id\"}")
        var queries: String

        @Flag(help: "Print a JSON report instead of text.")
        var json = false

        func run() throws {
            let articleRows = try JSONLines.read(path: articles)
            let index = ArticleIndex(articles: try articleRows.enumerated().map { line, row in
                guard let id = JSONLines.string(row["id"]) else {
                    throw ValidationError("\(articles) line \(line + 1): an article needs an \"id\"")
                }
                return ArticleIndex.Article(id: id, title: JSONLines.string(row["title"]) ?? "",
                                            body: JSONLines.string(row["body"]) ?? "")
            })
            let queryRows = try JSONLines.read(path: queries)
            var evaluation = RankingEvaluation()
            let started = Date()
            for (line, row) in queryRows.enumerated() {
                guard let text = JSONLines.string(row["text"]), let expected = JSONLines.string(row["article_id"]) else {
                    throw ValidationError("\(queries) line \(line + 1): a query needs \"text\" and \"article_id\"")
                }
                evaluation.add(ranked: index.search(text, limit: 10).map(\.id), expected: expected)
            }
            let seconds = Date().timeIntervalSince(started)
            let perSecond = Double(evaluation.count) / max(seconds, 1e-9)
            if json {
                Console.out(try Intel.json([
                    "articles": index.count, "queries": evaluation.count, "p_at_1": evaluation.precisionAt1,
                    "r_at_5": evaluation.recallAt5, "mrr_at_10": evaluation.mrrAt10, "queries_per_second": perSecond.rounded(),
                ]))
                return
            }
            Console.out("articles: \(index.count)")
            Console.out("queries: \(evaluation.count)")
            Console.out(String(format: "P@1: %.4f", evaluation.precisionAt1))
            Console.out(String(format: "R@5: %.4f", evaluation.recallAt5))
            Console.out(String(format: "MRR@10: %.4f", evaluation.mrrAt10))
            Console.out(String(format: "queries per second: %.0f", perSecond))
        }
    }

    struct Train: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Train the shipped language, intent and sentiment models from the team's corpus, or a workspace's own models.",
            discussion: """
            Intent and sentiment: reads CORPUS/{task}_train.csv and CORPUS/{task}_test.csv, reports the held-out \
            figures, then trains on both and writes OUTPUT/{task}.sdtc. Language: builds OUTPUT/language.sdld from \
            the word lists in --wordlists (Scripts/intel/wordlists.py writes them) and reports its figures on \
            CORPUS/language_test.csv. Deterministic: the same input gives the same bytes.

            With --workspace ID: trains that workspace's intent and sentiment models on the corpus plus its \
            agents' corrections, in the configured database, and adopts each only if it beats the shipped \
            model on the workspace's held-out labels (the same as the weekly job and Settings → Models).
            """
        )

        @Option(help: "Train this workspace's own models in the configured database instead.")
        var workspace: Int64?

        @OptionGroup var database: DatabaseOptions

        @Option(help: "Folder with the corpus CSV files.")
        var corpus: String = "Sources/ShopdeskIntelligence/Corpus"

        @Option(help: "Where to write the models.")
        var output: String = "Sources/ShopdeskIntelligence/Models"

        @Option(help: "Train only this task.")
        var task: Evaluate.Task?

        @Option(help: "Language: the folder of word lists (LANGUAGE.tsv, word<TAB>frequency) to build the detector from.")
        var wordlists: String = ".build/wordlists"

        func run() async throws {
            if let workspace {
                let configuration = try database.load()
                let reports = try await Database.with(url: configuration.databaseURL, logger: makeLogger(configuration)) { database in
                    try await Migrator.migrate(database)
                    return try await WorkspaceModelTrainer(database: database, models: WorkspaceModels(base: .shipped))
                        .train(workspaceID: WorkspaceID(workspace))
                }
                for report in reports { Console.out("\(report.task.rawValue): \(report.examples) labels. \(report.reason)") }
                return
            }
            try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
            for task in Evaluate.Task.allCases where self.task == nil || self.task == task {
                if task == .language {
                    try trainLanguage()
                    continue
                }
                let config: FeatureConfig = .topic
                let train = try LabeledExamples.read(path: "\(corpus)/\(task.rawValue)_train.csv")
                let test = try LabeledExamples.read(path: "\(corpus)/\(task.rawValue)_test.csv")
                let heldOut = try TextClassifier.train(texts: train.texts, labels: train.labels, config: config)
                let report = ClassificationReport(truth: test.labels,
                                                  predicted: test.texts.map { heldOut.labels[heldOut.predictLabel($0)] },
                                                  labels: heldOut.labels)
                let notes = String(format: "%@ model trained on %d rows of the Shopdesk corpus; held-out accuracy %.4f, macro-F1 %.4f on %d rows",
                                   task.rawValue, train.count + test.count, report.accuracy, report.macroF1, test.count)
                let model = try TextClassifier.train(texts: train.texts + test.texts, labels: train.labels + test.labels,
                                                     config: config, notes: notes)
                let url = URL(fileURLWithPath: output).appendingPathComponent("\(task.rawValue).sdtc")
                try model.write(to: url)
                Console.out("\(task.rawValue): held-out accuracy \(String(format: "%.4f", report.accuracy)), macro-F1 \(String(format: "%.4f", report.macroF1)); wrote \(url.path) (\(model.serialized().count) bytes)")
            }
        }
    }

    static func json(_ value: Any) throws -> String {
        let data = try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }
}

private func round3(_ value: Double) -> Double { (value * 1000).rounded() / 1000 }

enum JSONLines {
    static func read(path: String) throws -> [[String: Any]] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ValidationError("cannot read \(path)")
        }
        var rows: [[String: Any]] = []
        for (number, line) in String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            guard let object = try? JSONSerialization.jsonObject(with: Data(trimmed.utf8)) as? [String: Any] else {
                throw ValidationError("\(path) line \(number + 1) is not a JSON object")
            }
            rows.append(object)
        }
        return rows
    }

    /// Ids may be written as strings or numbers.
    static func string(_ value: Any?) -> String? {
        switch value {
        case let text as String: text
        case let number as NSNumber: number.stringValue
        default: nil
        }
    }
}
