import Foundation
import Synchronization

/// Requests per minute per caller on `/api/`: per API token, per session, and per address for
/// requests that name no one (the widget, the help center's API, sign-in). Fixed one-minute
/// windows counted in memory on each node, and with PostgreSQL shared between nodes:
/// `RateLimitSync` adds each node's new counts to `rate_counts` every second and learns the
/// others' (so a caller spread over several nodes gets the limit once, not once per node; a
/// burst may pass it by what the other nodes let through in the last second). Answers carry `RateLimit-Policy`, `RateLimit-Limit`,
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

    /// `count` is this node's, `flushed` the part of it already added to the shared table, and
    /// `others` what the other nodes had counted at the last sync.
    private struct Window { var index: Int64; var count: Int; var flushed = 0; var others = 0; var limit = 0 }
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
            guard window.count + window.others < limit else { return Decision(allowed: false, limit: limit, remaining: 0, reset: reset) }
            window.count += 1
            window.limit = limit
            windows[key] = window
            return Decision(allowed: true, limit: limit, remaining: limit - window.count - window.others, reset: reset)
        }
    }

    /// What to add to the shared counts: each window's count since the last sync, and for callers
    /// past half their limit a zero (to learn what the other nodes counted). Marks them flushed.
    /// Keys go out hashed: no token, session or address is written down.
    func takePending(now: Date) -> [RateCount] {
        let index = Int64(now.timeIntervalSince1970) / Int64(Self.windowSeconds)
        return windows.withLock { windows in
            var pending: [RateCount] = []
            for (key, var window) in windows where window.index >= index - 1 {
                let delta = window.count - window.flushed
                guard delta > 0 || (window.index == index && (window.count + window.others) * 2 >= window.limit) else { continue }
                pending.append(RateCount(key: Self.sharedKey(key), window: window.index, delta: delta, local: key))
                window.flushed = window.count
                windows[key] = window
            }
            return pending
        }
    }

    /// The shared totals after a sync (`delta` holds each total): what the other nodes counted is
    /// the total less ours.
    func absorb(_ totals: [RateCount], sent: [RateCount]) {
        let locals = Dictionary(sent.map { ("\($0.key)|\($0.window)", $0.local) }, uniquingKeysWith: { first, _ in first })
        windows.withLock { windows in
            for total in totals {
                guard let local = locals["\(total.key)|\(total.window)"], var window = windows[local], window.index == total.window else { continue }
                window.others = max(0, total.delta - window.flushed)
                windows[local] = window
            }
        }
    }

    /// A sync that failed: its counts go out with the next one.
    func unflush(_ sent: [RateCount]) {
        windows.withLock { windows in
            for count in sent where count.delta > 0 {
                guard var window = windows[count.local], window.index == count.window else { continue }
                window.flushed = max(0, window.flushed - count.delta)
                windows[count.local] = window
            }
        }
    }

    static func sharedKey(_ key: String) -> String { String(Secrets.sha256Hex(key).prefix(32)) }

    /// Provider webhooks and the server's own pages are not limited here.
    static func counted(path: String) -> Bool {
        path.hasPrefix("/api/") && !path.contains("/webhooks") && !path.hasPrefix("/api/v1/channels/")
    }
}

/// One caller's count in one window, as the shared table keeps it (`key` hashed); `local` is
/// the caller's key on this node.
struct RateCount: Sendable {
    var key: String
    var window: Int64
    var delta: Int
    var local = ""
}
