import Foundation
import ShopdeskCore
import SQLKit

public struct SurveyRecord: Sendable, Equatable {
    public var id: Int64
    public var workspaceID: WorkspaceID
    public var conversationID: ConversationID
    public var kind: SurveySettings.Kind
    public var sentAt: Date?
    public var answeredAt: Date?
    public var score: Int?
    public var comment: String?
}

/// Surveys after resolution: settings per workspace, one survey per conversation.
public enum SurveyRepository {
    public static func settings(workspaceID: WorkspaceID, in sql: any SQLDatabase) async throws -> SurveySettings {
        try await sql.raw("SELECT survey FROM workspaces WHERE id = \(bind: workspaceID.rawValue)").first()?
            .stringOrNil("survey").map { try JSONCoding.decode(SurveySettings.self, from: $0) } ?? SurveySettings()
    }

    public static func save(workspaceID: WorkspaceID, _ settings: SurveySettings, in sql: any SQLDatabase) async throws {
        try await sql.raw("UPDATE workspaces SET survey = \(bind: try JSONCoding.string(settings)) WHERE id = \(bind: workspaceID.rawValue)").run()
        try await RuleRepository.bumpVersion(workspaceID, in: sql)
    }

    public static func find(conversationID: ConversationID, in sql: any SQLDatabase) async throws -> SurveyRecord? {
        try await sql.raw("SELECT * FROM surveys WHERE conversation_id = \(bind: conversationID.rawValue)").first().map(decode)
    }

    public static func list(workspaceID: WorkspaceID, limit: Int, in sql: any SQLDatabase) async throws -> [SurveyRecord] {
        try await sql.raw("""
            SELECT * FROM surveys WHERE workspace_id = \(bind: workspaceID.rawValue) AND sent_at IS NOT NULL ORDER BY sent_at DESC, id DESC
            LIMIT \(bind: limit)
            """).all().map(decode)
    }

    public static func find(tokenHash: String, in sql: any SQLDatabase) async throws -> SurveyRecord? {
        try await sql.raw("SELECT * FROM surveys WHERE token_hash = \(bind: tokenHash)").first().map(decode)
    }

    /// Records that the survey went out under a link whose token hashes to `tokenHash`.
    public static func markSent(_ id: Int64, workspaceID: WorkspaceID, tokenHash: String, at time: Date, in sql: any SQLDatabase) async throws {
        try await sql.raw("""
            UPDATE surveys SET token_hash = \(bind: tokenHash), sent_at = \(bind: time.millis)
            WHERE workspace_id = \(bind: workspaceID.rawValue) AND id = \(bind: id)
            """).run()
    }

    /// A conversation reopened before its survey went out: it will be offered at the next resolution.
    public static func withdraw(_ id: Int64, workspaceID: WorkspaceID, in sql: any SQLDatabase) async throws {
        try await sql.raw("DELETE FROM surveys WHERE workspace_id = \(bind: workspaceID.rawValue) AND id = \(bind: id) AND sent_at IS NULL").run()
    }

    /// Offers a survey for a resolved conversation once: the job that sends it runs after the delay.
    static func offer(_ conversation: Conversation, now: Date, in sql: any SQLDatabase) async throws {
        let settings = try await settings(workspaceID: conversation.workspaceID, in: sql)
        guard settings.kind != .off else { return }
        let inserted = try await sql.raw("""
            INSERT INTO surveys (workspace_id, conversation_id, kind, created_at)
            VALUES (\(bind: conversation.workspaceID.rawValue), \(bind: conversation.id.rawValue), \(bind: settings.kind.rawValue), \(bind: now.millis))
            ON CONFLICT (conversation_id) DO NOTHING RETURNING id
            """).first()
        guard inserted != nil else { return }
        try await JobQueue.enqueue(kind: JobKind.surveySend, payload: ["conversation_id": .id(conversation.id)],
                                   workspaceID: conversation.workspaceID, runAt: now.addingTimeInterval(TimeInterval(settings.delayMinutes * 60)),
                                   in: sql)
    }

    static func decode(_ row: any SQLRow) throws -> SurveyRecord {
        SurveyRecord(id: try row.int64("id"), workspaceID: try row.id("workspace_id"), conversationID: try row.id("conversation_id"),
                     kind: try row.enumValue("kind"), sentAt: try row.dateOrNil("sent_at"), answeredAt: try row.dateOrNil("answered_at"),
                     score: try row.int64OrNil("score").map(Int.init), comment: try row.stringOrNil("comment"))
    }
}

