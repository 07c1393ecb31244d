import Foundation
import ShopdeskCore
import SQLKit

/// Creating, editing and merging customers, with their events.
public struct CustomerService: Sendable {
    public let database: Database
    let publisher: (any EventPublisher)?

    public init(database: Database, publisher: (any EventPublisher)?) {
        self.database = database
        self.publisher = publisher
    }

    public func create(workspaceID: WorkspaceID, identity: CustomerIdentity, locale: String?, actor: EventActor) async throws -> Customer {
        let identity = try identity.normalized()
        guard !identity.isEmpty else {
            throw ShopdeskError.invalid(field: "email", "A customer needs an email, phone or external_id.").because("customer_identity_missing")
        }
        let kind = database.kind
        let now = Date()
        let (customer, events) = try await database.write { sql in
            let customer = try await CustomerRepository.insert(identity, locale: locale, workspaceID: workspaceID, now: now, kind: kind, in: sql)
            let event = DomainEvent(workspaceID: workspaceID, conversationID: nil, kind: .customerCreated, actor: actor,
                                    payload: ["customer_id": .id(customer.id)], occurredAt: now)
            return (customer, try await EventLog.record([event], in: sql))
        }
        await publisher?.publish(events)
        return customer
    }

    /// Changes the given fields; `nil` leaves a field alone, an empty string clears it.
    public func update(
        workspaceID: WorkspaceID, id: CustomerID, name: String?, email: String?, phone: String?, externalID: String?,
        locale: String?, tags: [String]? = nil, vip: Bool? = nil, actor: EventActor
    ) async throws -> Customer {
        let kind = database.kind
        let now = Date()
        let (customer, events) = try await database.write { sql in
            guard var customer = try await CustomerRepository.find(workspaceID: workspaceID, id: id, in: sql), customer.mergedInto == nil else {
                throw ShopdeskError.notFound("Customer \(id)")
            }
            let changed = try CustomerIdentity(
                name: name ?? customer.name, email: email ?? customer.email, phone: phone ?? customer.phone,
                externalID: externalID ?? customer.externalID
            ).normalized()
            for (kindName, value) in CustomerRepository.identityPairs(changed) {
                if let owner = try await sql.raw("""
                    SELECT customer_id FROM customer_identities WHERE workspace_id = \(bind: workspaceID.rawValue)
                      AND kind = \(bind: kindName) AND value = \(bind: value)
                    """).first(), try owner.int64("customer_id") != id.rawValue {
                    throw ShopdeskError.conflict("Another customer already has the \(kindName) \(value); merge the two instead.").because("customer_identity_taken", ["value": value])
                }
            }
            customer.name = changed.name
            customer.email = changed.email
            customer.phone = changed.phone
            customer.externalID = changed.externalID
            if let locale { customer.locale = locale.isEmpty ? nil : String(locale.prefix(20)) }
            if let tags { customer.tags = try TagName.normalize(Set(tags)) }
            if let vip { customer.vip = vip }
            customer.updatedAt = now
            try await CustomerRepository.update(customer, kind: kind, in: sql)
            let event = DomainEvent(workspaceID: workspaceID, conversationID: nil, kind: .customerUpdated, actor: actor,
                                    payload: ["customer_id": .id(id)], occurredAt: now)
            return (customer, try await EventLog.record([event], in: sql))
        }
        await publisher?.publish(events)
        return customer
    }

    /// Folds `sourceID` into `targetID`: its identities and conversations move to the target.
    public func merge(workspaceID: WorkspaceID, sourceID: CustomerID, into targetID: CustomerID, actor: EventActor) async throws -> Customer {
        guard sourceID != targetID else { throw ShopdeskError.invalid(field: "into", "A customer cannot be merged into itself.").because("merge_self") }
        let now = Date()
        let kind = database.kind
        let (target, events) = try await database.write { sql in
            guard let source = try await CustomerRepository.find(workspaceID: workspaceID, id: sourceID, in: sql), source.mergedInto == nil,
                  var target = try await CustomerRepository.find(workspaceID: workspaceID, id: targetID, in: sql), target.mergedInto == nil else {
                throw ShopdeskError.notFound("Customer")
            }
            try await CustomerRepository.merge(source: source, into: target, now: now, in: sql)
            try await CustomFieldRepository.moveCustomerValues(workspaceID: workspaceID, from: source.id, to: target.id, now: now, in: sql)
            // What only the source knew (a name from Telegram, a phone from WhatsApp) fills the
            // target's empty fields; nothing the target has is overwritten.
            let before = target
            target.name = target.name ?? source.name
            target.email = target.email ?? source.email
            target.phone = target.phone ?? source.phone
            target.externalID = target.externalID ?? source.externalID
            target.locale = target.locale ?? source.locale
            if target != before {
                target.updatedAt = now
                try await CustomerRepository.update(target, kind: kind, in: sql)
            }
            let event = DomainEvent(workspaceID: workspaceID, conversationID: nil, kind: .customerMerged, actor: actor,
                                    payload: ["from": .id(sourceID), "into": .id(targetID)], occurredAt: now)
            return (target, try await EventLog.record([event], in: sql))
        }
        await publisher?.publish(events)
        return target
    }

