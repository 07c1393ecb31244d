import Foundation
import ShopdeskChannels
import ShopdeskCore
import ShopdeskStore

/// The chat channel's rules, shared by the widget's HTTP calls and its WebSocket.
struct ChatChannel: Sendable {
    let database: Database
    let conversations: ConversationService
    let metrics: HTTPMetrics

    /// An agent counts as online while connected; connections refresh `last_seen_at` this often.
    static let presenceInterval: Duration = .seconds(30)
    /// …and an agent whose last refresh is older than this is gone (a node died, a laptop slept).
    static let presenceTimeout: TimeInterval = 90

    func visitor(token: String) async throws -> ChatVisitor? {
        guard token.count <= 200 else { return nil }
        return try await database.read { try await ChatVisitorRepository.find(tokenHash: Secrets.sha256Hex(token), in: $0) }
    }

    /// Open: inside the inbox's business hours. Online: an agent of the inbox is connected.
    func availability(of inbox: Inbox) async throws -> (open: Bool, online: Bool) {
        let now = Date()
        let workspaceID = inbox.workspaceID
        let (workspace, online) = try await database.read { sql in
            (try await WorkspaceRepository.find(workspaceID, in: sql),
             try await AgentPresenceRepository.anyoneOnline(inbox: inbox.id, workspaceID: workspaceID,
                                                            since: now.addingTimeInterval(-Self.presenceTimeout), in: sql))
        }
        let zone = workspace.flatMap { TimeZone(identifier: $0.timeZone) } ?? .gmt
        return ((inbox.chat ?? ChatSettings()).isOpen(at: now, timeZone: zone), online)
    }

    /// The conversation the widget shows: the visitor's own, followed through a merge only when
    /// the survivor belongs to the same customer (a merge into someone else's conversation must
    /// not show the visitor that conversation).
    func visibleConversation(of visitor: ChatVisitor) async throws -> ConversationID? {
        guard let id = visitor.conversationID, let customer = visitor.customerID else { return nil }
        return try await database.read { sql in
            guard let found = try await ConversationRepository.find(workspaceID: visitor.workspaceID, id: id, in: sql) else { return nil }
            let survivor = try await ConversationRepository.survivor(of: found, in: sql)
            if survivor.customerID == customer { return survivor.id }
            // The visitor's customer was merged into another since (the bot verified an email an
            // earlier customer had): the conversation is still theirs.
            let current = try await CustomerRepository.find(workspaceID: visitor.workspaceID, id: customer, followMerges: true, in: sql)
            return current?.id == survivor.customerID ? survivor.id : nil
        }
    }

    /// The visitor's side of a conversation: customer messages and replies, never notes.
    func messages(of conversation: ConversationID, workspaceID: WorkspaceID, after: Int64, limit: Int = 200) async throws -> [WidgetMessage] {
        let messages = try await database.read {
            try await MessageRepository.list(workspaceID: workspaceID, conversationID: conversation, afterID: MessageID(after),
                                             limit: limit, in: $0)
        }.filter { $0.direction != .note }
        return try await widgetMessages(messages, workspaceID: workspaceID)
    }

    /// One message for a visitor's socket; nil for notes and other conversations' messages.
    func message(_ id: MessageID, in conversation: ConversationID, workspaceID: WorkspaceID) async throws -> WidgetMessage? {
        guard let message = try await database.read({ try await MessageRepository.find(workspaceID: workspaceID, id: id, in: $0) }),
              message.conversationID == conversation, message.direction != .note else { return nil }
        return try await widgetMessages([message], workspaceID: workspaceID).first
    }

    private func widgetMessages(_ messages: [Message], workspaceID: WorkspaceID) async throws -> [WidgetMessage] {
        guard !messages.isEmpty else { return [] }
        let agentIDs = Set(messages.compactMap(\.authorAgentID))
        let (names, files) = try await database.read { sql in
            var names: [AgentID: String] = [:]
            for id in agentIDs {
                names[id] = try await AgentRepository.find(workspaceID: workspaceID, id: id, in: sql)?.name
            }
            return (names, try await AttachmentRepository.list(messages: messages.map(\.id), in: sql))
        }
        let filesByMessage = Dictionary(grouping: files, by: { $0.messageID })
        return messages.map { message in
            let outbound = message.direction == .outbound
            return WidgetMessage(
                id: message.id.rawValue, clientId: outbound ? nil : ChatWire.clientID(message.channelMessageID),
                from: outbound ? (message.botChoices != nil ? "bot" : "agent") : "visitor",
                authorName: message.authorAgentID.flatMap { names[$0] }.map(ChatWire.firstName),
                text: message.text, attachments: (filesByMessage[message.id] ?? []).map(WidgetAttachment.init),
                status: outbound ? message.deliveryStatus?.rawValue : nil, createdAt: message.createdAt, choices: message.botChoices)
        }
    }

