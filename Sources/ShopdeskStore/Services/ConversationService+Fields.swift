import Foundation
import ShopdeskCore
import SQLKit

extension ConversationService {
    /// Sets a conversation's custom fields by key (nil clears one), each checked against its
    /// field; the timeline records what changed. Returns all its values after.
    public func setFields(
        workspaceID: WorkspaceID, conversationID: ConversationID, changes: [String: String?], actor: EventActor
    ) async throws -> [String: String] {
        let time = now()
        let automation = automation
        let kind = database.kind
        let (values, events) = try await database.write { sql in
            guard var conversation = try await ConversationRepository.find(workspaceID: workspaceID, id: conversationID, in: sql) else {
                throw ShopdeskError.notFound("Conversation \(conversationID)")
            }
            try await HistoryLock.ensureWritable(conversation, now: time, in: sql)
            var events: [DomainEvent] = []
            if let event = try await Self.writeFields(changes, of: conversation, actor: actor, now: time, in: sql) {
                events.append(event)
                // Rules on `conversation.updated` see the change (`changed` includes "fields").
                events += try await Self.automate([.init(trigger: .conversationUpdated, changed: ["fields"])], on: &conversation,
                                                  automation: automation, time: time, kind: kind, in: sql)
            }
            let values = try await CustomFieldRepository.values(workspaceID: workspaceID, entity: .conversation, id: conversationID.rawValue, in: sql)
            return (values, try await EventLog.record(events, in: sql))
        }
        await publisher?.publish(events)
        return values
    }

    /// Writes field values (checked against their fields) and returns the timeline entry saying
    /// what changed, or nil when nothing did. For an agent's edit, a rule and a macro alike.
    static func writeFields(
        _ changes: [String: String?], of conversation: Conversation, actor: EventActor, now: Date, in sql: any SQLDatabase
    ) async throws -> DomainEvent? {
        let changed = try await CustomFieldRepository.set(changes, workspaceID: conversation.workspaceID, entity: .conversation,
                                                          id: conversation.id.rawValue, now: now, in: sql)
        guard !changed.isEmpty else { return nil }
        let payload: [String: JSONValue] = ["changes": .object(changed.mapValues { change in
            .object(["from": change.from.map(JSONValue.string) ?? .null, "to": change.to.map(JSONValue.string) ?? .null])
        })]
        return DomainEvent(workspaceID: conversation.workspaceID, conversationID: conversation.id, kind: .conversationFieldsChanged,
                           actor: actor, payload: payload, occurredAt: now)
    }

    /// The `set_field` actions of a rule or macro, as one change of values.
    static func fieldChanges(_ actions: [RuleAction]) -> [String: String?] {
        var changes: [String: String?] = [:]
        for case let .setField(key, value) in actions { changes[key] = .some(value) }
        return changes
    }

    /// An agent resolving a conversation must first fill the fields the workspace requires.
    static func ensureFieldsToResolve(_ conversation: Conversation, in sql: any SQLDatabase) async throws {
        let missing = try await CustomFieldRepository.missingToResolve(workspaceID: conversation.workspaceID, conversationID: conversation.id, in: sql)
        guard !missing.isEmpty else { return }
        let labels = missing.map(\.label).joined(separator: ", ")
        throw ShopdeskError.invalid(field: "status", "Fill in \(labels) before resolving this conversation.")
            .because("fields_required", ["fields": labels])
    }
}

extension CustomerService {
    /// Sets a customer's custom fields by key (nil clears one). Returns all their values after.
    public func setFields(workspaceID: WorkspaceID, customerID: CustomerID, changes: [String: String?], actor: EventActor) async throws -> [String: String] {
        let time = Date()
        let (values, events) = try await database.write { sql in
            guard try await CustomerRepository.find(workspaceID: workspaceID, id: customerID, in: sql) != nil else {
                throw ShopdeskError.notFound("Customer \(customerID)")
            }
            let changed = try await CustomFieldRepository.set(changes, workspaceID: workspaceID, entity: .customer, id: customerID.rawValue,
                                                              now: time, in: sql)
            let values = try await CustomFieldRepository.values(workspaceID: workspaceID, entity: .customer, id: customerID.rawValue, in: sql)
            guard !changed.isEmpty else { return (values, [DomainEvent]()) }
            let event = DomainEvent(workspaceID: workspaceID, conversationID: nil, kind: .customerUpdated, actor: actor,
                                    payload: ["customer_id": .id(customerID), "fields": .array(changed.keys.sorted().map(JSONValue.string))],
                                    occurredAt: time)
            return (values, try await EventLog.record([event], in: sql))
        }
        await publisher?.publish(events)
        return values
    }
}
