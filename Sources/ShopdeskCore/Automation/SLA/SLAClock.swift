import Foundation

public enum SLATarget: String, Codable, Sendable, CaseIterable {
    case firstResponse = "first_response"
    case nextResponse = "next_response"
    case resolution
}

/// One target's clock: running (a due time), paused (business time left) or stopped.
public struct SLATimer: Codable, Equatable, Sendable {
    public var startedAt: Date
    public var dueAt: Date?
    /// Business seconds left while the clock is paused or after it stopped.
    public var remaining: TimeInterval?
    public var stoppedAt: Date?
    public var warned = false
    public var breached = false

    public var isRunning: Bool { dueAt != nil }
}

/// A conversation's SLA clocks under its policy. Reconciled from the conversation's state after
/// every write (so every path that changes a conversation keeps them right), and checked by a
/// timer job that raises warnings and breaches. Pure: the calendar and the time come in.
public struct SLAClock: Codable, Equatable, Sendable {
    public var policyID: Int64
    public var timers: [String: SLATimer]

    /// What reconciling needs to know about the conversation.
    public struct Observation: Sendable {
        public var status: ConversationStatus
        public var createdAt: Date
        public var firstResponseAt: Date?
        public var lastMessageAt: Date
        public var lastMessageDirection: MessageDirection?

        public init(status: ConversationStatus, createdAt: Date, firstResponseAt: Date?, lastMessageAt: Date,
                    lastMessageDirection: MessageDirection?) {
            self.status = status
            self.createdAt = createdAt
            self.firstResponseAt = firstResponseAt
            self.lastMessageAt = lastMessageAt
            self.lastMessageDirection = lastMessageDirection
        }
    }

    public enum Signal: String, Sendable { case warning, breach }

    /// The clock as the conversation's state says it should be. A different policy than
    /// before restarts the timers from their anchors (creation, the waiting customer message).
    public static func reconcile(_ existing: SLAClock?, policy: (id: Int64, policy: SLAPolicy)?, observed: Observation,
                                 calendar workspaceCalendar: BusinessCalendar, now: Date) -> SLAClock? {
        // Spam has no clock: nobody owes it an answer (one let out of Spam starts afresh).
        guard let (policyID, policy) = policy, observed.status != .spam else { return nil }
        let hours = policy.calendar ?? workspaceCalendar
        let calendar = policy.businessHours ? hours : BusinessCalendar(timeZone: hours.timeZone, weekly: nil)
        var clock = existing?.policyID == policyID ? existing! : SLAClock(policyID: policyID, timers: [:])
        func due(_ minutes: Int, from start: Date) -> Date? { calendar.adding(TimeInterval(minutes * 60), to: start) }
        let resolved = observed.status == .resolved

        if let minutes = policy.firstResponseMinutes {
            var timer = clock.timers[SLATarget.firstResponse.rawValue]
                ?? SLATimer(startedAt: observed.createdAt, dueAt: due(minutes, from: observed.createdAt))
            if let answered = observed.firstResponseAt ?? (resolved ? now : nil), timer.stoppedAt == nil {
                if let dueAt = timer.dueAt, answered > dueAt { timer.breached = true }
                timer.dueAt = nil
                timer.stoppedAt = answered
            }
            clock.timers[SLATarget.firstResponse.rawValue] = timer
        } else {
            clock.timers[SLATarget.firstResponse.rawValue] = nil
        }

        if let minutes = policy.nextResponseMinutes {
            var timer = clock.timers[SLATarget.nextResponse.rawValue]
            let waiting = observed.firstResponseAt != nil && !resolved && observed.lastMessageDirection == .inbound
            if waiting, timer?.isRunning != true {
                timer = SLATimer(startedAt: observed.lastMessageAt, dueAt: due(minutes, from: observed.lastMessageAt))
            } else if var running = timer, running.isRunning, resolved || observed.lastMessageDirection == .outbound {
                if let dueAt = running.dueAt, now > dueAt { running.breached = true }
                running.dueAt = nil
                running.stoppedAt = now
                timer = running
            }
            clock.timers[SLATarget.nextResponse.rawValue] = timer
        } else {
            clock.timers[SLATarget.nextResponse.rawValue] = nil
        }

        if let minutes = policy.resolutionMinutes {
            var timer = clock.timers[SLATarget.resolution.rawValue]
                ?? SLATimer(startedAt: observed.createdAt, dueAt: due(minutes, from: observed.createdAt))
            let waitingOnCustomer = policy.pauseWhilePending && (observed.status == .pending || observed.status == .snoozed)
            if resolved || waitingOnCustomer {
                if let dueAt = timer.dueAt {
                    timer.remaining = max(0, calendar.businessSeconds(from: now, to: dueAt))
                    timer.dueAt = nil
                }
                timer.stoppedAt = resolved ? (timer.stoppedAt ?? now) : nil
            } else if timer.dueAt == nil {
                timer.dueAt = calendar.adding(timer.remaining ?? TimeInterval(minutes * 60), to: now)
                timer.remaining = nil
                timer.stoppedAt = nil
            }
            clock.timers[SLATarget.resolution.rawValue] = timer
        } else {
            clock.timers[SLATarget.resolution.rawValue] = nil
        }
        return clock
    }

    /// The earliest running due time: what the inbox sorts by.
    public var dueAt: Date? { timers.values.compactMap(\.dueAt).min() }

    /// When the check job should next look: the next warning or breach still to raise.
    public func nextCheck(warnMinutes: Int) -> Date? {
        timers.values.compactMap { timer -> Date? in
            guard let dueAt = timer.dueAt, !timer.breached else { return nil }
            return timer.warned ? dueAt : dueAt.addingTimeInterval(-TimeInterval(warnMinutes * 60))
        }.min()
    }

    /// Raises what is due at `now`: a breach once a target passed its due time, a warning once
    /// it is within `warnMinutes` of it; each once per timer.
    public mutating func signals(at now: Date, warnMinutes: Int) -> [(target: SLATarget, signal: Signal, dueAt: Date)] {
        var raised: [(target: SLATarget, signal: Signal, dueAt: Date)] = []
        for target in SLATarget.allCases {
            guard var timer = timers[target.rawValue], let dueAt = timer.dueAt, !timer.breached else { continue }
            if now >= dueAt {
                timer.breached = true
                timer.warned = true
                raised.append((target, .breach, dueAt))
            } else if !timer.warned, now >= dueAt.addingTimeInterval(-TimeInterval(warnMinutes * 60)) {
                timer.warned = true
                raised.append((target, .warning, dueAt))
            }
            timers[target.rawValue] = timer
        }
        return raised
    }

    public var breached: Bool { timers.values.contains { $0.breached } }
}
