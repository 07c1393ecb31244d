import Hummingbird
import ShopdeskCore

extension Request {
    /// The fields of an `application/x-www-form-urlencoded` body (the help center's and the survey
    /// page's forms), read by our own tolerant decoder: a bare `%` or a broken escape is kept as
    /// text, never a trap. Bodies over `limit` bytes answer 413.
    func formFields(limit: Int = 16 * 1024) async throws -> [String: String] {
        let body = try await body.collect(upTo: limit)
        return FormURLEncoding.fields(bytes: Array(body.readableBytesView))
    }

    /// One query-string field, decoded like a form (`+` is a space); nil when absent.
    func queryField(_ name: String) -> String? {
        guard let query = uri.query, !query.isEmpty else { return nil }
        return FormURLEncoding.pairs(query).first { $0.name == name }?.value
    }

    /// Every value of a query parameter that may repeat (`tag=a&tag=b`), empty ones left out.
    func queryFields(_ name: String) -> [String] {
        guard let query = uri.query, !query.isEmpty else { return [] }
        return FormURLEncoding.pairs(query).filter { $0.name == name && !$0.value.isEmpty }.map(\.value)
    }
}
