import Foundation

/// A field a workspace adds to its conversations or customers (an order number, a warranty end
/// date, a return reason…): what it is called, what it holds, and whether a conversation may be
/// resolved without it.
public struct CustomField: Sendable, Equatable {
    public enum Entity: String, Sendable, Codable, CaseIterable { case conversation, customer }

    public enum Kind: String, Sendable, Codable, CaseIterable { case text, number, date, dropdown, checkbox }

    public var id: Int64
    public var entity: Entity
    /// The name in the API and in view filters (`order_number`): lowercase letters, digits, `_`.
    public var key: String
    public var label: String
    public var kind: Kind
    /// A dropdown's choices, in order.
    public var options: [String]
    public var requiredToResolve: Bool
    public var position: Int

    public init(id: Int64, entity: Entity, key: String, label: String, kind: Kind, options: [String], requiredToResolve: Bool, position: Int) {
        self.id = id
        self.entity = entity
        self.key = key
        self.label = label
        self.kind = kind
        self.options = options
        self.requiredToResolve = requiredToResolve
        self.position = position
    }

    public static let maxTextLength = 1000

    /// A definition as an admin wrote it, checked: a key of the allowed letters, a label, and
    /// for a dropdown its (distinct, non-empty) options.
    public static func validated(key: String, label: String, kind: Kind, options: [String]) throws(ShopdeskError) -> (key: String, label: String, options: [String]) {
        let key = key.trimmingCharacters(in: .whitespaces)
        guard (1...40).contains(key.count), key.first?.isLetter == true,
              key.allSatisfy({ ($0.isASCII && ($0.isLowercase || $0.isNumber)) || $0 == "_" }) else {
            throw ShopdeskError.invalid(field: "key", "A field's key is 1 to 40 lowercase letters, digits or _, starting with a letter (order_number).")
                .because("field_key_invalid")
        }
        let label = label.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !label.isEmpty, label.count <= 80 else { throw .invalid(field: "label", "A field needs a label of at most 80 characters.").because("field_label_invalid") }
        var cleaned: [String] = []
        for option in options.map({ $0.trimmingCharacters(in: .whitespacesAndNewlines) }) where !option.isEmpty && !cleaned.contains(option) {
            guard option.count <= 80 else { throw .invalid(field: "options", "An option can be at most 80 characters long.") }
            cleaned.append(option)
        }
        if kind == .dropdown, cleaned.isEmpty { throw .invalid(field: "options", "A dropdown needs at least one option.").because("field_options_missing") }
        guard cleaned.count <= 200 else { throw .invalid(field: "options", "A dropdown can have at most 200 options.") }
        return (key, label, kind == .dropdown ? cleaned : [])
    }

    /// A value as it is stored (text), checked against the field's kind: a number as written
    /// with a dot, a date as YYYY-MM-DD, a dropdown's option exactly, a checkbox as true/false.
    public func normalized(_ raw: String) throws(ShopdeskError) -> String {
        let value = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        let refuse = { (words: String) -> ShopdeskError in
            ShopdeskError.invalid(field: key, "\(label): \(words)").because("field_value_invalid", ["label": label])
        }
        switch kind {
        case .text:
            guard value.count <= Self.maxTextLength else { throw refuse("at most \(Self.maxTextLength) characters.") }
            return value
        case .number:
            guard value.count <= 30, let number = Double(value.replacingOccurrences(of: ",", with: ".")), number.isFinite else {
                throw refuse("\"\(value.prefix(30))\" is not a number.")
            }
            return Self.numberText(number)
        case .date:
            let parts = value.split(separator: "-")
            guard value.count == 10, parts.count == 3, let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
                  (1900...2999).contains(year), (1...12).contains(month), (1...Self.days(month, year)).contains(day) else {
                throw refuse("a date is written YYYY-MM-DD.")
            }
            return value
        case .dropdown:
            guard options.contains(value) else { throw refuse("choose one of \(options.joined(separator: ", ")).") }
            return value
        case .checkbox:
            guard value == "true" || value == "false" else { throw refuse("true or false.") }
            return value
        }
    }

    /// A number as the fields store it (59.90 is "59.9", 3.0 is "3").
    public static func numberText(_ number: Double) -> String {
        number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)
    }

    private static func days(_ month: Int, _ year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}
