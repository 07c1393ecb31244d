import Foundation
import HTTPTypes
import Hummingbird
import ShopdeskCommerce
import ShopdeskCore
import ShopdeskStore

/// Orders beside conversations and the actions agents take on them.
struct CommerceController {
    let services: AppServices
    var commerce: CommerceService { services.commerce }

    struct OrdersAnswer: ResponseEncodable {
        var items: [OrderDTO]
        /// Shops that could not be read just now; the stored orders are shown.
        var problems: [String]
    }

    struct ActionBody: Decodable {
        var conversationId: Int64?
    }

    /// An edit of an order's items, in the order actions' own keys.
    struct EditBody: Decodable {
        var changes: [OrderEditRequest.Change]?
        var additions: [OrderEditRequest.Addition]?
    }

    func register(_ api: APIRegistrar) {
        StoreConnectionRoutes(services: services).register(api)
        ShopifyInstallRoutes(services: services).register(api)
        ReturnsController(services: services).register(api)
        BotPolicyRoutes(services: services).register(api)
        CampaignsController(services: services).register(api)
        api.on(.get, "/customers/{id}/orders", "The customer's orders from every connected shop, newest first (refresh=true asks the shops now)",
               tag: "commerce", query: ["refresh"]) { request, context in
            let customerID: CustomerID = try request.id(context: context, "Customer")
            let answer = try await commerce.orders(workspaceID: context.workspaceID, customerID: customerID,
                                                   refresh: request.queryString("refresh") == "true")
            return OrdersAnswer(items: answer.orders.map { OrderDTO($0) }, problems: answer.problems)
        }
        api.on(.get, "/orders", "Find an order by its number (#1001 or 1001)", tag: "commerce", query: ["number"]) { request, context in
            guard let number = request.queryString("number"), !number.isEmpty else {
                throw Problem(.unprocessableContent, "Give the order number as ?number=1001.", field: "number")
            }
            let ws = context.workspaceID
            guard let record = try await services.database.read({ try await OrderRepository.find(workspaceID: ws, number: number, in: $0) }) else {
                throw Problem(.notFound, "No order \(number) is known; is its shop connected?")
            }
            return OrderDTO(record)
        }
        api.on(.get, "/orders/{id}", "One order with the actions taken on it", tag: "commerce") { request, context in
            let record = try await order(request, context)
            let ws = context.workspaceID
            let actions = try await services.database.read { try await OrderActionRepository.forOrder(record.id, workspaceID: ws, in: $0) }
            return OrderDTO(record, actions: actions)
        }
        api.on(.post, "/orders/{id}/actions",
               "Act on an order: cancel, refund, update_address, add_note, add_tags, create_discount. Needs an Idempotency-Key header; the same key returns the first result. Above the shop's approval threshold an agent's request waits for an admin.",
               tag: "commerce", role: .agent, body: "OrderActionInput", status: 201) { request, context in
            let record = try await order(request, context)
            guard let key = request.headers[HTTPField.Name("Idempotency-Key")!] else {
                throw Problem(.badRequest, "Send an Idempotency-Key header (a new UUID per action) so that a retry cannot act twice.")
            }
            let buffer = try await request.body.collect(upTo: 64 * 1024)
            let data = Data(buffer.readableBytesView)
            let input: OrderActionInput
            let body: ActionBody
            do {
                input = try Self.decoder.decode(OrderActionInput.self, from: data)
                body = try APIJSON.decoder().decode(ActionBody.self, from: data)
            } catch {
                throw Problem(.badRequest, "The body must be a JSON order action such as {\"kind\": \"refund\", \"amount\": \"10.00\"}.")
            }
            var conversationID: ConversationID?
            if let raw = body.conversationId {
                conversationID = try await services.conversation(ConversationID(raw), context).id
            }
            let before = try await services.database.read { [ws = context.workspaceID] in try await OrderActionRepository.find(workspaceID: ws, key: key, in: $0) }
            let action = try await commerce.requestAction(workspaceID: context.workspaceID, orderID: record.id, conversationID: conversationID,
                                                          agentID: context.agent.id, role: context.agent.role, input: input, idempotencyKey: key)
            return Created(body: OrderActionDTO(action), status: before == nil ? .created : .ok)
        }
        api.on(.post, "/orders/{id}/refund-preview",
               "The money a refund would return, computed as the shop computes it (Shopify's suggested refund, with discounts and taxes); nothing is sent",
               tag: "commerce", role: .agent, body: "OrderActionInput") { request, context in
            let record = try await order(request, context)
            let buffer = try await request.body.collect(upTo: 64 * 1024)
            guard let input = try? Self.decoder.decode(OrderActionInput.self, from: Data(buffer.readableBytesView)), input.kind == "refund" else {
                throw Problem(.badRequest, "The body must be a JSON refund such as {\"kind\": \"refund\", \"lines\": [{\"line_item_id\": \"…\", \"quantity\": 1}]}.")
            }
            guard case .refund(let refund) = try CommerceService.invalidAsProblem({ try input.action(for: record.order) }) else {
                throw Problem(.badRequest, "Only refunds have a preview.")
            }
            let preview = try await commerce.refundPreview(workspaceID: context.workspaceID, orderID: record.id, request: refund)
            return RefundPreviewDTO(amount: preview.amount.decimalString, currency: preview.amount.currency, computedBy: preview.computedBy)
        }
        api.on(.post, "/orders/{id}/edit-preview",
               "The order's total after changing its items ({\"changes\": [{\"line_item_id\", \"quantity\"}], \"additions\": [{\"variant_id\", \"title\", \"quantity\"}]}), as the shop computes it; nothing is saved",
               tag: "commerce", role: .agent, body: "EditBody") { request, context in
            let record = try await order(request, context)
            let buffer = try await request.body.collect(upTo: 64 * 1024)
            guard let input = try? Self.decoder.decode(EditBody.self, from: Data(buffer.readableBytesView)) else {
                throw Problem(.badRequest, "The body must be JSON such as {\"changes\": [{\"line_item_id\": \"…\", \"quantity\": 1}]}.")
            }
            let edit = OrderEditRequest(changes: input.changes ?? [], additions: input.additions ?? [])
            let preview = try await commerce.editPreview(workspaceID: context.workspaceID, orderID: record.id, edit: edit)
            return EditPreviewDTO(totalBefore: preview.before, totalAfter: preview.after,
                                  difference: Amount(minor: preview.after.minor - preview.before.minor, currency: preview.after.currency),
                                  computedBy: preview.computedBy)
        }
        api.on(.get, "/orders/{id}/products", "Variants the order's shop sells whose name or SKU matches q, to add to the order",
               tag: "commerce", query: ["q"]) { request, context in
            let record = try await order(request, context)
            let found = try await commerce.variants(workspaceID: context.workspaceID, orderID: record.id, query: request.queryString("q") ?? "",
                                                    sandboxCatalogue: DemoStore.variants)
            return Page(items: found.map { VariantDTO(id: $0.id, title: $0.title, price: $0.price, sku: $0.sku, available: $0.available) }, nextCursor: nil)
        }
        api.on(.get, "/order-actions", "Order actions waiting for an admin's approval", tag: "commerce", role: .admin) { _, context in
            let ws = context.workspaceID
            let (records, rules) = try await services.database.read { sql in
                (try await OrderActionRepository.awaitingApproval(workspaceID: ws, in: sql), try await RuleRepository.list(workspaceID: ws, in: sql))
            }
            // A rule's request says which rule asked, by its name.
            let names = Dictionary(rules.map { ($0.id, $0.definition.name) }, uniquingKeysWith: { first, _ in first })
            return Page(items: records.map { record in
                var dto = OrderActionDTO(record)
                dto.ruleName = record.ruleID.flatMap { names[$0] }
                return dto
            }, nextCursor: nil)
        }
        api.on(.post, "/order-actions/{id}/approve", "Approve a waiting order action; it runs now, once", tag: "commerce", role: .admin) { request, context in
            let id: OrderActionID = try request.id(context: context, "Order action")
            return OrderActionDTO(try await commerce.approve(workspaceID: context.workspaceID, actionID: id, adminID: context.agent.id))
        }
        api.on(.post, "/order-actions/{id}/reject", "Turn a waiting order action down", tag: "commerce", role: .admin) { request, context in
            let id: OrderActionID = try request.id(context: context, "Order action")
            return OrderActionDTO(try await commerce.reject(workspaceID: context.workspaceID, actionID: id, adminID: context.agent.id))
        }
        api.on(.get, "/reports/revenue", "Revenue from orders placed within the attribution window after an agent's reply, per agent and currency",
               tag: "commerce", query: ["from", "to"]) { request, context in
            let to = try request.queryString("to").map(Self.date) ?? Date()
            let from = try request.queryString("from").map(Self.date) ?? to.addingTimeInterval(-30 * 86_400)
            let report = try await commerce.revenue(workspaceID: context.workspaceID, from: from, to: to)
            return RevenueDTO(report, from: from, to: to)
        }
        api.onPublic(.post, "/stores/{id}/webhooks", "A shop's webhook (Shopify or WooCommerce), verified by its signature over the raw body",
                     tag: "commerce", body: "binary") { request, context in
            let id: StoreConnectionID = try request.id(context: context, "Store connection")
            return try await StoreWebhookReceiver(services: services).receive(request, connectionID: id)
        }
    }

