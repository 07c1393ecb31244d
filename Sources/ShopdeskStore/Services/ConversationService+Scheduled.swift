import Foundation
import ShopdeskCore
import SQLKit

extension ConversationService {
    /// The longest an agent may schedule a reply ahead.
    public static let latestSchedule: TimeInterval = 366 * 86_400

    /// Keeps an agent's reply to send at `sendAt`, with a job for that moment queued in the same
    /// transaction. Nothing reaches the customer, the SLA clocks or the rules until it leaves.
    public func scheduleReply(
        workspaceID: WorkspaceID, conversationID: ConversationID, text: String, agentID: AgentID, attachmentIDs: [AttachmentID] = [],
        sendAt: Date
    ) async throws -> ScheduledReply {
        guard !Text.isBlank(text) || !attachmentIDs.isEmpty else {
            throw ShopdeskError.invalid(field: "text", "The message is empty.").because("message_empty")
        }
        guard text.utf8.count <= InboundMessage.maxTextLength else {
            throw ShopdeskError(.tooLarge, "The message is longer than \(InboundMessage.maxTextLength) bytes.", field: "text")
        }
        let time = now()
        guard sendAt > time else {
            throw ShopdeskError.invalid(field: "send_at", "Choose a time in the future to send the reply.").because("schedule_in_past")
        }
        guard sendAt.timeIntervalSince(time) <= Self.latestSchedule else {
            throw ShopdeskError.invalid(field: "send_at", "A reply can be scheduled at most a year ahead.").because("schedule_too_far")
        }
        return try await database.write { sql in
            guard let found = try await ConversationRepository.find(workspaceID: workspaceID, id: conversationID, in: sql) else {
                throw ShopdeskError.notFound("Conversation \(conversationID)")
            }
            let conversation = try await ConversationRepository.survivor(of: found, in: sql)
            try await HistoryLock.ensureWritable(conversation, now: time, in: sql)
            for attachment in attachmentIDs {
                guard try await AttachmentRepository.findUnattached(workspaceID: workspaceID, id: attachment, in: sql) != nil else {
                    throw ShopdeskError.notFound("Attachment \(attachment)")
                }
            }
            let reply = try await ScheduledReplyRepository.create(
                workspaceID: workspaceID, conversationID: conversation.id, agentID: agentID, text: text, attachmentIDs: attachmentIDs,
                sendAt: sendAt, now: time, in: sql)
            try await JobQueue.enqueue(kind: JobKind.scheduledReply, payload: ["scheduled_reply_id": .number(Double(reply.id))],
                                       workspaceID: workspaceID, runAt: sendAt, maxAttempts: 8, dedupeKey: "scheduled-reply:\(reply.id)", in: sql)
            return reply
        }
    }

    /// Sends a scheduled reply whose time has come, through the ordinary reply path; the reply is
    /// marked sent in the message's own transaction, so a retried job never sends it twice, and a
    /// cancel that committed first wins. A reply that cannot go (the conversation merged into one
    /// whose history is locked, a file gone) is marked failed with the reason, for the agent.
    public func sendScheduledReply(workspaceID: WorkspaceID, id: Int64) async throws {
        guard let reply = try await database.read({ try await ScheduledReplyRepository.find(workspaceID: workspaceID, id: id, in: $0) }),
              reply.status == .scheduled else { return }
        struct AlreadySettled: Error {}
        do {
            _ = try await self.reply(workspaceID: workspaceID, conversationID: reply.conversationID, text: reply.text, isNote: false,
                                     agentID: reply.agentID, attachmentIDs: reply.attachmentIDs) { message, sql in
                guard try await ScheduledReplyRepository.settle(workspaceID: workspaceID, id: id, as: .sent, messageID: message.id, in: sql) else {
                    throw AlreadySettled()
                }
            }
        } catch is AlreadySettled {
            return
        } catch let error as ShopdeskError {
            _ = try await database.write {
                try await ScheduledReplyRepository.settle(workspaceID: workspaceID, id: id, as: .failed, error: error.message, in: $0)
            }
        }
    }

    /// Takes a waiting reply back (false: it already left), or forgets one that failed.
    public func cancelScheduledReply(workspaceID: WorkspaceID, id: Int64) async throws -> Bool {
        try await database.write { sql in
            if try await ScheduledReplyRepository.settle(workspaceID: workspaceID, id: id, as: .cancelled, in: sql) { return true }
            return try await ScheduledReplyRepository.dismiss(workspaceID: workspaceID, id: id, in: sql)
        }
    }
}