extension ConversationService {
    /// The customer's answer: the first score counts (a later one is refused), a comment may
    /// follow. Rules see it as `survey.answered` with `survey_score`.
    public func answerSurvey(_ survey: SurveyRecord, score: Int, comment: String?) async throws -> SurveyRecord {
        guard survey.kind.scores.contains(score) else {
            throw ShopdeskError.invalid(field: "score", "Choose a score from \(survey.kind.scores.lowerBound) to \(survey.kind.scores.upperBound).")
        }
        let comment = comment?.trimmingCharacters(in: .whitespacesAndNewlines).prefix(2000).description
        if let answered = survey.score, answered != score {
            throw ShopdeskError.conflict("This survey was already answered with \(answered); thank you!")
        }
        let time = now()
        let kind = database.kind
        let automation = automation
        let (updated, events) = try await database.write { sql in
            let first = survey.score == nil
            try await sql.raw("""
                UPDATE surveys SET score = \(bind: Int64(score)), comment = COALESCE(\(bind: comment?.isEmpty == false ? comment : nil), comment),
                  answered_at = COALESCE(answered_at, \(bind: time.millis))
                WHERE workspace_id = \(bind: survey.workspaceID.rawValue) AND id = \(bind: survey.id)
                """).run()
            guard var conversation = try await ConversationRepository.find(workspaceID: survey.workspaceID, id: survey.conversationID, in: sql) else {
                throw ShopdeskError.notFound("Conversation \(survey.conversationID)")
            }
            var events: [DomainEvent] = []
            if first || comment?.isEmpty == false {
                var payload: [String: JSONValue] = ["kind": .string(survey.kind.rawValue), "score": .number(Double(score))]
                if let comment, !comment.isEmpty { payload["comment"] = .string(comment) }
                events.append(DomainEvent(workspaceID: survey.workspaceID, conversationID: survey.conversationID, kind: .surveyAnswered,
                                          actor: .customer(conversation.customerID), payload: payload, occurredAt: time))
            }
            if first {
                events += try await Self.automate([.init(trigger: .surveyAnswered, surveyScore: score)], on: &conversation,
                                                  automation: automation, time: time, kind: kind, in: sql)
            }
            let updated = try await SurveyRepository.find(conversationID: survey.conversationID, in: sql) ?? survey
            return (updated, try await EventLog.record(events, in: sql))
        }
        await publisher?.publish(events)
        return updated
    }

    /// Sends a resolved conversation's survey: the link's token (hashed) and the message that
    /// carries it are stored in one transaction, so a retried job never asks twice. A
    /// conversation reopened since is skipped, and asked at its next resolution.
    public func sendSurvey(workspaceID: WorkspaceID, conversationID: ConversationID, tokenHash: String,
                           text: @escaping @Sendable (SurveySettings.Kind, String?) -> String) async throws {
        let time = now()
        let kind = database.kind
        let events = try await database.write { sql -> [DomainEvent] in
            guard let survey = try await SurveyRepository.find(conversationID: conversationID, in: sql), survey.sentAt == nil else { return [] }
            guard let conversation = try await ConversationRepository.find(workspaceID: workspaceID, id: conversationID, in: sql),
                  conversation.state.status == .resolved, conversation.state.mergedInto == nil else {
                try await SurveyRepository.withdraw(survey.id, workspaceID: survey.workspaceID, in: sql)
                return []
            }
            try await SurveyRepository.markSent(survey.id, workspaceID: survey.workspaceID, tokenHash: tokenHash, at: time, in: sql)
            let message = try await MessageRepository.insert(.init(
                conversation: conversation, direction: .outbound, authorAgentID: nil, text: text(survey.kind, conversation.language),
                channelMessageID: nil, deliveryStatus: .queued), now: time, kind: kind, in: sql)
            try await JobQueue.enqueue(kind: JobKind.sendMessage, payload: ["message_id": .id(message.id)], workspaceID: workspaceID,
                                       runAt: time, maxAttempts: 8, in: sql)
            let event = DomainEvent(workspaceID: workspaceID, conversationID: conversationID, kind: .messageCreated, actor: .system,
                                    payload: ["message_id": .id(message.id), "direction": .string("outbound")], occurredAt: time)
            return try await EventLog.record([event], in: sql)
        }
        await publisher?.publish(events)
    }
}