    /// Order actions are decoded with their own snake_case keys (they are stored and replayed as sent).
    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()

    static func date(_ text: String) throws -> Date {
        guard let date = Timestamps.parse(text) else { throw Problem(.unprocessableContent, "\"\(text)\" is not an ISO 8601 time.") }
        return date
    }

    private func order(_ request: Request, _ context: AuthenticatedContext) async throws -> OrderRecord {
        try await services.load("Order", request, context) { try await OrderRepository.find(workspaceID: $0, id: $1, in: $2) }
    }
}

struct EditPreviewDTO: ResponseEncodable {
    var totalBefore: Amount
    var totalAfter: Amount
    /// After minus before: more for the customer to pay, or (negative) to refund.
    var difference: Amount
    var computedBy: String
}

struct VariantDTO: Encodable { var id: String; var title: String; var price: Amount?; var sku: String?; var available: Int? }

struct RevenueDTO: ResponseEncodable {
    struct Line: Encodable { var agentId: Int64?; var currency: String; var orders: Int; var amount: Amount }
    struct Credit: Encodable { var orderId: Int64; var number: String; var conversationId: Int64; var agentId: Int64?; var amount: Amount; var placedAt: Date }
    var from: Date
    var to: Date
    var lines: [Line]
    var recent: [Credit]

    init(_ report: RevenueReport, from: Date, to: Date) {
        self.from = from
        self.to = to
        lines = report.lines.map { Line(agentId: $0.agentID?.rawValue, currency: $0.currency, orders: $0.orders, amount: Amount(minor: $0.amountMinor, currency: $0.currency)) }
        recent = report.recent.map { Credit(orderId: $0.orderID.rawValue, number: $0.number, conversationId: $0.conversationID.rawValue,
                                            agentId: $0.agentID?.rawValue, amount: $0.amount, placedAt: $0.placedAt) }
    }
}
