import Foundation
import Logging
import ServiceLifecycle
import ShopdeskCore
import ShopdeskStore

/// Claims due jobs from the durable queue and runs them, a bounded number at a time.
/// Several nodes can run one each: claims are leases, and PostgreSQL skips locked rows.
struct JobRunner: Service, CustomStringConvertible {
    let services: AppServices
    let handlers: JobHandlers
    let batchSize = 64

    /// The service's name in the service group's logs. ServiceLifecycle names a service by
    /// `"\(service)"`, which without this walks everything the service holds, the classifier models
    /// included: seconds of CPU at every start.
    var description: String { "JobRunner" }

    init(services: AppServices) {
        self.services = services
        handlers = JobHandlers(services: services, sender: WebhookSender(guardrail: services.outboundGuard))
    }
    var lease: Duration { .seconds(services.config.jobLeaseSeconds) }

    func run() async throws {
        // Every workspace that wants the weekly digest has it queued (workspaces older than the
        // digest, or whose job was lost): once per start, before the first claim.
        do { try await WeeklyDigest.scheduleAll(database: services.database, now: Date()) } catch {
            services.logger.warning("Weekly digests not queued at start", metadata: ["error": "\(error)"])
        }
        await cancelWhenGracefulShutdown { await pipeline() }
    }

    private enum Event: Sendable { case finished(JobID?), wake }

    /// Keeps up to `batchSize` jobs running at once. A job queued while others run is claimed as
    /// soon as the runner hears of it, instead of waiting for the slowest job of a batch to end;
    /// completions are written together, a few at a time, since the writer is the scarce
    /// resource on SQLite. A crash before a completion is written runs that job again after its
    /// lease, as before (handlers are written for that: sends carry their own at-most-once mark).
    private func pipeline() async {
        await withTaskGroup(of: Event.self) { group in
            var running = 0
            var waking = false
            var due = true              // the queue may hold due jobs we have not claimed
            var finished: [JobID] = []
            var lastCompletion = ContinuousClock.now
            while !Task.isCancelled {
                // Completions: together when several are waiting, or when nothing else runs.
                if !finished.isEmpty, finished.count >= 16 || running == 0 || ContinuousClock.now - lastCompletion > .milliseconds(20) {
                    let ids = finished
                    finished = []
                    lastCompletion = ContinuousClock.now
                    do { try await services.database.write { try await JobQueue.complete(ids, now: Date(), in: $0) } } catch {
                        services.logger.error("Job completions not recorded; the jobs run again after their lease", metadata: ["error": "\(error)"])
                    }
                }
                if due, running < batchSize {
                    let room = batchSize - running
                    do {
                        let kind = services.database.kind, lease = lease, now = Date()
                        let jobs = try await services.database.write { try await JobQueue.claim(limit: room, now: now, lease: lease, kind: kind, in: $0) }
                        for job in jobs { group.addTask { .finished(await execute(job, now: now) ? job.id : nil) } }
                        running += jobs.count
                        // A full claim may have left more behind; a partial one took all that was due.
                        due = jobs.count == room
                    } catch is CancellationError {
                        return
                    } catch {
                        services.logger.error("Job runner pass failed", metadata: ["error": "\(error)"])
                        due = false
                    }
                    await services.hub.jobRunnerBeat(Date())
                }
                // Wait for a job to end, or for word of new jobs (or the poll interval: timers and other nodes' jobs).
                if !waking {
                    waking = true
                    let hub = services.hub, interval = services.config.jobPollInterval
                    group.addTask { await hub.waitForJobs(timeout: interval); return .wake }
                }
                switch await group.next() {
                case .finished(let id)?:
                    running -= 1
                    if let id { finished.append(id) }
                case .wake?:
                    waking = false
                    due = true
                case nil:
                    break
                }
            }
            // Shutting down: let the running jobs end and record them, so none runs again.
            for await event in group { if case .finished(let id?) = event { finished.append(id) } }
            if !finished.isEmpty {
                let ids = finished
                do { try await services.database.write { try await JobQueue.complete(ids, now: Date(), in: $0) } } catch {
                    services.logger.error("Job completions not recorded at shutdown; the jobs run again after their lease", metadata: ["error": "\(error)"])
                }
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
