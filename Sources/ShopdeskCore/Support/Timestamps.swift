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

    /// UTC with exactly three fraction digits. Formatted from integer milliseconds, because the
    /// format style truncates binary floating-point fractions (…123 would print as …122).
    public static func iso8601(_ date: Date) -> String {
        let millis = millis(date)
        let seconds = millis.quotientAndRemainder(dividingBy: 1000)
        let (whole, fraction) = seconds.remainder < 0 ? (seconds.quotient - 1, seconds.remainder + 1000) : seconds
        let base = withoutFraction.format(Date(timeIntervalSince1970: Double(whole)))
        let digits = String(fraction)
        return base.dropLast() + "." + String(repeating: "0", count: 3 - digits.count) + digits + "Z"
    }

    /// Accepts ISO 8601 with or without fractional seconds.
    public static func parse(_ text: String) -> Date? {
        guard let date = (try? withFraction.parse(text)) ?? (try? withoutFraction.parse(text)) else { return nil }
        return Self.date(millis: millis(date))
    }
}
