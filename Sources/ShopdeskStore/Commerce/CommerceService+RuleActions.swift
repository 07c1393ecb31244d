import Foundation
import ShopdeskCommerce
import ShopdeskCore
import SQLKit

extension CommerceService {
    /// A rule's order action (tag the order, add a note), carried out by its job after the rule's
    /// transaction committed. No money moves, so no approval applies; the outcome is the rule's
    /// entry in the conversation's timeline (order_actions rows are agents' requests). A shop that
    /// cannot be reached throws, and the job tries again; tags added twice are still one tag.
    public func performForRule(workspaceID: WorkspaceID, orderID: OrderID, conversationID: ConversationID, ruleID: Int64,
                               action: OrderAction, key: String) async throws {
        let (order, connection) = try await loadOrder(workspaceID: workspaceID, orderID: orderID)
        var fresh: StoreOrder?
        var failure: String?
        switch connection.platform {
        case .shopify, .woocommerce:
            guard let live = try connector(connection) else { throw ShopdeskError(.invalid, "The connection has no credentials.") }
            do {
                fresh = try await live.perform(action, on: order.order, idempotencyKey: key).order
            } catch CommerceError.rejected(let why), CommerceError.unsupported(let why), CommerceError.invalid(let why) {
                failure = why
            }
        case .sandbox:
            do { fresh = try SandboxOrders.apply(action, to: order.order, at: now(), newID: key).order } catch let error as CommerceError { failure = "\(error)" }
        case .csv:
            failure = "Orders imported from CSV are read-only."
        }
        let time = now()
        let shown = fresh ?? order.order
        var payload: [String: JSONValue] = ["order_id": .id(order.id), "order_number": .string(shown.number), "kind": .string(action.kind),
                                            "summary": .string(action.summary(order: shown)), "state": .string(failure == nil ? "done" : "failed")]
        if let failure { payload["error"] = .string(failure) }
        let event = DomainEvent(workspaceID: workspaceID, conversationID: conversationID, kind: failure == nil ? .orderActionSucceeded : .orderActionFailed,
                                actor: .rule(ruleID), payload: payload, occurredAt: time)
        let changed = fresh
        let events = try await database.write { sql in
            if let fresh = changed {
                let (saved, _) = try await OrderRepository.upsert(fresh, connection: connection, customerID: nil, now: time, in: sql)
                if let customer = saved.customerID { try await OrderRepository.refreshSummary(customerID: customer, workspaceID: workspaceID, in: sql) }
            }
            return try await EventLog.record([event], in: sql)
        }
        await publisher?.publish(events)
    }

    /// A rule's cancellation of the customer's order (checked against its time limit when the
    /// rule fired): an order action asked by the rule, refunding and restocking, held to an
    /// agent's approval limits, run once per job (the job's key). The shop refusing is the
    /// action's outcome in the timeline, not a reason to try again.
    public func cancelForRule(workspaceID: WorkspaceID, orderID: OrderID, conversationID: ConversationID, ruleID: Int64, key: String) async throws {
        var input = OrderActionInput(kind: "cancel")
        input.reason = OrderAction.CancelReason.customer.rawValue
        input.refund = true
        input.restock = true
        input.notifyCustomer = true
        input.staffNote = "Cancelled by a Shopdesk rule at the customer's request."
        do {
            _ = try await requestAction(workspaceID: workspaceID, orderID: orderID, conversationID: conversationID, requester: .rule(ruleID),
                                        input: input, idempotencyKey: key)
        } catch let error as ShopdeskError where error.code == .invalid {
            // The order changed since the rule fired (shipped, cancelled): say so in the timeline.
            let time = now()
            let event = DomainEvent(workspaceID: workspaceID, conversationID: conversationID, kind: .orderActionFailed, actor: .rule(ruleID),
                                    payload: ["order_id": .id(orderID), "kind": .string("cancel"), "summary": .string("Cancel the order"),
                                              "state": .string("failed"), "error": .string(error.message)], occurredAt: time)
            let events = try await database.write { try await EventLog.record([event], in: $0) }
            await publisher?.publish(events)
        }
    }
}
