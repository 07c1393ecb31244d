import Foundation
import ShopdeskCommerce
import ShopdeskCore
import SQLKit

/// Returns: opened by the customer (help center) or an agent under the shop's rules, approved or
/// declined, received, and refunded through the same order-action path as any refund — so the
/// approval limits, the idempotency key and the read-back after a lost answer all hold.
/// On Shopify each step is also the shop's own (its returns API); elsewhere Shopdesk's record is
/// the return.
extension CommerceService {
    /// What a return form needs: the order, how many of each line can still come back, the rules.
    public struct ReturnOptions: Sendable {
        public var order: OrderRecord
        public var returnable: [String: Int]
        public var policy: ReturnPolicy
        public var finalSale: Set<String>
        /// Why the order cannot be returned by its customer now (nil: it can).
        public var refusal: ReturnPolicy.Refusal?
        /// Refunds are made in the shop by hand and marked here (orders imported from CSV).
        public var refundInShop: Bool
    }

    public func returnOptions(workspaceID: WorkspaceID, orderID: OrderID) async throws -> ReturnOptions {
        let (found, connection) = try await loadOrder(workspaceID: workspaceID, orderID: orderID)
        let held = try await database.read { try await ReturnRepository.held(orderID: orderID, workspaceID: workspaceID, in: $0) }
        let policy = connection.settings.returns ?? .standard
        var refusal: ReturnPolicy.Refusal?
        do { try policy.checkOrder(found.order, now: now()) } catch let error as ReturnPolicy.Refusal { refusal = error }
        return ReturnOptions(order: found, returnable: policy.returnable(found.order, held: held), policy: policy,
                             finalSale: Set(found.order.lineItems.filter { policy.isFinalSale($0, of: found.order) }.map(\.id)), refusal: refusal,
                             refundInShop: connection.platform == .csv)
    }

    /// The order a customer names by its number and email (the same check as order tracking,
    /// which also finds orders Shopdesk never received), as stored.
    public func customerOrder(workspaceID: WorkspaceID, number: String, email: String) async throws -> OrderRecord? {
        guard let order = try await track(workspaceID: workspaceID, number: number, email: email) else { return nil }
        let records = try await database.read { sql in
            try await sql.raw("SELECT * FROM orders WHERE workspace_id = \(bind: workspaceID.rawValue) AND external_id = \(bind: order.id)").all()
                .map(OrderRepository.decode)
        }
        return records.first { $0.order.email?.lowercased() == email.trimmingCharacters(in: .whitespaces).lowercased() }
    }

    /// Who opens a return, and where it is discussed.
    public enum ReturnOpener: Sendable {
        /// An agent, from a conversation (or none): the return is approved at once.
        case agent(AgentID, conversationID: ConversationID?)
        /// The customer, self-service: stored in the same transaction as their message (`store`
        /// runs `ingest` with the insert alongside, so the return and the message commit together).
        case customer(store: @Sendable (_ insert: @escaping @Sendable (IngestResult, any SQLDatabase) async throws -> Void) async throws -> IngestResult)
        /// The chat bot, for the customer it verified in `conversationID`: a customer's request,
        /// waiting for the shop's decision like one from the help center.
        case bot(conversationID: ConversationID, customerID: CustomerID)
    }

