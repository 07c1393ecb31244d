import Foundation
import Logging
import ServiceLifecycle
import ShopdeskStore

/// Shares the API rate limits' counts between the nodes of a PostgreSQL deployment: every
/// `interval` it adds this node's new counts to `rate_counts` in one statement and learns the
/// totals, and once a minute it forgets windows that have ended.
struct RateLimitSync: Service {
    let limiter: APIRateLimiter
    let database: Database
    let logger: Logger
    var interval: Duration = .seconds(1)

    func run() async throws {
        var pruned: Int64 = 0
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            // The period of the sync (what it shares is at most this old); ends at once on shutdown.
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            let now = Date()
            let window = Int64(now.timeIntervalSince1970) / Int64(APIRateLimiter.windowSeconds)
            await sync(now: now)
            if window > pruned {
                try? await database.write { try await RateCountRepository.prune(before: window - 1, in: $0) }
                pruned = window
            }
        }
    }

    /// One round: this node's counts out, everyone's totals in.
    func sync(now: Date) async {
        let pending = limiter.takePending(now: now)
        guard !pending.isEmpty else { return }
        do {
            let rows = pending.map { (key: $0.key, window: $0.window, delta: $0.delta) }
            let totals = try await database.write { try await RateCountRepository.add(rows, in: $0) }
            limiter.absorb(totals.map { RateCount(key: $0.key, window: $0.window, delta: $0.total) }, sent: pending)
        } catch {
            limiter.unflush(pending)
            logger.warning("Could not share the rate limits' counts", metadata: ["error": "\(error)"])
        }
    }
}
