import Foundation
import Logging
import ShopdeskCommerce
import ShopdeskCore
import ShopdeskStore

/// One small handler per job kind, dispatched from one switch.
struct JobHandlers: Sendable {
    let services: AppServices
    let sender: WebhookSender

    /// Runs `job`; `now` is the runner's clock, which timers compare their due time against.
    func run(_ job: Job, now: Date) async throws {
        guard let workspaceID = job.workspaceID else { throw JobFailure(description: "The job has no workspace.", permanent: true) }
        switch job.kind {
        case JobKind.snoozeWake:
            try await services.conversations.wake(workspaceID: workspaceID, id: ConversationID(try id(job, "conversation_id")), at: now)
        case JobKind.slaCheck:
            try await services.conversations.checkSLA(workspaceID: workspaceID, id: ConversationID(try id(job, "conversation_id")), at: now)
        case JobKind.rulesSweep:
            if try await services.conversations.sweepTimeRules(workspaceID: workspaceID, at: now) {
                _ = try await services.database.write { sql in
                    try await JobQueue.enqueue(kind: JobKind.rulesSweep, payload: [:], workspaceID: workspaceID,
                                               runAt: now.addingTimeInterval(ConversationService.sweepInterval),
                                               dedupeKey: "rules-sweep:\(workspaceID)", in: sql)
                }
            }
        case JobKind.assignmentSweep:
            if try await services.conversations.reassignFromOfflineAgents(workspaceID: workspaceID, at: now) {
                _ = try await services.database.write { sql in
                    try await JobQueue.enqueue(kind: JobKind.assignmentSweep, payload: [:], workspaceID: workspaceID,
                                               runAt: now.addingTimeInterval(120), dedupeKey: "assignment-sweep:\(workspaceID)", in: sql)
                }
            }
        case JobKind.botReply:
            try await ChatBotRunner(services: services).respond(toMessage: MessageID(try id(job, "message_id")),
                                                                conversationID: ConversationID(try id(job, "conversation_id")), workspaceID: workspaceID)
        case JobKind.channelPost:
            guard case .string(let post)? = job.payload["post_id"] else { throw JobFailure(description: "The job names no post.", permanent: true) }
            try await ChannelComments(services: services).fetchPost(post, inboxID: InboxID(try id(job, "inbox_id")), workspaceID: workspaceID)
        case JobKind.scheduledReply:
            try await services.conversations.sendScheduledReply(workspaceID: workspaceID, id: try id(job, "scheduled_reply_id"))
        case JobKind.notificationEmail:
            try await NotificationMailer(services: services).send(try id(job, "notification_id"), workspaceID: workspaceID, now: now)
        case JobKind.reportsCatchUp:
            // A slice at a time, then again until the facts are current.
            if try await !ReportFactsStore.catchUp(workspaceID: workspaceID, now: now, budget: 20, in: services.database) {
                try await ReportsController.continueInBackground(workspaceID, now: now, database: services.database)
            }
        case JobKind.reportsDigest:
            try await WeeklyDigest(services: services).run(workspaceID, now: now)
        case JobKind.notificationPush:
            try await NotificationPusher(services: services).push(try id(job, "notification_id"), workspaceID: workspaceID, now: now)
        case JobKind.chatEmail:
            try await ChatEmailFollowUp(services: services).send(MessageID(try id(job, "message_id")), workspaceID: workspaceID)
        case JobKind.surveySend:
            try await sendSurvey(ConversationID(try id(job, "conversation_id")), workspaceID: workspaceID)
        case JobKind.slaRefresh:
            try await services.conversations.refreshSLA(workspaceID: workspaceID)
        case JobKind.storeBackfill:
            try await StoreSync(commerce: services.commerce, database: services.database)
                .run(workspaceID: workspaceID, connectionID: StoreConnectionID(try id(job, "connection_id")), now: now)
        case JobKind.orderRuleAction:
            let action: OrderAction
            if job.payload["cancel_within_minutes"] != nil {
                // Money moves: the order action path, held to an agent's approval limits, once per job.
                try await services.commerce.cancelForRule(workspaceID: workspaceID, orderID: OrderID(try id(job, "order_id")),
                                                          conversationID: ConversationID(try id(job, "conversation_id")), ruleID: try id(job, "rule_id"),
                                                          key: "rule-job-\(job.id.rawValue)")
                return
            }
            if case .array(let tags)? = job.payload["tags"] {
                action = .addTags(tags.compactMap(\.stringValue))
            } else if let text = job.payload["text"]?.stringValue {
                action = .addNote(text)
            } else {
                throw JobFailure(description: "The rule's order action names neither tags nor a note.", permanent: true)
            }
            try await services.commerce.performForRule(workspaceID: workspaceID, orderID: OrderID(try id(job, "order_id")),
                                                       conversationID: ConversationID(try id(job, "conversation_id")),
                                                       ruleID: try id(job, "rule_id"), action: action, key: "rule-job-\(job.id.rawValue)")
        case JobKind.shopPrivacy:
            try await ShopPrivacy(services: services).run(job, workspaceID: workspaceID)
        case JobKind.orderSync:
            guard let orderID = job.payload["order_id"]?.stringValue else { throw JobFailure(description: "The job's order_id is missing.", permanent: true) }
            do {
                try await services.commerce.syncOrder(workspaceID: workspaceID, connectionID: StoreConnectionID(try id(job, "connection_id")), orderID: orderID)
            } catch let error as CommerceError {
                // The shop may be down or rate-limiting: try again later; a refusal will not get better.
                if case .unavailable = error { throw JobFailure(description: "\(error)", permanent: false) }
                throw JobFailure(description: "\(error)", permanent: true)
            }
        case JobKind.retentionSweep:
            try await RetentionController.sweep(workspaceID: workspaceID, now: now, services: services)
        case JobKind.modelsTrain:
            _ = try await WorkspaceModelTrainer(database: services.database, models: services.conversations.models).train(workspaceID: workspaceID, now: now)
        case JobKind.imapPoll:
            let inboxID = InboxID(try id(job, "inbox_id"))
            let inbox = try await services.database.read { try await InboxRepository.find(workspaceID: workspaceID, id: inboxID, in: $0) }
            guard let inbox, inbox.email?.imap != nil else {
                // The inbox stopped polling IMAP (or is gone): so does its IDLE connection.
                if let inbox { await services.imapIdle.ensure(inbox, services: services) }
                return
            }
            do {
                let taken = try await IMAPPoller(services: services).poll(inbox, now: now)
                try await services.database.write { try await MailboxCheckRepository.record(inboxID: inbox.id, at: now, error: nil, taken: taken, in: $0) }
            } catch {
                // The mailbox may be down, the password changed or the database busy: say so (in
                // the log and on the inbox's settings) and keep polling; what was committed is
                // checkpointed and the rest is fetched next time.
                services.logger.warning("IMAP poll failed", metadata: ["inbox": "\(inbox.id)", "error": "\(error)"])
                try? await services.database.write {
                    try await MailboxCheckRepository.record(inboxID: inbox.id, at: now, error: "\(error)", taken: 0, in: $0)
                }
            }
            await services.imapIdle.ensure(inbox, services: services)
            // The next poll, whatever this one found.
            try await services.database.write { try await IMAPPoller.schedule(inbox, at: now.addingTimeInterval(IMAPPoller.interval), in: $0) }
        case JobKind.sendMessage:
            try await sendMessage(MessageID(try id(job, "message_id")), workspaceID: workspaceID)
        case JobKind.webhookDelivery:
            try await deliverWebhook(WebhookID(try id(job, "webhook_id")), event: EventID(try id(job, "event_id")), workspaceID: workspaceID, job: job)
        case JobKind.ruleWebhook:
            try await deliverRuleWebhook(WebhookID(try id(job, "webhook_id")), rule: try id(job, "rule_id"),
                                         conversation: ConversationID(try id(job, "conversation_id")), workspaceID: workspaceID, job: job)
        default:
            throw JobFailure(description: "No handler for jobs of kind \(job.kind).", permanent: true)
        }
    }