    /// Opens a return of `lines` (titles filled from the order) under the shop's rules; on Shopify
    /// the shop's return first, so that a refusal there reaches the person asking.
    public func openReturn(workspaceID: WorkspaceID, orderID: OrderID, lines asked: [ReturnLine], photos: [AttachmentID],
                           by opener: ReturnOpener) async throws -> ReturnRecord {
        let (found, connection) = try await loadOrder(workspaceID: workspaceID, orderID: orderID)
        let order = found.order
        let lines = asked.filter { $0.quantity > 0 }.map { line -> ReturnLine in
            var line = line
            line.title = order.lineItems.first { $0.id == line.lineItemID }.map { item in item.title + (item.variant.map { " (\($0))" } ?? "") } ?? line.title
            line.note = line.note.flatMap { String($0.trimmingCharacters(in: .whitespacesAndNewlines).prefix(300)).nilIfEmpty }
            return line
        }
        let policy = connection.settings.returns ?? .standard
        let byAgent: Bool = if case .agent = opener { true } else { false }
        let exchanges = lines.filter { $0.exchange != nil }.count
        if exchanges > 0 {
            guard byAgent else { throw ShopdeskError(.invalid, "Exchanges are opened by an agent.") }
            guard exchanges == lines.count else {
                throw ShopdeskError(.invalid, "An exchange swaps every item of the return; open another return for the items to refund.").because("return_mixed")
            }
            guard connection.platform != .woocommerce, connection.platform != .csv else {
                throw ShopdeskError(.invalid, "WooCommerce's API cannot make the exchange's order; refund the return and place a new order in WooCommerce.")
            }
        }
        let time = now()
        let check: @Sendable (any SQLDatabase) async throws -> Void = { sql in
            let held = try await ReturnRepository.held(orderID: orderID, workspaceID: workspaceID, in: sql)
            do {
                try policy.check(lines, order: order, held: held, photos: photos.count, now: time, byAgent: byAgent)
            } catch let refusal as ReturnPolicy.Refusal {
                throw ShopdeskError(.invalid, refusal.description).because("return_\(refusal.code)")
            }
        }
        try await database.read { try await check($0) }
        var externalID: String?
        if let live = try connector(connection) as? any StoreReturning {
            do {
                if exchanges > 0 {
                    externalID = try await live.createExchange(lines, on: order)
                } else {
                    let id = try await live.requestReturn(lines, on: order)
                    if byAgent { try await live.approveReturn(id) }
                    externalID = id
                }
            } catch let error as CommerceError {
                throw ShopdeskError(.unavailable, "\(error)")
            }
        }
        let base = ReturnRecord(id: ReturnID(0), workspaceID: workspaceID, connectionID: connection.id, orderID: orderID, orderNumber: order.number,
                                customerID: found.customerID, conversationID: nil, state: byAgent ? .approved : .requested, lines: lines, photos: photos,
                                origin: byAgent ? .agent : .customer, agentID: nil, externalID: externalID, trackingNumber: nil, declineReason: nil,
                                refundActionID: nil, createdAt: time, updatedAt: time)
        let kind = database.kind
        switch opener {
        case .agent, .bot:
            var draft = base
            let actor: EventActor
            if case .agent(let agentID, let conversationID) = opener {
                draft.agentID = agentID
                draft.conversationID = conversationID
                actor = .agent(agentID)
            } else if case .bot(let conversationID, let customerID) = opener {
                draft.conversationID = conversationID
                draft.customerID = draft.customerID ?? customerID
                actor = .system
            } else {
                actor = .system
            }
            let record = draft
            let (saved, events) = try await database.write { sql in
                try await OrderActionRepository.lockOrder(orderID, workspaceID: workspaceID, kind: kind, in: sql)
                try await check(sql)
                let saved = try await ReturnRepository.insert(record, in: sql)
                let automated = try await runReturnRules(.returnRequested, saved, time: time, in: sql)
                var event = Self.returnEvent(.returnRequested, saved, actor: actor, time: time)
                if case .bot = opener { event.payload["by_bot"] = .bool(true) }
                return (saved, try await EventLog.record([event] + automated, in: sql))
            }
            await publisher?.publish(events)
            return saved
        case .customer(let store):
            let box = ReturnBox()
            let result = try await store { result, sql in
                // The same form sent twice is one message; its return is the one already stored.
                guard !result.duplicate else { return }
                try await OrderActionRepository.lockOrder(orderID, workspaceID: workspaceID, kind: kind, in: sql)
                try await check(sql)
                var record = base
                record.conversationID = result.conversationID
                record.customerID = record.customerID ?? result.customerID
                let saved = try await ReturnRepository.insert(record, in: sql)
                let automated = try await runReturnRules(.returnRequested, saved, time: time, in: sql)
                let events = try await EventLog.record([Self.returnEvent(.returnRequested, saved, actor: .customer(result.customerID), time: time)] + automated,
                                                       in: sql)
                box.set(saved, events)
            }
            if let (saved, events) = box.value {
                await publisher?.publish(events)
                return saved
            }
            let earlier = try await database.read { try await ReturnRepository.forOrder(orderID, workspaceID: workspaceID, in: $0) }
            guard let saved = earlier.first(where: { $0.conversationID == result.conversationID }) else {
                throw ShopdeskError(.conflict, "This return was already received.")
            }
            return saved
        }
    }

