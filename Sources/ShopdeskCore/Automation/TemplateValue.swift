import Foundation

/// A value a macro template can print, test or loop over. Built from the conversation, its
/// customer, the agent and the workspace (and orders once commerce exists) when a macro is
/// previewed or applied.
public indirect enum TemplateValue: Sendable, Equatable {
    case null
    case string(String)
    case number(Decimal)
    case bool(Bool)
    case date(Date)
    /// An amount in the currency's minor units (cents), never a floating-point number.
    case money(minor: Int64, currency: String)
    case list([TemplateValue])
    case object([String: TemplateValue])

    /// Absent, empty text, an empty list: the values a fallback replaces and `if` treats as false.
    public var isBlank: Bool {
        switch self {
        case .null: true
        case .string(let text): text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
        case .list(let items): items.isEmpty
        case .object(let fields): fields.isEmpty
        case .bool(let value): !value
        case .number, .date, .money: false
        }
    }

    /// Blank, except that `false` is a value worth printing.
    var isMissing: Bool {
        if case .bool = self { return false }
        return isBlank
    }

    /// The member `name` of an object, or list helpers (`first`, `last`, `size`).
    func member(_ name: String) -> TemplateValue {
        switch self {
        case .object(let fields): return fields[name] ?? .null
        case .list(let items):
            switch name {
            case "first": return items.first ?? .null
            case "last": return items.last ?? .null
            case "size", "count": return .number(Decimal(items.count))
            default:
                if let index = Int(name), items.indices.contains(index) { return items[index] }
                return .null
            }
        default: return .null
        }
    }

    /// Convenience for building contexts from optionals.
    public static func text(_ value: String?) -> TemplateValue { value.map(TemplateValue.string) ?? .null }
    public static func time(_ value: Date?) -> TemplateValue { value.map(TemplateValue.date) ?? .null }
}

/// How dates and money are written: the reader's locale and time zone.
public struct TemplateEnvironment: Sendable {
    public var locale: Locale
    public var timeZone: TimeZone

    public init(locale: Locale, timeZone: TimeZone) {
        self.locale = locale
        self.timeZone = timeZone
    }

    /// The customer's locale when known (else the agent's), in the workspace's time zone.
    public init(localeIdentifier: String?, timeZoneIdentifier: String?) {
        locale = Locale(identifier: (localeIdentifier?.isEmpty == false ? localeIdentifier! : "en").replacingOccurrences(of: "-", with: "_"))
        timeZone = timeZoneIdentifier.flatMap(TimeZone.init(identifier:)) ?? TimeZone(identifier: "UTC")!
    }

    func format(_ value: TemplateValue) -> String {
        switch value {
        case .null: return ""
        case .string(let text): return text
        case .number(let number): return NSDecimalNumber(decimal: number).stringValue
        case .bool(let flag): return flag ? "yes" : "no"
        case .date(let date): return formatDate(date, style: "date")
        case .money(let minor, let currency): return formatMoney(minor: minor, currency: currency)
        case .list(let items): return items.map(format).joined(separator: ", ")
        case .object: return ""
        }
    }

    func formatDate(_ date: Date, style: String) -> String {
        let formatter = DateFormatter()
        formatter.locale = locale
        formatter.timeZone = timeZone
        switch style {
        case "long": formatter.dateStyle = .long; formatter.timeStyle = .none
        case "datetime": formatter.dateStyle = .medium; formatter.timeStyle = .short
        case "time": formatter.dateStyle = .none; formatter.timeStyle = .short
        case "iso": return Timestamps.iso8601(date)
        default: formatter.dateStyle = .medium; formatter.timeStyle = .none
        }
        return formatter.string(from: date)
    }

    func formatMoney(minor: Int64, currency: String) -> String {
        let digits = Money.minorDigits(currency)
        let amount = Decimal(minor) / pow(10, digits)
        let formatter = NumberFormatter()
        formatter.locale = locale
        formatter.numberStyle = .currency
        formatter.currencyCode = currency.uppercased()
        formatter.minimumFractionDigits = digits
        formatter.maximumFractionDigits = digits
        return formatter.string(from: NSDecimalNumber(decimal: amount)) ?? "\(amount) \(currency.uppercased())"
    }
}

/// Money helpers shared by templates and (later) commerce.
public enum Money {
    /// ISO 4217 minor-unit digits for the currencies that are not the common two.
    public static func minorDigits(_ currency: String) -> Int {
        switch currency.uppercased() {
        case "JPY", "KRW", "VND", "CLP", "ISK", "UGX", "XAF", "XOF", "PYG", "RWF": 0
        case "BHD", "KWD", "OMR", "JOD", "TND", "IQD", "LYD": 3
        default: 2
        }
    }
}
