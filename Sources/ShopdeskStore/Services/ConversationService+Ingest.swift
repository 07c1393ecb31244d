import Foundation
import ShopdeskCore
import ShopdeskIntelligence
import SQLKit

/// What happened to one inbound message.
public struct IngestResult: Sendable, Equatable {
    public var conversationID: ConversationID
    public var messageID: MessageID
    public var customerID: CustomerID
    public var createdConversation: Bool
    /// The channel had delivered this message before; nothing new was stored.
    public var duplicate: Bool
}

extension ConversationService {
    /// The one path every channel's messages take: dedupe on the channel's message id → find or
    /// create the customer → thread into a conversation or start one → store, all in one
    /// transaction, then publish the events. `alongside` runs in that same transaction once the
    /// message is stored (or found to be a duplicate): a channel's own records (the raw email)
    /// commit with the message or not at all.
    public func ingest(_ raw: InboundMessage, workspaceID: WorkspaceID,
                       alongside: (@Sendable (IngestResult, any SQLDatabase) async throws -> Void)? = nil) async throws -> IngestResult {
        let message = try raw.validated()
        let classifier = classifier == nil ? nil : await models.classifier(for: workspaceID, database: database)
        let classification = classifier?.classify(subject: message.subject, text: message.text)
        // Checked here, on the request's thread, not on the database writer's: whether it is
        // needed (a new customer) is known only inside the transaction, but the writer is the
        // bottleneck of every ingest, and the check cost it a fifth of its time.
        let spam = message.comment == nil ? SpamCheck.check(subject: message.subject, text: message.text) : nil
        let time = now()
        let kind = database.kind
        let automation = automation
        let (result, events) = try await database.write { sql in
            let stored = try await Self.ingest(message, classification: classification, spam: spam, workspaceID: workspaceID, time: time, kind: kind,
                                               automation: automation, in: sql)
            try await alongside?(stored.result, sql)
            return stored
        }
        await publisher?.publish(events)
        return result
    }

