import Foundation

/// The one catalogue of things that happen in Shopdesk. Timeline entries, realtime pushes and
/// outgoing webhooks all use these names.
public enum DomainEventKind: String, Codable, Sendable, CaseIterable {
    case conversationCreated = "conversation.created"
    case conversationStatusChanged = "conversation.status_changed"
    case conversationAssigneeChanged = "conversation.assignee_changed"
    case conversationTeamChanged = "conversation.team_changed"
    case conversationPriorityChanged = "conversation.priority_changed"
    case conversationTagsChanged = "conversation.tags_changed"
    /// Written on the conversation that was folded into another.
    case conversationMerged = "conversation.merged"
    /// Written on the surviving conversation that received the other's messages.
    case conversationMergeReceived = "conversation.merge_received"
    /// An agent changed the conversation's custom fields (payload: changes, key → {from, to}).
    case conversationFieldsChanged = "conversation.fields_changed"
    /// Written on the conversation a split took messages from (payload: into, message_id, messages_moved).
    case conversationSplit = "conversation.split"
    /// Written on the conversation a split made (payload: from, message_id, messages_moved).
    case conversationSplitFrom = "conversation.split_from"
    /// The spam filter held a first message back (payload: score, reasons); the status change follows.
    case conversationSpamChecked = "conversation.spam_checked"
    /// An agent corrected the intent or sentiment the models gave the conversation.
    case conversationClassified = "conversation.classified"
    /// An automation rule fired; its changes follow as their own events with the rule as actor.
    case ruleFired = "rule.fired"
    /// An agent applied a macro (its reply and changes follow as their own events).
    case macroApplied = "macro.applied"
    /// A rule asked for agents to be told (the app shows it to the agents named in the payload).
    case agentsNotified = "agents.notified"
    /// An agent has a new notification (payload: agent_id, notification_id, kind, conversation_id);
    /// pushed only to that agent's sockets.
    case notificationCreated = "notification.created"
    /// An SLA target is close to its due time (payload: target, due_at, policy).
    case slaWarning = "sla.warning"
    /// An SLA target passed its due time unmet.
    case slaBreached = "sla.breached"
    /// The customer answered the satisfaction survey (payload: kind, score, comment).
    case surveyAnswered = "survey.answered"
    /// An order action waits for an admin's approval (payload: action id, order, summary, amount).
    case orderActionRequested = "order.action_requested"
    /// The shop carried out an order action (payload: action id, order, kind, summary, amount, result ids).
    case orderActionSucceeded = "order.action_succeeded"
    /// The shop refused an order action or could not be reached (payload adds `error`).
    case orderActionFailed = "order.action_failed"
    /// An admin turned an order action down.
    case orderActionRejected = "order.action_rejected"
    /// A return was opened, by the customer or an agent (payload: return_id, order_number, items, state, origin).
    case returnRequested = "return.requested"
    /// A return moved on: approved, declined, sent, received, refunded or cancelled (payload: return_id, order_number, from, to).
    case returnUpdated = "return.updated"
    /// A visitor answered a proactive campaign and so started the conversation (payload: campaign_id, name, variant, code).
    case campaignConversation = "campaign.conversation"
    /// The chat bot answered from the help center or with an order's status (payload: kind, article or order).
    case botAnswered = "bot.answered"
    /// The chat bot passed the conversation to people (payload: reason, intent).
    case botHandedOver = "bot.handed_over"
    /// The customer said the bot's answer settled it; counted as deflected.
    case botResolved = "bot.resolved"
    /// The chat bot did what a verified customer asked (payload: action, order_number, summary):
    /// the conversation is resolved by that action.
    case botActed = "bot.acted"
    case messageCreated = "message.created"
    case messageDeliveryChanged = "message.delivery_changed"
    /// A customer's comment on a post was hidden, shown again or deleted (payload: message_id, status).
    case messageCommentChanged = "message.comment_changed"
    case customerCreated = "customer.created"
    case customerUpdated = "customer.updated"
    case customerMerged = "customer.merged"
    case customerDeleted = "customer.deleted"
    /// A customer's personal data was erased (payload: reason; the workspace's own entry also customer_id).
    case customerErased = "customer.erased"
    /// The workspace's retention policy erased what the conversation said (payload: months).
    case conversationAnonymised = "conversation.anonymised"
    /// A shop asked about a customer's data or its own (payload: topic, shop_domain, customer_ids, outcome).
    case shopPrivacyRequest = "shop.privacy_request"
}

/// Something that happened, with who did it and when. Stored as the audit trail.
public struct DomainEvent: Equatable, Sendable {
    public var id: EventID?
    public var workspaceID: WorkspaceID
    public var conversationID: ConversationID?
    public var kind: DomainEventKind
    public var actor: EventActor
    public var payload: [String: JSONValue]
    public var occurredAt: Date

    public init(
        id: EventID? = nil,
        workspaceID: WorkspaceID,
        conversationID: ConversationID?,
        kind: DomainEventKind,
        actor: EventActor,
        payload: [String: JSONValue],
        occurredAt: Date
    ) {
        self.id = id
        self.workspaceID = workspaceID
        self.conversationID = conversationID
        self.kind = kind
        self.actor = actor
        self.payload = payload
        self.occurredAt = occurredAt
    }
}

extension ConversationChange {
    /// The catalogue entry and the before/after payload for this change.
    public var event: (kind: DomainEventKind, payload: [String: JSONValue]) {
        switch self {
        case let .statusChanged(from, to, until):
            var payload: [String: JSONValue] = ["from": .string(from.rawValue), "to": .string(to.rawValue)]
            if let until { payload["snoozed_until"] = .string(Timestamps.iso8601(until)) }
            return (.conversationStatusChanged, payload)
        case let .assigneeChanged(from, to):
            return (.conversationAssigneeChanged, ["from": .id(from), "to": .id(to)])
        case let .teamChanged(from, to):
            return (.conversationTeamChanged, ["from": .id(from), "to": .id(to)])
        case let .priorityChanged(from, to):
            return (.conversationPriorityChanged, ["from": .string(from.rawValue), "to": .string(to.rawValue)])
        case let .tagsChanged(added, removed):
            return (.conversationTagsChanged, [
                "added": .array(added.map(JSONValue.string)), "removed": .array(removed.map(JSONValue.string)),
            ])
        case let .merged(into):
            return (.conversationMerged, ["into": .id(into)])
        }
    }
}
