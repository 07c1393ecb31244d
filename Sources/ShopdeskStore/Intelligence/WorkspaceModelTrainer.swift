import Foundation
import ShopdeskCore
import ShopdeskIntelligence
import SQLKit

/// Trains a workspace's intent and sentiment models from its labels, judges them against the
/// shipped ones on held-out labels, stores the reports and the adopted models.
public struct WorkspaceModelTrainer: Sendable {
    let database: Database
    let models: WorkspaceModels
    let shipped: Intelligence?

    public init(database: Database, models: WorkspaceModels, shipped: Intelligence? = try? Intelligence.shipped()) {
        self.database = database
        self.models = models
        self.shipped = shipped
    }

    /// After an agent corrects a classification: a training is queued for six hours later unless
    /// one is already waiting, so a day of corrections trains once. `after` asks for it sooner (a
    /// new intent is learnt now): a waiting training is moved up, never put off.
    static func schedule(workspaceID: WorkspaceID, now: Date, after delay: TimeInterval = 6 * 3600, in sql: any SQLDatabase) async throws {
        let key = "models-train:\(workspaceID)"
        let runAt = now.addingTimeInterval(delay)
        let waiting = try await sql.raw("SELECT 1 AS found FROM jobs WHERE dedupe_key = \(bind: key) AND status = 'queued'").first() != nil
        guard !waiting else {
            try await sql.raw("""
                UPDATE jobs SET run_at = \(bind: runAt.millis) WHERE workspace_id = \(bind: workspaceID.rawValue) AND dedupe_key = \(bind: key)
                  AND status = 'queued' AND run_at > \(bind: runAt.millis)
                """).run()
            return
        }
        try await JobQueue.enqueue(kind: JobKind.modelsTrain, payload: [:], workspaceID: workspaceID, runAt: runAt,
                                   maxAttempts: 3, dedupeKey: key, in: sql)
    }

    public func train(workspaceID: WorkspaceID, now: Date = Date()) async throws -> [WorkspaceTraining.Report] {
        guard let shipped else { throw ShopdeskError(.unavailable, "The shipped models are missing from this build; run `shopdesk intel train`.") }
        var reports: [WorkspaceTraining.Report] = []
        for task in WorkspaceTraining.Task.allCases {
            let examples = try await database.read { try await WorkspaceModelRepository.examples(workspaceID: workspaceID, task: task, in: $0) }
            if task == .spam {
                let (model, report) = try await Self.offPool { try WorkspaceTraining.trainSpam(examples: examples) }
                try await database.write { try await WorkspaceModelRepository.save(workspaceID: workspaceID, report: report, model: model, now: now, in: $0) }
                reports.append(report)
                continue
            }
            let base = task == .intent ? shipped.intent : shipped.sentiment
            // Training is seconds of CPU: keep it off the threads that serve requests.
            let threshold = task == .intent ? shipped.intentThreshold : 0
            let (model, report) = try await Self.offPool { try WorkspaceTraining.train(task, examples: examples, shipped: base, threshold: threshold) }
            try await database.write { try await WorkspaceModelRepository.save(workspaceID: workspaceID, report: report, model: model, now: now, in: $0) }
            reports.append(report)
        }
        await models.forget(workspaceID)
        return reports
    }

    static func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global(qos: .utility).async { continuation.resume(with: Result { try work() }) }
        }
    }
}
