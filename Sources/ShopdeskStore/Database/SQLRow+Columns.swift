import Foundation
import ShopdeskCore
import SQLKit

/// Short, typed column readers so repositories read like the schema.
extension SQLRow {
    func int64(_ column: String) throws -> Int64 { try decode(column: column, as: Int64.self) }
    func int64OrNil(_ column: String) throws -> Int64? { try decode(column: column, as: Int64?.self) }
    func int(_ column: String) throws -> Int { Int(try int64(column)) }
    func string(_ column: String) throws -> String { try decode(column: column, as: String.self) }
    func stringOrNil(_ column: String) throws -> String? { try decode(column: column, as: String?.self) }
    func double(_ column: String) throws -> Double { try decode(column: column, as: Double.self) }
    func date(_ column: String) throws -> Date { Timestamps.date(millis: try int64(column)) }
    func dateOrNil(_ column: String) throws -> Date? { try int64OrNil(column).map(Timestamps.date(millis:)) }
    func id<E>(_ column: String) throws -> Identifier<E> { Identifier(try int64(column)) }
    func idOrNil<E>(_ column: String) throws -> Identifier<E>? { try int64OrNil(column).map(Identifier.init) }

    func enumValue<E: RawRepresentable>(_ column: String) throws -> E where E.RawValue == String {
        let raw = try string(column)
        guard let value = E(rawValue: raw) else { throw StoredValueError(column: column, value: raw) }
        return value
    }
}

/// A stored value that the code no longer understands: a bug or a hand-edited database.
struct StoredValueError: Error, CustomStringConvertible {
    let column: String
    let value: String
    var description: String { "Unexpected stored value \"\(value)\" in column \(column)." }
}

extension Date {
    var millis: Int64 { Timestamps.millis(self) }
}
