import Foundation

/// How new conversations of an inbox (or a team) find an agent.
public struct AssignmentPolicy: Codable, Equatable, Sendable {
    public enum Mode: String, Codable, Sendable, CaseIterable {
        /// Nobody is picked automatically.
        case manual
        /// Each in turn.
        case roundRobin = "round_robin"
        /// The one with the fewest open conversations, within their capacity.
        case leastLoaded = "least_loaded"
    }

    public var mode: Mode
    /// Only agents connected now and not set to away.
    public var onlineOnly: Bool
    /// Prefer agents whose language is the conversation's.
    public var matchLanguage: Bool
    /// Give an open conversation to someone else when its agent has gone offline.
    public var reassignWhenOffline: Bool

    public init(mode: Mode = .manual, onlineOnly: Bool = true, matchLanguage: Bool = false, reassignWhenOffline: Bool = false) {
        self.mode = mode
        self.onlineOnly = onlineOnly
        self.matchLanguage = matchLanguage
        self.reassignWhenOffline = reassignWhenOffline
    }

    private enum CodingKeys: String, CodingKey { case mode, onlineOnly, matchLanguage, reassignWhenOffline }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        mode = try container.decodeIfPresent(Mode.self, forKey: .mode) ?? .manual
        onlineOnly = try container.decodeIfPresent(Bool.self, forKey: .onlineOnly) ?? true
        matchLanguage = try container.decodeIfPresent(Bool.self, forKey: .matchLanguage) ?? false
        reassignWhenOffline = try container.decodeIfPresent(Bool.self, forKey: .reassignWhenOffline) ?? false
    }
}

/// Picks the agent for a conversation. Pure: who is available, their load and the rotation's
/// last pick come in.
public enum AgentChooser {
    public struct Candidate: Equatable, Sendable {
        public var id: AgentID
        public var language: String
        public var online: Bool
        public var load: Int
        public var capacity: Int

        public init(id: AgentID, language: String, online: Bool, load: Int, capacity: Int) {
            self.id = id
            self.language = language
            self.online = online
            self.load = load
            self.capacity = capacity
        }
    }

    /// Nil when nobody fits (everyone offline or full): the conversation waits unassigned.
    public static func choose(_ candidates: [Candidate], policy: AssignmentPolicy, language: String?, lastPicked: AgentID?) -> AgentID? {
        guard policy.mode != .manual else { return nil }
        var pool = candidates.filter { (!policy.onlineOnly || $0.online) && $0.load < $0.capacity }
        if policy.matchLanguage, let language = language.map(baseLanguage) {
            let speakers = pool.filter { baseLanguage($0.language) == language }
            if !speakers.isEmpty { pool = speakers }
        }
        guard !pool.isEmpty else { return nil }
        // The rotation: ids in order, starting after the last one picked.
        let ordered = pool.sorted { $0.id < $1.id }
        let start = lastPicked.flatMap { last in ordered.firstIndex { $0.id > last } } ?? 0
        let rotation = Array(ordered[start...] + ordered[..<start])
        switch policy.mode {
        case .roundRobin: return rotation.first?.id
        case .leastLoaded:
            let lowest = rotation.map(\.load).min()
            return rotation.first { $0.load == lowest }?.id
        case .manual: return nil
        }
    }

    static func baseLanguage(_ code: String) -> String {
        String(code.lowercased().split(whereSeparator: { $0 == "-" || $0 == "_" }).first ?? "")
    }
}