    /// Moves a return on (approve, decline, sent, received, cancel), telling the shop first where
    /// it keeps returns. A second request that finds it already moved gets a conflict.
    public func moveReturn(workspaceID: WorkspaceID, id: ReturnID, to target: ReturnState, agentID: AgentID,
                           trackingNumber: String? = nil, declineReason: String? = nil) async throws -> ReturnRecord {
        guard let record = try await database.read({ try await ReturnRepository.find(workspaceID: workspaceID, id: id, in: $0) }) else {
            throw ShopdeskError.notFound("Return")
        }
        guard target != .refunded else { throw ShopdeskError(.invalid, "A return is refunded through its refund, not moved there.") }
        guard record.state.next.contains(target) else {
            throw ShopdeskError(.conflict, "This return is \(record.state.rawValue.replacingOccurrences(of: "_", with: " ")); it cannot become \(target.rawValue.replacingOccurrences(of: "_", with: " ")).")
                .because("return_state")
        }
        let (_, connection) = try await loadOrder(workspaceID: workspaceID, orderID: record.orderID)
        if let externalID = record.externalID, let live = try connector(connection) as? any StoreReturning {
            do {
                switch target {
                case .approved: try await live.approveReturn(externalID)
                case .declined: try await live.declineReturn(externalID, note: declineReason)
                case .cancelled: try await live.cancelReturn(externalID)
                default: break
                }
            } catch let error as CommerceError {
                throw ShopdeskError(.unavailable, "\(error)")
            }
        }
        let time = now()
        let tracking = trackingNumber.flatMap { String($0.trimmingCharacters(in: .whitespaces).prefix(60)).nilIfEmpty }
        let reason = declineReason.flatMap { String($0.trimmingCharacters(in: .whitespacesAndNewlines).prefix(500)).nilIfEmpty }
        let (moved, events) = try await database.write { sql -> (ReturnRecord?, [DomainEvent]) in
            guard try await ReturnRepository.transition(id, workspaceID: workspaceID, from: [record.state], to: target, now: time,
                                                        trackingNumber: tracking, declineReason: reason, in: sql),
                  let moved = try await ReturnRepository.find(workspaceID: workspaceID, id: id, in: sql) else { return (nil, []) }
            let event = Self.returnEvent(.returnUpdated, moved, actor: .agent(agentID), time: time, from: record.state)
            let automated = try await runReturnRules(.returnUpdated, moved, time: time, in: sql)
            return (moved, try await EventLog.record([event] + automated, in: sql))
        }
        guard let moved else { throw ShopdeskError(.conflict, "Someone changed this return meanwhile; look at it again.").because("return_state") }
        await publisher?.publish(events)
        return moved
    }

    /// Refunds a return's items (and the shipping, when asked) once the parcel is in: a return not
    /// yet marked received is received first. The money moves as an order action under the shop's
    /// approval limits; above them it waits for an admin and the return is refunded when it runs.
    public func refundReturn(workspaceID: WorkspaceID, id: ReturnID, agentID: AgentID, role: Role, shipping: Bool, notifyCustomer: Bool,
                             idempotencyKey: String) async throws -> (ReturnRecord, OrderActionRecord) {
        guard var record = try await database.read({ try await ReturnRepository.find(workspaceID: workspaceID, id: id, in: $0) }) else {
            throw ShopdeskError.notFound("Return")
        }
        // The same refund asked again (a retry after a lost answer): its first result.
        if let asked = record.refundActionID,
           let earlier = try await database.read({ try await OrderActionRepository.find(workspaceID: workspaceID, key: idempotencyKey, in: $0) }),
           earlier.id == asked {
            return (record, earlier)
        }
        if record.state == .approved || record.state == .inTransit {
            record = try await moveReturn(workspaceID: workspaceID, id: id, to: .received, agentID: agentID)
        }
        guard record.state == .received else {
            throw ShopdeskError(.conflict, "Only a received return can be refunded; this one is \(record.state.rawValue.replacingOccurrences(of: "_", with: " ")).")
                .because("return_state")
        }
        guard !record.isExchange else { throw ShopdeskError(.conflict, "This return is an exchange: send the exchange instead.").because("return_state") }
        if try await loadOrder(workspaceID: workspaceID, orderID: record.orderID).1.platform == .csv {
            throw ShopdeskError(.invalid, "Orders imported from CSV are read-only in Shopdesk: refund \(record.orderNumber) in your shop, then mark the return refunded.")
                .because("orders_read_only")
        }
        var input = OrderActionInput(kind: "refund")
        input.lines = record.lines.map { RefundRequest.Line(lineItemID: $0.lineItemID, quantity: $0.quantity) }
        input.shipping = shipping
        input.restock = true
        input.notifyCustomer = notifyCustomer
        input.note = "Return \(record.orderNumber)-R\(record.id.rawValue)"
        input.shopReturnID = record.externalID
        let action = try await requestAction(workspaceID: workspaceID, orderID: record.orderID, conversationID: record.conversationID, agentID: agentID,
                                             role: role, input: input, idempotencyKey: idempotencyKey)
        let time = now()
        try await database.write { sql in
            try await ReturnRepository.setRefundAction(id, workspaceID: workspaceID, actionID: action.id, now: time, in: sql)
        }
        if action.state == .done { try await returnRefunded(by: action, actor: .agent(agentID)) }
        let current = try await database.read { try await ReturnRepository.find(workspaceID: workspaceID, id: id, in: $0) } ?? record
        return (current, action)
    }