    /// The ingest path inside a transaction: returns the result and the recorded events.
    static func ingest(
        _ message: InboundMessage, classification: Classification?, spam: SpamCheck.Verdict? = nil, workspaceID: WorkspaceID, time: Date, kind: DatabaseKind,
        automation: AutomationCache?, in sql: any SQLDatabase
    ) async throws -> (result: IngestResult, events: [DomainEvent]) {
        guard try await InboxRepository.exists(workspaceID: workspaceID, id: message.inboxID, in: sql) else {
            throw ShopdeskError.notFound("Inbox \(message.inboxID)")
        }
        try await Self.lockIngestKeys(message, workspaceID: workspaceID, kind: kind, in: sql)
        if let channelID = message.channelMessageID,
           let existing = try await MessageRepository.findByChannelID(inboxID: message.inboxID, channelMessageID: channelID, in: sql) {
            return (IngestResult(conversationID: existing.conversationID, messageID: existing.id,
                                 customerID: existing.authorCustomerID ?? CustomerID(0), createdConversation: false,
                                 duplicate: true), [DomainEvent]())
        }
        for attachment in message.attachmentIDs {
            guard try await AttachmentRepository.findUnattached(workspaceID: workspaceID, id: attachment, in: sql) != nil else {
                throw ShopdeskError.notFound("Attachment \(attachment)")
            }
        }
        var events: [DomainEvent] = []
        let (customer, createdCustomer) = try await CustomerRepository.findOrCreate(
            message.customer, workspaceID: workspaceID, now: time, kind: kind, in: sql)
        if createdCustomer {
            events.append(DomainEvent(workspaceID: workspaceID, conversationID: nil, kind: .customerCreated,
                                      actor: .customer(customer.id), payload: ["customer_id": .id(customer.id)], occurredAt: time))
        }
        let actor = EventActor.customer(customer.id)
        var conversation: Conversation
        var created = false
        // A customer created just now has no conversation to continue, unless our signed
        // Reply-To names one (a chat continued by email).
        var message = message
        if message.email?.unauthenticated == true {
            // A From the domain's DMARC disowns: never into someone's existing conversation.
            message.replyTo = nil
        } else if message.replyTo == nil, let references = message.email?.references, !references.isEmpty {
            message.replyTo = try await EmailRepository.conversation(referencedBy: references, inbox: message.inboxID, in: sql)
        }
        if let comment = message.comment,
           let existing = try await Self.commentThread(comment, inboxID: message.inboxID, workspaceID: workspaceID, in: sql) {
            conversation = existing
            events += try await Self.apply([.customerMessageReceived], to: &conversation, actor: actor, now: time, kind: kind, in: sql)
        } else if message.comment == nil, message.email?.unauthenticated != true, !createdCustomer || message.email?.viaReplyToken == true,
           let existing = try await Self.thread(message, customerID: customer.id, workspaceID: workspaceID, now: time, in: sql) {
            conversation = existing
            events += try await Self.apply([.customerMessageReceived], to: &conversation, actor: actor, now: time, kind: kind, in: sql)
        } else {
            conversation = try await Self.startConversation(message, classification: classification, customerID: customer.id,
                                                             workspaceID: workspaceID, now: time, kind: kind, in: sql)
            created = true
            events.append(DomainEvent(workspaceID: workspaceID, conversationID: conversation.id, kind: .conversationCreated,
                                      actor: actor, payload: ["number": .number(Double(conversation.number)),
                                                              "inbox_id": .id(message.inboxID)], occurredAt: time))
            if message.email?.unauthenticated == true {
                events += try await Self.apply([.addTags(["sender-unverified"])], to: &conversation, actor: .system, now: time, kind: kind, in: sql)
            }
            // A first message from a sender we have never seen is checked for spam and phishing;
            // a known customer's never is. Spam waits in its own view, unanswered by automation.
            if createdCustomer || message.email?.unauthenticated == true, message.comment == nil {
                var verdict = spam ?? SpamCheck.check(subject: message.subject, text: message.text)
                if !verdict.isSpam, classification?.spam == true {
                    verdict.score = SpamCheck.threshold
                    verdict.reasons.append("the workspace's spam model, taught by its agents")
                }
                if verdict.isSpam {
                    events += try await Self.apply([.setStatus(.spam), .addTags(["spam"])], to: &conversation, actor: .system,
                                                   now: time, kind: kind, in: sql)
                    events.append(DomainEvent(workspaceID: workspaceID, conversationID: conversation.id, kind: .conversationSpamChecked,
                                              actor: .system, payload: ["score": .number(Double(verdict.score)),
                                                                        "reasons": .string(verdict.reasons.joined(separator: "; "))],
                                              occurredAt: time))
                }
            }
        }
        let stored = try await MessageRepository.insert(.init(
            conversation: conversation, direction: .inbound, authorCustomerID: customer.id, text: message.text,
            channelMessageID: message.channelMessageID, deliveryStatus: nil, attachmentIDs: message.attachmentIDs,
            startsConversation: created, classification: classification, html: message.html, mailAuth: message.email?.authentication,
            commentStatus: message.comment == nil ? nil : .visible
        ), now: time, kind: kind, in: sql)
        events.append(DomainEvent(workspaceID: workspaceID, conversationID: conversation.id, kind: .messageCreated,
                                  actor: actor, payload: ["message_id": .id(stored.id), "direction": .string("inbound")],
                                  occurredAt: time))
        if !created {
            // Those who follow the conversation hear that its customer wrote.
            let followers = try await FollowerRepository.followers(workspaceID: workspaceID, conversationID: conversation.id, in: sql)
            events += try await NotificationRepository.notify(followers, kind: .customerReplied, conversation: conversation,
                                                              messageID: stored.id, actor: nil, preview: message.text, now: time, in: sql)
        }
        if let messageID = message.email?.messageID {
            try await EmailRepository.remember(messageID: messageID, inbox: message.inboxID, conversation: conversation.id,
                                               message: stored.id, in: sql)
        }
        // Insults and swearing are tagged, so a rule can route them and agents know; never hidden.
        if !AbuseCheck.check(message.text).isEmpty, !conversation.state.tags.contains("abusive") {
            events += try await Self.apply([.addTags(["abusive"])], to: &conversation, actor: .system, now: time, kind: kind, in: sql)
        }
        let triggers: [RuleTrigger] = conversation.state.status == .spam ? [] : created ? [.conversationCreated, .messageInbound] : [.messageInbound]
        events += try await Self.automate(triggers.map {
            RuleRunner.Event(trigger: $0, text: message.text, automaticMessage: message.email?.automatic == true)
        }, on: &conversation,
                                          automation: automation, time: time, kind: kind, in: sql)
        let result = IngestResult(conversationID: conversation.id, messageID: stored.id, customerID: customer.id,
                                  createdConversation: created, duplicate: false)
        return (result, try await EventLog.record(events, in: sql))
    }

