import Foundation
import ShopdeskCore
import SQLKit

/// Receives the events of each committed write (realtime push, metrics). Best effort: the events
/// are already durable in the event log and their webhooks queued when this is called.
public protocol EventPublisher: Sendable {
    func publish(_ events: [DomainEvent]) async
}

/// The use cases around conversations: ingest, change, reply, merge, wake.
/// Each runs in one write transaction and publishes its events after the commit.
public struct ConversationService: Sendable {
    public let database: Database
    let publisher: (any EventPublisher)?
    let now: @Sendable () -> Date
    /// Language, intent and sentiment for inbound messages; nil stores them unclassified.
    let classifier: MessageClassifier?
    /// The compiled rules that run inside each write (see `RuleRunner`).
    public let automation: AutomationCache
    /// Each workspace's classifier (its own adopted models over the shipped ones).
    public let models: WorkspaceModels

    public init(database: Database, publisher: (any EventPublisher)?, now: @escaping @Sendable () -> Date = Date.init,
                classifier: MessageClassifier? = .shipped, automation: AutomationCache = AutomationCache()) {
        self.database = database
        self.publisher = publisher
        self.now = now
        self.classifier = classifier
        self.automation = automation
        models = WorkspaceModels(base: classifier)
    }

    /// What follows every change inside its transaction: the workspace's rules for `events`,
    /// automatic assignment when a customer wrote, then the SLA clocks reconciled with the
    /// conversation's new state, and a survey offered once it is resolved.
    static func automate(_ events: [RuleRunner.Event], on conversation: inout Conversation, automation: AutomationCache?,
                         time: Date, kind: DatabaseKind, in sql: any SQLDatabase) async throws -> [DomainEvent] {
        guard let automation else { return [] }
        let book = try await automation.book(for: conversation.workspaceID, in: sql)
        var recorded: [DomainEvent] = []
        if !book.rules.isEmpty, !events.isEmpty {
            recorded = try await RuleRunner(book: book, time: time, kind: kind, sql: sql).run(events, on: &conversation)
        }
        // A customer waiting in an unassigned conversation gets an agent by the inbox's (or team's) policy.
        if events.contains(where: { $0.trigger == .conversationCreated || $0.trigger == .messageInbound }) {
            recorded += try await Assigner(book: book, time: time, kind: kind, sql: sql).assign(&conversation)
        }
        // No policy and no clock running: nothing to keep, and no need to read the row again.
        if !book.slaPolicies.isEmpty || conversation.sla != nil {
            try await SLAKeeper(book: book, time: time, sql: sql).reconcile(conversation.id, workspaceID: conversation.workspaceID)
        }
        if conversation.state.status == .resolved, conversation.state.mergedInto == nil {
            try await SurveyRepository.offer(conversation, now: time, in: sql)
        }
        return recorded
    }

    /// An agent's correction of the conversation's intent or sentiment. The correction is kept on
    /// the conversation (later messages do not overwrite an agent's intent) and in the timeline
    /// with the model's answer, which makes it a training label for the workspace.
    public func correctClassification(
        workspaceID: WorkspaceID, id: ConversationID, intent: String??, sentiment: String?, actor: EventActor
    ) async throws -> Conversation {
        let time = now()
        let (conversation, events) = try await database.write { sql in
            guard var conversation = try await ConversationRepository.find(workspaceID: workspaceID, id: id, in: sql) else {
                throw ShopdeskError.notFound("Conversation \(id)")
            }
            var payload: [String: JSONValue] = [:]
            if let intent {
                payload["intent"] = .object(["from": conversation.intent.map(JSONValue.string) ?? .null,
                                             "to": intent.map(JSONValue.string) ?? .null])
                conversation.intent = intent
            }
            if let sentiment {
                payload["sentiment"] = .object(["from": conversation.sentiment.map(JSONValue.string) ?? .null,
                                                "to": .string(sentiment)])
                conversation.sentiment = sentiment
            }
            try await sql.raw("""
                UPDATE conversations SET intent = \(bind: conversation.intent), sentiment = \(bind: conversation.sentiment),
                  updated_at = \(bind: time.millis)
                WHERE workspace_id = \(bind: conversation.workspaceID.rawValue) AND id = \(bind: id.rawValue)
                """).run()
            conversation.updatedAt = time
            let event = DomainEvent(workspaceID: workspaceID, conversationID: id, kind: .conversationClassified, actor: actor,
                                    payload: payload, occurredAt: time)
            try await WorkspaceModelTrainer.schedule(workspaceID: workspaceID, now: time, in: sql)
            return (conversation, try await EventLog.record([event], in: sql))
        }
        await publisher?.publish(events)
        return conversation
    }

