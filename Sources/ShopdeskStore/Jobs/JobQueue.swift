import Foundation
import ShopdeskCore
import SQLKit

/// Names of the jobs Shopdesk runs. A handler is registered for each in the server.
public enum JobKind {
    public static let sendMessage = "message.send"
    /// A workspace's retention sweep: anonymises a batch of old conversations, then again
    /// (at once while there are more, else in a day).
    public static let retentionSweep = "retention.sweep"
    /// Read one order again from its shop after a webhook said it changed.
    public static let orderSync = "order.sync"
    /// A shop's privacy request (Shopify's `customers/redact`, `customers/data_request`,
    /// `shop/redact`), carried out after the webhook that asked for it was acknowledged.
    public static let shopPrivacy = "shop.privacy"
    /// Reads a shop's customers and recent orders a few pages at a time, then reconciles its
    /// orders every few hours (what webhooks missed).
    public static let storeBackfill = "store.backfill"
    /// A rule's order action (tag or note the customer's latest order), done in the shop after
    /// the rule's transaction committed.
    public static let orderRuleAction = "order.rule_action"
    /// Poll an email inbox's IMAP mailbox (and queue the next poll).
    public static let imapPoll = "imap.poll"
    /// Train the workspace's own intent and sentiment models from its agents' corrections.
    public static let modelsTrain = "models.train"
    public static let webhookDelivery = "webhook.deliver"
    public static let snoozeWake = "conversation.wake"
    /// A rule's webhook action: POST the conversation to the rule's URL.
    public static let ruleWebhook = "rule.webhook"
    /// An SLA timer: warn or mark a breach when a target falls due, then wait for the next.
    public static let slaCheck = "sla.check"
    /// SLA policies changed: reconcile the clocks of the workspace's open conversations.
    public static let slaRefresh = "sla.refresh"
    /// Every few minutes while a workspace has time-based rules: check them on open conversations.
    public static let rulesSweep = "rules.sweep"
    /// Every two minutes while an inbox or team reassigns: give offline agents' conversations to others.
    public static let assignmentSweep = "assignment.sweep"
    /// Sends a resolved conversation's survey on its channel (after the configured delay).
    public static let surveySend = "survey.send"
    /// A chat reply the visitor has not received after a few minutes goes to their email.
    public static let chatEmail = "chat.email"
    /// The chat bot's turn on a messaging channel, for one customer message (queued with it).
    public static let botReply = "bot.reply"
    /// Fetch the post a comment conversation is about (its text, link and picture) from the channel.
    public static let channelPost = "channel.post"
    /// A reply an agent scheduled ("send later"), sent when its time comes.
    public static let scheduledReply = "reply.scheduled"
    /// Emails an agent a notification still unread a few minutes after it was made.
    public static let notificationEmail = "notification.email"
    /// Pushes a notification to the agent's subscribed browsers (web push), at once.
    public static let notificationPush = "notification.push"
    /// Computes the report facts a report request had no time for (a large backlog, a new time zone).
    public static let reportsCatchUp = "reports.catch_up"
    /// Monday morning: last week's figures and rising topics by email to the workspace's admins.
    public static let reportsDigest = "reports.digest"
}

public enum JobStatus: String, Codable, Sendable, CaseIterable {
    case queued, running, done, dead
}

public struct Job: Sendable, Equatable {
    public var id: JobID
    public var workspaceID: WorkspaceID?
    public var kind: String
    public var payload: [String: JSONValue]
    public var status: JobStatus
    public var attempts: Int
    public var maxAttempts: Int
    public var runAt: Date
    public var lastError: String?
    public var createdAt: Date
    public var updatedAt: Date
}

