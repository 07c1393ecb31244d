import Foundation
import ShopdeskCore
import SQLKit

/// Keeps each conversation's SLA clocks in step with its state, inside the write that changed
/// it: chooses the policy, reconciles the clocks, stores them with the earliest due time (the
/// inbox sorts by it) and moves the conversation's one SLA timer job to the next warning or
/// breach.
struct SLAKeeper {
    let book: AutomationCache.Book
    let time: Date
    let sql: any SQLDatabase

    /// Reads the conversation again (message inserts moved its last message) and reconciles.
    func reconcile(_ id: ConversationID, workspaceID: WorkspaceID) async throws {
        guard var conversation = try await ConversationRepository.find(workspaceID: workspaceID, id: id, in: sql),
              !book.slaPolicies.isEmpty || conversation.sla != nil else { return }
        guard conversation.state.mergedInto == nil else {
            if conversation.sla != nil { try await store(nil, on: conversation) }
            return
        }
        let policy = try await policy(for: conversation)
        let observed = SLAClock.Observation(status: conversation.state.status, createdAt: conversation.createdAt,
                                            firstResponseAt: conversation.firstResponseAt, lastMessageAt: conversation.lastMessageAt,
                                            lastMessageDirection: conversation.lastMessageDirection)
        let clock = SLAClock.reconcile(conversation.sla, policy: policy, observed: observed, calendar: book.calendar, now: time)
        guard clock != conversation.sla else { return }
        try await store(clock, on: conversation)
        conversation.sla = clock
        try await schedule(conversation, warnMinutes: policy?.policy.warnMinutes ?? 0)
    }

    func policy(for conversation: Conversation) async throws -> (id: Int64, policy: SLAPolicy)? {
        guard !book.slaPolicies.isEmpty,
              let inbox = try await InboxRepository.find(workspaceID: conversation.workspaceID, id: conversation.inboxID, in: sql) else { return nil }
        let customer = try await CustomerRepository.find(workspaceID: conversation.workspaceID, id: conversation.customerID, in: sql)
        let facts = book.facts(for: .init(trigger: .conversationUpdated), conversation: conversation, channel: inbox.kind.rawValue,
                               customer: customer, at: time)
        return book.slaPolicies.policy(for: facts)
    }

    func store(_ clock: SLAClock?, on conversation: Conversation) async throws {
        try await sql.raw("""
            UPDATE conversations SET sla_policy_id = \(bind: clock?.policyID), sla_due_at = \(bind: clock?.dueAt?.millis),
              sla_state = \(bind: try clock.map(JSONCoding.string))
            WHERE workspace_id = \(bind: conversation.workspaceID.rawValue) AND id = \(bind: conversation.id.rawValue)
            """).run()
    }

    /// One timer per conversation (dedupe key), moved to the next thing to raise.
    func schedule(_ conversation: Conversation, warnMinutes: Int) async throws {
        guard let next = conversation.sla?.nextCheck(warnMinutes: warnMinutes) else { return }
        try await JobQueue.enqueue(kind: JobKind.slaCheck, payload: ["conversation_id": .id(conversation.id)],
                                   workspaceID: conversation.workspaceID, runAt: max(next, time), dedupeKey: "sla:\(conversation.id)", in: sql)
    }
}

extension ConversationService {
    /// Reconciles the clocks of every unresolved conversation of the workspace, 200 per
    /// transaction (after policies first appear, for conversations that already exist).
    public func refreshSLA(workspaceID: WorkspaceID) async throws {
        let time = now()
        let automation = automation
        var after: Int64 = 0
        while true {
            let from = after
            let ids: [ConversationID] = try await database.read { sql in
                try await sql.raw("""
                    SELECT id FROM conversations WHERE workspace_id = \(bind: workspaceID.rawValue) AND status <> 'resolved'
                      AND merged_into IS NULL AND id > \(bind: from) ORDER BY id LIMIT 200
                    """).all().map { try $0.id("id") }
            }
            guard let last = ids.last else { return }
            try await database.write { sql in
                let book = try await automation.book(for: workspaceID, in: sql)
                for id in ids { try await SLAKeeper(book: book, time: time, sql: sql).reconcile(id, workspaceID: workspaceID) }
            }
            after = last.rawValue
        }
    }

    /// The SLA timer job: raises the warnings and breaches due at `time` as timeline events,
    /// lets rules act on them (`sla.warning`, `sla.breach`), and sets the next timer.
    public func checkSLA(workspaceID: WorkspaceID, id: ConversationID, at time: Date) async throws {
        let kind = database.kind
        let automation = automation
        let events = try await database.write { sql in
            guard var conversation = try await ConversationRepository.find(workspaceID: workspaceID, id: id, in: sql),
                  var clock = conversation.sla, conversation.state.mergedInto == nil else { return [DomainEvent]() }
            let book = try await automation.book(for: workspaceID, in: sql)
            let keeper = SLAKeeper(book: book, time: time, sql: sql)
            guard let policy = try await keeper.policy(for: conversation), policy.id == clock.policyID else {
                try await keeper.reconcile(id, workspaceID: workspaceID)
                return [DomainEvent]()
            }
            let raised = clock.signals(at: time, warnMinutes: policy.policy.warnMinutes)
            try await keeper.store(clock, on: conversation)
            conversation.sla = clock
            try await keeper.schedule(conversation, warnMinutes: policy.policy.warnMinutes)
            var events = raised.map { signal in
                DomainEvent(workspaceID: workspaceID, conversationID: id, kind: signal.signal == .breach ? .slaBreached : .slaWarning,
                            actor: .system,
                            payload: ["target": .string(signal.target.rawValue), "due_at": .string(Timestamps.iso8601(signal.dueAt)),
                                      "policy": .string(policy.policy.name)],
                            occurredAt: time)
            }
            let triggers = raised.map { RuleRunner.Event(trigger: $0.signal == .breach ? .slaBreach : .slaWarning) }
            events += try await Self.automate(triggers, on: &conversation, automation: automation, time: time, kind: kind, in: sql)
            return try await EventLog.record(events, in: sql)
        }
        await publisher?.publish(events)
    }
}
