import Foundation

/// A condition tree turned into closures once, when rules are loaded: needles folded to bytes,
/// regular expressions compiled, lists made sets. Evaluating it allocates nothing.
struct CompiledCondition: Sendable {
    let test: @Sendable (RuleFacts) -> Bool

    /// A closure in a struct field keeps its direct calling convention; stored bare in an array
    /// it would be called through a thunk that copies the whole facts struct on every call.
    /// Lists of tests are walked through unsafe buffer pointers, which lend each element
    /// instead of copying (and reference-counting) it.
    struct Test: Sendable {
        let run: @Sendable (RuleFacts) -> Bool
    }

    init(_ condition: RuleCondition) throws(ShopdeskError) {
        test = try Self.compile(condition, path: "conditions")
    }

    private static func compile(_ condition: RuleCondition, path: String) throws(ShopdeskError) -> @Sendable (RuleFacts) -> Bool {
        switch condition {
        case .all(let children):
            var compiled: [Test] = []
            for (index, child) in children.enumerated() { compiled.append(Test(run: try compile(child, path: "\(path).all[\(index)]"))) }
            let tests = compiled
            if tests.count == 1 { return tests[0].run }
            return { facts in
                tests.withUnsafeBufferPointer { tests in
                    for index in tests.indices where !tests[index].run(facts) { return false }
                    return true
                }
            }
        case .any(let children):
            var compiled: [Test] = []
            for (index, child) in children.enumerated() { compiled.append(Test(run: try compile(child, path: "\(path).any[\(index)]"))) }
            let tests = compiled
            if tests.count == 1 { return tests[0].run }
            return { facts in
                tests.withUnsafeBufferPointer { tests in
                    for index in tests.indices where tests[index].run(facts) { return true }
                    return false
                }
            }
        case let .compare(name, op, value):
            guard let field = RuleField(rawValue: name) else {
                let known = RuleField.allCases.map(\.rawValue).joined(separator: ", ")
                throw .invalid(field: path, "Unknown field \(name); fields are \(known).")
            }
            guard field.operators.contains(op) else {
                throw .invalid(field: path, "\(name) cannot be compared with \(op); use \(field.operators.joined(separator: ", ")).")
            }
            return try compare(field, op, value, path: path)
        }
    }

    private static func compare(_ field: RuleField, _ op: String, _ value: JSONValue, path: String)
        throws(ShopdeskError) -> @Sendable (RuleFacts) -> Bool
    {
        switch field.kind {
        case .text: return try text(field, op, value, path: path)
        case .keyword: return try keyword(field, op, value, path: path)
        case .number: return try number(field, op, value, path: path)
        case .flag:
            guard case .bool(let expected) = value else { throw .invalid(field: path, "\(field.rawValue) is compared with true or false.") }
            if field == .urgent { return { facts in facts.urgent == expected } }
            return { facts in facts.withinBusinessHours == expected }
        case .set: return try set(field, op, value, path: path)
        }
    }

    private static func strings(_ value: JSONValue, path: String) throws(ShopdeskError) -> [String] {
        switch value {
        case .string(let text): return [text]
        case .array(let items):
            let texts = items.compactMap(\.stringValue)
            guard texts.count == items.count, !texts.isEmpty else { throw .invalid(field: path, "Give a list of words or phrases.") }
            return texts
        default: throw .invalid(field: path, "Give a word, a phrase or a list of them.")
        }
    }

    private static func text(_ field: RuleField, _ op: String, _ value: JSONValue, path: String)
        throws(ShopdeskError) -> @Sendable (RuleFacts) -> Bool
    {
        let read: @Sendable (RuleFacts) -> FoldedText = switch field {
        case .subject: { (facts: RuleFacts) in facts.subject }
        case .customerName: { (facts: RuleFacts) in facts.customerName }
        default: { (facts: RuleFacts) in facts.text }
        }
        if op == "is_set" { return { !read($0).isEmpty } }
        if op == "is_not_set" { return { read($0).isEmpty } }
        if op == "matches" {
            guard case .string(let pattern) = value, !pattern.isEmpty else { throw .invalid(field: path, "Give a regular expression.") }
            let regex: NSRegularExpression
            do { regex = try NSRegularExpression(pattern: pattern, options: [.caseInsensitive]) } catch {
                throw .invalid(field: path, "\(pattern) is not a valid regular expression.")
            }
            let box = RegexBox(regex: regex)
            return { facts in box.matches(read(facts).original) }
        }
        let words = try strings(value, path: path)
        let needles = words.map { Array(SearchText.fold($0).utf8) }
        let first = needles[0]
        switch op {
        case "contains":
            if needles.count == 1 { return { read($0).contains(first) } }
            return { facts in needles.allSatisfy { read(facts).contains($0) } }
        case "not_contains": return { facts in !needles.contains { read(facts).contains($0) } }
        case "contains_any": return { facts in needles.contains { read(facts).contains($0) } }
        case "is": return { read($0).equals(first) }
        case "is_not": return { !read($0).equals(first) }
        case "starts_with": return { read($0).hasPrefix(first) }
        default: return { read($0).hasSuffix(first) }
        }
    }