    /// A return of a shop Shopdesk cannot refund through (orders imported from CSV), refunded in
    /// the shop by hand: recorded as refunded, no money moving here.
    public func markReturnRefunded(workspaceID: WorkspaceID, id: ReturnID, agentID: AgentID) async throws -> ReturnRecord {
        guard var record = try await database.read({ try await ReturnRepository.find(workspaceID: workspaceID, id: id, in: $0) }) else {
            throw ShopdeskError.notFound("Return")
        }
        guard try await loadOrder(workspaceID: workspaceID, orderID: record.orderID).1.platform == .csv else {
            throw ShopdeskError(.invalid, "Refund this return from Shopdesk: the money then moves once, within the approval limits.")
        }
        if record.state == .approved || record.state == .inTransit {
            record = try await moveReturn(workspaceID: workspaceID, id: id, to: .received, agentID: agentID)
        }
        let time = now()
        let events = try await database.write { sql -> [DomainEvent] in
            guard try await ReturnRepository.transition(id, workspaceID: workspaceID, from: [.received], to: .refunded, now: time, in: sql),
                  let done = try await ReturnRepository.find(workspaceID: workspaceID, id: id, in: sql) else {
                throw ShopdeskError(.conflict, "Only a received return can be marked refunded.").because("return_state")
            }
            let automated = try await runReturnRules(.returnUpdated, done, time: time, in: sql)
            return try await EventLog.record([Self.returnEvent(.returnUpdated, done, actor: .agent(agentID), time: time, from: .received)] + automated, in: sql)
        }
        await publisher?.publish(events)
        return try await database.read { try await ReturnRepository.find(workspaceID: workspaceID, id: id, in: $0) } ?? record
    }

