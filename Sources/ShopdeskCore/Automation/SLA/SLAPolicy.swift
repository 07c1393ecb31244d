import Foundation

/// Promises a workspace makes, chosen per conversation by conditions (the first policy in order
/// whose conditions hold): first response, next response and resolution within so many minutes
/// of business time (or clock time).
public struct SLAPolicy: Codable, Equatable, Sendable {
    public var name: String
    public var conditions: RuleCondition
    public var firstResponseMinutes: Int?
    public var nextResponseMinutes: Int?
    public var resolutionMinutes: Int?
    /// Measure on business hours (else around the clock).
    public var businessHours: Bool
    /// The policy's own business hours (a support line with other hours, a VIP desk open at
    /// weekends); nil uses the workspace's.
    public var calendar: BusinessCalendar?
    /// The resolution clock stops while the conversation is pending or snoozed (waiting on the customer).
    public var pauseWhilePending: Bool
    /// A warning this many minutes before a target falls due.
    public var warnMinutes: Int

    public init(name: String, conditions: RuleCondition = .all([]), firstResponseMinutes: Int? = nil, nextResponseMinutes: Int? = nil,
                resolutionMinutes: Int? = nil, businessHours: Bool = true, pauseWhilePending: Bool = true, warnMinutes: Int = 30) {
        self.name = name
        self.conditions = conditions
        self.firstResponseMinutes = firstResponseMinutes
        self.nextResponseMinutes = nextResponseMinutes
        self.resolutionMinutes = resolutionMinutes
        self.businessHours = businessHours
        self.pauseWhilePending = pauseWhilePending
        self.warnMinutes = warnMinutes
    }

    private enum CodingKeys: String, CodingKey {
        case name, conditions, firstResponseMinutes, nextResponseMinutes, resolutionMinutes, businessHours, calendar, pauseWhilePending, warnMinutes
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        conditions = try container.decodeIfPresent(RuleCondition.self, forKey: .conditions) ?? .all([])
        firstResponseMinutes = try container.decodeIfPresent(Int.self, forKey: .firstResponseMinutes)
        nextResponseMinutes = try container.decodeIfPresent(Int.self, forKey: .nextResponseMinutes)
        resolutionMinutes = try container.decodeIfPresent(Int.self, forKey: .resolutionMinutes)
        businessHours = try container.decodeIfPresent(Bool.self, forKey: .businessHours) ?? true
        calendar = try container.decodeIfPresent(BusinessCalendar.self, forKey: .calendar)
        pauseWhilePending = try container.decodeIfPresent(Bool.self, forKey: .pauseWhilePending) ?? true
        warnMinutes = try container.decodeIfPresent(Int.self, forKey: .warnMinutes) ?? 30
    }

    public func validated() throws(ShopdeskError) -> SLAPolicy {
        var copy = self
        copy.name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !copy.name.isEmpty, copy.name.count <= 200 else { throw .invalid(field: "name", "Give the policy a name of at most 200 characters.") }
        let targets = [("first_response_minutes", firstResponseMinutes), ("next_response_minutes", nextResponseMinutes),
                       ("resolution_minutes", resolutionMinutes)]
        guard targets.contains(where: { $0.1 != nil }) else {
            throw .invalid(field: "first_response_minutes", "Set at least one target: first response, next response or resolution.")
        }
        for (field, minutes) in targets {
            if let minutes, !(1...(60 * 24 * 365)).contains(minutes) {
                throw .invalid(field: field, "Targets are from 1 minute to a year (in minutes).")
            }
        }
        guard (0...(60 * 24 * 7)).contains(warnMinutes) else { throw .invalid(field: "warn_minutes", "Warn from 0 minutes to a week before.") }
        copy.calendar = try calendar?.validated(field: "calendar")
        if let field = conditions.fields.first(where: { Self.unsuitableFields.contains($0) }) {
            throw .invalid(field: "conditions",
                           "A policy is chosen from the conversation, not from one message: \(field) cannot decide it. Tag such conversations with a rule and choose the policy by tag.")
        }
        _ = try CompiledCondition(conditions)
        return copy
    }

    /// Fields that describe one event rather than the conversation.
    public static let unsuitableFields: Set<String> = ["message.text", "changed"]

    func minutes(for target: SLATarget) -> Int? {
        switch target {
        case .firstResponse: firstResponseMinutes
        case .nextResponse: nextResponseMinutes
        case .resolution: resolutionMinutes
        }
    }
}

/// A workspace's policies in order, compiled; the first whose conditions hold applies.
public struct SLAPolicySet: Sendable {
    let policies: [(id: Int64, policy: SLAPolicy, condition: CompiledCondition)]

    public static let empty = SLAPolicySet([])

    public init(_ stored: [(id: Int64, policy: SLAPolicy)]) {
        policies = stored.compactMap { id, policy in (try? CompiledCondition(policy.conditions)).map { (id, policy, $0) } }
    }

    public var isEmpty: Bool { policies.isEmpty }

    public func reads(_ field: RuleField) -> Bool { policies.contains { $0.condition.fields.contains(field) } }

    public func policy(for facts: RuleFacts) -> (id: Int64, policy: SLAPolicy)? {
        policies.first { $0.condition.evaluate(facts) }.map { ($0.id, $0.policy) }
    }
}
