/// A workspace's enabled rules, compiled and indexed by trigger, in the order the admin gave
/// them. Immutable: rule edits build a new set.
public struct RuleSet: Sendable {
    public struct Rule: Sendable {
        public let id: Int64
        public let definition: RuleDefinition
        let condition: CompiledCondition
    }

    public let rules: [Rule]
    private let byTrigger: [RuleTrigger: [Rule]]
    /// Stored rules that no longer compile (e.g. a field was retired), with the reason; they
    /// never fire and the rules page shows them.
    public let broken: [(id: Int64, reason: String)]

    public static let empty = RuleSet([])

    /// Depth of a chain of rules triggering rules (a rule's change is a `conversation.updated`).
    public static let maxChainDepth = 3

    public init(_ stored: [(id: Int64, definition: RuleDefinition)]) {
        var rules: [Rule] = []
        var broken: [(id: Int64, reason: String)] = []
        for (id, definition) in stored where definition.enabled {
            do {
                rules.append(Rule(id: id, definition: definition, condition: try CompiledCondition(definition.conditions)))
            } catch {
                broken.append((id, error.message))
            }
        }
        var byTrigger: [RuleTrigger: [Rule]] = [:]
        for rule in rules {
            for trigger in Set(rule.definition.triggers) { byTrigger[trigger, default: []].append(rule) }
        }
        self.rules = rules
        self.byTrigger = byTrigger
        self.broken = broken
    }

    public var isEmpty: Bool { rules.isEmpty }

    public func hasRules(for trigger: RuleTrigger) -> Bool { byTrigger[trigger] != nil }

    /// The rules that fire for `facts`, in order, honouring stop flags. Rules in `excluding`
    /// (those that already fired in this chain) are skipped: a rule's own change never
    /// triggers it again.
    public func matches(_ facts: RuleFacts, excluding: Set<Int64> = []) -> [Rule] {
        guard let candidates = byTrigger[facts.trigger] else { return [] }
        var fired: [Rule] = []
        for rule in candidates where !excluding.contains(rule.id) && rule.condition.test(facts) {
            fired.append(rule)
            if rule.definition.stop { break }
        }
        return fired
    }

    /// Counts matches without collecting them (the benchmark's inner loop).
    public func countMatches(_ facts: RuleFacts) -> Int {
        guard let candidates = byTrigger[facts.trigger] else { return 0 }
        var count = 0
        for rule in candidates where rule.condition.test(facts) {
            count += 1
            if rule.definition.stop { break }
        }
        return count
    }
}