    /// An exchange's parcel is in: the returned items are confirmed and the exchanged ones go out
    /// (on Shopify by processing its return; in the sandbox as a new order of the exchanged items,
    /// at no charge: a price difference is settled with a refund or a new order).
    public func exchangeReturn(workspaceID: WorkspaceID, id: ReturnID, agentID: AgentID) async throws -> ReturnRecord {
        guard var record = try await database.read({ try await ReturnRepository.find(workspaceID: workspaceID, id: id, in: $0) }) else {
            throw ShopdeskError.notFound("Return")
        }
        guard record.isExchange else { throw ShopdeskError(.conflict, "This return gives the money back: refund it.").because("return_state") }
        if record.state == .approved || record.state == .inTransit {
            record = try await moveReturn(workspaceID: workspaceID, id: id, to: .received, agentID: agentID)
        }
        guard record.state == .received else {
            throw ShopdeskError(.conflict, "Only a received exchange can be sent; this one is \(record.state.rawValue.replacingOccurrences(of: "_", with: " ")).")
                .because("return_state")
        }
        let (found, connection) = try await loadOrder(workspaceID: workspaceID, orderID: record.orderID)
        let time = now()
        let reference: String
        switch connection.platform {
        case .shopify:
            guard let externalID = record.externalID, let live = try connector(connection) as? any StoreReturning else {
                throw ShopdeskError(.invalid, "The shop's return for this exchange is missing.")
            }
            do { reference = "Shopify \(try await live.processExchange(externalID)["return_status"] ?? "")" } catch let error as CommerceError {
                throw ShopdeskError(.unavailable, "\(error)")
            }
        case .sandbox:
            let currency = found.order.total.currency
            let number = "\(found.order.number)-E\(record.id.rawValue)"
            let order = StoreOrder(
                id: "sandbox-exchange-\(record.id.rawValue)", number: number, email: found.order.email, phone: found.order.phone,
                customerRef: found.order.customerRef, createdAt: time, financialStatus: .paid, fulfillmentStatus: .unfulfilled, total: .zero(currency),
                lineItems: record.lines.enumerated().compactMap { index, line in
                    line.exchange.map { OrderLineItem(id: "sandbox-exchange-\(record.id.rawValue)-\(index)", title: $0.title, quantity: line.quantity,
                                                      unitPrice: $0.unitPrice ?? .zero(currency)) }
                },
                shippingAddress: found.order.shippingAddress, note: "Exchange for \(found.order.number)")
            try await importOrders([order], connection: connection)
            reference = number
        case .woocommerce, .csv:
            throw ShopdeskError(.invalid, "This shop cannot make the exchange's order from Shopdesk.")
        }
        let events = try await database.write { sql -> [DomainEvent] in
            guard let done = try await ReturnRepository.exchanged(id, workspaceID: workspaceID, ref: reference, now: time, in: sql) else { return [] }
            let automated = try await runReturnRules(.returnUpdated, done, time: time, in: sql)
            return try await EventLog.record([Self.returnEvent(.returnUpdated, done, actor: .agent(agentID), time: time, from: .received)] + automated, in: sql)
        }
        await publisher?.publish(events)
        return try await database.read { try await ReturnRepository.find(workspaceID: workspaceID, id: id, in: $0) } ?? record
    }

    /// A refund action went through: the return it closes (if any) is refunded, in the timeline.
    func returnRefunded(by action: OrderActionRecord, actor: EventActor) async throws {
        let time = now()
        let events = try await database.write { sql -> [DomainEvent] in
            guard let closed = try await ReturnRepository.refunded(byAction: action.id, workspaceID: action.workspaceID, now: time, in: sql) else { return [] }
            let automated = try await runReturnRules(.returnUpdated, closed, time: time, in: sql)
            return try await EventLog.record([Self.returnEvent(.returnUpdated, closed, actor: actor, time: time, from: .received)] + automated, in: sql)
        }
        await publisher?.publish(events)
    }

    /// The rules with a return trigger, on the return's conversation, in the caller's transaction;
    /// the events they made, to record with the return's own.
    func runReturnRules(_ trigger: RuleTrigger, _ record: ReturnRecord, time: Date, in sql: any SQLDatabase) async throws -> [DomainEvent] {
        guard let automation, let id = record.conversationID,
              var conversation = try await ConversationRepository.find(workspaceID: record.workspaceID, id: id, in: sql) else { return [] }
        return try await ConversationService.automate([RuleRunner.Event(trigger: trigger, returnFacts: ReturnFacts(record))], on: &conversation,
                                                      automation: automation, time: time, kind: database.kind, in: sql)
    }

    static func returnEvent(_ kind: DomainEventKind, _ record: ReturnRecord, actor: EventActor, time: Date, from: ReturnState? = nil) -> DomainEvent {
        var payload: [String: JSONValue] = [
            "return_id": .id(record.id), "order_id": .id(record.orderID), "order_number": .string(record.orderNumber),
            "items": .string(record.itemsSummary), "state": .string(record.state.rawValue), "origin": .string(record.origin.rawValue),
        ]
        if let from { payload["from"] = .string(from.rawValue); payload["to"] = .string(record.state.rawValue) }
        if let reason = record.declineReason, record.state == .declined { payload["reason"] = .string(reason) }
        return DomainEvent(workspaceID: record.workspaceID, conversationID: record.conversationID, kind: kind, actor: actor, payload: payload, occurredAt: time)
    }
}

/// The return stored inside the customer's ingest transaction, handed back out of it.
private final class ReturnBox: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: (ReturnRecord, [DomainEvent])?
    func set(_ record: ReturnRecord, _ events: [DomainEvent]) { lock.withLock { stored = (record, events) } }
    var value: (ReturnRecord, [DomainEvent])? { lock.withLock { stored } }
}
