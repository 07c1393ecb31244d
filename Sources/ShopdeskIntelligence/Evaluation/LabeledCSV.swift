import Foundation
import ShopdeskCore

/// Labeled examples read from a UTF-8 CSV file with a header that names a `text` and a `label`
/// column (RFC 4180: quoted fields may hold commas, quotes written twice and line breaks).
public struct LabeledExamples: Sendable {
    public var texts: [String] = []
    public var labels: [String] = []

    public init(texts: [String] = [], labels: [String] = []) {
        self.texts = texts
        self.labels = labels
    }

    public var count: Int { texts.count }

    public enum ReadError: Error, CustomStringConvertible {
        case unreadable(path: String, reason: String)
        case notUTF8(path: String)
        case missingColumn(path: String, column: String, header: [String])
        case unterminatedQuote(path: String, line: Int)
        case shortRow(path: String, row: Int, columns: Int, needed: Int)
        case longRow(path: String, row: Int, columns: Int, header: Int)

        public var description: String {
            switch self {
            case let .unreadable(path, reason): "cannot read \(path): \(reason)"
            case let .notUTF8(path): "\(path) is not UTF-8 text; save it as UTF-8 and try again"
            case let .missingColumn(path, column, header):
                "\(path) has no \"\(column)\" column; its header is \(header.joined(separator: ",")) but it must contain text and label"
            case let .unterminatedQuote(path, line): "\(path): the quoted field that starts on line \(line) never ends"
            case let .shortRow(path, row, columns, needed):
                "\(path): data row \(row) has \(columns) column(s) but the header needs \(needed); quote texts that contain commas"
            case let .longRow(path, row, columns, header):
                "\(path): data row \(row) has \(columns) columns but the header has \(header); quote texts that contain commas"
            }
        }
    }

    public static func read(path: String) throws -> LabeledExamples {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw ReadError.unreadable(path: path, reason: (error as NSError).localizedDescription)
        }
        guard let text = String(data: data, encoding: .utf8) else { throw ReadError.notUTF8(path: path) }
        return try parse(text, name: path)
    }

    public static func parse(_ text: String, name: String = "input") throws -> LabeledExamples {
        let rows: [[String]]
        do { rows = try CSVTable.parse(text).map(\.fields) } catch CSVTable.ParseError.unterminatedQuote(let line) {
            throw ReadError.unterminatedQuote(path: name, line: line)
        }
        guard let header = rows.first else { return LabeledExamples() }
        let names = header.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard let textColumn = names.firstIndex(of: "text") else {
            throw ReadError.missingColumn(path: name, column: "text", header: header)
        }
        guard let labelColumn = names.firstIndex(of: "label") else {
            throw ReadError.missingColumn(path: name, column: "label", header: header)
        }
        var result = LabeledExamples()
        // A short or long row is refused rather than skipped or read: silently dropping rows, or
        // reading a text's second half as its label, would change the figures.
        for (number, row) in rows.dropFirst().enumerated() {
            guard row.count > max(textColumn, labelColumn) else {
                throw ReadError.shortRow(path: name, row: number + 1, columns: row.count, needed: max(textColumn, labelColumn) + 1)
            }
            guard row.count <= header.count else {
                throw ReadError.longRow(path: name, row: number + 1, columns: row.count, header: header.count)
            }
            let label = row[labelColumn].trimmingCharacters(in: .whitespaces)
            guard !label.isEmpty else { continue }
            result.texts.append(row[textColumn])
            result.labels.append(label)
        }
        return result
    }
}
