import Foundation

/// The single place where a conversation's status, priority, assignment, tags and merge change.
///
/// Pure: it takes the current state, a command and the current time, and returns the new state
/// with the list of changes. Commands that change nothing return no changes, so callers never
/// write empty timeline entries.
public enum ConversationLifecycle {
    public static func apply(
        _ command: ConversationCommand,
        to state: ConversationState,
        now: Date
    ) throws(ShopdeskError) -> (state: ConversationState, changes: [ConversationChange]) {
        if let survivor = state.mergedInto {
            throw .conflict("This conversation was merged into conversation \(survivor); change that one instead.")
        }
        var next = state
        var changes: [ConversationChange] = []

        func moveStatus(to status: ConversationStatus, snoozedUntil: Date?) {
            guard next.status != status || next.snoozedUntil != snoozedUntil else { return }
            changes.append(.statusChanged(from: next.status, to: status, snoozedUntil: snoozedUntil))
            next.status = status
            next.snoozedUntil = snoozedUntil
        }

        switch command {
        case .customerMessageReceived:
            // Spam stays spam when its sender writes again; only an agent lets it out.
            if state.status != .open, state.status != .spam { moveStatus(to: .open, snoozedUntil: nil) }

        case .setStatus(.snoozed, let until):
            guard let until else {
                throw .invalid(field: "snooze_until", "Snoozing needs a time to wake the conversation up.")
            }
            guard until > now else {
                throw .invalid(field: "snooze_until", "The wake-up time must be in the future.")
            }
            moveStatus(to: .snoozed, snoozedUntil: until)

        case .setStatus(let status, _):
            moveStatus(to: status, snoozedUntil: nil)

        case .snoozeTimerFired:
            if state.status == .snoozed, let until = state.snoozedUntil, until <= now {
                moveStatus(to: .open, snoozedUntil: nil)
            }

        case .assign(let agent):
            if agent != state.assigneeID {
                changes.append(.assigneeChanged(from: state.assigneeID, to: agent))
                next.assigneeID = agent
            }

        case .setTeam(let team):
            if team != state.teamID {
                changes.append(.teamChanged(from: state.teamID, to: team))
                next.teamID = team
            }

        case .setPriority(let priority):
            if priority != state.priority {
                changes.append(.priorityChanged(from: state.priority, to: priority))
                next.priority = priority
            }

        case .setTags(let tags):
            next.tags = try TagName.normalize(tags)
        case .addTags(let tags):
            next.tags.formUnion(try TagName.normalize(tags))
        case .removeTags(let tags):
            next.tags.subtract(try TagName.normalize(tags))

        case .mergeInto(let survivor):
            next.mergedInto = survivor
            changes.append(.merged(into: survivor))
        }

        if next.tags != state.tags {
            changes.append(.tagsChanged(
                added: next.tags.subtracting(state.tags).sorted(),
                removed: state.tags.subtracting(next.tags).sorted()
            ))
        }
        return (next, changes)
    }
}
