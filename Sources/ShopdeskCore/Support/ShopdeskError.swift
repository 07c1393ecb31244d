/// An error a person can act on. The server renders it as `application/problem+json`.
public struct ShopdeskError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case invalid, notFound, conflict, unauthorized, forbidden, tooLarge, rateLimited, unavailable
    }

    public let code: Code
    public let message: String
    /// The request field the error is about, when there is one.
    public let field: String?
    /// A stable name for this particular refusal (`message_empty`), which the agent app words in
    /// the agent's language, with `values` filled in; nil where only the words exist.
    public private(set) var reason: String? = nil
    public private(set) var values: [String: String]? = nil

    public init(_ code: Code, _ message: String, field: String? = nil) {
        self.code = code
        self.message = message
        self.field = field
    }

    public static func invalid(field: String? = nil, _ message: String) -> Self { .init(.invalid, message, field: field) }
    public static func notFound(_ what: String) -> Self { .init(.notFound, "\(what) was not found.") }
    public static func conflict(_ message: String) -> Self { .init(.conflict, message) }
    public static func forbidden(_ message: String) -> Self { .init(.forbidden, message) }
    public static func unauthorized(_ message: String) -> Self { .init(.unauthorized, message) }

    /// The same error with a stable name (and values) the app translates.
    public func because(_ reason: String, _ values: [String: String]? = nil) -> Self {
        var copy = self
        copy.reason = reason
        copy.values = values
        return copy
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
