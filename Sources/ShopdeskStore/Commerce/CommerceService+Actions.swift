import Foundation
import ShopdeskCommerce
import ShopdeskCore
import SQLKit

extension CommerceService {
    /// An agent asks for an order action. The same idempotency key always means the same action:
    /// a double click or a retried request gets the first request's record and acts once. Above the
    /// connection's approval threshold an agent's request waits for an admin.
    public func requestAction(workspaceID: WorkspaceID, orderID: OrderID, conversationID: ConversationID?, agentID: AgentID, role: Role,
                              input: OrderActionInput, idempotencyKey key: String) async throws -> OrderActionRecord {
        guard (8...100).contains(key.count), key.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
            throw ShopdeskError(.invalid, "Send an Idempotency-Key header of 8 to 100 letters, digits, - or _ (a new UUID per action).")
        }
        let time = now()
        let (found, connection) = try await loadOrder(workspaceID: workspaceID, orderID: orderID)
        let action = try Self.invalidAsProblem { try input.action(for: found.order) }
        let requestJSON = try JSONCoding.string(input)
        if let existing = try await database.read({ try await OrderActionRepository.find(workspaceID: workspaceID, key: key, in: $0) }) {
            return try Self.same(existing, requestJSON)
        }
        try Self.invalidAsProblem { try action.validate(order: found.order) }
        if connection.platform == .csv {
            throw ShopdeskError(.invalid, "Orders imported from CSV are read-only in Shopdesk; change \(found.order.number) in your shop.")
        }
        let amount = action.moneyOut(order: found.order)
        let needsApproval = role < .admin && (connection.settings.approvalThresholdMinor.map { (amount?.minor ?? 0) > $0 } ?? false)
        let summary = action.summary(order: found.order)
        let (record, inserted, events) = try await database.write { sql in
            let (record, inserted) = try await OrderActionRepository.insertOnce(
                workspaceID: workspaceID, orderID: orderID, conversationID: conversationID, agentID: agentID, key: key, kind: action.kind,
                request: requestJSON, summary: summary, amount: amount, state: needsApproval ? .awaitingApproval : .running, now: time, in: sql)
            var events: [DomainEvent] = []
            if inserted, needsApproval {
                events = try await EventLog.record([Self.event(.orderActionRequested, record, order: found.order, actor: .agent(agentID), time: time)], in: sql)
            }
            return (record, inserted, events)
        }
        await publisher?.publish(events)
        guard inserted else { return try Self.same(record, requestJSON) }
        guard record.state == .running else { return record }
        return try await execute(record, action: action, order: found, connection: connection, actor: .agent(agentID))
    }

    /// An admin lets a waiting action run (once: a second approval finds it no longer waiting).
    public func approve(workspaceID: WorkspaceID, actionID: OrderActionID, adminID: AgentID) async throws -> OrderActionRecord {
        let time = now()
        let moved = try await database.write { sql in
            try await OrderActionRepository.transition(actionID, from: .awaitingApproval, to: .running, decidedBy: adminID, now: time, in: sql)
        }
        guard let record = try await database.read({ try await OrderActionRepository.find(workspaceID: workspaceID, id: actionID, in: $0) }) else {
            throw ShopdeskError.notFound("Order action")
        }
        guard moved else { throw ShopdeskError(.conflict, "This action is \(record.state.rawValue.replacingOccurrences(of: "_", with: " ")), not waiting for approval.") }
        let (found, connection) = try await loadOrder(workspaceID: workspaceID, orderID: record.orderID)
        do {
            let input = try JSONCoding.decode(OrderActionInput.self, from: record.request)
            let action = try input.action(for: found.order)
            try action.validate(order: found.order)
            return try await execute(record, action: action, order: found, connection: connection, actor: .agent(adminID))
        } catch let error as CommerceError {
            return try await finish(record, order: found.order, outcome: nil, error: "\(error)", actor: .agent(adminID))
        }
    }

    public func reject(workspaceID: WorkspaceID, actionID: OrderActionID, adminID: AgentID) async throws -> OrderActionRecord {
        let time = now()
        let (record, events) = try await database.write { sql -> (OrderActionRecord?, [DomainEvent]) in
            guard try await OrderActionRepository.transition(actionID, from: .awaitingApproval, to: .rejected, decidedBy: adminID, now: time, in: sql),
                  let record = try await OrderActionRepository.find(workspaceID: workspaceID, id: actionID, in: sql),
                  let order = try await OrderRepository.find(workspaceID: workspaceID, id: record.orderID, in: sql) else { return (nil, []) }
            return (record, try await EventLog.record([Self.event(.orderActionRejected, record, order: order.order, actor: .agent(adminID), time: time)], in: sql))
        }
        await publisher?.publish(events)
        guard let record else { throw ShopdeskError(.conflict, "This action is not waiting for approval.") }
        return record
    }

    /// Runs a `running` action against the shop and records the outcome.
    func execute(_ record: OrderActionRecord, action: OrderAction, order: OrderRecord, connection: StoreConnection,
                 actor: EventActor) async throws -> OrderActionRecord {
        switch connection.platform {
        case .shopify, .woocommerce:
            guard let live = try connector(connection) else { throw ShopdeskError(.invalid, "The connection has no credentials.") }
            do {
                let outcome = try await live.perform(action, on: order.order, idempotencyKey: record.idempotencyKey)
                return try await finish(record, order: outcome.order ?? order.order, outcome: outcome, error: nil, actor: actor, store: outcome.order != nil ? connection : nil)
            } catch let error as CommerceError {
                return try await finish(record, order: order.order, outcome: nil, error: "\(error)", actor: actor)
            }
        case .sandbox:
            do {
                let outcome = try SandboxOrders.apply(action, to: order.order, at: now(), newID: "sandbox-\(record.id.rawValue)")
                return try await finish(record, order: outcome.order, outcome: ActionOutcome(order: outcome.order, detail: outcome.detail),
                                        error: nil, actor: actor, store: connection)
            } catch let error as CommerceError {
                return try await finish(record, order: order.order, outcome: nil, error: "\(error)", actor: actor)
            }
        case .csv:
            return try await finish(record, order: order.order, outcome: nil, error: "Orders imported from CSV are read-only.", actor: actor)
        }
    }

    /// Records done or failed, the fresh snapshot, and the timeline entry, in one transaction.
    func finish(_ record: OrderActionRecord, order: StoreOrder, outcome: ActionOutcome?, error: String?, actor: EventActor,
                store connection: StoreConnection? = nil) async throws -> OrderActionRecord {
        let time = now()
        let (updated, events) = try await database.write { sql in
            try await OrderActionRepository.finish(record.id, state: error == nil ? .done : .failed, result: outcome?.detail ?? [:], error: error, now: time, in: sql)
            if let connection, let fresh = outcome?.order {
                let (saved, _) = try await OrderRepository.upsert(fresh, connection: connection, customerID: nil, now: time, in: sql)
                if let customer = saved.customerID { try await OrderRepository.refreshSummary(customerID: customer, workspaceID: record.workspaceID, in: sql) }
            }
            guard let updated = try await OrderActionRepository.find(workspaceID: record.workspaceID, id: record.id, in: sql) else {
                throw ShopdeskError.notFound("Order action")
            }
            let events = try await EventLog.record([Self.event(error == nil ? .orderActionSucceeded : .orderActionFailed, updated, order: order,
                                                               actor: actor, time: time)], in: sql)
            return (updated, events)
        }
        await publisher?.publish(events)
        return updated
    }

    func loadOrder(workspaceID: WorkspaceID, orderID: OrderID) async throws -> (OrderRecord, StoreConnection) {
        try await database.read { sql in
            guard let order = try await OrderRepository.find(workspaceID: workspaceID, id: orderID, in: sql) else { throw ShopdeskError.notFound("Order") }
            guard let connection = try await StoreConnectionRepository.find(workspaceID: workspaceID, id: order.connectionID, in: sql) else {
                throw ShopdeskError.notFound("Store connection")
            }
            return (order, connection)
        }
    }

    static func same(_ existing: OrderActionRecord, _ requestJSON: String) throws -> OrderActionRecord {
        guard existing.request == requestJSON else {
            throw ShopdeskError(.conflict, "This Idempotency-Key was already used for a different order action; send a new key for a new action.")
        }
        return existing
    }

    static func invalidAsProblem<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as CommerceError { throw ShopdeskError(.invalid, "\(error)") }
    }

    static func event(_ kind: DomainEventKind, _ record: OrderActionRecord, order: StoreOrder, actor: EventActor, time: Date) -> DomainEvent {
        var payload: [String: JSONValue] = [
            "action_id": .id(record.id), "order_id": .id(record.orderID), "order_number": .string(order.number),
            "kind": .string(record.kind), "summary": .string(record.summary), "state": .string(record.state.rawValue),
        ]
        if let amount = record.amount { payload["amount"] = .string(amount.decimalString); payload["currency"] = .string(amount.currency) }
        if let error = record.error { payload["error"] = .string(error) }
        for (key, value) in record.result { payload[key] = .string(value) }
        return DomainEvent(workspaceID: record.workspaceID, conversationID: record.conversationID, kind: kind, actor: actor, payload: payload, occurredAt: time)
    }
}