/// A durable queue in the same database as the data, so a job is queued in the same
/// transaction as the change that needs it. Timers are jobs with a future `run_at`.
public enum JobQueue {
    /// Queues a job. With a `dedupeKey`, an existing queued job with that key is moved to the new
    /// time instead (a re-snooze moves its wake-up timer rather than adding a second one).
    @discardableResult
    public static func enqueue(
        kind: String,
        payload: [String: JSONValue],
        workspaceID: WorkspaceID?,
        runAt: Date,
        maxAttempts: Int = 10,
        dedupeKey: String? = nil,
        in sql: any SQLDatabase
    ) async throws -> JobID {
        let now = Date().millis
        let body = JSONCoding.string(payload)
        if let dedupeKey {
            // workspace: the job queue is shared by every workspace; a job is run by its id, claimed under a lease.
            let existing = try await sql.raw("""
                UPDATE jobs SET run_at = \(bind: runAt.millis), payload = \(bind: body), status = 'queued',
                  attempts = 0, last_error = NULL, locked_until = NULL, updated_at = \(bind: now)
                WHERE dedupe_key = \(bind: dedupeKey) RETURNING id
                """).first()
            if let existing { return try existing.id("id") }
        }
        let row = try await sql.raw("""
            INSERT INTO jobs (workspace_id, kind, payload, status, attempts, max_attempts, run_at, dedupe_key,
              created_at, updated_at)
            VALUES (\(bind: workspaceID?.rawValue), \(bind: kind), \(bind: body), 'queued', 0, \(bind: maxAttempts),
              \(bind: runAt.millis), \(bind: dedupeKey), \(bind: now), \(bind: now)) RETURNING id
            """).first()
        guard let row else { throw StoredValueError(column: "jobs.id", value: "missing") }
        return try row.id("id")
    }

    /// Claims up to `limit` due jobs for `lease`; a job whose worker died is claimed again once
    /// its lease runs out. PostgreSQL skips rows other nodes have locked.
    public static func claim(
        limit: Int, now: Date, lease: Duration, kind: DatabaseKind, in sql: any SQLDatabase
    ) async throws -> [Job] {
        let lockedUntil = now.addingTimeInterval(Double(lease.components.seconds)).millis
        let skipLocked: SQLQueryString = kind == .postgres ? " FOR UPDATE SKIP LOCKED" : ""
        // workspace: the job queue is shared by every workspace; a job is run by its id, claimed under a lease.
        let rows = try await sql.raw("""
            UPDATE jobs SET status = 'running', attempts = attempts + 1, locked_until = \(bind: lockedUntil),
              updated_at = \(bind: now.millis)
            WHERE id IN (SELECT id FROM jobs
              WHERE (status = 'queued' AND run_at <= \(bind: now.millis))
                 OR (status = 'running' AND locked_until < \(bind: now.millis))
              ORDER BY run_at LIMIT \(bind: limit)\(skipLocked))
            RETURNING *
            """).all()
        return try rows.map(decode)
    }

    public static func complete(_ id: JobID, now: Date, in sql: any SQLDatabase) async throws {
        try await complete([id], now: now, in: sql)
    }

    /// Marks several jobs done in one statement (the runner completes a batch at once). A job
    /// its own handler queued again (a timer that moved itself, through its dedupe key) stays
    /// queued: only jobs still running are done.
    public static func complete(_ ids: [JobID], now: Date, in sql: any SQLDatabase) async throws {
        guard !ids.isEmpty else { return }
        // workspace: the job queue is shared by every workspace; a job is run by its id, claimed under a lease.
        try await sql.raw("""
            UPDATE jobs SET status = 'done', locked_until = NULL, last_error = NULL, updated_at = \(bind: now.millis)
            WHERE id IN (\(binds: ids.map(\.rawValue))) AND status = 'running'
            """).run()
    }

    /// Gives a claimed job back untouched (the node is shutting down): it runs again at once
    /// elsewhere, and the interrupted attempt does not count.
    public static func release(_ id: JobID, now: Date, in sql: any SQLDatabase) async throws {
        // workspace: the job queue is shared by every workspace; a job is run by its id, claimed under a lease.
        try await sql.raw("""
            UPDATE jobs SET status = 'queued', attempts = attempts - 1, locked_until = NULL, updated_at = \(bind: now.millis)
            WHERE id = \(bind: id.rawValue) AND status = 'running'
            """).run()
    }

