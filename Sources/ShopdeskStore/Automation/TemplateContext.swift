import Foundation
import ShopdeskCore
import SQLKit

/// The variables a macro or a rule's note can use, read from the conversation's rows.
/// `orders` lists the customer's orders oldest first, so `orders.last` is the latest one;
/// `returns` the same for their returns.
enum TemplateContext {
    static func build(conversation: Conversation, customer: Customer?, agent: Agent?, workspaceName: String,
                      reviewURL: String? = nil, orders: [StoreOrder] = [], returns: [ReturnRecord] = []) -> [String: TemplateValue] {
        [
            "customer": .object([
                "name": .text(customer?.name), "first_name": .text(firstName(customer?.name)), "last_name": .text(lastName(customer?.name)),
                "email": .text(customer?.email), "phone": .text(customer?.phone), "locale": .text(customer?.locale),
            ]),
            "conversation": .object([
                "number": .number(Decimal(conversation.number)), "subject": .text(conversation.subject),
                "status": .string(conversation.state.status.rawValue), "priority": .string(conversation.state.priority.rawValue),
                "language": .text(conversation.language), "intent": .text(conversation.intent),
                "created_at": .date(conversation.createdAt), "tags": .list(conversation.state.tags.sorted().map(TemplateValue.string)),
            ]),
            "agent": .object([
                "name": .text(agent?.name), "first_name": .text(firstName(agent?.name)), "email": .text(agent?.email),
            ]),
            "workspace": .object(["name": .string(workspaceName), "review_url": .text(reviewURL)]),
            "orders": .list(orders.sorted { $0.createdAt < $1.createdAt }.map(order)),
            "returns": .list(returns.sorted { $0.createdAt < $1.createdAt }.map(returned)),
        ]
    }

    /// One return as macros see it: `{{returns.last.number}}`, `{{returns.last.state}}`,
    /// `{{#each item in returns.last.items}}{{item.quantity}} × {{item.title}}{{/each}}`.
    static func returned(_ record: ReturnRecord) -> TemplateValue {
        .object([
            "number": .string("\(record.orderNumber)-R\(record.id.rawValue)"), "order_number": .string(record.orderNumber),
            "state": .string(record.state.rawValue), "created_at": .date(record.createdAt), "tracking_number": .text(record.trackingNumber),
            "decline_reason": .text(record.declineReason), "exchange": .text(record.exchangeRef),
            "items": .list(record.lines.map { line in
                .object(["title": .string(line.title), "quantity": .number(Decimal(line.quantity)), "reason": .string(line.reason.rawValue),
                         "exchange_for": .text(line.exchange?.title)])
            }),
        ])
    }

    /// One order as macros see it: `{{orders.last.number}}`, `{{orders.last.tracking_url}}`,
    /// `{{orders.last.total | money}}`, `{{#each item in orders.last.line_items}}`.
    static func order(_ order: StoreOrder) -> TemplateValue {
        let shipment = order.fulfillments.last
        return .object([
            "number": .string(order.number), "created_at": .date(order.createdAt),
            "status": .string(order.isCancelled ? "cancelled" : order.financialStatus.rawValue),
            "financial_status": .string(order.financialStatus.rawValue), "fulfillment_status": .string(order.fulfillmentStatus.rawValue),
            "cancelled": .bool(order.isCancelled),
            "total": .money(minor: order.total.minor, currency: order.total.currency),
            "refunded": .money(minor: order.refunded.minor, currency: order.refunded.currency),
            "tracking_number": .text(shipment?.trackingNumber), "tracking_url": .text(shipment?.trackingURL),
            "carrier": .text(shipment?.carrier), "ship_date": shipment?.createdAt.map(TemplateValue.date) ?? .null,
            "shipping_address": .text(order.shippingAddress?.oneLine),
            "line_items": .list(order.lineItems.map { item in
                .object(["title": .string(item.title), "variant": .text(item.variant), "quantity": .number(Decimal(item.quantity)),
                         "price": .money(minor: item.unitPrice.minor, currency: item.unitPrice.currency)])
            }),
        ])
    }

    /// The customer's recent orders (for templates that use them).
    static func orders(of customerID: CustomerID, workspaceID: WorkspaceID, in sql: any SQLDatabase) async throws -> [StoreOrder] {
        try await OrderRepository.forCustomer(customerID, workspaceID: workspaceID, limit: 10, in: sql).map(\.order)
    }

    /// Reads what a template needs for a conversation inside a transaction.
    static func load(conversation: Conversation, agentID: AgentID?, workspaceName: String, reviewURL: String?,
                     in sql: any SQLDatabase) async throws -> (context: [String: TemplateValue], customer: Customer?) {
        let customer = try await CustomerRepository.find(workspaceID: conversation.workspaceID, id: conversation.customerID, in: sql)
        let agent = try await agentID.asyncMap { try await AgentRepository.find(workspaceID: conversation.workspaceID, id: $0, in: sql) }
        let orders = try await orders(of: conversation.customerID, workspaceID: conversation.workspaceID, in: sql)
        let returns = try await ReturnRepository.forCustomer(conversation.customerID, workspaceID: conversation.workspaceID, in: sql)
        return (build(conversation: conversation, customer: customer, agent: agent, workspaceName: workspaceName, reviewURL: reviewURL,
                      orders: orders, returns: returns), customer)
    }

    static func environment(customer: Customer?, fallbackLocale: String?, timeZone: String) -> TemplateEnvironment {
        TemplateEnvironment(localeIdentifier: customer?.locale ?? fallbackLocale, timeZoneIdentifier: timeZone)
    }

    private static func firstName(_ name: String?) -> String? {
        name?.split(separator: " ").first.map(String.init)
    }

    private static func lastName(_ name: String?) -> String? {
        guard let parts = name?.split(separator: " "), parts.count > 1 else { return nil }
        return parts.dropFirst().joined(separator: " ")
    }
}
