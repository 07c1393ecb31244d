import ArgumentParser
import Foundation
import ShopdeskIntelligence

/// The language task of `shopdesk intel eval` and `train`: the detector is built from word lists
/// (`LanguageModelBuilder`), not trained like the intent and sentiment classifiers.
extension Intel.Evaluate {
    /// The shipped detector, or, with --train, one built from the training texts' own word counts.
    func languageSubject(trainSet: LabeledExamples?) throws -> Subject {
        let detector: LanguageDetector
        if let trainSet {
            let lists = LanguageModelBuilder.wordLists(texts: trainSet.texts, labels: trainSet.labels.map(LanguageCodes.normalize))
            detector = LanguageModelBuilder().build(lists)
        } else {
            detector = try Intelligence.shipped().language
        }
        // The dialect markers can answer Bosnian and Serbian (Latin) though the model has one
        // label for the three.
        let labels = detector.labels + ["bs", "sr"].filter { !detector.labels.contains($0) }
        return Subject(labels: labels, featureCount: detector.featureCount, bytes: detector.serialized().count,
                       predict: { text in detector.predictLabel(text).map { detector.labels[$0] } ?? "unknown" })
    }
}

extension Intel.Train {
    /// Builds OUTPUT/language.sdld from the word lists in --wordlists and reports it on the
    /// corpus' chat messages (CORPUS/language_test.csv).
    func trainLanguage() throws {
        let folder = URL(fileURLWithPath: wordlists)
        let files = (try? FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)) ?? []
        let lists = try files.filter { $0.pathExtension == "tsv" }.sorted { $0.path < $1.path }.map(Self.wordList)
        guard !lists.isEmpty else {
            throw ValidationError("no word lists in \(wordlists): run `python3 Scripts/intel/wordlists.py \(wordlists)` first (needs `pip install wordfreq`)")
        }
        let notes = "language detector built from word lists (\(lists.map(\.language).joined(separator: ", "))) of wordfreq 3.1 (CC BY-SA 4.0); see docs/INTELLIGENCE.md"
        let detector = LanguageModelBuilder().build(lists, notes: notes)
        let url = URL(fileURLWithPath: output).appendingPathComponent("language.sdld")
        try detector.write(to: url)
        let test = try LabeledExamples.read(path: "\(corpus)/language_test.csv")
        let predicted = test.texts.map { text in
            SouthSlavic.refine(detector.predictLabel(text).map { detector.labels[$0] }, text: text) ?? "unknown"
        }
        let report = ClassificationReport(truth: test.labels.map(LanguageCodes.normalize), predicted: predicted,
                                          labels: detector.labels + ["bs"])
        Console.out("language: \(detector.featureCount) entries; accuracy \(String(format: "%.4f", report.accuracy)) on \(test.count) chat messages; wrote \(url.path) (\(detector.serialized().count) bytes)")
    }

    /// One LANGUAGE.tsv file: "word<TAB>frequency" lines, most frequent first.
    static func wordList(_ url: URL) throws -> LanguageModelBuilder.WordList {
        guard let data = FileManager.default.contents(atPath: url.path) else { throw ValidationError("cannot read \(url.path)") }
        var words: [(word: String, frequency: Double)] = []
        for (number, line) in String(decoding: data, as: UTF8.self).split(separator: "\n").enumerated() {
            let fields = line.split(separator: "\t")
            guard fields.count == 2, let frequency = Double(fields[1]) else {
                throw ValidationError("\(url.lastPathComponent) line \(number + 1) is not word<TAB>frequency")
            }
            words.append((String(fields[0]), frequency))
        }
        return LanguageModelBuilder.WordList(language: url.deletingPathExtension().lastPathComponent, words: words)
    }
}
