import Foundation
import ShopdeskCore
import SQLKit

/// Runs a workspace's rules inside the transaction of the write that triggered them, so a
/// message and what rules did about it commit (or fail) together.
///
/// Loop guard: within one chain every rule fires at most once, and changes made by rules are
/// offered to the rules again as `conversation.updated` at most `RuleSet.maxChainDepth` times.
struct RuleRunner {
    let book: AutomationCache.Book
    let time: Date
    let kind: DatabaseKind
    let sql: any SQLDatabase

    /// What the event was about: the triggering message's text, when there is one.
    struct Event {
        var trigger: RuleTrigger
        var text: String = ""
        var changed: Set<String> = []
        var surveyScore: Int? = nil
        /// For the return triggers: the return.
        var returnFacts: ReturnFacts? = nil
        /// The customer's message was itself sent by a machine (RFC 3834): never answer it automatically.
        var automaticMessage = false
    }

    /// At most one automatic reply per customer in this time, however many rules ask.
    static let autoReplyInterval: TimeInterval = 24 * 3600

    /// Runs the rules for `events`; rules in `excluding` (time rules that already fired on this
    /// state of the conversation) are not considered.
    func run(_ events: [Event], on conversation: inout Conversation, excluding: Set<Int64> = []) async throws -> [DomainEvent] {
        guard !book.rules.isEmpty, conversation.state.mergedInto == nil else { return [] }
        guard let inbox = try await InboxRepository.find(workspaceID: conversation.workspaceID, id: conversation.inboxID, in: sql) else {
            return []
        }
        let customer = try await CustomerRepository.find(workspaceID: conversation.workspaceID, id: conversation.customerID, in: sql)
        var pending = events
        var fired: Set<Int64> = []
        var recorded: [DomainEvent] = []
        var depth = 0
        var custom: (conversation: [String: String], customer: [String: String])?
        while !pending.isEmpty {
            let event = pending.removeFirst()
            guard book.rules.hasRules(for: event.trigger) else { continue }
            var facts = book.facts(for: event, conversation: conversation, channel: inbox.kind.rawValue, customer: customer, at: time)
            if !book.rules.customFields.isEmpty {
                // Read once per run, and again after a rule changed them.
                if custom == nil || event.changed.contains("fields") { custom = try await customValues(of: conversation) }
                facts.setCustom(conversation: custom?.conversation ?? [:], customer: custom?.customer ?? [:])
            }
            var changedByRules: Set<String> = []
            for rule in book.rules.matches(facts, excluding: fired.union(excluding)) {
                fired.insert(rule.id)
                let outcome = try await fire(rule, event: event, on: &conversation, customer: customer)
                recorded += outcome.events
                changedByRules.formUnion(outcome.changed)
            }
            if !changedByRules.isEmpty, depth < RuleSet.maxChainDepth {
                depth += 1
                pending.append(Event(trigger: .conversationUpdated, changed: changedByRules))
            }
        }
        if !fired.isEmpty { try await RuleRepository.countFired(fired.sorted(), workspaceID: conversation.workspaceID, in: sql) }
        return recorded
    }

