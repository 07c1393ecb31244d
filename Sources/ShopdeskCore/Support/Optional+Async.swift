extension Optional {
    /// `map` for async work that may itself find nothing: a lookup by an optional id.
    public func asyncMap<T>(_ transform: (Wrapped) async throws -> T?) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
