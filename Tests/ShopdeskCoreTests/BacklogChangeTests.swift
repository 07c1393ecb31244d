import Foundation
import ShopdeskCore
import Testing

/// The backlog's moves of one conversation, on the days of Zagreb's calendar (docs/REPORTS.md).
@Suite("Backlog changes")
struct BacklogChangeTests {
    let clock = ReportClock(timeZone: TimeZone(identifier: "Europe/Zagreb")!)

    func at(_ day: Int, _ hour: Int, month: Int = 11) -> Date {
        Calendar(identifier: .gregorian).date(from: DateComponents(timeZone: TimeZone(identifier: "Europe/Zagreb"),
                                                                   year: 2026, month: month, day: day, hour: hour))!
    }

    @Test func aDayCountsTheStatusAtItsEnd() {
        // Created open on the 2nd, pending and back to open the same day (no move), snoozed on the
        // 3rd, resolved on the 5th, reopened on the 9th.
        let moves = BacklogChange.of(createdAt: at(2, 9), initial: .open, changes: [
            (at(2, 10), .pending), (at(2, 18), .open), (at(3, 9), .snoozed), (at(5, 12), .resolved), (at(9, 8), .open),
        ], clock: clock)
        #expect(moves == [
            BacklogChange(day: 20_261_102, open: 1),
            BacklogChange(day: 20_261_103, open: -1, snoozed: 1),
            BacklogChange(day: 20_261_105, snoozed: -1),
            BacklogChange(day: 20_261_109, open: 1),
        ])
    }

    @Test func resolvedTheDayItCameNeverEntersTheBacklog() {
        #expect(BacklogChange.of(createdAt: at(2, 9), initial: .open, changes: [(at(2, 23), .resolved)], clock: clock).isEmpty)
        // 23:30 in Zagreb on the 2nd is the 2nd there, though it is the 2nd in UTC too; 00:30 on the 3rd is the 3rd.
        let late = BacklogChange.of(createdAt: at(2, 23), initial: .pending, changes: [(at(3, 0), .resolved)], clock: clock)
        #expect(late == [BacklogChange(day: 20_261_102, pending: 1), BacklogChange(day: 20_261_103, pending: -1)])
    }

    @Test func aChangeStampedBeforeTheDayReachedCountsOnThatDay() {
        let moves = BacklogChange.of(createdAt: at(2, 9), initial: .open, changes: [(at(4, 9), .pending), (at(3, 9), .resolved)], clock: clock)
        #expect(moves == [BacklogChange(day: 20_261_102, open: 1), BacklogChange(day: 20_261_104, open: -1)])
    }
}