    /// After the last attempt: a reply that could not be sent shows as failed, with the reason.
    func died(_ job: Job, reason: String) async {
        guard job.kind == JobKind.sendMessage, let workspaceID = job.workspaceID, let messageID = job.payload["message_id"]?.int64Value else { return }
        try? await services.conversations.recordDelivery(workspaceID: workspaceID, messageID: MessageID(messageID), status: .failed, error: reason)
        await services.countFailedSend(messageID: MessageID(messageID), workspaceID: workspaceID)
    }

    private func id(_ job: Job, _ key: String) throws -> Int64 {
        guard let value = job.payload[key]?.int64Value else { throw JobFailure(description: "The job's \(key) is missing.", permanent: true) }
        return value
    }

    /// The one send path: the guards every channel shares, then the inbox kind's delivery
    /// (`ReplyDelivery`). Notes are never sent, whatever the queue says.
    private func sendMessage(_ id: MessageID, workspaceID: WorkspaceID) async throws {
        let database = services.database
        guard let message = try await database.read({ try await MessageRepository.find(workspaceID: workspaceID, id: id, in: $0) }) else {
            throw JobFailure(description: "Message \(id) no longer exists.", permanent: true)
        }
        guard message.direction == .outbound else {
            throw JobFailure(description: "Message \(id) is not an outbound reply; it is never sent.", permanent: true)
        }
        guard message.deliveryStatus == .queued || message.deliveryStatus == .sending else { return }
        let (conversation, inbox, secret) = try await database.read { sql in
            let conversation = try await ConversationRepository.find(workspaceID: workspaceID, id: message.conversationID, in: sql)
            let inbox = try await conversation.asyncMap { try await InboxRepository.find(workspaceID: workspaceID, id: $0.inboxID, in: sql) }
            let secret = try await inbox.asyncMap { try await InboxRepository.secret(of: $0.id, in: sql) }
            return (conversation, inbox, secret)
        }
        guard let conversation, let inbox else { throw JobFailure(description: "The conversation or inbox is gone.", permanent: true) }
        let delivery = ReplyDeliveries.delivery(for: inbox, services: services, webhooks: sender)
        // `sending`: a send cut off after its provider was called, which only a provider's delivery settles.
        guard message.deliveryStatus == .queued || delivery.settlesCutOffSends else { return }
        try await delivery.deliver(message, conversation: conversation, inbox: inbox, secret: secret)
    }

