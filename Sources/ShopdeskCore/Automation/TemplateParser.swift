import Foundation

/// Turns template text into nodes. Tags are `{{ … }}`; blocks open with `#if`, `#unless` or
/// `#each`; `#if` and `#unless` may have one `else`; blocks close with `/if`, `/unless`, `/each`.
struct TemplateParser {
    let source: String
    var roots: Set<String>
    private var position: String.Index
    /// Blocks open around the current position. Parsing and rendering recurse once per level,
    /// so the depth is bounded: ten thousand nested `#if`s overflowed the stack and stopped the
    /// process that previewed the macro.
    private var depth = 0
    static let maximumDepth = 16

    init(source: String, roots: Set<String>) {
        self.source = source
        self.roots = roots
        position = source.startIndex
    }

    private enum Tag {
        case output(TemplateExpression)
        case open(kind: String, body: String)
        case otherwise
        case close(kind: String)
    }

    mutating func parseAll() throws(TemplateError) -> [TemplateNode] {
        let (nodes, end) = try parseNodes(until: [])
        if let end { throw error("`{{\(end)}}` has no block to close or continue.") }
        return nodes
    }

    /// Parses until one of `terminators` ("else", "/if" …) and returns which one ended it.
    private mutating func parseNodes(until terminators: Set<String>) throws(TemplateError) -> ([TemplateNode], String?) {
        var nodes: [TemplateNode] = []
        while position < source.endIndex {
            guard let open = source.range(of: "{{", range: position..<source.endIndex) else {
                nodes.append(.text(String(source[position...])))
                position = source.endIndex
                break
            }
            if open.lowerBound > position { nodes.append(.text(String(source[position..<open.lowerBound]))) }
            guard let close = source.range(of: "}}", range: open.upperBound..<source.endIndex) else {
                position = open.lowerBound
                throw error("`{{` is never closed with `}}`.")
            }
            let tagStart = open.lowerBound
            let body = source[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            position = close.upperBound
            switch try tag(body, at: tagStart) {
            case .output(let expression):
                nodes.append(.output(expression))
            case .otherwise:
                guard terminators.contains("else") else { position = tagStart; throw error("`{{else}}` outside an `#if` or `#each` block.") }
                return (nodes, "else")
            case .close(let kind):
                guard terminators.contains("/\(kind)") else { position = tagStart; throw error("`{{/\(kind)}}` closes a block that is not open.") }
                return (nodes, "/\(kind)")
            case .open(let kind, let body):
                nodes.append(try block(kind, body, at: tagStart))
            }
        }
        if !terminators.isEmpty {
            let expected = terminators.first { $0.hasPrefix("/") } ?? ""
            throw error("The block is never closed; add `{{\(expected)}}`.")
        }
        return (nodes, nil)
    }

    private mutating func block(_ kind: String, _ body: String, at start: String.Index) throws(TemplateError) -> TemplateNode {
        guard depth < Self.maximumDepth else {
            position = start
            throw error("Blocks nest at most \(Self.maximumDepth) deep.")
        }
        depth += 1
        defer { depth -= 1 }
        switch kind {
        case "if", "unless":
            let condition = try parseCondition(body, at: start)
            let (then, end) = try parseNodes(until: ["else", "/\(kind)"])
            var otherwise: [TemplateNode] = []
            if end == "else" { otherwise = try parseNodes(until: ["/\(kind)"]).0 }
            return .conditional(condition, negated: kind == "unless", then: then, otherwise: otherwise)
        case "each":
            let words = body.split(separator: " ", omittingEmptySubsequences: true)
            guard words.count == 3, words[1] == "in", Self.isIdentifier(words[0]) else {
                position = start
                throw error("Write loops as `{{#each item in orders.last.line_items}}`.")
            }
            let variable = String(words[0])
            let over = try parseExpression(String(words[2]), at: start)
            let added = roots.insert(variable).inserted
            let (body, _) = try parseNodes(until: ["/each"])
            if added { roots.remove(variable) }
            return .loop(variable: variable, over: over, body: body)
        default:
            position = start
            throw error("Unknown block `#\(kind)`; use #if, #unless or #each.")
        }
    }

    private mutating func tag(_ body: String, at start: String.Index) throws(TemplateError) -> Tag {
        if body == "else" { return .otherwise }
        if body.hasPrefix("/") { return .close(kind: String(body.dropFirst())) }
        if body.hasPrefix("#") {
            let rest = body.dropFirst()
            let kind = rest.prefix { !$0.isWhitespace }
            return .open(kind: String(kind), body: rest.dropFirst(kind.count).trimmingCharacters(in: .whitespaces))
        }
        return .output(try parseExpression(body, at: start))
    }

    private mutating func parseCondition(_ text: String, at start: String.Index) throws(TemplateError) -> TemplateCondition {
        for (op, equal) in [("==", true), ("!=", false)] {
            if let range = text.range(of: op) {
                let literal = Self.unquote(text[range.upperBound...].trimmingCharacters(in: .whitespaces))
                let expression = try parseExpression(String(text[..<range.lowerBound]), at: start)
                return TemplateCondition(expression: expression, comparison: (equal, literal))
            }
        }
        return TemplateCondition(expression: try parseExpression(text, at: start), comparison: nil)
    }

    private mutating func parseExpression(_ text: String, at start: String.Index) throws(TemplateError) -> TemplateExpression {
        let parts = Self.splitOutsideQuotes(text, on: "|")
        let path = parts[0].trimmingCharacters(in: .whitespaces).split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard let root = path.first, !root.isEmpty, path.allSatisfy({ Self.isIdentifier($0[...]) }) else {
            position = start
            throw error("`\(text)` is not a variable; write it like `customer.first_name`.")
        }
        guard roots.contains(root) else {
            position = start
            throw error("Unknown variable `\(path.joined(separator: "."))`; variables start with \(roots.sorted().joined(separator: ", ")).")
        }
        var filters: [TemplateFilter] = []
        for part in parts.dropFirst() {
            let pieces = Self.splitOutsideQuotes(part, on: ":")
            let name = pieces[0].trimmingCharacters(in: .whitespaces)
            guard let filter = TemplateFilter.Name(rawValue: name) else {
                position = start
                let known = TemplateFilter.Name.allCases.map(\.rawValue).joined(separator: ", ")
                throw error("Unknown filter `\(name)`; filters are \(known).")
            }
            let argument = pieces.count > 1
                ? Self.unquote(pieces.dropFirst().joined(separator: ":").trimmingCharacters(in: .whitespaces)) : nil
            filters.append(TemplateFilter(name: filter, argument: argument))
        }
        return TemplateExpression(path: path, filters: filters)
    }

    private func error(_ message: String) -> TemplateError {
        let line = source[..<position].reduce(1) { $1 == "\n" ? $0 + 1 : $0 }
        return TemplateError(message: message, line: line)
    }

    static func isIdentifier(_ text: Substring) -> Bool {
        !text.isEmpty && text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
    }

    static func unquote(_ text: String) -> String {
        if text.count >= 2, let first = text.first, first == "\"" || first == "'", text.last == first {
            return String(text.dropFirst().dropLast())
        }
        return text
    }

    /// Splits on `separator` except inside "…" or '…', so `default: "a | b"` keeps its text.
    static func splitOutsideQuotes(_ text: String, on separator: Character) -> [String] {
        var parts: [String] = []
        var current = ""
        var quote: Character?
        for character in text {
            if let open = quote {
                if character == open { quote = nil }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if character == separator {
                parts.append(current)
                current = ""
                continue
            }
            current.append(character)
        }
        parts.append(current)
        return parts
    }
}
