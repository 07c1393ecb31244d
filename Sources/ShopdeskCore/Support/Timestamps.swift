import Foundation

/// Times are stored as integer milliseconds since 1970 in both databases and shown as ISO 8601.
public enum Timestamps {
    private static let withFraction = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
    private static let withoutFraction = Date.ISO8601FormatStyle()

    public static func millis(_ date: Date) -> Int64 {
        Int64((date.timeIntervalSince1970 * 1000).rounded())
    }

    public static func date(millis: Int64) -> Date {
        Date(timeIntervalSince1970: Double(millis) / 1000)
    }

    /// UTC with exactly three fraction digits, e.g. `2026-05-01T09:30:00.250Z`. Computed from
    /// integer milliseconds with civil-calendar arithmetic: it is on every API answer, and the
    /// format style was both slower and truncated binary fractions (…123 printed as …122).
    public static func iso8601(_ date: Date) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(24)
        appendISO8601(date, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `iso8601(date)` appended as UTF-8 to `bytes`: `YYYY-MM-DDTHH:MM:SS.mmmZ`. The JSON
    /// writer uses it for every timestamp of a list page, so it builds no strings.
    public static func appendISO8601(_ date: Date, to bytes: inout [UInt8]) {
        let total = millis(date)
        let (days, dayMillis) = floorDivide(total, 86_400_000)
        // Days since 1970-01-01 to year/month/day (proleptic Gregorian).
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        func pad(_ value: Int64, _ width: Int) {
            // Years beyond 9999 (or before 0) keep all their digits, as before.
            let text = String(value)
            if text.utf8.count < width { bytes.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: width - text.utf8.count)) }
            bytes.append(contentsOf: text.utf8)
        }
        func two(_ value: Int64) {
            bytes.append(UInt8(ascii: "0") + UInt8(value / 10))
            bytes.append(UInt8(ascii: "0") + UInt8(value % 10))
        }
        if year >= 0 && year <= 9999 {
            two(year / 100)
            two(year % 100)
        } else {
            pad(year, 4)
        }
        bytes.append(UInt8(ascii: "-"))
        two(month)
        bytes.append(UInt8(ascii: "-"))
        two(day)
        bytes.append(UInt8(ascii: "T"))
        two(dayMillis / 3_600_000)
        bytes.append(UInt8(ascii: ":"))
        two(dayMillis / 60_000 % 60)
        bytes.append(UInt8(ascii: ":"))
        two(dayMillis / 1000 % 60)
        bytes.append(UInt8(ascii: "."))
        let milli = dayMillis % 1000
        bytes.append(UInt8(ascii: "0") + UInt8(milli / 100))
        two(milli % 100)
        bytes.append(UInt8(ascii: "Z"))
    }

    private static func floorDivide(_ value: Int64, _ divisor: Int64) -> (Int64, Int64) {
        let (quotient, remainder) = value.quotientAndRemainder(dividingBy: divisor)
        return remainder < 0 ? (quotient - 1, remainder + divisor) : (quotient, remainder)
    }

    /// Accepts ISO 8601 with or without fractional seconds.
    public static func parse(_ text: String) -> Date? {
        guard let date = (try? withFraction.parse(text)) ?? (try? withoutFraction.parse(text)) else { return nil }
        return Self.date(millis: millis(date))
    }
}

extension Duration {
    /// The duration in seconds, for reports and rates.
    public var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