    /// On PostgreSQL, concurrent transactions would each see "no such customer" (or "no such
    /// message") and both insert; an advisory lock per identity, taken in a fixed order so two
    /// ingests cannot deadlock, makes the second wait and then find the first one's rows.
    /// SQLite needs none: its writes are already serialized.
    static func lockIngestKeys(
        _ message: InboundMessage, workspaceID: WorkspaceID, kind: DatabaseKind, in sql: any SQLDatabase
    ) async throws {
        guard kind == .postgres else { return }
        var keys = CustomerRepository.identityPairs(message.customer).map { "customer:\(workspaceID):\($0):\($1)" }
        if let channelID = message.channelMessageID { keys.append("message:\(message.inboxID):\(channelID)") }
        // Two comments in one thread at once must find one conversation, not start two.
        if let thread = message.comment?.thread { keys.append("thread:\(message.inboxID):\(thread)") }
        for key in keys.sorted() {
            try await sql.raw("SELECT pg_advisory_xact_lock(hashtextextended(\(bind: key), 0))").run()
        }
    }

    /// The conversation a message continues: the one it replies to (followed through merges), or
    /// the customer's latest unresolved conversation in the same inbox.
    static func thread(
        _ message: InboundMessage, customerID: CustomerID, workspaceID: WorkspaceID, now: Date, in sql: any SQLDatabase
    ) async throws -> Conversation? {
        if let replyTo = message.replyTo,
           let target = try await ConversationRepository.find(workspaceID: workspaceID, id: replyTo, in: sql) {
            let survivor = try await ConversationRepository.survivor(of: target, in: sql)
            // A reply to read-only history starts a new conversation (below, for mail, by subject only if open).
            if survivor.customerID == customerID, try await !HistoryLock.isLocked(survivor, now: now, in: sql) { return survivor }
            // A chat continued by email: the visitor's answer to our mail, from the address they
            // left in the widget, goes on in the chat.
            if message.email?.viaReplyToken == true, let sender = message.customer.email?.lowercased(),
               let visitor = try await ChatVisitorRepository.find(conversationID: survivor.id, workspaceID: workspaceID, in: sql),
               visitor.email?.lowercased() == sender, try await !HistoryLock.isLocked(survivor, now: now, in: sql) {
                return survivor
            }
        }
        if message.email != nil {
            // Mail without a known reference continues only the sender's recent open
            // conversation about the same subject: a new subject is a new question.
            guard let subject = message.subject.map(Subjects.normalized), !subject.isEmpty else { return nil }
            let since = now.addingTimeInterval(-Self.emailSubjectWindow)
            for row in try await sql.raw("""
                SELECT id, subject FROM conversations WHERE customer_id = \(bind: customerID.rawValue)
                  AND inbox_id = \(bind: message.inboxID.rawValue) AND status <> 'resolved' AND merged_into IS NULL
                  AND last_message_at >= \(bind: since.millis) ORDER BY last_message_at DESC LIMIT 20
                """).all() where Subjects.normalized(try row.stringOrNil("subject") ?? "") == subject {
                return try await ConversationRepository.find(workspaceID: workspaceID, id: try row.id("id"), in: sql)
            }
            return nil
        }
        // Direct messages never continue a comment thread's conversation.
        guard let row = try await sql.raw("""
            SELECT id FROM conversations WHERE customer_id = \(bind: customerID.rawValue) AND inbox_id = \(bind: message.inboxID.rawValue)
              AND status <> 'resolved' AND merged_into IS NULL AND channel_thread IS NULL ORDER BY last_message_at DESC LIMIT 1
            """).first() else { return nil }
        return try await ConversationRepository.find(workspaceID: workspaceID, id: try row.id("id"), in: sql)
    }

    /// The conversation of a comment thread, whatever its status: a new comment under the same
    /// thread reopens it (followed through merges).
    static func commentThread(_ comment: InboundComment, inboxID: InboxID, workspaceID: WorkspaceID,
                              in sql: any SQLDatabase) async throws -> Conversation? {
        guard let row = try await sql.raw("""
            SELECT \(ConversationRepository.columns) FROM conversations WHERE inbox_id = \(bind: inboxID.rawValue) AND channel_thread = \(bind: comment.thread)
              AND workspace_id = \(bind: workspaceID.rawValue) ORDER BY id LIMIT 1
            """).first() else { return nil }
        return try await ConversationRepository.survivor(of: try ConversationRepository.decode(row), in: sql)
    }

