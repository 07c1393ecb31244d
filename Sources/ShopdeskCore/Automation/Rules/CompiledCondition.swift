import Foundation

/// A condition tree compiled once, when rules are loaded, into a flat program: nodes in
/// pre-order (a group knows where its subtree ends), needles folded to bytes, word lists
/// lowercased, regular expressions compiled. Evaluating walks the nodes through buffer
/// pointers and allocates nothing; an earlier closure-per-node version spent a third of its
/// time reference-counting closure contexts.
struct CompiledCondition: Sendable {
    enum Kind: UInt8, Sendable {
        case all, any
        case textContainsAll, textContainsNone, textContainsAny, textIs, textIsNot, textPrefix, textSuffix, textMatches
        case textSet, textNotSet
        case keywordIn, keywordNotIn, keywordSet, keywordNotSet, priorityCompare
        case numberCompare, numberSet, numberNotSet
        case flag
        case setIncludes, setExcludes, setIncludesAll, setSet, setNotSet
        /// A custom field's value (`custom.<key>` on the conversation, `customer.custom.<key>`):
        /// one of a list, containing a phrase, compared (numbers as numbers, dates as written,
        /// YYYY-MM-DD, which sort as they read), or set at all.
        case customIn, customNotIn, customContains, customNotContains, customCompare, customSet, customNotSet
    }

    enum Comparison: UInt8, Sendable { case equal, notEqual, greater, greaterOrEqual, less, lessOrEqual }

    struct Node: Sendable {
        var kind: Kind
        var field: RuleField
        /// Index after this node's subtree (groups skip their children with it).
        var end: Int32 = 0
        /// Needles, word list or regex: an index into the program's tables.
        var table: Int32 = 0
        var comparison: Comparison = .equal
        var number: Double = 0
        /// Custom fields: an index into the program's field names.
        var key: Int32 = 0
    }

    private(set) var nodes: [Node] = []
    private(set) var needles: [[[UInt8]]] = []
    private(set) var words: [[String]] = []
    private(set) var regexes: [RegexBox] = []
    private(set) var customKeys: [String] = []

    static let customOperators = ["is", "is_not", "in", "not_in", "contains", "not_contains", "gt", "gte", "lt", "lte", "is_set", "is_not_set"]

    init(_ condition: RuleCondition) throws(ShopdeskError) {
        try compile(condition, path: "conditions")
    }

    func evaluate(_ facts: RuleFacts) -> Bool {
        withEvaluator { $0.run(0, facts) }
    }

    func withEvaluator<T>(_ body: (Evaluator) -> T) -> T {
        nodes.withUnsafeBufferPointer { nodes in
            needles.withUnsafeBufferPointer { needles in
                words.withUnsafeBufferPointer { words in
                    body(Evaluator(nodes: nodes, needles: needles, words: words, regexes: regexes, customKeys: customKeys))
                }
            }
        }
    }

    /// Many conditions in one program (a rule set's): each condition's nodes are appended with
    /// their indices moved, and the index of its root is returned.
    init() {}

    mutating func append(_ other: CompiledCondition) -> Int {
        let base = Int32(nodes.count)
        let needleBase = Int32(needles.count), wordBase = Int32(words.count), regexBase = Int32(regexes.count)
        let keyBase = Int32(customKeys.count)
        for var node in other.nodes {
            node.end += base
            switch node.kind {
            case .textContainsAll, .textContainsNone, .textContainsAny, .textIs, .textIsNot, .textPrefix, .textSuffix: node.table += needleBase
            case .keywordIn, .keywordNotIn, .setIncludes, .setExcludes, .setIncludesAll: node.table += wordBase
            case .textMatches: node.table += regexBase
            case .customIn, .customNotIn, .customCompare: node.table += wordBase; node.key += keyBase
            case .customContains, .customNotContains: node.table += needleBase; node.key += keyBase
            case .customSet, .customNotSet: node.key += keyBase
            default: break
            }
            nodes.append(node)
        }
        needles += other.needles
        words += other.words
        regexes += other.regexes
        customKeys += other.customKeys
        return Int(base)
    }

    /// The fields the program compares (a caller may skip preparing the others).
    var fields: Set<RuleField> {
        Set(nodes.filter { $0.kind != .all && $0.kind != .any && !$0.kind.isCustom }.map(\.field))
    }

    /// The custom fields the program compares, as named in conditions (`custom.size`, `customer.custom.tier`).
    var customFields: Set<String> { Set(customKeys) }

