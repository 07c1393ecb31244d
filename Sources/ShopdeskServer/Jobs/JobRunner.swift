import Foundation
import Logging
import ServiceLifecycle
import ShopdeskCore
import ShopdeskStore

/// Claims due jobs from the durable queue and runs them, a bounded batch at a time.
/// Several nodes can run one each: claims are leases, and PostgreSQL skips locked rows.
struct JobRunner: Service {
    let services: AppServices
    let handlers: JobHandlers
    let batchSize = 64

    init(services: AppServices) {
        self.services = services
        handlers = JobHandlers(services: services, sender: WebhookSender(guardrail: services.outboundGuard))
    }
    var lease: Duration { .seconds(services.config.jobLeaseSeconds) }

    func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                let ran: Int
                do {
                    ran = try await runDueJobs()
                } catch is CancellationError {
                    return
                } catch {
                    services.logger.error("Job runner pass failed", metadata: ["error": "\(error)"])
                    ran = 0
                }
                await services.hub.jobRunnerBeat(Date())
                if ran == 0 { await services.hub.waitForJobs(timeout: services.config.jobPollInterval) }
            }
        }
    }

    /// Runs one batch; returns how many jobs it ran.
    func runDueJobs(now: Date = Date()) async throws -> Int {
        let kind = services.database.kind
        let lease = lease
        let jobs = try await services.database.write { try await JobQueue.claim(limit: batchSize, now: now, lease: lease, kind: kind, in: $0) }
        let succeeded = await withTaskGroup(of: JobID?.self) { group in
            for job in jobs { group.addTask { await execute(job, now: now) ? job.id : nil } }
            var done: [JobID] = []
            for await id in group { if let id { done.append(id) } }
            return done
        }
        // One write for the whole batch: the writer is the scarce resource on SQLite.
        try await services.database.write { try await JobQueue.complete(succeeded, now: Date(), in: $0) }
        return jobs.count
    }

    /// Runs one job; returns whether it succeeded. Failures are recorded here.
    private func execute(_ job: Job, now: Date) async -> Bool {
        let logger = services.logger
        do {
            try await handlers.run(job, now: now)
            return true
        } catch is CancellationError {
            // Shutting down: hand the job back rather than count a failed attempt.
            try? await services.database.write { try await JobQueue.release(job.id, now: Date(), in: $0) }
            return false
        } catch {
            let permanent = (error as? JobFailure)?.permanent ?? (error as? WebhookSender.Failure)?.permanent ?? false
            let reason = "\(error)"
            do {
                let status = try await services.database.write {
                    try await JobQueue.fail(job, error: reason, now: Date(), permanent: permanent, in: $0)
                }
                logger.warning("Job failed", metadata: ["job": "\(job.id)", "kind": "\(job.kind)", "status": "\(status.rawValue)", "error": "\(reason)"])
                if status == .dead { await handlers.died(job, reason: reason) }
            } catch {
                logger.error("Could not record a job failure", metadata: ["job": "\(job.id)", "error": "\(error)"])
            }
            return false
        }
    }
}

/// A job failure that retrying cannot fix.
struct JobFailure: Error, CustomStringConvertible {
    let description: String
    let permanent: Bool
}