    static func startConversation(
        _ message: InboundMessage, classification: Classification?, customerID: CustomerID, workspaceID: WorkspaceID, now: Date, kind: DatabaseKind,
        in sql: any SQLDatabase
    ) async throws -> Conversation {
        // PostgreSQL: the number from the workspace's sequence and the view counter's increment
        // go in the INSERT's own statement (two round trips less per new conversation).
        let postgres = kind == .postgres
        let number: SQLQueryString = postgres ? "shopdesk_next_conversation_number(\(bind: workspaceID.rawValue))"
            : "\(bind: try await nextConversationNumber(workspaceID: workspaceID, kind: kind, in: sql))"
        let vector = SearchIndex.insertedVector(message.subject, kind: kind)
        let insert: SQLQueryString = """
            INSERT INTO conversations (workspace_id, number, inbox_id, customer_id, subject, status, priority,
              last_message_at, last_message_preview, last_message_direction, message_count, created_at, updated_at,
              language, intent, sentiment, urgent, channel_thread, channel_post\(vector.column))
            VALUES (\(bind: workspaceID.rawValue), \(number), \(bind: message.inboxID.rawValue), \(bind: customerID.rawValue),
              \(bind: message.subject), 'open', \(bind: Priority.normal.rank), \(bind: now.millis), \(bind: Text.preview(message.text)),
              'inbound', 1, \(bind: now.millis), \(bind: now.millis), \(bind: classification?.language),
              \(bind: classification?.intent), \(bind: classification?.sentiment), \(bind: classification?.urgent == true ? 1 : 0),
              \(bind: message.comment?.thread), \(bind: message.comment?.post)\(vector.value))
            RETURNING \(ConversationRepository.columns)
            """
        let counted = ConversationRepository.countChange(workspaceID: workspaceID, inboxID: message.inboxID, from: nil, to: (nil, .open),
                                                         kind: kind)
        guard let row = try await sql.raw(postgres ? """
            WITH c AS (\(insert)), n AS (\(counted)) SELECT \(ConversationRepository.columns) FROM c
            """ : insert).first() else { throw StoredValueError(column: "conversations.id", value: "missing") }
        let conversation = try ConversationRepository.decode(row)
        if !postgres {
            try await sql.raw(counted).run()
        }
        try await SearchIndex.indexInserted(.conversation, id: conversation.id.rawValue, workspaceID: workspaceID, text: message.subject,
                                            kind: kind, in: sql)
        return conversation
    }
}

extension ConversationService {
    /// The workspace's next conversation number. SQLite counts on the workspace row (its writes
    /// are serialized anyway); PostgreSQL takes it from the workspace's sequence (schema 25),
    /// because the row would stay locked until commit and make concurrent ingests wait in line.
    static func nextConversationNumber(workspaceID: WorkspaceID, kind: DatabaseKind, in sql: any SQLDatabase) async throws -> Int64 {
        let row: (any SQLRow)?
        switch kind {
        case .sqlite:
            row = try await sql.raw("""
                UPDATE workspaces SET conversation_counter = conversation_counter + 1 WHERE id = \(bind: workspaceID.rawValue)
                RETURNING conversation_counter AS number
                """).first()
        case .postgres:
            row = try await sql.raw("SELECT shopdesk_next_conversation_number(\(bind: workspaceID.rawValue)) AS number").first()
        }
        guard let row, let number = try row.int64OrNil("number") else { throw ShopdeskError.notFound("Workspace \(workspaceID)") }
        return number
    }

    /// The message a channel already delivered under this id, as a duplicate ingest result.
    public func existing(inboxID: InboxID, channelMessageID: String, workspaceID: WorkspaceID) async throws -> IngestResult? {
        guard let message = try await database.read({
            try await MessageRepository.findByChannelID(inboxID: inboxID, channelMessageID: channelMessageID, in: $0)
        }), message.workspaceID == workspaceID else { return nil }
        return IngestResult(conversationID: message.conversationID, messageID: message.id,
                            customerID: message.authorCustomerID ?? CustomerID(0), createdConversation: false, duplicate: true)
    }

    /// How far back an email without references may join an open conversation by subject.
    static let emailSubjectWindow: TimeInterval = 30 * 24 * 3600
}

extension ConversationService {
    /// Ingests many messages in one transaction (imports and preloading); each takes the same
    /// path as `ingest`. Events are recorded but not published.
    public func ingestBatch(_ messages: [InboundMessage], workspaceID: WorkspaceID) async throws -> [IngestResult] {
        let validated = try messages.map { try $0.validated() }
        let classifier = classifier == nil ? nil : await models.classifier(for: workspaceID, database: database)
        let classifications = validated.map { classifier?.classify(subject: $0.subject, text: $0.text) }
        let time = now()
        let kind = database.kind
        let automation = automation
        return try await database.write { sql in
            var results: [IngestResult] = []
            for (message, classification) in zip(validated, classifications) {
                results.append(try await Self.ingest(message, classification: classification, workspaceID: workspaceID, time: time,
                                                     kind: kind, automation: automation, in: sql).result)
            }
            return results
        }
    }
}