    /// Ties a channel identity (a Telegram chat) to a known customer, as a signed link from the
    /// shop vouches: the identity is attached, or the customer who has it so far is merged in.
    public func link(_ identity: ChannelIdentity, to targetID: CustomerID, workspaceID: WorkspaceID, now: Date = Date()) async throws {
        _ = try await database.write { sql -> Void in
            guard let target = try await CustomerRepository.find(workspaceID: workspaceID, id: targetID, followMerges: true, in: sql) else {
                throw ShopdeskError.notFound("Customer \(targetID)")
            }
            let owner = try await sql.raw("""
                SELECT customer_id FROM customer_identities WHERE workspace_id = \(bind: workspaceID.rawValue)
                  AND kind = \(bind: identity.kind) AND value = \(bind: identity.value)
                """).first().map { try $0.id("customer_id") as CustomerID }
            switch owner {
            case nil:
                try await sql.raw("""
                    INSERT INTO customer_identities (workspace_id, kind, value, customer_id)
                    VALUES (\(bind: workspaceID.rawValue), \(bind: identity.kind), \(bind: identity.value), \(bind: target.id.rawValue))
                    ON CONFLICT DO NOTHING
                    """).run()
            case target.id?:
                break
            case let other?:
                guard let source = try await CustomerRepository.find(workspaceID: workspaceID, id: other, in: sql), source.mergedInto == nil else { return }
                try await CustomerRepository.merge(source: source, into: target, now: now, in: sql)
            }
        }
    }

    /// The customer proved they own `email` (the bot found their order by its number and this
    /// email): the shop's customer with that email becomes theirs — an anonymous chat visitor is
    /// merged into them, so the agent sees their orders — or, when nobody has it yet, this
    /// customer takes the email (unless they already gave another). Returns the customer who
    /// now stands for them.
    @discardableResult
    public func claimEmail(_ raw: String, for customerID: CustomerID, workspaceID: WorkspaceID, actor: EventActor) async throws -> CustomerID {
        let email = try Identities.email(Text.trimmed(raw))
        let (current, owner) = try await database.read { sql in
            let current = try await CustomerRepository.find(workspaceID: workspaceID, id: customerID, followMerges: true, in: sql)
            let owner = try await sql.raw("""
                SELECT customer_id FROM customer_identities WHERE workspace_id = \(bind: workspaceID.rawValue)
                  AND kind = 'email' AND value = \(bind: email)
                """).first().map { try $0.id("customer_id") as CustomerID }
            return (current, owner)
        }
        guard let current else { throw ShopdeskError.notFound("Customer \(customerID)") }
        switch owner {
        case current.id?:
            return current.id
        case let other?:
            return try await merge(workspaceID: workspaceID, sourceID: current.id, into: other, actor: actor).id
        case nil:
            guard current.email == nil else { return current.id }
            return try await update(workspaceID: workspaceID, id: current.id, name: nil, email: email, phone: nil, externalID: nil, locale: nil,
                                    actor: actor).id
        }
    }

    /// Deletes a customer who has no conversations (with them, merge the customer instead, so no
    /// conversation loses its author). Identities and search entries go too.
    public func delete(workspaceID: WorkspaceID, id: CustomerID, actor: EventActor) async throws {
        let kind = database.kind
        let now = Date()
        let events = try await database.write { sql in
            guard try await CustomerRepository.find(workspaceID: workspaceID, id: id, in: sql) != nil else {
                throw ShopdeskError.notFound("Customer \(id)")
            }
            if try await sql.raw("SELECT 1 AS found FROM conversations WHERE customer_id = \(bind: id.rawValue) LIMIT 1").first() != nil {
                throw ShopdeskError.conflict("Customer \(id) has conversations; merge them into another customer instead.").because("customer_has_conversations")
            }
            try await CustomerRepository.delete(id, workspaceID: workspaceID, kind: kind, in: sql)
            try await CustomFieldRepository.deleteValues(workspaceID: workspaceID, entity: .customer, id: id.rawValue, in: sql)
            let event = DomainEvent(workspaceID: workspaceID, conversationID: nil, kind: .customerDeleted, actor: actor,
                                    payload: ["customer_id": .id(id)], occurredAt: now)
            return try await EventLog.record([event], in: sql)
        }
        await publisher?.publish(events)
    }
}
