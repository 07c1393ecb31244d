import Foundation
import Testing
@testable import ShopdeskCore

@Suite("Business-hours calendar")
struct BusinessCalendarTests {
    let weekdays = ["mon": "09:00-17:00", "tue": "09:00-17:00", "wed": "09:00-17:00", "thu": "09:00-17:00", "fri": "09:00-17:00"]

    /// A wall-clock time in `zone`, for readable expectations.
    func at(_ text: String, _ zone: String) -> Date {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: zone)
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return formatter.date(from: text)!
    }

    @Test("four business hours from Friday 15:00 fall due Monday 11:00")
    func acrossTheWeekend() {
        let calendar = BusinessCalendar(timeZone: "Europe/Zagreb", weekly: weekdays)
        // 2026-11-27 is a Friday.
        #expect(calendar.adding(4 * 3600, to: at("2026-11-27 15:00", "Europe/Zagreb")) == at("2026-11-30 11:00", "Europe/Zagreb"))
    }

    @Test("a message at night starts the clock at the next opening")
    func beforeOpening() {
        let calendar = BusinessCalendar(timeZone: "America/Sao_Paulo", weekly: weekdays)
        #expect(calendar.adding(3600, to: at("2026-11-25 23:30", "America/Sao_Paulo")) == at("2026-11-26 10:00", "America/Sao_Paulo"))
        #expect(calendar.nextOpening(atOrAfter: at("2026-11-28 12:00", "America/Sao_Paulo")) == at("2026-11-30 09:00", "America/Sao_Paulo"))
        #expect(calendar.nextOpening(atOrAfter: at("2026-11-26 12:00", "America/Sao_Paulo")) == at("2026-11-26 12:00", "America/Sao_Paulo"))
    }

    @Test("holidays are skipped as local dates")
    func holidays() {
        let calendar = BusinessCalendar(timeZone: "Europe/Zagreb", weekly: weekdays, holidays: ["2026-12-24", "2026-12-25"])
        // Wednesday 23 December 16:00 + 2 h → Monday 28 December 10:00 (24th and 25th closed, weekend).
        #expect(calendar.adding(2 * 3600, to: at("2026-12-23 16:00", "Europe/Zagreb")) == at("2026-12-28 10:00", "Europe/Zagreb"))
        #expect(!calendar.isOpen(at: at("2026-12-24 10:00", "Europe/Zagreb")))
    }

    @Test("DST: opening hours stay on the wall clock when the clocks change")
    func daylightSaving() {
        let calendar = BusinessCalendar(timeZone: "Europe/Zagreb", weekly: ["sun": "01:00-05:00", "mon": "09:00-17:00"])
        // Sunday 29 March 2026 the clocks jump 02:00 → 03:00: the 01:00-05:00 window is 3 real hours.
        let sunday = at("2026-03-29 00:30", "Europe/Zagreb")
        #expect(calendar.businessSeconds(from: sunday, to: at("2026-03-29 06:00", "Europe/Zagreb")) == 3 * 3600)
        #expect(calendar.adding(3 * 3600, to: sunday) == at("2026-03-29 05:00", "Europe/Zagreb"))
        // One more hour runs into Monday 10:00 local (UTC+2 now).
        #expect(calendar.adding(4 * 3600, to: sunday) == at("2026-03-30 10:00", "Europe/Zagreb"))
        // Sunday 25 October 2026 the clocks fall back 03:00 → 02:00: the window is 5 real hours.
        #expect(calendar.businessSeconds(from: at("2026-10-25 00:00", "Europe/Zagreb"),
                                         to: at("2026-10-25 12:00", "Europe/Zagreb")) == 5 * 3600)
    }

    @Test("hours that reach midnight, split days and several zones")
    func edges() {
        let late = BusinessCalendar(timeZone: "Asia/Tokyo", weekly: ["fri": "20:00-24:00", "sat": "00:00-02:00"])
        // Friday 23:00 + 2 h: one hour Friday, one hour Saturday after midnight.
        #expect(late.adding(2 * 3600, to: at("2026-11-27 23:00", "Asia/Tokyo")) == at("2026-11-28 01:00", "Asia/Tokyo"))
        let split = BusinessCalendar(timeZone: "America/New_York", weekly: ["mon": "09:00-12:00,13:00-17:00"])
        #expect(split.adding(3.5 * 3600, to: at("2026-11-30 09:00", "America/New_York")) == at("2026-11-30 13:30", "America/New_York"))
        #expect(!split.isOpen(at: at("2026-11-30 12:30", "America/New_York")))
        #expect(split.isOpen(at: at("2026-11-30 09:00", "America/New_York")))
        #expect(!split.isOpen(at: at("2026-11-30 17:00", "America/New_York")))
        #expect(BusinessCalendar.always.adding(60, to: Date(timeIntervalSince1970: 0)) == Date(timeIntervalSince1970: 60))
    }

    @Test("business time between two instants only counts opening hours")
    func elapsed() {
        let calendar = BusinessCalendar(timeZone: "Europe/Zagreb", weekly: weekdays)
        #expect(calendar.businessSeconds(from: at("2026-11-27 16:00", "Europe/Zagreb"), to: at("2026-11-30 10:00", "Europe/Zagreb")) == 2 * 3600)
        #expect(calendar.businessSeconds(from: at("2026-11-30 10:00", "Europe/Zagreb"), to: at("2026-11-27 16:00", "Europe/Zagreb")) == 0)
    }

    @Test("mistakes are refused with a fix", arguments: [
        BusinessCalendar(timeZone: "Mars/Base", weekly: nil),
        BusinessCalendar(timeZone: "UTC", weekly: ["mon": "17:00-09:00"]),
        BusinessCalendar(timeZone: "UTC", weekly: ["mon": "09:00-13:00,12:00-17:00"]),
        BusinessCalendar(timeZone: "UTC", weekly: ["funday": "09:00-17:00"]),
        BusinessCalendar(timeZone: "UTC", weekly: [:]),
        BusinessCalendar(timeZone: "UTC", weekly: nil, holidays: ["25.12.2026"]),
    ])
    func validation(calendar: BusinessCalendar) {
        #expect(throws: ShopdeskError.self) { try calendar.validated() }
    }

    @Test func neverOpenGivesNoDueTime() {
        let calendar = BusinessCalendar(timeZone: "UTC", weekly: ["mon": ""])
        #expect(calendar.adding(60, to: Date(timeIntervalSince1970: 0)) == nil)
    }
}