    /// Applies commands in order through the lifecycle state machine and stores the result.
    public func update(
        workspaceID: WorkspaceID, id: ConversationID, commands: [ConversationCommand], actor: EventActor
    ) async throws -> Conversation {
        let time = now()
        let kind = database.kind
        let automation = automation
        let (conversation, events) = try await database.write { sql in
            guard var conversation = try await ConversationRepository.find(workspaceID: workspaceID, id: id, in: sql) else {
                throw ShopdeskError.notFound("Conversation \(id)")
            }
            try await HistoryLock.ensureWritable(conversation, now: time, in: sql)
            if case .agent = actor, conversation.state.status != .resolved,
               commands.contains(where: { if case .setStatus(.resolved, _) = $0 { true } else { false } }) {
                try await Self.ensureFieldsToResolve(conversation, in: sql)
            }
            let before = conversation.state.status
            var events = try await Self.apply(commands, to: &conversation, actor: actor, now: time, kind: kind, in: sql)
            // An agent putting a conversation in Spam or letting it out teaches the workspace's spam model.
            if case .agent = actor, before != conversation.state.status, before == .spam || conversation.state.status == .spam {
                try await WorkspaceModelTrainer.schedule(workspaceID: workspaceID, now: time, in: sql)
            }
            let changed = Set(events.compactMap { RuleRunner.changedField($0.kind) })
            if !events.isEmpty {
                events += try await Self.automate(changed.isEmpty ? [] : [.init(trigger: .conversationUpdated, changed: changed)],
                                                  on: &conversation, automation: automation, time: time, kind: kind, in: sql)
            }
            return (conversation, try await EventLog.record(events, in: sql))
        }
        await publisher?.publish(events)
        return conversation
    }

    /// Runs the state machine and writes the new state, its timeline events and its timers.
    static func apply(
        _ commands: [ConversationCommand], to conversation: inout Conversation, actor: EventActor, now: Date,
        kind: DatabaseKind, in sql: any SQLDatabase
    ) async throws -> [DomainEvent] {
        let before = conversation.state
        var changes: [ConversationChange] = []
        for command in commands {
            let result = try ConversationLifecycle.apply(command, to: conversation.state, now: now)
            conversation.state = result.state
            changes += result.changes
        }
        guard !changes.isEmpty else { return [] }
        let state = conversation.state
        if state.status == .resolved, before.status != .resolved { conversation.resolvedAt = now }
        conversation.updatedAt = now
        try await sql.raw("""
            UPDATE conversations SET status = \(bind: state.status.rawValue), snoozed_until = \(bind: state.snoozedUntil?.millis),
              priority = \(bind: state.priority.rank), assignee_id = \(bind: state.assigneeID?.rawValue),
              team_id = \(bind: state.teamID?.rawValue), merged_into = \(bind: state.mergedInto?.rawValue),
              resolved_at = \(bind: conversation.resolvedAt?.millis), updated_at = \(bind: now.millis)
            WHERE workspace_id = \(bind: conversation.workspaceID.rawValue) AND id = \(bind: conversation.id.rawValue)
            """).run()
        if state.tags != before.tags {
            try await TagRepository.replaceTags(of: conversation, with: state.tags, now: now, in: sql)
        }
        if state.status != before.status || state.assigneeID != before.assigneeID || state.mergedInto != before.mergedInto {
            try await ConversationRepository.adjustCounts(
                workspaceID: conversation.workspaceID, inboxID: conversation.inboxID,
                from: (before.assigneeID, before.status), to: state.mergedInto == nil ? (state.assigneeID, state.status) : nil, in: sql)
        }
        if state.status == .snoozed, let until = state.snoozedUntil {
            try await JobQueue.enqueue(
                kind: JobKind.snoozeWake, payload: ["conversation_id": .id(conversation.id)],
                workspaceID: conversation.workspaceID, runAt: until, dedupeKey: "wake:\(conversation.id)", in: sql
            )
        }
        var events = changes.map { change in
            let (eventKind, payload) = change.event
            return DomainEvent(workspaceID: conversation.workspaceID, conversationID: conversation.id, kind: eventKind,
                               actor: actor, payload: payload, occurredAt: now)
        }
        // The new assignee is told, unless they took it themselves (by hand, a rule or the round robin alike).
        if let assignee = state.assigneeID, assignee != before.assigneeID, state.mergedInto == nil {
            let by: AgentID? = if case .agent(let id) = actor { id } else { nil }
            events += try await NotificationRepository.notify(
                [assignee], kind: .assigned, conversation: conversation, actor: by,
                preview: conversation.subject ?? conversation.lastMessagePreview, now: now, in: sql)
        }
        return events
    }