    /// Carries out one rule's actions. An action that cannot be done (an agent who left, a
    /// deleted macro) is skipped and named in the timeline entry; the others still happen.
    private func fire(_ rule: RuleSet.Rule, event: Event, on conversation: inout Conversation,
                      customer: Customer?) async throws -> (events: [DomainEvent], changed: Set<String>) {
        let trigger = event.trigger
        let actor = EventActor.rule(rule.id)
        var commands: [ConversationCommand] = []
        var byPolicy = false
        var fieldChanges: [String: String?] = [:]
        var skipped: [JSONValue] = []
        var extra: [DomainEvent] = []
        func skip(_ action: RuleAction, _ reason: String) {
            skipped.append(.object(["action": .string(action.type), "reason": .string(reason)]))
        }
        for action in rule.definition.actions {
            switch action {
            case .addTags(let tags): commands.append(.addTags(Set(tags)))
            case .removeTags(let tags): commands.append(.removeTags(Set(tags)))
            case .setPriority(let priority): commands.append(.setPriority(priority))
            case .setStatus(let status): commands.append(.setStatus(status, snoozeUntil: nil))
            case .snooze(let hours): commands.append(.setStatus(.snoozed, snoozeUntil: time.addingTimeInterval(hours * 3600)))
            case .assignAgent(let agentID):
                if let agentID {
                    guard let agent = try await AgentRepository.find(workspaceID: conversation.workspaceID, id: agentID, in: sql),
                          !agent.disabled else { skip(action, "Agent \(agentID) no longer works here."); continue }
                }
                commands.append(.assign(agentID))
            case .assignTeam(let teamID):
                if let teamID, try await TeamRepository.find(workspaceID: conversation.workspaceID, id: teamID, in: sql) == nil {
                    skip(action, "Team \(teamID) no longer exists."); continue
                }
                commands.append(.setTeam(teamID))
            case .assignByPolicy:
                byPolicy = true
            case .addNote(let text):
                extra.append(try await post(text, direction: .note, on: conversation, customer: customer, actor: actor))
            case .replyWithMacro(let macroID):
                if event.automaticMessage { skip(action, "The customer's message was sent automatically; automatic replies never answer it."); continue }
                // The cap guards against mail loops, so it holds for answers to customers' messages.
                if event.trigger == .messageInbound || event.trigger == .conversationCreated, try await recentlyAutoReplied(conversation) {
                    skip(action, "The customer got an automatic reply in the last 24 hours."); continue
                }
                guard let macro = try await MacroRepository.find(workspaceID: conversation.workspaceID, id: macroID, in: sql) else {
                    skip(action, "Macro \(macroID) was deleted."); continue
                }
                let body = macro.definition.body(for: conversation.language).body
                if !body.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                    extra.append(try await post(body, direction: .outbound, on: conversation, customer: customer, actor: actor))
                }
                commands += MacroActions.commands(macro.definition.actions, now: time)
                fieldChanges.merge(ConversationService.fieldChanges(macro.definition.actions)) { _, new in new }
                try await MacroRepository.countUse(macroID, workspaceID: conversation.workspaceID, in: sql)
            case .webhook(let webhook):
                try await JobQueue.enqueue(
                    kind: JobKind.ruleWebhook,
                    payload: ["webhook_id": .id(webhook), "rule_id": .number(Double(rule.id)), "conversation_id": .id(conversation.id)],
                    workspaceID: conversation.workspaceID, runAt: time, maxAttempts: 6, in: sql)
            case let .notify(audience, message, outsideBusinessHours):
                guard outsideBusinessHours || book.calendar.isOpen(at: time) else {
                    skip(action, "Outside business hours."); continue
                }
                extra.append(DomainEvent(
                    workspaceID: conversation.workspaceID, conversationID: conversation.id, kind: .agentsNotified, actor: actor,
                    payload: ["audience": .string(audience), "message": .string(message), "rule": .string(rule.definition.name),
                              "assignee_id": .id(conversation.state.assigneeID), "team_id": .id(conversation.state.teamID)],
                    occurredAt: time))
            case let .setField(key, value):
                fieldChanges[key] = .some(value)
            case .tagOrder, .noteOrder, .cancelOrder:
                // The shop is asked by a job once this transaction has committed: its latest order, as the rule saw it.
                guard let order = try await OrderRepository.forCustomer(conversation.customerID, workspaceID: conversation.workspaceID,
                                                                          limit: 1, in: sql).first else {
                    skip(action, "The customer has no order in a connected shop."); continue
                }
                if case .cancelOrder(let minutes) = action {
                    if order.order.isCancelled { skip(action, "\(order.order.number) is already cancelled."); continue }
                    if order.order.fulfillmentStatus == .fulfilled || !order.order.fulfillments.isEmpty {
                        skip(action, "\(order.order.number) has shipped."); continue
                    }
                    if time.timeIntervalSince(order.order.createdAt) > Double(minutes) * 60 {
                        skip(action, "\(order.order.number) was placed more than \(minutes) minutes ago."); continue
                    }
                }
                var payload: [String: JSONValue] = ["order_id": .id(order.id), "conversation_id": .id(conversation.id),
                                                    "rule_id": .number(Double(rule.id)), "rule": .string(rule.definition.name)]
                switch action {
                case .tagOrder(let tags): payload["tags"] = .array(tags.map(JSONValue.string))
                case .noteOrder(let text):
                    payload["text"] = .string(try await render(text, on: conversation, customer: customer))
                case .cancelOrder(let minutes): payload["cancel_within_minutes"] = .number(Double(minutes))
                default: break
                }
                try await JobQueue.enqueue(kind: JobKind.orderRuleAction, payload: payload, workspaceID: conversation.workspaceID, runAt: time,
                                           maxAttempts: 6, in: sql)
            }
        }
        var changes: [DomainEvent] = []
        if !fieldChanges.isEmpty {
            do {
                if let event = try await ConversationService.writeFields(fieldChanges, of: conversation, actor: actor, now: time, in: sql) {
                    changes.append(event)
                }
            } catch let error as ShopdeskError {
                // A field deleted or changed since the rule was saved: the rest still happens.
                skipped.append(.object(["action": .string("set_field"), "reason": .string(error.message)]))
            }
        }
        do {
            changes += try await ConversationService.apply(commands, to: &conversation, actor: actor, now: time, kind: kind, in: sql)
        } catch let error as ShopdeskError {
            skipped.append(.object(["action": .string("changes"), "reason": .string(error.message)]))
        }
        if byPolicy {
            // After the rule's own changes, so a team it just set picks from its members.
            let assigned = try await Assigner(book: book, time: time, kind: kind, sql: sql).assign(&conversation, force: true)
            if assigned.isEmpty { skipped.append(.object(["action": .string("assign_by_policy"), "reason": .string("Nobody is available.")])) }
            changes += assigned
        }
        let firedEvent = DomainEvent(
            workspaceID: conversation.workspaceID, conversationID: conversation.id, kind: .ruleFired, actor: actor,
            payload: ["rule_id": .number(Double(rule.id)), "name": .string(rule.definition.name), "trigger": .string(trigger.rawValue),
                      "actions": .array(rule.definition.actions.map { .string($0.type) }), "skipped": .array(skipped)],
            occurredAt: time)
        return ([firedEvent] + changes + extra, Set(changes.compactMap { Self.changedField($0.kind) }))
    }

    private func customValues(of conversation: Conversation) async throws -> (conversation: [String: String], customer: [String: String]) {
        let workspace = conversation.workspaceID
        return (try await CustomFieldRepository.values(workspaceID: workspace, entity: .conversation, id: conversation.id.rawValue, in: sql),
                try await CustomFieldRepository.values(workspaceID: workspace, entity: .customer, id: conversation.customerID.rawValue, in: sql))
    }

    /// Whether the customer got an automatic reply in any conversation lately: the cap is per
    /// sender, so a customer writing three times (or a loop) gets one.
    private func recentlyAutoReplied(_ conversation: Conversation) async throws -> Bool {
        try await sql.raw("""
            SELECT 1 AS found FROM messages m JOIN conversations c ON c.id = m.conversation_id
            WHERE c.customer_id = \(bind: conversation.customerID.rawValue) AND m.direction = 'outbound' AND m.author_agent_id IS NULL
              AND m.created_at > \(bind: time.addingTimeInterval(-Self.autoReplyInterval).millis) LIMIT 1
            """).first() != nil
    }

    /// A rule's template rendered for this conversation (its customer, orders, workspace).
    private func render(_ template: String, on conversation: Conversation, customer: Customer?) async throws -> String {
        let orders = template.contains("orders")
            ? try await TemplateContext.orders(of: conversation.customerID, workspaceID: conversation.workspaceID, in: sql) : []
        let returns = template.contains("returns")
            ? try await ReturnRepository.forCustomer(conversation.customerID, workspaceID: conversation.workspaceID, in: sql) : []
        let context = TemplateContext.build(conversation: conversation, customer: customer, agent: nil, workspaceName: book.workspaceName,
                                            reviewURL: book.reviewURL, orders: orders, returns: returns)
        let environment = TemplateContext.environment(customer: customer, fallbackLocale: conversation.language, timeZone: book.calendar.timeZone)
        return (try? Template(template))?.render(context, environment: environment).text ?? template
    }

    /// Posts a rule's note or automatic reply, rendered for this conversation.
    private func post(_ template: String, direction: MessageDirection, on conversation: Conversation, customer: Customer?,
                      actor: EventActor) async throws -> DomainEvent {
        let text = try await render(template, on: conversation, customer: customer)
        let message = try await MessageRepository.insert(.init(
            conversation: conversation, direction: direction, authorAgentID: nil, text: text, channelMessageID: nil,
            deliveryStatus: direction == .outbound ? .queued : nil
        ), now: time, kind: kind, in: sql)
        if direction == .outbound {
            try await JobQueue.enqueue(kind: JobKind.sendMessage, payload: ["message_id": .id(message.id)],
                                       workspaceID: conversation.workspaceID, runAt: time, maxAttempts: 8, in: sql)
        }
        return DomainEvent(workspaceID: conversation.workspaceID, conversationID: conversation.id, kind: .messageCreated, actor: actor,
                           payload: ["message_id": .id(message.id), "direction": .string(direction.rawValue)], occurredAt: time)
    }

    /// The `changed` name a rule condition sees for each kind of change.
    static func changedField(_ kind: DomainEventKind) -> String? {
        switch kind {
        case .conversationStatusChanged: "status"
        case .conversationAssigneeChanged: "assignee"
        case .conversationTeamChanged: "team"
        case .conversationPriorityChanged: "priority"
        case .conversationTagsChanged: "tags"
        case .conversationFieldsChanged: "fields"
        default: nil
        }
    }
}