    /// A visitor's message takes the ingest path every channel takes. The visitor's customer is
    /// found by the chat identity (and by the shop's id only when the shop signed it).
    func send(
        from visitor: ChatVisitor, clientID: String, text: String, attachmentIDs: [AttachmentID]
    ) async throws -> (ConversationID, WidgetMessage, Bool) {
        let clientID = clientID.trimmingCharacters(in: .whitespaces)
        guard !clientID.isEmpty, clientID.count <= 100 else {
            throw Problem(.unprocessableContent, "Give each message a client_id of 1 to 100 characters.", field: "client_id")
        }
        guard attachmentIDs.count <= 10 else { throw Problem(.unprocessableContent, "Send at most 10 files at once.", field: "attachment_ids") }
        if !attachmentIDs.isEmpty {
            let owned = try await database.read { sql in
                try await attachmentIDs.asyncAllSatisfy {
                    let record = try await AttachmentRepository.find(workspaceID: visitor.workspaceID, id: $0, in: sql)
                    return record?.visitorID == visitor.id && record?.messageID == nil
                }
            }
            guard owned else { throw Problem(.notFound, "A file of this message was not found; upload it again.", field: "attachment_ids") }
        }
        let replyTo = try await visibleConversation(of: visitor)
        var inbound = InboundMessage(
            inboxID: visitor.inboxID, channelMessageID: ChatWire.channelMessageID(visitor: visitor.id, clientID: clientID),
            customer: CustomerIdentity(name: visitor.name, externalID: visitor.identifier, channel: visitor.channelIdentity),
            subject: nil, text: text, receivedAt: Date(), replyTo: replyTo)
        inbound.attachmentIDs = attachmentIDs
        let start = ContinuousClock.now
        let result = try await conversations.ingest(inbound, workspaceID: visitor.workspaceID)
        metrics.ingested(channel: "chat", elapsed: ContinuousClock.now - start)
        if visitor.conversationID != result.conversationID || visitor.customerID != result.customerID {
            var updated = visitor
            updated.conversationID = result.conversationID
            updated.customerID = result.customerID
            updated.lastSeenAt = Date()
            try await database.write { [updated] in try await ChatVisitorRepository.update(updated, in: $0) }
        }
        guard let message = try await message(result.messageID, in: result.conversationID, workspaceID: visitor.workspaceID) else {
            throw Problem(.internalServerError, "The message was stored but could not be read back.")
        }
        return (result.conversationID, message, result.duplicate)
    }

    func acknowledge(_ visitor: ChatVisitor, upTo: MessageID, status: DeliveryStatus) async throws {
        guard let conversation = try await visibleConversation(of: visitor) else { return }
        try await conversations.acknowledge(workspaceID: visitor.workspaceID, conversationID: conversation, upTo: upTo, status: status)
    }

    /// A file the visitor may fetch: one they uploaded, or one on a (non-note) message of their
    /// conversation.
    func attachment(_ id: AttachmentID, for visitor: ChatVisitor) async throws -> AttachmentRecord {
        let conversation = try await visibleConversation(of: visitor)
        let record = try await database.read { sql -> AttachmentRecord? in
            guard let record = try await AttachmentRepository.find(workspaceID: visitor.workspaceID, id: id, in: sql) else { return nil }
            if record.visitorID == visitor.id { return record }
            guard let messageID = record.messageID, let conversation,
                  let message = try await MessageRepository.find(workspaceID: visitor.workspaceID, id: messageID, in: sql),
                  message.conversationID == conversation, message.direction != .note else { return nil }
            return record
        }
        guard let record else { throw Problem(.notFound, "File \(id) was not found.") }
        return record
    }
}

extension Sequence {
    func asyncAllSatisfy(_ predicate: (Element) async throws -> Bool) async rethrows -> Bool {
        for element in self where try await !predicate(element) { return false }
        return true
    }
}
