import Foundation

/// How a conversation did against its SLA policy, target by target, replayed from its history
/// with the same clock the write path keeps (`SLAClock`): each first response, next response and
/// resolution target either met (on the day it was met) or breached (on the day it came due),
/// and why a breach happened (docs/REPORTS.md, "SLA achievement").
public struct SLAOutcome: Equatable, Sendable {
    public enum Cause: String, Sendable, CaseIterable {
        /// Nobody was assigned when the target came due.
        case unassigned
        /// It came due while the workspace was closed (a policy measured around the clock).
        case outsideHours = "outside_hours"
        /// Assigned, in opening hours, and still late.
        case late
    }

    public var target: SLATarget
    public var met: Bool
    /// When it was met, or when it came due unmet.
    public var at: Date
    public var cause: Cause?

    public init(target: SLATarget, met: Bool, at: Date, cause: Cause? = nil) {
        self.target = target
        self.met = met
        self.at = at
        self.cause = cause
    }

    /// The outcomes of one conversation under `policy`, from its creation to `now`. A target met
    /// and later breached again (a reopened conversation's resolution) counts once, as its last
    /// outcome; every next-response wait is a target of its own.
    public static func replay(_ history: ConversationHistory, initial: ConversationStatus, assignments: [(at: Date, assigned: Bool)],
                              assignedAtStart: Bool, policy: (id: Int64, policy: SLAPolicy), calendar: BusinessCalendar,
                              now: Date) -> [SLAOutcome] {
        enum Step { case message(ConversationHistory.Message), status(ConversationStatus) }
        var steps: [(at: Date, order: Int, step: Step)] = []
        for (index, message) in history.messages.enumerated() where message.direction == .inbound || message.direction == .outbound {
            steps.append((message.at, index, .message(message)))
        }
        for (index, change) in history.statusChanges.enumerated() { steps.append((change.at, history.messages.count + index, .status(change.to))) }
        steps.sort { $0.at != $1.at ? $0.at < $1.at : $0.order < $1.order }

        let assigned = { (date: Date) -> Bool in assignments.last { $0.at <= date }?.assigned ?? assignedAtStart }
        let workspaceHours = calendar
        var outcomes: [SLAOutcome] = []
        var resolution: SLAOutcome?
        func record(_ outcome: SLAOutcome) {
            if outcome.target == .resolution { resolution = outcome } else { outcomes.append(outcome) }
        }
        func breach(_ target: SLATarget, dueAt: Date) -> SLAOutcome {
            let cause: SLAOutcome.Cause = !assigned(dueAt) ? .unassigned
                : !policy.policy.businessHours && !workspaceHours.isOpen(at: dueAt) ? .outsideHours : .late
            return SLAOutcome(target: target, met: false, at: dueAt, cause: cause)
        }
        var observed = SLAClock.Observation(status: initial, createdAt: history.createdAt, firstResponseAt: nil,
                                            lastMessageAt: history.createdAt, lastMessageDirection: nil)
        var clock = SLAClock.reconcile(nil, policy: policy, observed: observed, calendar: calendar, now: history.createdAt)
        // Raises the breaches that came due before `time`, as the timer job would have.
        func advance(to time: Date) {
            guard var current = clock else { return }
            for raised in current.signals(at: time, warnMinutes: 0) where raised.signal == .breach {
                record(breach(raised.target, dueAt: raised.dueAt))
            }
            clock = current
        }
        for (at, _, step) in steps where at >= history.createdAt && at <= now {
            advance(to: at)
            switch step {
            case .message(let message):
                if message.failed { continue }
                observed.lastMessageAt = message.at
                observed.lastMessageDirection = message.direction
                if message.direction == .outbound, message.byAgent, observed.firstResponseAt == nil { observed.firstResponseAt = message.at }
            case .status(let status):
                observed.status = status
            }
            let before = clock
            clock = SLAClock.reconcile(clock, policy: policy, observed: observed, calendar: calendar, now: at)
            // A timer that stopped (answered, or resolved) in time met its target; a late one was
            // raised as a breach when it came due (just above).
            for target in SLATarget.allCases {
                guard let old = before?.timers[target.rawValue], let new = clock?.timers[target.rawValue] else { continue }
                if old.stoppedAt == nil, new.stoppedAt != nil, !new.breached { record(SLAOutcome(target: target, met: true, at: at)) }
            }
        }
        advance(to: now)
        // The resolution counts once: its last outcome, if it has one (not yet due and not resolved: none).
        if let resolution { outcomes.append(resolution) }
        return outcomes
    }
}