    /// The snooze timer job: reopens the conversation if it is still snoozed and due at `time`
    /// (the job runner's clock when it picked the timer up).
    public func wake(workspaceID: WorkspaceID, id: ConversationID, at time: Date) async throws {
        let kind = database.kind
        let automation = automation
        let events = try await database.write { sql in
            guard var conversation = try await ConversationRepository.find(workspaceID: workspaceID, id: id, in: sql),
                  conversation.state.mergedInto == nil else { return [DomainEvent]() }
            var events = try await Self.apply([.snoozeTimerFired], to: &conversation, actor: .system, now: time, kind: kind, in: sql)
            if !events.isEmpty {
                events += try await Self.automate([.init(trigger: .snoozeEnded)], on: &conversation, automation: automation,
                                                  time: time, kind: kind, in: sql)
            }
            return try await EventLog.record(events, in: sql)
        }
        await publisher?.publish(events)
    }

    /// Folds `sourceID` into `targetID`: its messages move, it points at the survivor, and both
    /// timelines say so. Later replies to the source land in the survivor.
    public func merge(
        workspaceID: WorkspaceID, sourceID: ConversationID, into targetID: ConversationID, actor: EventActor
    ) async throws -> Conversation {
        guard sourceID != targetID else { throw ShopdeskError.invalid(field: "into", "A conversation cannot be merged into itself.").because("merge_self") }
        let time = now()
        let kind = database.kind
        let automation = automation
        let (survivor, events) = try await database.write { sql in
            guard var source = try await ConversationRepository.find(workspaceID: workspaceID, id: sourceID, in: sql) else {
                throw ShopdeskError.notFound("Conversation \(sourceID)")
            }
            guard var target = try await ConversationRepository.find(workspaceID: workspaceID, id: targetID, in: sql) else {
                throw ShopdeskError.notFound("Conversation \(targetID)")
            }
            try await HistoryLock.ensureWritable(source, now: time, in: sql)
            try await HistoryLock.ensureWritable(target, now: time, in: sql)
            guard target.state.mergedInto == nil else {
                throw ShopdeskError.conflict("Conversation \(targetID) was itself merged; merge into the conversation it points to.").because("merge_target_merged")
            }
            var events = try await Self.apply([.mergeInto(targetID)], to: &source, actor: actor, now: time, kind: kind, in: sql)
            let moved = try await sql.raw("""
                UPDATE messages SET conversation_id = \(bind: targetID.rawValue)
                WHERE workspace_id = \(bind: workspaceID.rawValue) AND conversation_id = \(bind: sourceID.rawValue)
                RETURNING id
                """).all().count
            try await sql.raw("""
                UPDATE conversations SET message_count = (SELECT COUNT(*) FROM messages WHERE conversation_id = \(bind: targetID.rawValue)),
                  last_message_at = CASE WHEN last_message_at > \(bind: source.lastMessageAt.millis) THEN last_message_at
                    ELSE \(bind: source.lastMessageAt.millis) END,
                  updated_at = \(bind: time.millis)
                WHERE workspace_id = \(bind: workspaceID.rawValue) AND id = \(bind: targetID.rawValue)
                """).run()
            try await sql.raw("""
                UPDATE conversations SET message_count = 0 WHERE workspace_id = \(bind: workspaceID.rawValue) AND id = \(bind: sourceID.rawValue)
                """).run()
            if !source.state.tags.isEmpty {
                events += try await Self.apply([.addTags(source.state.tags)], to: &target, actor: actor, now: time, kind: kind, in: sql)
            }
            events.append(DomainEvent(
                workspaceID: workspaceID, conversationID: targetID, kind: .conversationMergeReceived, actor: actor,
                payload: ["from": .id(sourceID), "messages_moved": .number(Double(moved))], occurredAt: time
            ))
            // The source stops keeping time; the survivor's clocks now see the moved messages.
            events += try await Self.automate([], on: &source, automation: automation, time: time, kind: kind, in: sql)
            events += try await Self.automate([], on: &target, automation: automation, time: time, kind: kind, in: sql)
            let survivor = try await ConversationRepository.find(workspaceID: workspaceID, id: targetID, in: sql) ?? target
            return (survivor, try await EventLog.record(events, in: sql))
        }
        await publisher?.publish(events)
        return survivor
    }
}
