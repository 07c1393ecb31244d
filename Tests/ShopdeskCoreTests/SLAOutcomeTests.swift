import Foundation
import ShopdeskCore
import Testing

/// SLA outcomes replayed from a conversation's history with the write path's clock: each target
/// met on the day it was met or breached on the day it came due, and why a breach happened.
@Suite("SLA outcomes")
struct SLAOutcomeTests {
    let zone = "Europe/Zagreb"

    func at(_ hour: Int, _ minute: Int = 0, day: Int = 2) -> Date {
        Calendar(identifier: .gregorian).date(from: DateComponents(timeZone: TimeZone(identifier: zone), year: 2026, month: 11, day: day,
                                                                   hour: hour, minute: minute))!
    }

    func message(_ direction: MessageDirection, _ date: Date, agent: Bool = false) -> ConversationHistory.Message {
        .init(direction: direction, byAgent: agent, at: date)
    }

    @Test func eachTargetMetOrBreachedWithItsCause() {
        let policy = SLAPolicy(name: "Standard", firstResponseMinutes: 60, nextResponseMinutes: 30, resolutionMinutes: 240, businessHours: false)
        // 09:00 asked, 09:30 answered (first met); 10:00 asked again, answered 11:00 (the next
        // response came due at 10:30, before anyone was assigned at 10:45); 12:00 asked, 12:10
        // answered (met); resolved 12:20, within four hours (met).
        let history = ConversationHistory(createdAt: at(9), messages: [
            message(.inbound, at(9)), message(.outbound, at(9, 30), agent: true), message(.inbound, at(10)),
            message(.outbound, at(11), agent: true), message(.inbound, at(12)), message(.note, at(12, 5), agent: true),
            message(.outbound, at(12, 10), agent: true),
        ], statusChanges: [(at(12, 20), .resolved)], status: .resolved)
        let outcomes = SLAOutcome.replay(history, initial: .open, assignments: [(at(10, 45), true)], assignedAtStart: false,
                                         policy: (1, policy), calendar: BusinessCalendar(timeZone: zone, weekly: nil), now: at(18))
        #expect(outcomes == [
            SLAOutcome(target: .firstResponse, met: true, at: at(9, 30)),
            SLAOutcome(target: .nextResponse, met: false, at: at(10, 30), cause: .unassigned),
            SLAOutcome(target: .nextResponse, met: true, at: at(12, 10)),
            SLAOutcome(target: .resolution, met: true, at: at(12, 20)),
        ])
    }

    @Test func aClockAroundTheClockThatComesDueAtNightIsOutsideHours() {
        // Measured around the clock, due at 18:30 when the shop (09–17) is closed; assigned all along.
        let policy = SLAPolicy(name: "Fast", firstResponseMinutes: 90, businessHours: false)
        let hours = BusinessCalendar(timeZone: zone, weekly: ["mon": "09:00-17:00", "tue": "09:00-17:00", "wed": "09:00-17:00",
                                                              "thu": "09:00-17:00", "fri": "09:00-17:00"])
        let history = ConversationHistory(createdAt: at(17), messages: [message(.inbound, at(17)), message(.outbound, at(9, day: 3), agent: true)],
                                          statusChanges: [], status: .open)
        let outcomes = SLAOutcome.replay(history, initial: .open, assignments: [], assignedAtStart: true, policy: (1, policy),
                                         calendar: hours, now: at(12, day: 3))
        #expect(outcomes == [SLAOutcome(target: .firstResponse, met: false, at: at(18, 30), cause: .outsideHours)])
        // Still open and not yet due: nothing to count.
        let early = SLAOutcome.replay(history, initial: .open, assignments: [], assignedAtStart: true, policy: (1, policy),
                                      calendar: hours, now: at(17, 30))
        #expect(early.isEmpty)
    }

    @Test func aReopenedConversationsResolutionCountsOnce() {
        let policy = SLAPolicy(name: "Resolve", resolutionMinutes: 120, businessHours: false, pauseWhilePending: false)
        let history = ConversationHistory(createdAt: at(9), messages: [message(.inbound, at(9)), message(.inbound, at(10, 30))],
                                          statusChanges: [(at(10), .resolved), (at(10, 30), .open), (at(13), .resolved)], status: .resolved)
        // Resolved at 10:00 with an hour left; reopened at 10:30, so due at 11:30; resolved again at 13:00, late.
        let outcomes = SLAOutcome.replay(history, initial: .open, assignments: [], assignedAtStart: true, policy: (1, policy),
                                         calendar: BusinessCalendar(timeZone: zone, weekly: nil), now: at(18))
        #expect(outcomes.filter { $0.target == .resolution } == [SLAOutcome(target: .resolution, met: false, at: at(11, 30), cause: .late)])
    }
}
