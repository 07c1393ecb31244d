/// A JSON value for event payloads and free-form attributes.
public enum JSONValue: Hashable, Sendable, Codable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([JSONValue].self) { self = .array(value) }
        else { self = .object(try container.decode([String: JSONValue].self)) }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let value):
            if value.rounded() == value, abs(value) < 9.0e15 { try container.encode(Int64(value)) }
            else { try container.encode(value) }
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    public static func id<E>(_ id: Identifier<E>?) -> JSONValue {
        id.map { .number(Double($0.rawValue)) } ?? .null
    }

    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    public var int64Value: Int64? {
        if case .number(let value) = self { return Int64(exactly: value) }
        return nil
    }
}

extension JSONValue {
    /// Writes the value as `encode(to:)` would with `JSONEncoder`'s `.sortedKeys`: whole numbers
    /// as integers, object members in key order. Event and job payloads are written this way on
    /// the SQLite writer's thread, where `JSONEncoder` cost about 5 % of its time.
    public func write(into writer: inout JSONWriter) {
        switch self {
        case .null: writer.null()
        case .bool(let value): writer.bool(value)
        case .number(let value):
            if value.rounded() == value, abs(value) < 9.0e15 { writer.int(Int64(value)) } else { writer.double(value) }
        case .string(let value): writer.string(value)
        case .array(let values): writer.array { writer in for value in values { value.write(into: &writer) } }
        case .object(let members): Self.write(members, into: &writer)
        }
    }

    static func write(_ members: [String: JSONValue], into writer: inout JSONWriter) {
        writer.object { writer in
            for (name, value) in members.sorted(by: { $0.key < $1.key }) {
                writer.key(string: name)
                value.write(into: &writer)
            }
        }
    }

    /// An object's JSON text, members in key order.
    public static func text(_ members: [String: JSONValue]) -> String {
        var writer = JSONWriter(capacity: 128)
        write(members, into: &writer)
        return String(decoding: writer.bytes, as: UTF8.self)
    }
}
