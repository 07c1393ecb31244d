/// A workspace's enabled rules, compiled and indexed by trigger, in the order the admin gave
/// them. Immutable: rule edits build a new set.
public struct RuleSet: Sendable {
    public struct Rule: Sendable {
        public let id: Int64
        public let definition: RuleDefinition
        let condition: CompiledCondition
    }

    public let rules: [Rule]
    /// Per trigger, the matching rules' positions in `rules` and their tests side by side, so
    /// the hot loop touches a closure and a flag, not the whole definition.
    private let byTrigger: [RuleTrigger: Candidates]

    private struct Candidates: Sendable {
        var positions: [Int] = []
        /// Each rule's root in `program`, and its gate (a cheap node to test first; -1: none).
        var roots: [Int32] = []
        var gates: [Int32] = []
        var stops: [Bool] = []
        var ids: [Int64] = []
    }

    /// Every enabled rule's condition in one program, so that evaluating 200 rules walks one
    /// set of arrays instead of 200.
    private let program: CompiledCondition
    private let fields: Set<RuleField>
    /// The custom fields some rule compares (`custom.<key>`, `customer.custom.<key>`).
    public let customFields: Set<String>
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
        var byTrigger: [RuleTrigger: Candidates] = [:]
        var program = CompiledCondition()
        for (position, rule) in rules.enumerated() {
            let root = program.append(rule.condition)
            let gate = program.gate(of: root).map(Int32.init) ?? -1
            for trigger in Set(rule.definition.triggers) {
                byTrigger[trigger, default: Candidates()].positions.append(position)
                byTrigger[trigger]!.roots.append(Int32(root))
                byTrigger[trigger]!.gates.append(gate)
                byTrigger[trigger]!.stops.append(rule.definition.stop)
                byTrigger[trigger]!.ids.append(rule.id)
            }
        }
        self.rules = rules
        self.byTrigger = byTrigger
        self.program = program
        fields = program.fields
        customFields = program.customFields
        self.broken = broken
    }

    public var isEmpty: Bool { rules.isEmpty }

    /// Whether any rule reads the field; texts nobody reads need not be folded for the facts.
    public func reads(_ field: RuleField) -> Bool { fields.contains(field) }

    public func hasRules(for trigger: RuleTrigger) -> Bool { byTrigger[trigger] != nil }

    /// The rules that fire for `facts`, in order, honouring stop flags. Rules in `excluding`
    /// (those that already fired in this chain) are skipped: a rule's own change never
    /// triggers it again.
    public func matches(_ facts: RuleFacts, excluding: Set<Int64> = []) -> [Rule] {
        guard let candidates = byTrigger[facts.trigger] else { return [] }
        return program.withEvaluator { evaluator in
            var fired: [Rule] = []
            for index in candidates.roots.indices where !excluding.contains(candidates.ids[index])
                && passes(index, candidates, evaluator, facts) {
                fired.append(rules[candidates.positions[index]])
                if candidates.stops[index] { break }
            }
            return fired
        }
    }

    private func passes(_ index: Int, _ candidates: Candidates, _ evaluator: Evaluator, _ facts: RuleFacts) -> Bool {
        let gate = Int(candidates.gates[index])
        return (gate < 0 || evaluator.run(gate, facts)) && evaluator.run(Int(candidates.roots[index]), facts)
    }

    /// Counts matches without collecting them (the benchmark's inner loop).
    public func countMatches(_ facts: RuleFacts) -> Int {
        guard let candidates = byTrigger[facts.trigger] else { return 0 }
        return program.withEvaluator { evaluator in
            candidates.roots.withUnsafeBufferPointer { roots in
                candidates.gates.withUnsafeBufferPointer { gates in
                    var count = 0
                    for index in roots.indices where (gates[index] < 0 || evaluator.run(Int(gates[index]), facts))
                        && evaluator.run(Int(roots[index]), facts) {
                        count += 1
                        if candidates.stops[index] { break }
                    }
                    return count
                }
            }
        }
    }
}
