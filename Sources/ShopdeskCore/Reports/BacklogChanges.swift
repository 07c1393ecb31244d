import Foundation

/// How a conversation moved the backlog: on each day of the workspace's calendar where its status
/// at the end of the day differs from the day before, −1 for the status it left and +1 for the one
/// it entered (open, pending and snoozed are the backlog; resolved is not). Summed over every
/// conversation from the workspace's first day, they give how many conversations were open,
/// pending and snoozed at the end of each day (docs/REPORTS.md, "Backlog over time").
public struct BacklogChange: Equatable, Sendable {
    public var day: Int
    public var open: Int
    public var pending: Int
    public var snoozed: Int

    public init(day: Int, open: Int = 0, pending: Int = 0, snoozed: Int = 0) {
        self.day = day
        self.open = open
        self.pending = pending
        self.snoozed = snoozed
    }

    /// The changes of one conversation: created in `initial` status at `createdAt`, then each
    /// status change in time order.
    public static func of(createdAt: Date, initial: ConversationStatus, changes: [(at: Date, to: ConversationStatus)],
                          clock: ReportClock) -> [BacklogChange] {
        // The status at the end of each day something happened, in day order.
        var ends: [(day: Int, status: ConversationStatus)] = [(clock.day(createdAt), initial)]
        for change in changes where change.at >= createdAt {
            let day = clock.day(change.at)
            // A change stamped before the day reached (clocks that disagreed) counts on that day.
            if day <= ends[ends.count - 1].day { ends[ends.count - 1].status = change.to } else { ends.append((day, change.to)) }
        }
        var result: [BacklogChange] = []
        var before: ConversationStatus?
        for end in ends where end.status != before {
            var change = BacklogChange(day: end.day)
            if let before { change.add(before, -1) }
            change.add(end.status, 1)
            before = end.status
            if change.open != 0 || change.pending != 0 || change.snoozed != 0 { result.append(change) }
        }
        return result
    }

    /// Adds another move (of another conversation, or of the days before).
    public mutating func add(_ other: BacklogChange) {
        open += other.open
        pending += other.pending
        snoozed += other.snoozed
    }

    mutating func add(_ status: ConversationStatus, _ n: Int) {
        switch status {
        case .open: open += n
        case .pending: pending += n
        case .snoozed: snoozed += n
        // Spam waits for nobody: it is not backlog.
        case .resolved, .spam: break
        }
    }
}
