/// Who caused a change: recorded on every timeline event.
public enum EventActor: Hashable, Sendable {
    case agent(AgentID)
    case customer(CustomerID)
    /// An automation rule (its id): what rules change is credited to them in the timeline.
    case rule(Int64)
    case system

    /// The column pair used to store the actor.
    public var kind: String {
        switch self {
        case .agent: "agent"
        case .customer: "customer"
        case .rule: "rule"
        case .system: "system"
        }
    }

    public var rawID: Int64? {
        switch self {
        case .agent(let id): id.rawValue
        case .customer(let id): id.rawValue
        case .rule(let id): id
        case .system: nil
        }
    }

    public init(kind: String, rawID: Int64?) {
        switch (kind, rawID) {
        case ("agent", let id?): self = .agent(AgentID(id))
        case ("customer", let id?): self = .customer(CustomerID(id))
        case ("rule", let id?): self = .rule(id)
        default: self = .system
        }
    }
}
