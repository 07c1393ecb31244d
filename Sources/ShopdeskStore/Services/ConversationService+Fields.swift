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
        let (values, events) = try await database.write { sql in
            guard let conversation = try await ConversationRepository.find(workspaceID: workspaceID, id: conversationID, in: sql) else {
                throw ShopdeskError.notFound("Conversation \(conversationID)")
            }
            try await HistoryLock.ensureWritable(conversation, now: time, in: sql)
            let changed = try await CustomFieldRepository.set(changes, workspaceID: workspaceID, entity: .conversation,
                                                              id: conversationID.rawValue, now: time, in: sql)
            let values = try await CustomFieldRepository.values(workspaceID: workspaceID, entity: .conversation, id: conversationID.rawValue, in: sql)
            guard !changed.isEmpty else { return (values, [DomainEvent]()) }
            let payload: [String: JSONValue] = ["changes": .object(changed.mapValues { change in
                .object(["from": change.from.map(JSONValue.string) ?? .null, "to": change.to.map(JSONValue.string) ?? .null])
            })]
            let event = DomainEvent(workspaceID: workspaceID, conversationID: conversationID, kind: .conversationFieldsChanged,
                                    actor: actor, payload: payload, occurredAt: time)
            return (values, try await EventLog.record([event], in: sql))
        }
        await publisher?.publish(events)
        return values
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