    private func deliverWebhook(_ id: WebhookID, event eventID: EventID, workspaceID: WorkspaceID, job: Job) async throws {
        let (webhook, event) = try await services.database.read { sql in
            (try await WebhookRepository.find(workspaceID: workspaceID, id: id, in: sql),
             try await EventLog.find(workspaceID: workspaceID, id: eventID, in: sql))
        }
        guard let webhook, !webhook.disabled else { return }
        guard let event else { throw JobFailure(description: "Event \(eventID) is gone.", permanent: true) }
        let body = try APIJSON.encoder().encode(WebhookEnvelope(id: eventID.rawValue, type: event.kind.rawValue, workspaceId: workspaceID.rawValue,
                                                                event: EventDTO(event)))
        try await sender.post(url: webhook.url, body: body, secret: webhook.secret, eventKind: event.kind.rawValue, deliveryID: "event-\(eventID)")
    }
}

extension JobHandlers {
    /// A rule's webhook action: the conversation as it is now, posted to the subscription's URL
    /// and signed with its secret, as `rule.webhook`.
    func deliverRuleWebhook(_ id: WebhookID, rule: Int64, conversation conversationID: ConversationID, workspaceID: WorkspaceID,
                            job: Job) async throws {
        let (webhook, conversation) = try await services.database.read { sql in
            (try await WebhookRepository.find(workspaceID: workspaceID, id: id, in: sql),
             try await ConversationRepository.find(workspaceID: workspaceID, id: conversationID, in: sql))
        }
        guard let webhook, !webhook.disabled else { throw JobFailure(description: "Webhook \(id) was removed.", permanent: true) }
        guard let conversation else { throw JobFailure(description: "Conversation \(conversationID) is gone.", permanent: true) }
        let body = try APIJSON.encoder().encode(RuleWebhookEnvelope(
            type: "rule.webhook", workspaceId: workspaceID.rawValue, ruleId: rule, conversation: ConversationDTO(conversation)))
        try await sender.post(url: webhook.url, body: body, secret: webhook.secret, eventKind: "rule.webhook", deliveryID: "job-\(job.id)")
    }
}

extension JobHandlers {
    /// The survey's link goes out as an automatic message on the conversation's own channel
    /// (mail, chat, the API inbox's webhook); the chat widget also shows it inline.
    func sendSurvey(_ conversation: ConversationID, workspaceID: WorkspaceID) async throws {
        let token = Secrets.token(prefix: "sds_")
        let base = services.config.publicURL ?? "http://\(services.config.host):\(services.config.port)"
        let link = "\(base.hasSuffix("/") ? String(base.dropLast()) : base)/survey/\(token)"
        try await services.conversations.sendSurvey(workspaceID: workspaceID, conversationID: conversation, tokenHash: Secrets.sha256Hex(token)) {
            SurveySettings.invitation(kind: $0, language: $1, link: link)
        }
    }
}

struct RuleWebhookEnvelope: Encodable {
    var type: String
    var workspaceId: Int64
    var ruleId: Int64
    var conversation: ConversationDTO
}

struct OutboundDelivery: Encodable {
    var type: String
    var inboxId: Int64
    var conversationId: Int64
    var customerId: Int64
    var message: MessageDTO
}

struct WebhookEnvelope: Encodable {
    var id: Int64
    var type: String
    var workspaceId: Int64
    var event: EventDTO
}
