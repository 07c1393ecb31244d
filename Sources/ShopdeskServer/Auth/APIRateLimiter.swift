import Foundation
import Synchronization

/// Requests per minute per caller on `/api/`: per API token, per session, and per address for
/// requests that name no one (the widget, the help center's API, sign-in). Fixed one-minute
/// windows counted in memory on each node (a node's share of the limit; several nodes together
/// allow that many times more). Answers carry `RateLimit-Policy`, `RateLimit-Limit`,
/// `RateLimit-Remaining` and `RateLimit-Reset`; over the limit, a 429 problem with `Retry-After`.
/// Providers' webhooks are not counted: they prove who they are by signature, and a burst of
/// them is a customer writing, never to be turned away.
final class APIRateLimiter: Sendable {
    struct Decision {
        var allowed: Bool
        var limit: Int
        var remaining: Int
        /// Seconds until the window ends.
        var reset: Int
    }

    private struct Window { var index: Int64; var count: Int }
    private let windows = Mutex<[String: Window]>([:])
    private let calls = Atomic<Int>(0)
    static let windowSeconds = 60

    /// Counts one request of `key` against `limit` per minute (0: no limit).
    func record(_ key: String, limit: Int, now: Date) -> Decision? {
        guard limit > 0 else { return nil }
        let seconds = Int64(now.timeIntervalSince1970)
        let index = seconds / Int64(Self.windowSeconds)
        let reset = Int(Int64(Self.windowSeconds) - seconds % Int64(Self.windowSeconds))
        let prune = calls.wrappingAdd(1, ordering: .relaxed).newValue % 10_000 == 0
        return windows.withLock { windows in
            if prune { windows = windows.filter { $0.value.index >= index } }
            var window = windows[key].flatMap { $0.index == index ? $0 : nil } ?? Window(index: index, count: 0)
            guard window.count < limit else { return Decision(allowed: false, limit: limit, remaining: 0, reset: reset) }
            window.count += 1
            windows[key] = window
            return Decision(allowed: true, limit: limit, remaining: limit - window.count, reset: reset)
        }
    }

    /// Provider webhooks and the server's own pages are not limited here.
    static func counted(path: String) -> Bool {
        path.hasPrefix("/api/") && !path.contains("/webhooks") && !path.hasPrefix("/api/v1/channels/")
    }
}
