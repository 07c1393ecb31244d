import Foundation

/// The mutable part of a conversation that the lifecycle state machine owns.
public struct ConversationState: Equatable, Sendable {
    public var status: ConversationStatus
    public var snoozedUntil: Date?
    public var priority: Priority
    public var assigneeID: AgentID?
    public var teamID: TeamID?
    public var tags: Set<String>
    public var mergedInto: ConversationID?

    public init(
        status: ConversationStatus = .open,
        snoozedUntil: Date? = nil,
        priority: Priority = .normal,
        assigneeID: AgentID? = nil,
        teamID: TeamID? = nil,
        tags: Set<String> = [],
        mergedInto: ConversationID? = nil
    ) {
        self.status = status
        self.snoozedUntil = snoozedUntil
        self.priority = priority
        self.assigneeID = assigneeID
        self.teamID = teamID
        self.tags = tags
        self.mergedInto = mergedInto
    }
}

/// What somebody (or something) asks of a conversation.
public enum ConversationCommand: Equatable, Sendable {
    /// A customer wrote: pending, snoozed and resolved conversations reopen.
    case customerMessageReceived
    /// An agent (or API client) sets the status; `.snoozed` needs `snoozeUntil` in the future.
    case setStatus(ConversationStatus, snoozeUntil: Date? = nil)
    /// The snooze timer fired; wakes the conversation only if it is still due.
    case snoozeTimerFired
    case assign(AgentID?)
    case setTeam(TeamID?)
    case setPriority(Priority)
    case setTags(Set<String>)
    case addTags(Set<String>)
    case removeTags(Set<String>)
    /// This conversation is folded into another one and becomes a pointer to it.
    case mergeInto(ConversationID)
}

/// One observable change produced by the state machine; each becomes a timeline event.
public enum ConversationChange: Equatable, Sendable {
    case statusChanged(from: ConversationStatus, to: ConversationStatus, snoozedUntil: Date?)
    case assigneeChanged(from: AgentID?, to: AgentID?)
    case teamChanged(from: TeamID?, to: TeamID?)
    case priorityChanged(from: Priority, to: Priority)
    case tagsChanged(added: [String], removed: [String])
    case merged(into: ConversationID)
}
