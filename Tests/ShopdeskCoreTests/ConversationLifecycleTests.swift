import Foundation
import Testing
@testable import ShopdeskCore

@Suite("Conversation lifecycle")
struct ConversationLifecycleTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("an inbound customer message reopens every non-open status", arguments: [
        ConversationStatus.pending, .snoozed, .resolved,
    ])
    func customerMessageReopens(status: ConversationStatus) throws {
        let state = ConversationState(status: status, snoozedUntil: status == .snoozed ? now + 60 : nil)
        let (next, changes) = try ConversationLifecycle.apply(.customerMessageReceived, to: state, now: now)
        #expect(next.status == .open)
        #expect(next.snoozedUntil == nil)
        #expect(changes == [.statusChanged(from: status, to: .open, snoozedUntil: nil)])
    }

    @Test func customerMessageOnOpenChangesNothing() throws {
        let (next, changes) = try ConversationLifecycle.apply(.customerMessageReceived, to: .init(), now: now)
        #expect(next == .init())
        #expect(changes.isEmpty)
    }

    @Test func snoozeNeedsAFutureTime() {
        #expect(throws: ShopdeskError.self) {
            try ConversationLifecycle.apply(.setStatus(.snoozed, snoozeUntil: nil), to: .init(), now: now)
        }
        #expect(throws: ShopdeskError.self) {
            try ConversationLifecycle.apply(.setStatus(.snoozed, snoozeUntil: now - 1), to: .init(), now: now)
        }
    }

    @Test func snoozeTimerWakesOnlyWhenDue() throws {
        let snoozed = try ConversationLifecycle.apply(.setStatus(.snoozed, snoozeUntil: now + 600), to: .init(), now: now).state
        #expect(snoozed.status == .snoozed)
        let early = try ConversationLifecycle.apply(.snoozeTimerFired, to: snoozed, now: now + 10)
        #expect(early.changes.isEmpty)
        let due = try ConversationLifecycle.apply(.snoozeTimerFired, to: snoozed, now: now + 600)
        #expect(due.state.status == .open)
        #expect(due.changes == [.statusChanged(from: .snoozed, to: .open, snoozedUntil: nil)])
    }

    @Test func staleTimerAfterResnoozeDoesNothing() throws {
        var state = try ConversationLifecycle.apply(.setStatus(.snoozed, snoozeUntil: now + 60), to: .init(), now: now).state
        state = try ConversationLifecycle.apply(.setStatus(.snoozed, snoozeUntil: now + 3600), to: state, now: now).state
        let fired = try ConversationLifecycle.apply(.snoozeTimerFired, to: state, now: now + 60)
        #expect(fired.changes.isEmpty)
        #expect(fired.state.status == .snoozed)
    }

    @Test func tagsAreNormalizedAndDiffed() throws {
        let state = ConversationState(tags: ["vip"])
        let result = try ConversationLifecycle.apply(.setTags(["  VIP ", "Refund   Request"]), to: state, now: now)
        #expect(result.state.tags == ["vip", "refund request"])
        #expect(result.changes == [.tagsChanged(added: ["refund request"], removed: [])])
        #expect(throws: ShopdeskError.self) {
            try ConversationLifecycle.apply(.addTags(["   "]), to: state, now: now)
        }
    }

    @Test func assignmentPriorityAndTeamEmitBeforeAndAfter() throws {
        var state = ConversationState()
        var changes: [ConversationChange] = []
        for command in [ConversationCommand.assign(AgentID(7)), .setPriority(.urgent), .setTeam(TeamID(3)), .assign(AgentID(7))] {
            let result = try ConversationLifecycle.apply(command, to: state, now: now)
            state = result.state
            changes += result.changes
        }
        #expect(changes == [
            .assigneeChanged(from: nil, to: AgentID(7)),
            .priorityChanged(from: .normal, to: .urgent),
            .teamChanged(from: nil, to: TeamID(3)),
        ])
    }

    @Test func aMergedConversationRefusesChanges() throws {
        let merged = try ConversationLifecycle.apply(.mergeInto(ConversationID(9)), to: .init(), now: now)
        #expect(merged.changes == [.merged(into: ConversationID(9))])
        #expect(throws: ShopdeskError.self) {
            try ConversationLifecycle.apply(.setStatus(.resolved), to: merged.state, now: now)
        }
    }
}
