import Foundation
import ShopdeskCore

/// Reading nested JSON answers without a Decodable type for every shape a shop sends.
extension JSONValue {
    subscript(_ key: String) -> JSONValue {
        if case .object(let object) = self { return object[key] ?? .null }
        return .null
    }

    var array: [JSONValue] {
        if case .array(let items) = self { return items }
        return []
    }

    var string: String? {
        switch self {
        case .string(let text): text
        case .number(let number): number.rounded() == number ? String(Int64(number)) : String(number)
        default: nil
        }
    }

    var bool: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    var double: Double? {
        switch self {
        case .number(let number): number
        case .string(let text): Double(text)
        default: nil
        }
    }

    var int: Int? { double.flatMap { Int(exactly: $0.rounded()) } }

    var isNull: Bool { self == .null }

    static func parse(_ data: Data) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: data)
    }

    func encoded() -> Data {
        // Encoding a JSONValue cannot fail: it holds only JSON-representable values.
        (try? JSONEncoder().encode(self)) ?? Data("null".utf8)
    }
}

extension Optional where Wrapped == String {
    var json: JSONValue { map(JSONValue.string) ?? .null }
}