    private static func keyword(_ field: RuleField, _ op: String, _ value: JSONValue, path: String)
        throws(ShopdeskError) -> @Sendable (RuleFacts) -> Bool
    {
        let read: @Sendable (RuleFacts) -> String? = switch field {
        case .channel: { (facts: RuleFacts) in facts.channel }
        case .language: { (facts: RuleFacts) in facts.language }
        case .intent: { (facts: RuleFacts) in facts.intent }
        case .sentiment: { (facts: RuleFacts) in facts.sentiment }
        case .priority: { (facts: RuleFacts) in facts.priority.rawValue }
        case .status: { (facts: RuleFacts) in facts.status.rawValue }
        case .customerEmail: { (facts: RuleFacts) in facts.customerEmail }
        case .lastMessageFrom: { (facts: RuleFacts) in facts.lastMessageFrom }
        default: { (facts: RuleFacts) in facts.customerEmailDomain }
        }
        if op == "is_set" { return { read($0) != nil } }
        if op == "is_not_set" { return { read($0) == nil } }
        let words = try strings(value, path: path)
        let values = Set(words.map { $0.lowercased() })
        if field == .priority, ["gt", "gte", "lt", "lte"].contains(op) {
            guard values.count == 1, let bound = Priority(rawValue: values.first!) else {
                throw .invalid(field: path, "Compare priority with one of low, normal, high, urgent.")
            }
            switch op {
            case "gt": return { $0.priority > bound }
            case "gte": return { $0.priority >= bound }
            case "lt": return { $0.priority < bound }
            default: return { $0.priority <= bound }
            }
        }
        // A handful of short words: comparing them in a row beats hashing the fact.
        let list = Array(values)
        switch op {
        case "is", "in": return { facts in read(facts).map(list.contains) ?? false }
        default: return { facts in !(read(facts).map(list.contains) ?? false) }
        }
    }

    private static func number(_ field: RuleField, _ op: String, _ value: JSONValue, path: String)
        throws(ShopdeskError) -> @Sendable (RuleFacts) -> Bool
    {
        let read: @Sendable (RuleFacts) -> Double? = switch field {
        case .inboxId: { (facts: RuleFacts) in Double(facts.inboxID) }
        case .assigneeId: { (facts: RuleFacts) in facts.assigneeID.map(Double.init) }
        case .teamId: { (facts: RuleFacts) in facts.teamID.map(Double.init) }
        case .hoursSinceCreated: { (facts: RuleFacts) in facts.hoursSinceCreated }
        case .hoursSinceLastMessage: { (facts: RuleFacts) in facts.hoursSinceLastMessage }
        case .surveyScore: { (facts: RuleFacts) in facts.surveyScore }
        default: { (facts: RuleFacts) in Double(facts.messageCount) }
        }
        if op == "is_set" { return { read($0) != nil } }
        if op == "is_not_set" { return { read($0) == nil } }
        guard case .number(let bound) = value else { throw .invalid(field: path, "\(field.rawValue) is compared with a number.") }
        switch op {
        case "is": return { read($0) == bound }
        case "is_not": return { read($0) != bound }
        case "gt": return { read($0).map { $0 > bound } ?? false }
        case "gte": return { read($0).map { $0 >= bound } ?? false }
        case "lt": return { read($0).map { $0 < bound } ?? false }
        default: return { read($0).map { $0 <= bound } ?? false }
        }
    }

    private static func set(_ field: RuleField, _ op: String, _ value: JSONValue, path: String)
        throws(ShopdeskError) -> @Sendable (RuleFacts) -> Bool
    {
        let read: @Sendable (RuleFacts) -> Set<String>
        if field == .tags { read = { facts in facts.tags } } else { read = { facts in facts.changed } }
        if op == "is_set" { return { !read($0).isEmpty } }
        if op == "is_not_set" { return { read($0).isEmpty } }
        let words = try strings(value, path: path)
        let values = Set(words.map { $0.lowercased() })
        switch op {
        case "includes": return { !read($0).isDisjoint(with: values) }
        case "includes_all": return { values.isSubset(of: read($0)) }
        default: return { read($0).isDisjoint(with: values) }
        }
    }
}

/// `NSRegularExpression` is immutable after creation and documented as thread-safe, but is not
/// marked `Sendable`; this box says so in one place.
private struct RegexBox: @unchecked Sendable {
    let regex: NSRegularExpression

    func matches(_ text: String) -> Bool {
        regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }
}
