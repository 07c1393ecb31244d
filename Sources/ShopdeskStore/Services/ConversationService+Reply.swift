import Foundation
import ShopdeskCore
import SQLKit

extension ConversationService {
    /// An agent's reply or internal note. A reply is stored as queued and a send job is queued in
    /// the same transaction; a note is never queued for sending. The agents a note `mentions`
    /// (checked by the caller: they may see the conversation) are notified and follow it.
    public func reply(
        workspaceID: WorkspaceID, conversationID: ConversationID, text: String, isNote: Bool, agentID: AgentID,
        attachmentIDs: [AttachmentID] = [], channelTemplate: ChannelTemplateUse? = nil, commentReply: CommentReply? = nil,
        mentions: [AgentID] = [],
        alongside: (@Sendable (Message, any SQLDatabase) async throws -> Void)? = nil
    ) async throws -> Message {
        guard !Text.isBlank(text) || !attachmentIDs.isEmpty else {
            throw ShopdeskError.invalid(field: "text", "The message is empty.").because("message_empty")
        }
        guard text.utf8.count <= InboundMessage.maxTextLength else {
            throw ShopdeskError(.tooLarge, "The message is longer than \(InboundMessage.maxTextLength) bytes.", field: "text")
        }
        let time = now()
        let kind = database.kind
        let automation = automation
        let (message, events) = try await database.write { sql in
            guard let found = try await ConversationRepository.find(workspaceID: workspaceID, id: conversationID, in: sql) else {
                throw ShopdeskError.notFound("Conversation \(conversationID)")
            }
            var conversation = try await ConversationRepository.survivor(of: found, in: sql)
            try await HistoryLock.ensureWritable(conversation, now: time, in: sql)
            for attachment in attachmentIDs {
                guard try await AttachmentRepository.findUnattached(workspaceID: workspaceID, id: attachment, in: sql) != nil else {
                    throw ShopdeskError.notFound("Attachment \(attachment)")
                }
            }
            var new = MessageRepository.NewMessage(
                conversation: conversation, direction: isNote ? .note : .outbound, authorAgentID: agentID, text: text,
                channelMessageID: nil, deliveryStatus: isNote ? nil : .queued, attachmentIDs: attachmentIDs)
            new.channelTemplate = isNote ? nil : channelTemplate
            if !isNote, let commentReply {
                // Meta allows one private reply per comment: a second is refused before it is stored.
                if commentReply.visibility == .private,
                   try await ChannelRepository.privatelyAnswered(comment: commentReply.comment, conversationID: conversation.id,
                                                                 workspaceID: workspaceID, in: sql) {
                    throw ShopdeskError.invalid(field: "comment_reply",
                                                "This comment already has its private reply: one private message per comment is allowed. Reply publicly, or wait for the customer to write.")
                }
                new.commentReply = commentReply
            }
            let message = try await MessageRepository.insert(new, now: time, kind: kind, in: sql)
            // What the caller records with the message, committed or rolled back with it.
            try await alongside?(message, sql)
            if !isNote {
                try await JobQueue.enqueue(kind: JobKind.sendMessage, payload: ["message_id": .id(message.id)],
                                           workspaceID: workspaceID, runAt: time, maxAttempts: 8, in: sql)
            }
            let event = DomainEvent(workspaceID: workspaceID, conversationID: conversation.id, kind: .messageCreated,
                                    actor: .agent(agentID),
                                    payload: ["message_id": .id(message.id), "direction": .string(message.direction.rawValue)],
                                    occurredAt: time)
            var events = [event]
            if isNote, !mentions.isEmpty {
                let others = mentions.filter { $0 != agentID }
                try await FollowerRepository.follow(others, workspaceID: workspaceID, conversationID: conversation.id, now: time, in: sql)
                events += try await NotificationRepository.notify(others, kind: .mention, conversation: conversation, messageID: message.id,
                                                                  actor: agentID, preview: text, now: time, in: sql)
            }
            events += try await Self.automate(isNote ? [] : [.init(trigger: .messageOutbound, text: text)], on: &conversation,
                                              automation: automation, time: time, kind: kind, in: sql)
            return (message, try await EventLog.record(events, in: sql))
        }
        await publisher?.publish(events)
        return message
    }

    /// Records what the channel said about an outbound message.
    public func recordDelivery(
        workspaceID: WorkspaceID, messageID: MessageID, status: DeliveryStatus, error: String?, channelMessageID: String? = nil
    ) async throws {
        let time = now()
        let events = try await database.write { sql in
            guard let message = try await MessageRepository.find(workspaceID: workspaceID, id: messageID, in: sql),
                  message.direction == .outbound else { throw ShopdeskError.notFound("Outbound message \(messageID)") }
            guard message.deliveryStatus != status || message.deliveryError != error else { return [DomainEvent]() }
            guard try await MessageRepository.setDelivery(messageID, workspaceID: workspaceID, status: status, error: error,
                                                          channelMessageID: channelMessageID, in: sql) else { return [DomainEvent]() }
            var payload: [String: JSONValue] = ["message_id": .id(messageID), "status": .string(status.rawValue)]
            if let error { payload["error"] = .string(error) }
            let event = DomainEvent(workspaceID: workspaceID, conversationID: message.conversationID, kind: .messageDeliveryChanged,
                                    actor: .system, payload: payload, occurredAt: time)
            return try await EventLog.record([event], in: sql)
        }
        await publisher?.publish(events)
    }

    /// Sends a failed message again: back to queued, with a fresh send job.
    public func retryDelivery(workspaceID: WorkspaceID, messageID: MessageID) async throws {
        let time = now()
        try await database.write { sql in
            guard let message = try await MessageRepository.find(workspaceID: workspaceID, id: messageID, in: sql),
                  message.direction == .outbound else { throw ShopdeskError.notFound("Outbound message \(messageID)") }
            guard message.deliveryStatus == .failed else {
                throw ShopdeskError.conflict("Only a failed message can be retried; this one is \(message.deliveryStatus?.rawValue ?? "unsent").").because("retry_not_failed")
            }
            try await MessageRepository.setDelivery(messageID, workspaceID: workspaceID, status: .queued, error: nil, channelMessageID: nil, in: sql)
            try await JobQueue.enqueue(kind: JobKind.sendMessage, payload: ["message_id": .id(messageID)],
                                       workspaceID: workspaceID, runAt: time, maxAttempts: 8, in: sql)
        }
    }
}
