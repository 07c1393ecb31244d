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
        try await requestAction(workspaceID: workspaceID, orderID: orderID, conversationID: conversationID, requester: .agent(agentID, role),
                                input: input, idempotencyKey: key)
    }

    /// The same for any requester: a rule and the bot are held to an agent's limits.
    public func requestAction(workspaceID: WorkspaceID, orderID: OrderID, conversationID: ConversationID?, requester: OrderActionRequester,
                              input: OrderActionInput, idempotencyKey key: String) async throws -> OrderActionRecord {
        guard (8...100).contains(key.count), key.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
            throw ShopdeskError(.invalid, "Send an Idempotency-Key header of 8 to 100 letters, digits, - or _ (a new UUID per action).")
        }
        let time = now()
        let (found, connection) = try await loadOrder(workspaceID: workspaceID, orderID: orderID)
        let action = try Self.invalidAsProblem { try input.action(for: found.order) }
        let requestJSON = try JSONCoding.string(input)
        if let existing = try await database.read({ try await OrderActionRepository.find(workspaceID: workspaceID, key: key, in: $0) }) {
            let record = try Self.same(existing, requestJSON)
            // The same request again after a lost answer: find out what the shop did before anything is sent.
            guard record.state == .outcomeUnknown else { return record }
            return try await reconcile(record, connection: connection, actor: requester.actor)
        }
        try Self.invalidAsProblem { try action.validate(order: found.order) }
        if connection.platform == .csv {
            throw ShopdeskError(.invalid, "Orders imported from CSV are read-only in Shopdesk; change \(found.order.number) in your shop.").because("orders_read_only")
        }
        let amount = OrderApproval.value(of: action, order: found.order)
        let policy = connection.settings.approval
        let summary = action.summary(order: found.order)
        let kind = database.kind
        let (record, inserted, events) = try await database.write { sql in
            try await OrderActionRepository.lockOrder(orderID, workspaceID: workspaceID, kind: kind, in: sql)
            let since = time.addingTimeInterval(-Double(policy.windowDays) * 86_400)
            let earlier = try await OrderActionRepository.committedMinor(workspaceID: workspaceID, orderID: orderID, since: since, in: sql)
            let decision = policy.decide(action, order: found.order, earlierMinor: earlier, isAdmin: requester.isAdmin)
            let needsApproval = decision != .allowed
            var (record, inserted) = try await OrderActionRepository.insertOnce(
                workspaceID: workspaceID, orderID: orderID, conversationID: conversationID, requester: requester, key: key, kind: action.kind,
                request: requestJSON, summary: summary, amount: amount, state: needsApproval ? .awaitingApproval : .running, now: time, in: sql)
            var events: [DomainEvent] = []
            if inserted, case .needsApproval(let why) = decision {
                record.result["approval_reason"] = why
                try await OrderActionRepository.finish(record.id, workspaceID: workspaceID, state: .awaitingApproval, result: record.result,
                                                       error: nil, now: time, in: sql)
                events = try await EventLog.record([Self.event(.orderActionRequested, record, order: found.order, actor: requester.actor, time: time)], in: sql)
            }
            return (record, inserted, events)
        }
        await publisher?.publish(events)
        guard inserted else { return try Self.same(record, requestJSON) }
        guard record.state == .running else { return record }
        return try await execute(record, action: action, order: found, connection: connection, actor: requester.actor)
    }

    /// An admin lets a waiting action run (once: a second approval finds it no longer waiting).
    public func approve(workspaceID: WorkspaceID, actionID: OrderActionID, adminID: AgentID) async throws -> OrderActionRecord {
        let time = now()
        let moved = try await database.write { sql in
            try await OrderActionRepository.transition(actionID, workspaceID: workspaceID, from: .awaitingApproval, to: .running, decidedBy: adminID,
                                                       now: time, in: sql)
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
            return try await finish(record, state: .failed, order: found.order, detail: [:], error: "\(error)", actor: .agent(adminID))
        }
    }

    public func reject(workspaceID: WorkspaceID, actionID: OrderActionID, adminID: AgentID) async throws -> OrderActionRecord {
        let time = now()
        let (record, events) = try await database.write { sql -> (OrderActionRecord?, [DomainEvent]) in
            guard try await OrderActionRepository.transition(actionID, workspaceID: workspaceID, from: .awaitingApproval, to: .rejected,
                                                             decidedBy: adminID, now: time, in: sql),
                  let record = try await OrderActionRepository.find(workspaceID: workspaceID, id: actionID, in: sql),
                  let order = try await OrderRepository.find(workspaceID: workspaceID, id: record.orderID, in: sql) else { return (nil, []) }
            return (record, try await EventLog.record([Self.event(.orderActionRejected, record, order: order.order, actor: .agent(adminID), time: time)], in: sql))
        }
        await publisher?.publish(events)
        guard let record else {
            guard try await database.read({ try await OrderActionRepository.find(workspaceID: workspaceID, id: actionID, in: $0) }) != nil else {
                throw ShopdeskError.notFound("Order action")
            }
            throw ShopdeskError(.conflict, "This action is not waiting for approval.").because("order_action_not_pending")
        }
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
                return try await finish(record, state: .done, order: outcome.order ?? order.order, detail: outcome.detail, error: nil, actor: actor,
                                        store: outcome.order != nil ? connection : nil)
            } catch CommerceError.outcomeUnknown(let why) {
                // What the order looked like before, so a later look can tell whether the shop acted.
                let before = ["refunded_before": String(order.order.refunded.minor), "cancelled_before": String(order.order.isCancelled)]
                return try await finish(record, state: .outcomeUnknown, order: order.order, detail: before,
                                        error: why + " Send the same request again: Shopdesk reads the order back first and never acts twice.", actor: actor)
            } catch let error as CommerceError {
                return try await finish(record, state: .failed, order: order.order, detail: [:], error: "\(error)", actor: actor)
            }
        case .sandbox:
            do {
                let outcome = try SandboxOrders.apply(action, to: order.order, at: now(), newID: "sandbox-\(record.id.rawValue)")
                return try await finish(record, state: .done, order: outcome.order, detail: outcome.detail, error: nil, actor: actor, store: connection)
            } catch let error as CommerceError {
                return try await finish(record, state: .failed, order: order.order, detail: [:], error: "\(error)", actor: actor)
            }
        case .csv:
            return try await finish(record, state: .failed, order: order.order, detail: [:], error: "Orders imported from CSV are read-only.", actor: actor)
        }
    }

    /// An action whose answer was lost, asked for again with the same key. The order is read back
    /// from the shop first: a refund or cancellation that shows there is recorded as done and not
    /// sent again. Otherwise it is sent again with the same idempotency key (Shopify's
    /// `@idempotent` answers a repeat with the first refund). While the shop cannot be read the
    /// action stays unknown; nothing is sent blind.
    func reconcile(_ record: OrderActionRecord, connection: StoreConnection, actor: EventActor) async throws -> OrderActionRecord {
        guard let live = try connector(connection) else { return record }
        let (found, _) = try await loadOrder(workspaceID: record.workspaceID, orderID: record.orderID)
        let fresh: StoreOrder
        do {
            guard let order = try await live.order(id: found.order.id) else { return record }
            fresh = order
        } catch {
            return record
        }
        let time = now()
        let claimed = try await database.write { sql in
            try await OrderActionRepository.transition(record.id, workspaceID: record.workspaceID, from: .outcomeUnknown, to: .running,
                                                       decidedBy: nil, now: time, in: sql)
        }
        guard claimed else {
            return try await database.read { try await OrderActionRepository.find(workspaceID: record.workspaceID, id: record.id, in: $0) } ?? record
        }
        let input = try JSONCoding.decode(OrderActionInput.self, from: record.request)
        let action = try input.action(for: found.order)
        let refundedBefore = record.result["refunded_before"].flatMap { Int64($0) } ?? found.order.refunded.minor
        let applied: Bool = switch action {
        case .refund: fresh.refunded.minor >= refundedBefore + (record.amount?.minor ?? 1)
        case .cancel: fresh.isCancelled && record.result["cancelled_before"] != "true"
        default: false
        }
        if applied {
            return try await finish(record, state: .done, order: fresh, detail: ["confirmed": "read back from the shop"], error: nil, actor: actor,
                                    store: connection)
        }
        var current = found
        current.order = fresh
        return try await execute(record, action: action, order: current, connection: connection, actor: actor)
    }

    /// The refund an agent is about to confirm, as the shop will make it: Shopify computes refunds
    /// by line (discounts, taxes) itself, and that is the money that moves.
    public func refundPreview(workspaceID: WorkspaceID, orderID: OrderID, request: RefundRequest) async throws -> (amount: Amount, computedBy: String) {
        let (found, connection) = try await loadOrder(workspaceID: workspaceID, orderID: orderID)
        let ours = try Self.invalidAsProblem { try request.amount(for: found.order) }
        guard let live = try connector(connection) else { return (ours, "shopdesk") }
        do {
            return (try await live.refundPreview(request, on: found.order), connection.platform.rawValue)
        } catch let error as CommerceError {
            throw ShopdeskError(.unavailable, "\(error)")
        }
    }

    /// The order's total after an edit of its items, as the shop computes it, shown before the
    /// agent confirms; nothing is saved.
    public func editPreview(workspaceID: WorkspaceID, orderID: OrderID, edit: OrderEditRequest) async throws -> (before: Amount, after: Amount, computedBy: String) {
        let (found, connection) = try await loadOrder(workspaceID: workspaceID, orderID: orderID)
        let effective = edit.effective(on: found.order)
        try Self.invalidAsProblem { try OrderAction.editItems(effective).validate(order: found.order) }
        guard let live = try connector(connection) else { return (found.order.total, effective.estimatedTotal(for: found.order), "shopdesk") }
        do {
            return (found.order.total, try await live.editPreview(effective, on: found.order), connection.platform.rawValue)
        } catch let error as CommerceError {
            throw ShopdeskError(.unavailable, "\(error)")
        }
    }

    /// Variants the order's shop sells that match `query`, to add to the order. The sandbox shop
    /// offers `sandboxCatalogue`.
    public func variants(workspaceID: WorkspaceID, orderID: OrderID, query: String, sandboxCatalogue: [ShopVariant]) async throws -> [ShopVariant] {
        let (found, connection) = try await loadOrder(workspaceID: workspaceID, orderID: orderID)
        switch connection.platform {
        case .sandbox:
            let wanted = query.lowercased()
            return sandboxCatalogue.filter { wanted.isEmpty || $0.title.lowercased().contains(wanted) }
                .map { var variant = $0; variant.price = variant.price.map { Amount(minor: $0.minor, currency: found.order.total.currency) }; return variant }
        case .csv:
            throw ShopdeskError(.invalid, "Orders imported from CSV are read-only in Shopdesk.").because("orders_read_only")
        case .shopify, .woocommerce:
            guard let live = try connector(connection) else { throw ShopdeskError(.invalid, "The connection has no credentials.") }
            do { return try await live.variants(matching: query) } catch let error as CommerceError { throw ShopdeskError(.unavailable, "\(error)") }
        }
    }

    /// Records the outcome, the fresh snapshot, and the timeline entry, in one transaction.
    func finish(_ record: OrderActionRecord, state: OrderActionRecord.State, order: StoreOrder, detail: [String: String], error: String?,
                actor: EventActor, store connection: StoreConnection? = nil) async throws -> OrderActionRecord {
        let time = now()
        let result = record.result.merging(detail) { _, new in new }
        let (updated, events) = try await database.write { sql in
            try await OrderActionRepository.finish(record.id, workspaceID: record.workspaceID, state: state, result: result, error: error, now: time, in: sql)
            if let connection {
                let (saved, _) = try await OrderRepository.upsert(order, connection: connection, customerID: nil, now: time, in: sql)
                if let customer = saved.customerID { try await OrderRepository.refreshSummary(customerID: customer, workspaceID: record.workspaceID, in: sql) }
            }
            guard let updated = try await OrderActionRepository.find(workspaceID: record.workspaceID, id: record.id, in: sql) else {
                throw ShopdeskError.notFound("Order action")
            }
            let kind: DomainEventKind = switch state {
            case .done: .orderActionSucceeded
            default: .orderActionFailed
            }
            let events = try await EventLog.record([Self.event(kind, updated, order: order, actor: actor, time: time)], in: sql)
            return (updated, events)
        }
        await publisher?.publish(events)
        // A refund that closes a return (asked for now, or approved later) refunds the return.
        if state == .done, updated.kind == "refund" { try await returnRefunded(by: updated, actor: actor) }
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

    public static func invalidAsProblem<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as CommerceError { throw ShopdeskError(.invalid, "\(error)") }
    }

    static func event(_ kind: DomainEventKind, _ record: OrderActionRecord, order: StoreOrder, actor: EventActor, time: Date) -> DomainEvent {
        var payload: [String: JSONValue] = [
            "action_id": .id(record.id), "order_id": .id(record.orderID), "order_number": .string(order.number),
            "kind": .string(record.kind), "summary": .string(record.summary), "state": .string(record.state.rawValue),
        ]
        if let amount = record.amount { payload["amount"] = .string(amount.decimalString); payload["currency"] = .string(amount.currency) }
        if let error = record.error { payload["error"] = .string(error) }
        if record.byBot { payload["by_bot"] = .bool(true) }
        for (key, value) in record.result { payload[key] = .string(value) }
        return DomainEvent(workspaceID: record.workspaceID, conversationID: record.conversationID, kind: kind, actor: actor, payload: payload, occurredAt: time)
    }
}
