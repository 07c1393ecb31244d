import Foundation

/// Opening hours in a time zone, with holidays: the clock SLA targets are measured on, and what
/// "within business hours" means for rules and notifications.
///
/// Weekly hours are read in the calendar's own time zone, so a DST change moves the instants
/// but not the opening times a person reads on the wall. Holidays are local dates.
public struct BusinessCalendar: Codable, Equatable, Sendable {
    /// An IANA zone such as `Europe/Zagreb`.
    public var timeZone: String
    /// Hours by weekday (`mon` … `sun`) as `"09:00-17:00"`, several ranges separated by commas
    /// (`"09:00-12:00,13:00-17:00"`). A day missing is closed; nil means open around the clock.
    public var weekly: [String: String]?
    /// Closed days, `YYYY-MM-DD` in the calendar's time zone.
    public var holidays: [String]

    public init(timeZone: String, weekly: [String: String]?, holidays: [String] = []) {
        self.timeZone = timeZone
        self.weekly = weekly
        self.holidays = holidays
    }

    /// Around the clock, in UTC.
    public static let always = BusinessCalendar(timeZone: "UTC", weekly: nil)

    /// Checks what an admin typed; the error names the field and the fix.
    public func validated(field: String = "business_hours") throws(ShopdeskError) -> BusinessCalendar {
        guard TimeZone(identifier: timeZone) != nil else {
            throw .invalid(field: "\(field).time_zone", "\(timeZone) is not a time zone; use a name like Europe/Zagreb.")
        }
        if let weekly {
            for (day, ranges) in weekly {
                guard ChatSettings.weekdays.contains(day) else {
                    throw .invalid(field: "\(field).weekly", "Days are mon, tue, wed, thu, fri, sat and sun; \(day) is not one.")
                }
                guard Self.ranges(ranges) != nil else {
                    throw .invalid(field: "\(field).weekly",
                                   "Hours for \(day) must look like 09:00-17:00 or 09:00-12:00,13:00-17:00 (24-hour clock, in order).")
                }
            }
            guard weekly.values.contains(where: { !$0.isEmpty }) else {
                throw .invalid(field: "\(field).weekly", "Give at least one day with opening hours, or leave the hours out for 24/7.")
            }
        }
        for holiday in holidays where Self.day(holiday) == nil {
            throw .invalid(field: "\(field).holidays", "\(holiday) is not a date; write holidays as 2026-12-25.")
        }
        return self
    }

    /// Whether `date` falls in opening hours.
    public func isOpen(at date: Date) -> Bool {
        guard weekly != nil else { return true }
        return openIntervals(onDayOf: date).contains { $0.contains(date) && $0.end != date }
    }

    /// The instant `seconds` of business time after `start`: where an SLA target falls due.
    /// Nil only when the calendar never opens again within five years.
    public func adding(_ seconds: TimeInterval, to start: Date) -> Date? {
        guard weekly != nil else { return start.addingTimeInterval(seconds) }
        var remaining = seconds
        var day = startOfDay(start)
        for _ in 0..<(366 * 5) {
            for interval in openIntervals(onDayStarting: day) where interval.end > start {
                let from = max(interval.start, start)
                let available = interval.end.timeIntervalSince(from)
                if remaining <= available { return from.addingTimeInterval(remaining) }
                remaining -= available
            }
            day = nextDay(day)
        }
        return nil
    }

    /// Business time between two instants (zero when `end` is not after `start`).
    public func businessSeconds(from start: Date, to end: Date) -> TimeInterval {
        guard end > start else { return 0 }
        guard weekly != nil else { return end.timeIntervalSince(start) }
        var total: TimeInterval = 0
        var day = startOfDay(start)
        while day < end {
            for interval in openIntervals(onDayStarting: day) {
                let from = max(interval.start, start), to = min(interval.end, end)
                if to > from { total += to.timeIntervalSince(from) }
            }
            day = nextDay(day)
        }
        return total
    }

    /// The next instant at or after `date` when the calendar is open (nil if never within five years).
    public func nextOpening(atOrAfter date: Date) -> Date? {
        guard weekly != nil else { return date }
        var day = startOfDay(date)
        for _ in 0..<(366 * 5) {
            if let interval = openIntervals(onDayStarting: day).first(where: { $0.end > date }) { return max(interval.start, date) }
            day = nextDay(day)
        }
        return nil
    }

    // MARK: - Days

    private var calendar: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: timeZone) ?? TimeZone(identifier: "UTC")!
        return calendar
    }

    private func startOfDay(_ date: Date) -> Date { calendar.startOfDay(for: date) }

    /// Midnight of the next local day (23 or 25 hours later across a DST change).
    private func nextDay(_ day: Date) -> Date {
        let calendar = calendar
        let noon = calendar.date(byAdding: .hour, value: 36, to: day) ?? day.addingTimeInterval(36 * 3600)
        return calendar.startOfDay(for: noon)
    }

    private func openIntervals(onDayOf date: Date) -> [DateInterval] { openIntervals(onDayStarting: startOfDay(date)) }

    private func openIntervals(onDayStarting day: Date) -> [DateInterval] {
        let calendar = calendar
        let parts = calendar.dateComponents([.year, .month, .day, .weekday], from: day)
        guard let weekday = parts.weekday, let year = parts.year, let month = parts.month, let dayOfMonth = parts.day else { return [] }
        let local = String(format: "%04d-%02d-%02d", year, month, dayOfMonth)
        guard !holidays.contains(local), let text = weekly?[ChatSettings.weekdays[weekday - 1]],
              let ranges = Self.ranges(text) else { return [] }
        return ranges.compactMap { range in
            guard let start = wallClock(range.open, year: year, month: month, day: dayOfMonth, calendar: calendar),
                  let end = wallClock(range.close, year: year, month: month, day: dayOfMonth, calendar: calendar),
                  end > start else { return nil }
            return DateInterval(start: start, end: end)
        }
    }

    /// The instant a wall clock in the zone shows `minutes` after midnight of that date; a time
    /// skipped by a DST change maps to the first valid instant after it.
    private func wallClock(_ minutes: Int, year: Int, month: Int, day: Int, calendar: Calendar) -> Date? {
        if minutes == 24 * 60 {
            guard let midnight = calendar.date(from: DateComponents(year: year, month: month, day: day)) else { return nil }
            return nextDay(midnight)
        }
        return calendar.date(from: DateComponents(year: year, month: month, day: day, hour: minutes / 60, minute: minutes % 60))
    }

    /// `"09:00-12:00,13:00-17:00"` → ordered, non-overlapping minute ranges.
    static func ranges(_ text: String) -> [(open: Int, close: Int)]? {
        if text.trimmingCharacters(in: .whitespaces).isEmpty { return [] }
        var result: [(open: Int, close: Int)] = []
        for piece in text.split(separator: ",") {
            guard let range = ChatSettings.minutes(String(piece)) else { return nil }
            if let last = result.last, range.open < last.close { return nil }
            result.append(range)
        }
        return result
    }

    static func day(_ text: String) -> (Int, Int, Int)? {
        let parts = text.split(separator: "-")
        guard parts.count == 3, parts[0].count == 4, let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
              (1...12).contains(month), (1...31).contains(day) else { return nil }
        return (year, month, day)
    }
}