    /// A cheap test the condition at `root` cannot pass without: the first keyword, id, tag or
    /// flag test of its top-level "all" group. Checked before the whole condition, it turns most
    /// rules away after one comparison.
    func gate(of root: Int) -> Int? {
        let cheap: Set<Kind> = [.keywordIn, .numberCompare, .setIncludes, .flag, .priorityCompare]
        guard nodes[root].kind == .all else { return cheap.contains(nodes[root].kind) ? root : nil }
        var child = root + 1
        while child < Int(nodes[root].end) {
            if cheap.contains(nodes[child].kind) { return child }
            child = Int(nodes[child].end)
        }
        return nil
    }

    // MARK: Compiling

    private mutating func compile(_ condition: RuleCondition, path: String) throws(ShopdeskError) {
        switch condition {
        case .all(let children), .any(let children):
            let isAll = if case .all = condition { true } else { false }
            let index = nodes.count
            nodes.append(Node(kind: isAll ? .all : .any, field: .channel))
            for (position, child) in children.enumerated() {
                try compile(child, path: "\(path).\(isAll ? "all" : "any")[\(position)]")
            }
            nodes[index].end = Int32(nodes.count)
        case let .compare(name, op, value) where RuleCondition.customFieldPrefixes.contains(where: { name.hasPrefix($0) }):
            var node = try customLeaf(name, op, value, path: path)
            node.end = Int32(nodes.count + 1)
            nodes.append(node)
        case let .compare(name, op, value):
            guard let field = RuleField(rawValue: name) else {
                let known = RuleField.allCases.map(\.rawValue).joined(separator: ", ")
                throw .invalid(field: path, "Unknown field \(name); fields are \(known).")
            }
            guard field.operators.contains(op) else {
                throw .invalid(field: path, "\(name) cannot be compared with \(op); use \(field.operators.joined(separator: ", ")).")
            }
            var node = try leaf(field, op, value, path: path)
            node.end = Int32(nodes.count + 1)
            nodes.append(node)
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

    private mutating func customLeaf(_ name: String, _ op: String, _ value: JSONValue, path: String) throws(ShopdeskError) -> Node {
        let prefix = RuleCondition.customFieldPrefixes.filter { name.hasPrefix($0) }.max { $0.count < $1.count } ?? ""
        let key = String(name.dropFirst(prefix.count))
        guard !key.isEmpty, key.utf8.count <= 64 else { throw .invalid(field: path, "Name a custom field: custom.<key> or customer.custom.<key>.") }
        guard Self.customOperators.contains(op) else {
            throw .invalid(field: path, "\(name) cannot be compared with \(op); use \(Self.customOperators.joined(separator: ", ")).")
        }
        customKeys.append(name)
        let index = Int32(customKeys.count - 1)
        switch op {
        case "is_set": return Node(kind: .customSet, field: .channel, key: index)
        case "is_not_set": return Node(kind: .customNotSet, field: .channel, key: index)
        case "contains", "not_contains":
            needles.append(try Self.strings(value, path: path).map { Array(SearchText.fold($0).utf8) })
            return Node(kind: op == "contains" ? .customContains : .customNotContains, field: .channel, table: Int32(needles.count - 1), key: index)
        case "is", "is_not", "in", "not_in":
            let list: [String] = switch value {
            case .number(let number): [CustomField.numberText(number)]
            case .bool(let flag): [flag ? "true" : "false"]
            default: try Self.strings(value, path: path).map { SearchText.fold($0) }
            }
            words.append(list)
            return Node(kind: op == "is" || op == "in" ? .customIn : .customNotIn, field: .channel, table: Int32(words.count - 1), key: index)
        default:
            let bound: String
            switch value {
            case .number(let number): bound = CustomField.numberText(number)
            case .string(let text) where !text.isEmpty: bound = text
            default: throw .invalid(field: path, "\(name) is compared with a number or a date (YYYY-MM-DD).")
            }
            words.append([bound])
            return Node(kind: .customCompare, field: .channel, table: Int32(words.count - 1), comparison: Self.comparisons[op] ?? .equal,
                        number: Double(bound) ?? .nan, key: index)
        }
    }

    private static let comparisons: [String: Comparison] = [
        "is": .equal, "is_not": .notEqual, "gt": .greater, "gte": .greaterOrEqual, "lt": .less, "lte": .lessOrEqual,
    ]

    private mutating func leaf(_ field: RuleField, _ op: String, _ value: JSONValue, path: String) throws(ShopdeskError) -> Node {
        switch field.kind {
        case .text:
            switch op {
            case "is_set": return Node(kind: .textSet, field: field)
            case "is_not_set": return Node(kind: .textNotSet, field: field)
            case "matches":
                guard case .string(let pattern) = value, !pattern.isEmpty else { throw .invalid(field: path, "Give a regular expression.") }
                let regex: NSRegularExpression
                do { regex = try NSRegularExpression(pattern: pattern, options: [.caseInsensitive]) } catch {
                    throw .invalid(field: path, "\(pattern) is not a valid regular expression.")
                }
                regexes.append(RegexBox(regex: regex))
                return Node(kind: .textMatches, field: field, table: Int32(regexes.count - 1))
            default:
                let folded = try Self.strings(value, path: path).map { Array(SearchText.fold($0).utf8) }
                needles.append(folded)
                let kind: Kind = switch op {
                case "contains": .textContainsAll
                case "not_contains": .textContainsNone
                case "contains_any": .textContainsAny
                case "is": .textIs
                case "is_not": .textIsNot
                case "starts_with": .textPrefix
                default: .textSuffix
                }
                return Node(kind: kind, field: field, table: Int32(needles.count - 1))
            }
        case .keyword:
            if op == "is_set" { return Node(kind: .keywordSet, field: field) }
            if op == "is_not_set" { return Node(kind: .keywordNotSet, field: field) }
            let list = Array(Set(try Self.strings(value, path: path).map { $0.lowercased() }))
            if field == .priority, let comparison = Self.comparisons[op], comparison != .equal, comparison != .notEqual {
                guard list.count == 1, let bound = Priority(rawValue: list[0]) else {
                    throw .invalid(field: path, "Compare priority with one of low, normal, high, urgent.")
                }
                return Node(kind: .priorityCompare, field: field, comparison: comparison, number: Double(bound.rank))
            }
            words.append(list)
            return Node(kind: op == "is" || op == "in" ? .keywordIn : .keywordNotIn, field: field, table: Int32(words.count - 1))
        case .number:
            if op == "is_set" { return Node(kind: .numberSet, field: field) }
            if op == "is_not_set" { return Node(kind: .numberNotSet, field: field) }
            guard case .number(let bound) = value, let comparison = Self.comparisons[op] else {
                throw .invalid(field: path, "\(field.rawValue) is compared with a number.")
            }
            return Node(kind: .numberCompare, field: field, comparison: comparison, number: bound)
        case .flag:
            guard case .bool(let expected) = value else { throw .invalid(field: path, "\(field.rawValue) is compared with true or false.") }
            return Node(kind: .flag, field: field, number: expected ? 1 : 0)
        case .set:
            if op == "is_set" { return Node(kind: .setSet, field: field) }
            if op == "is_not_set" { return Node(kind: .setNotSet, field: field) }
            words.append(Array(Set(try Self.strings(value, path: path).map { $0.lowercased() })))
            let kind: Kind = op == "includes" ? .setIncludes : op == "includes_all" ? .setIncludesAll : .setExcludes
            return Node(kind: kind, field: field, table: Int32(words.count - 1))
        }
    }
}

/// Walks a compiled program for one set of facts.
struct Evaluator {
    let nodes: UnsafeBufferPointer<CompiledCondition.Node>
    let needles: UnsafeBufferPointer<[[UInt8]]>
    let words: UnsafeBufferPointer<[String]>
    let regexes: [RegexBox]
    let customKeys: [String]

    func run(_ index: Int, _ facts: RuleFacts) -> Bool {
        let node = nodes[index]
        switch node.kind {
        case .all, .any:
            let wantAll = node.kind == .all
            var child = index + 1
            while child < Int(node.end) {
                if run(child, facts) != wantAll { return !wantAll }
                child = Int(nodes[child].end)
            }
            return wantAll
        case .textContainsAll: return needles[Int(node.table)].allSatisfy { text(node.field, facts).contains($0) }
        case .textContainsNone: return !needles[Int(node.table)].contains { text(node.field, facts).contains($0) }
        case .textContainsAny: return needles[Int(node.table)].contains { text(node.field, facts).contains($0) }
        case .textIs: return text(node.field, facts).equals(needles[Int(node.table)][0])
        case .textIsNot: return !text(node.field, facts).equals(needles[Int(node.table)][0])
        case .textPrefix: return text(node.field, facts).hasPrefix(needles[Int(node.table)][0])
        case .textSuffix: return text(node.field, facts).hasSuffix(needles[Int(node.table)][0])
        case .textMatches: return regexes[Int(node.table)].matches(text(node.field, facts).original)
        case .textSet: return !text(node.field, facts).isEmpty
        case .textNotSet: return text(node.field, facts).isEmpty
        case .keywordIn: return keyword(node.field, facts).map { words[Int(node.table)].contains($0) } ?? false
        case .keywordNotIn: return !(keyword(node.field, facts).map { words[Int(node.table)].contains($0) } ?? false)
        case .keywordSet: return keyword(node.field, facts) != nil
        case .keywordNotSet: return keyword(node.field, facts) == nil
        case .priorityCompare: return compare(Double(facts.priority.rank), node)
        case .numberCompare: return number(node.field, facts).map { compare($0, node) } ?? (node.comparison == .notEqual)
        case .numberSet: return number(node.field, facts) != nil
        case .numberNotSet: return number(node.field, facts) == nil
        case .flag: return flag(node.field, facts) == (node.number == 1)
        case .setIncludes: return words[Int(node.table)].contains { set(node.field, facts).contains($0) }
        case .setExcludes: return !words[Int(node.table)].contains { set(node.field, facts).contains($0) }
        case .setIncludesAll: return words[Int(node.table)].allSatisfy { set(node.field, facts).contains($0) }
        case .setSet: return !set(node.field, facts).isEmpty
        case .setNotSet: return set(node.field, facts).isEmpty
        case .customIn: return facts.custom[customKeys[Int(node.key)]].map { words[Int(node.table)].contains($0) } ?? false
        case .customNotIn: return !(facts.custom[customKeys[Int(node.key)]].map { words[Int(node.table)].contains($0) } ?? false)
        case .customContains, .customNotContains:
            let value = facts.custom[customKeys[Int(node.key)]] ?? ""
            let found = needles[Int(node.table)].contains { needle in
                needle.isEmpty || value.utf8.count >= needle.count && Array(value.utf8).firstRange(of: needle) != nil
            }
            return node.kind == .customContains ? found : !found
        case .customCompare:
            guard let value = facts.custom[customKeys[Int(node.key)]] else { return node.comparison == .notEqual }
            if !node.number.isNaN, let number = Double(value) { return compare(number, node) }
            let bound = words[Int(node.table)][0]
            return switch node.comparison {
            case .equal: value == bound
            case .notEqual: value != bound
            case .greater: value > bound
            case .greaterOrEqual: value >= bound
            case .less: value < bound
            case .lessOrEqual: value <= bound
            }
        case .customSet: return facts.custom[customKeys[Int(node.key)]] != nil
        case .customNotSet: return facts.custom[customKeys[Int(node.key)]] == nil
        }
    }

    private func compare(_ value: Double, _ node: CompiledCondition.Node) -> Bool {
        switch node.comparison {
        case .equal: value == node.number
        case .notEqual: value != node.number
        case .greater: value > node.number
        case .greaterOrEqual: value >= node.number
        case .less: value < node.number
        case .lessOrEqual: value <= node.number
        }
    }

    private func text(_ field: RuleField, _ facts: RuleFacts) -> FoldedText {
        switch field {
        case .subject: facts.subject
        case .customerName: facts.customerName
        default: facts.text
        }
    }

    private func keyword(_ field: RuleField, _ facts: RuleFacts) -> String? {
        switch field {
        case .channel: facts.channel
        case .language: facts.language
        case .intent: facts.intent
        case .sentiment: facts.sentiment
        case .priority: facts.priority.rawValue
        case .status: facts.status.rawValue
        case .customerEmail: facts.customerEmail
        case .lastMessageFrom: facts.lastMessageFrom
        case .lastOrderFinancialStatus: facts.lastOrderFinancialStatus
        case .lastOrderFulfillmentStatus: facts.lastOrderFulfillmentStatus
        case .returnState: facts.returnFacts?.state
        case .returnOrigin: facts.returnFacts?.origin
        default: facts.customerEmailDomain
        }
    }

    private func number(_ field: RuleField, _ facts: RuleFacts) -> Double? {
        switch field {
        case .inboxId: Double(facts.inboxID)
        case .assigneeId: facts.assigneeID.map(Double.init)
        case .teamId: facts.teamID.map(Double.init)
        case .hoursSinceCreated: facts.hoursSinceCreated
        case .hoursSinceLastMessage: facts.hoursSinceLastMessage
        case .surveyScore: facts.surveyScore
        case .orderCount: facts.orderCount
        case .totalSpent: facts.totalSpent
        case .lastOrderTotal: facts.lastOrderTotal
        case .lastOrderAgeDays: facts.lastOrderAgeDays
        case .returnItems: facts.returnFacts.map { Double($0.items) }
        default: Double(facts.messageCount)
        }
    }

    private func set(_ field: RuleField, _ facts: RuleFacts) -> Set<String> {
        switch field {
        case .tags: facts.tags
        case .customerTags: facts.customerTags
        case .returnReasons: facts.returnFacts?.reasons ?? []
        default: facts.changed
        }
    }

    private func flag(_ field: RuleField, _ facts: RuleFacts) -> Bool {
        switch field {
        case .urgent: facts.urgent
        case .customerVIP: facts.customerVIP
        default: facts.withinBusinessHours
        }
    }
}