/// The conversation changes a macro's actions stand for.
enum MacroActions {
    static func commands(_ actions: [RuleAction], now: Date) -> [ConversationCommand] {
        actions.compactMap { action -> ConversationCommand? in
            switch action {
            case .addTags(let tags): .addTags(Set(tags))
            case .removeTags(let tags): .removeTags(Set(tags))
            case .setPriority(let priority): .setPriority(priority)
            case .setStatus(let status): .setStatus(status, snoozeUntil: nil)
            case .snooze(let hours): .setStatus(.snoozed, snoozeUntil: now.addingTimeInterval(hours * 3600))
            case .assignAgent(let agent): .assign(agent)
            case .assignTeam(let team): .setTeam(team)
            case .replyWithMacro, .addNote, .webhook, .notify, .assignByPolicy, .setField, .tagOrder, .noteOrder, .cancelOrder: nil
            }
        }
    }
}

extension AutomationCache.Book {
        /// What rules and SLA policies look at for `event` on `conversation` at `time`.
        func facts(for event: RuleRunner.Event, conversation: Conversation, channel: String, customer: Customer?, at time: Date) -> RuleFacts {
            let state = conversation.state
            // Folding texts is the dearest part of the facts: only those some rule or policy reads.
            let reads = { (field: RuleField) in rules.reads(field) || slaPolicies.reads(field) }
            var facts = RuleFacts(
                trigger: event.trigger, channel: channel, inboxID: conversation.inboxID.rawValue,
                subject: reads(.subject) ? conversation.subject : nil, text: reads(.text) ? event.text : "",
                language: conversation.language, intent: conversation.intent, sentiment: conversation.sentiment,
                urgent: conversation.urgent, priority: state.priority, status: state.status, assigneeID: state.assigneeID?.rawValue,
                teamID: state.teamID?.rawValue, tags: state.tags, customerEmail: customer?.email,
                customerName: reads(.customerName) ? customer?.name : nil,
                withinBusinessHours: calendar.isOpen(at: time),
                hoursSinceCreated: time.timeIntervalSince(conversation.createdAt) / 3600, messageCount: conversation.messageCount,
                changed: event.changed)
            facts.hoursSinceLastMessage = max(0, time.timeIntervalSince(conversation.lastMessageAt) / 3600)
            facts.surveyScore = event.surveyScore.map(Double.init)
            facts.returnFacts = event.returnFacts
            facts.customerTags = customer?.tags ?? []
            facts.customerVIP = customer?.vip ?? false
            facts.setOrders(customer?.orders, at: time)
            facts.lastMessageFrom = switch conversation.lastMessageDirection {
            case .inbound: "customer"
            case .outbound: "agent"
            default: nil
            }
            return facts
        }
}
