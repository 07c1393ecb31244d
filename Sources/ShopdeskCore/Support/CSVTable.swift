/// RFC 4180 CSV: quoted fields may hold commas, quotes written twice and line breaks; a BOM is
/// skipped; each row keeps the line it starts on, for error reports.
public enum CSVTable {
    public struct Row: Sendable {
        public var line: Int
        public var fields: [String]
    }

    public enum ParseError: Error, Equatable {
        case unterminatedQuote(line: Int)
    }

    public static func parse(_ text: String) throws -> [Row] {
        var rows: [Row] = []
        var rowLine = 1
        var row: [String] = []
        var field = String.UnicodeScalarView()
        var inQuotes = false
        var quoteLine = 0
        var line = 1
        var fieldStarted = false
        var iterator = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar? = nil
        func next() -> Unicode.Scalar? {
            if let value = pending { pending = nil; return value }
            return iterator.next()
        }
        while let scalar = next() {
            if inQuotes {
                if scalar == "\"" {
                    if let following = next() {
                        if following == "\"" { field.append("\"") } else { inQuotes = false; pending = following }
                    } else { inQuotes = false }
                } else {
                    if scalar == "\n" { line += 1 }
                    field.append(scalar)
                }
                continue
            }
            switch scalar {
            case "\"" where !fieldStarted:
                inQuotes = true
                fieldStarted = true
                quoteLine = line
            case ",":
                row.append(String(field))
                field = String.UnicodeScalarView()
                fieldStarted = false
            case "\r":
                continue
            case "\n":
                line += 1
                row.append(String(field))
                field = String.UnicodeScalarView()
                fieldStarted = false
                if !(row.count == 1 && row[0].isEmpty) { rows.append(Row(line: rowLine, fields: row)) }
                row = []
                rowLine = line
            case "\u{FEFF}" where rows.isEmpty && row.isEmpty && field.isEmpty:
                continue
            default:
                field.append(scalar)
                fieldStarted = true
            }
        }
        if inQuotes { throw ParseError.unterminatedQuote(line: quoteLine) }
        if fieldStarted || !row.isEmpty {
            row.append(String(field))
            rows.append(Row(line: rowLine, fields: row))
        }
        return rows
    }
}

extension CSVTable {
    /// RFC 4180 text for spreadsheet programs: a UTF-8 byte order mark first (so Excel reads
    /// Cyrillic and Croatian letters right), CRLF line ends, fields quoted where needed. A field
    /// a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab or CR first) is written
    /// with a leading apostrophe, so a customer's text cannot become a formula in an admin's
    /// spreadsheet; numbers we write ourselves pass as numbers.
    public static func write(_ rows: [[String]], numericColumns: Set<Int> = []) -> String {
        var text = "\u{FEFF}"
        for row in rows {
            text += row.enumerated().map { index, field in
                var value = field
                if !numericColumns.contains(index) || Double(field) == nil,
                   let first = value.unicodeScalars.first, ["=", "+", "-", "@", "\t", "\r"].contains(first) {
                    value = "'" + value
                }
                guard value.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
                return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            }.joined(separator: ",")
            text += "\r\n"
        }
        return text
    }
}
