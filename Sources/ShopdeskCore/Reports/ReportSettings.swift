import Foundation

/// A workspace's report settings: the team scoreboard's weekly goals, whether admins get the
/// weekly digest.
public struct ReportSettings: Codable, Equatable, Sendable {
    /// What a weekly goal measures, per agent, over the week (Monday to Sunday in the workspace's time zone).
    public enum GoalMetric: String, Codable, Sendable, CaseIterable {
        /// Conversations resolved (at least the target).
        case resolved
        /// CSAT: answers scoring 4 or 5, in percent (at least).
        case csat
        /// Mean first response, in minutes (at most).
        case firstResponseMinutes = "first_response_minutes"
        /// Hours online in the agent app (at least).
        case onlineHours = "online_hours"

        /// A lower value is the better one.
        public var lowerIsBetter: Bool { self == .firstResponseMinutes }
    }

    public struct Goal: Codable, Equatable, Sendable {
        public var metric: GoalMetric
        public var target: Double

        public init(metric: GoalMetric, target: Double) {
            self.metric = metric
            self.target = target
        }

        /// Whether `value` reaches the target (nil: nothing to measure yet, not met).
        public func met(_ value: Double?) -> Bool {
            guard let value else { return false }
            return metric.lowerIsBetter ? value <= target : value >= target
        }

        /// How far towards the target, 0…1 (for a bar): a share of the target, or for a time
        /// over its target the target's share of it.
        public func progress(_ value: Double?) -> Double {
            guard let value else { return 0 }
            if metric.lowerIsBetter { return value <= target ? 1 : max(0, min(1, target / value)) }
            return target <= 0 ? 1 : max(0, min(1, value / target))
        }
    }

    public var goals: [Goal]
    public var digest: Bool

    public init(goals: [Goal] = [], digest: Bool = true) {
        self.goals = goals
        self.digest = digest
    }

    enum CodingKeys: String, CodingKey { case goals, digest }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        goals = try container.decodeIfPresent([Goal].self, forKey: .goals) ?? []
        digest = try container.decodeIfPresent(Bool.self, forKey: .digest) ?? true
    }

    /// One goal per metric, each target a sensible number.
    public func validated() throws(ShopdeskError) -> ReportSettings {
        guard Set(goals.map(\.metric)).count == goals.count else {
            throw .invalid(field: "goals", "Each metric takes one weekly goal.")
        }
        for goal in goals {
            let range: ClosedRange<Double> = switch goal.metric {
            case .resolved: 1...10_000
            case .csat: 1...100
            case .firstResponseMinutes: 1...10_080
            case .onlineHours: 1...168
            }
            guard goal.target.isFinite, range.contains(goal.target) else {
                throw .invalid(field: "goals", "The \(goal.metric.rawValue) goal is a number from \(Int(range.lowerBound)) to \(Int(range.upperBound)).")
            }
        }
        return self
    }
}

extension ReportClock {
    /// The Monday (`yyyymmdd`) of the week `day` is in.
    public func monday(of day: Int) -> Int {
        ReportClock.adding(-(slot(start(of: day).addingTimeInterval(3 * 3_600)) / 24), to: day)
    }
}