    /// Records a failure: retried after an exponential backoff, or dead after the last attempt.
    /// Returns the new status.
    @discardableResult
    public static func fail(_ job: Job, error: String, now: Date, permanent: Bool = false, in sql: any SQLDatabase) async throws -> JobStatus {
        let dead = permanent || job.attempts >= job.maxAttempts
        let retryAt = now.addingTimeInterval(backoff(attempt: job.attempts)).millis
        // workspace: the job queue is shared by every workspace; a job is run by its id, claimed under a lease.
        try await sql.raw("""
            UPDATE jobs SET status = \(bind: dead ? "dead" : "queued"), run_at = \(bind: dead ? job.runAt.millis : retryAt),
              locked_until = NULL, last_error = \(bind: String(error.prefix(2000))), updated_at = \(bind: now.millis)
            WHERE id = \(bind: job.id.rawValue)
            """).run()
        return dead ? .dead : .queued
    }

    /// 2, 4, 8 … seconds, capped at one hour.
    public static func backoff(attempt: Int) -> TimeInterval {
        min(3600, pow(2, Double(max(1, attempt))))
    }

    /// Puts a dead job back in the queue to run now.
    public static func retry(_ id: JobID, workspaceID: WorkspaceID, now: Date, in sql: any SQLDatabase) async throws -> Bool {
        // workspace: the job queue is shared by every workspace; a job is run by its id, claimed under a lease.
        let row = try await sql.raw("""
            UPDATE jobs SET status = 'queued', attempts = 0, run_at = \(bind: now.millis), locked_until = NULL,
              updated_at = \(bind: now.millis)
            WHERE id = \(bind: id.rawValue) AND workspace_id = \(bind: workspaceID.rawValue) AND status = 'dead'
            RETURNING id
            """).first()
        return row != nil
    }

    public static func list(
        workspaceID: WorkspaceID, status: JobStatus?, limit: Int, in sql: any SQLDatabase
    ) async throws -> [Job] {
        let statusFilter: SQLQueryString = status.map { " AND status = \(bind: $0.rawValue)" } ?? ""
        return try await sql.raw("""
            SELECT * FROM jobs WHERE workspace_id = \(bind: workspaceID.rawValue)\(statusFilter)
            ORDER BY id DESC LIMIT \(bind: limit)
            """).all().map(decode)
    }

    /// Queue health for `/healthz` and `/metrics`: depth, dead jobs and the age of the oldest due job.
    public static func stats(now: Date, in sql: any SQLDatabase) async throws -> (queued: Int, dead: Int, lagSeconds: Double) {
        let row = try await sql.raw("""
            SELECT
              (SELECT COUNT(*) FROM jobs WHERE status IN ('queued', 'running')) AS queued,
              (SELECT COUNT(*) FROM jobs WHERE status = 'dead') AS dead,
              (SELECT MIN(run_at) FROM jobs WHERE status = 'queued' AND run_at <= \(bind: now.millis)) AS oldest
            """).first()
        guard let row else { return (0, 0, 0) }
        let oldest = try row.int64OrNil("oldest")
        return (try row.int("queued"), try row.int("dead"), oldest.map { Double(now.millis - $0) / 1000 } ?? 0)
    }

    static func decode(_ row: any SQLRow) throws -> Job {
        Job(
            id: try row.id("id"),
            workspaceID: try row.idOrNil("workspace_id"),
            kind: try row.string("kind"),
            payload: try JSONCoding.decode([String: JSONValue].self, from: row.string("payload")),
            status: try row.enumValue("status"),
            attempts: try row.int("attempts"),
            maxAttempts: try row.int("max_attempts"),
            runAt: try row.date("run_at"),
            lastError: try row.stringOrNil("last_error"),
            createdAt: try row.date("created_at"),
            updatedAt: try row.date("updated_at")
        )
    }
}
