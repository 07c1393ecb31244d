/// Who caused a change: recorded on every timeline event.
public enum EventActor: Hashable, Sendable {
    case agent(AgentID)
    case customer(CustomerID)
    case system

    /// The column pair used to store the actor.
    public var kind: String {
        switch self {
        case .agent: "agent"
        case .customer: "customer"
        case .system: "system"
        }
    }

    public var rawID: Int64? {
        switch self {
        case .agent(let id): id.rawValue
        case .customer(let id): id.rawValue
        case .system: nil
        }
    }

    public init(kind: String, rawID: Int64?) {
        switch (kind, rawID) {
        case ("agent", let id?): self = .agent(AgentID(id))
        case ("customer", let id?): self = .customer(CustomerID(id))
        default: self = .system
        }
    }
}
