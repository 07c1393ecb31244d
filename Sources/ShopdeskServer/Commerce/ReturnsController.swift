import Foundation
import HTTPTypes
import Hummingbird
import ShopdeskCommerce
import ShopdeskCore
import ShopdeskStore

/// Returns for agents: what an order can send back, opening a return for the customer, moving it
/// on, and refunding it when the parcel is in (an order action, under the approval limits).
struct ReturnsController {
    let services: AppServices
    var commerce: CommerceService { services.commerce }

    /// Bodies keep their snake_case keys as written (lines are stored as sent).
    struct OpenBody: Decodable {
        var lines: [ReturnLine]
        var conversationID: Int64?
        /// Images uploaded first (`POST /attachments`), e.g. the customer's photos sent by email.
        var photoIDs: [Int64]?
        enum CodingKeys: String, CodingKey { case lines; case conversationID = "conversation_id", photoIDs = "photo_ids" }
    }
    struct MoveBody: Decodable {
        var trackingNumber: String?
        var reason: String?
        enum CodingKeys: String, CodingKey { case reason; case trackingNumber = "tracking_number" }
    }
    struct RefundBody: Decodable {
        var shipping: Bool?
        var notifyCustomer: Bool?
        enum CodingKeys: String, CodingKey { case shipping; case notifyCustomer = "notify_customer" }
    }

    func register(_ api: APIRegistrar) {
        registerPolicy(api)
        api.on(.get, "/orders/{id}/returns", "The order's returns, how many of each line can still come back, and the shop's return rules",
               tag: "returns") { request, context in
            let order: OrderID = try request.id(context: context, "Order")
            let ws = context.workspaceID
            let options = try await commerce.returnOptions(workspaceID: ws, orderID: order)
            let (records, actions) = try await services.database.read { sql in
                (try await ReturnRepository.forOrder(order, workspaceID: ws, in: sql), try await OrderActionRepository.forOrder(order, workspaceID: ws, in: sql))
            }
            let refunds = Dictionary(actions.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            return OrderReturnsDTO(items: records.map { ReturnDTO($0, refund: $0.refundActionID.flatMap { refunds[$0] }) }, lines: options.order.order.lineItems.map { item in
                OrderReturnsDTO.Line(lineItemId: item.id, title: item.title, variant: item.variant, quantity: item.quantity,
                                     returnable: options.returnable[item.id] ?? 0, finalSale: options.finalSale.contains(item.id))
            }, policy: ReturnPolicyDTO(options.policy), refusal: options.refusal.map { "\($0)" }, refundInShop: options.refundInShop)
        }
        api.on(.post, "/orders/{id}/returns",
               "Open a return for the customer: {\"lines\": [{\"line_item_id\", \"quantity\", \"reason\", \"note\", \"exchange\": {\"variant_id\", \"title\"}}], \"conversation_id\"}; approved at once, on Shopify through its returns API; an exchange swaps every line",
               tag: "returns", role: .agent, body: "OpenBody", status: 201) { request, context in
            let order: OrderID = try request.id(context: context, "Order")
            let body: OpenBody = try await Self.decode(request, example: "{\"lines\": [{\"line_item_id\": \"…\", \"quantity\": 1, \"reason\": \"size_too_small\"}]}")
            var conversationID: ConversationID?
            if let raw = body.conversationID { conversationID = try await services.conversation(ConversationID(raw), context).id }
            var photos: [AttachmentID] = []
            for raw in (body.photoIDs ?? []).prefix(HelpReturns.maxPhotos) {
                let ws = context.workspaceID
                guard let file = try await services.database.read({ try await AttachmentRepository.find(workspaceID: ws, id: AttachmentID(raw), in: $0) }),
                      file.contentType.hasPrefix("image/") else {
                    throw Problem(.unprocessableContent, "Photo \(raw) is not an image uploaded to this workspace.", field: "photo_ids")
                }
                photos.append(file.id)
            }
            let record = try await commerce.openReturn(workspaceID: context.workspaceID, orderID: order, lines: body.lines, photos: photos,
                                                       by: .agent(context.agent.id, conversationID: conversationID))
            return Created(body: ReturnDTO(record))
        }
        api.on(.get, "/returns", "Returns, newest first; ?state=requested shows those waiting for a decision", tag: "returns",
               query: ["state", "before"]) { request, context in
            let state = try request.queryString("state").map { raw -> ReturnState in
                guard let state = ReturnState(rawValue: raw) else {
                    throw Problem(.unprocessableContent, "state is one of \(ReturnState.allCases.map(\.rawValue).joined(separator: ", ")).", field: "state")
                }
                return state
            }
            let before = request.queryString("before").flatMap(Int64.init).map(ReturnID.init)
            let ws = context.workspaceID
            let records = try await services.database.read { try await ReturnRepository.list(workspaceID: ws, state: state, before: before, limit: 50, in: $0) }
            return Page(items: records.map { ReturnDTO($0) }, nextCursor: records.count == 50 ? records.last.map { String($0.id.rawValue) } : nil)
        }
        api.on(.get, "/returns/{id}", "One return", tag: "returns") { request, context in
            ReturnDTO(try await find(request, context))
        }
        for (path, target, summary) in [("approve", ReturnState.approved, "Approve a requested return (the customer gets the instructions)"),
                                        ("decline", .declined, "Decline a requested return; {\"reason\"} is kept and shown"),
                                        ("sent", .inTransit, "The customer sent the parcel; {\"tracking_number\"}"),
                                        ("receive", .received, "The parcel arrived"),
                                        ("cancel", .cancelled, "Cancel a return that has not arrived")] {
            api.on(.post, "/returns/{id}/\(path)", summary, tag: "returns", role: .agent, body: "MoveBody") { request, context in
                let record = try await find(request, context)
                let body: MoveBody = try await Self.decode(request, example: "{}", allowEmpty: true)
                return ReturnDTO(try await commerce.moveReturn(workspaceID: context.workspaceID, id: record.id, to: target, agentID: context.agent.id,
                                                               trackingNumber: body.trackingNumber, declineReason: body.reason))
            }
        }
        api.on(.post, "/returns/{id}/mark-refunded", "A return of orders imported from CSV was refunded in the shop: record it (no money moves here)",
               tag: "returns", role: .agent) { request, context in
            let record = try await find(request, context)
            return ReturnDTO(try await commerce.markReturnRefunded(workspaceID: context.workspaceID, id: record.id, agentID: context.agent.id))
        }
        api.on(.post, "/returns/{id}/exchange",
               "Send an exchange whose parcel is in (a return not yet marked received is received first): on Shopify by processing its return, in the sandbox as a new order",
               tag: "returns", role: .agent) { request, context in
            let record = try await find(request, context)
            return ReturnDTO(try await commerce.exchangeReturn(workspaceID: context.workspaceID, id: record.id, agentID: context.agent.id))
        }
        api.on(.post, "/returns/{id}/refund",
               "Refund a return's items ({\"shipping\": true} adds the shipping) as an order action: needs an Idempotency-Key; above the approval threshold it waits for an admin",
               tag: "returns", role: .agent, body: "RefundBody") { request, context in
            let record = try await find(request, context)
            guard let key = request.headers[HTTPField.Name("Idempotency-Key")!] else {
                throw Problem(.badRequest, "Send an Idempotency-Key header (a new UUID per refund) so that a retry cannot refund twice.")
            }
            let body: RefundBody = try await Self.decode(request, example: "{\"shipping\": false}", allowEmpty: true)
            let (updated, action) = try await commerce.refundReturn(workspaceID: context.workspaceID, id: record.id, agentID: context.agent.id,
                                                                    role: context.agent.role, shipping: body.shipping ?? false,
                                                                    notifyCustomer: body.notifyCustomer ?? true, idempotencyKey: key)
            return ReturnRefundDTO(return: ReturnDTO(updated), action: OrderActionDTO(action))
        }
    }

    /// The shop's return rules: read by agents, set by admins.
    private func registerPolicy(_ api: APIRegistrar) {
        api.on(.get, "/stores/{id}/return-policy", "The shop's return rules (the standard ones until set)", tag: "returns") { request, context in
            ReturnPolicyDTO(try await store(request, context).settings.returns ?? .standard)
        }
        api.on(.put, "/stores/{id}/return-policy",
               "Set the shop's return rules: window_days, reasons, photo_reasons, non_returnable_tags, instructions by language, address",
               tag: "returns", role: .admin, body: "ReturnPolicy") { request, context in
            var connection = try await store(request, context)
            let policy = try Self.validated(try await Self.decode(request, example: "{\"window_days\": 30, \"reasons\": [\"size_too_small\"]}"))
            connection.settings.returns = policy
            let saved = connection
            try await services.database.write { try await StoreConnectionRepository.update(saved, now: Date(), in: $0) }
            return ReturnPolicyDTO(policy)
        }
    }

    static func validated(_ policy: ReturnPolicy) throws -> ReturnPolicy {
        var policy = policy
        guard (0...730).contains(policy.windowDays) else {
            throw Problem(.unprocessableContent, "The return window is 0 to 730 days.", field: "window_days")
        }
        guard !policy.reasons.isEmpty else { throw Problem(.unprocessableContent, "Offer at least one return reason.", field: "reasons") }
        policy.reasons = policy.reasons.reduce(into: []) { if !$0.contains($1) { $0.append($1) } }
        policy.nonReturnableTags = policy.nonReturnableTags.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard policy.nonReturnableTags.count <= 20, policy.nonReturnableTags.allSatisfy({ $0.count <= 40 }) else {
            throw Problem(.unprocessableContent, "At most 20 final-sale tags of up to 40 characters.", field: "non_returnable_tags")
        }
        var instructions: [String: String] = [:]
        for (language, text) in policy.instructions {
            let code = language.lowercased()
            guard code.count == 2, code.allSatisfy({ $0.isASCII && $0.isLetter }) else {
                throw Problem(.unprocessableContent, "Instructions are keyed by a two-letter language code such as pt.", field: "instructions")
            }
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard trimmed.count <= 2_000 else { throw Problem(.unprocessableContent, "Instructions have at most 2,000 characters.", field: "instructions") }
            if !trimmed.isEmpty { instructions[code] = trimmed }
        }
        policy.instructions = instructions
        policy.address = policy.address.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.flatMap { $0.isEmpty ? nil : $0 }
        guard (policy.address ?? "").count <= 500 else { throw Problem(.unprocessableContent, "The return address has at most 500 characters.", field: "address") }
        return policy
    }

    private func store(_ request: Request, _ context: AuthenticatedContext) async throws -> StoreConnection {
        try await services.load("Store connection", request, context) { try await StoreConnectionRepository.find(workspaceID: $0, id: $1, in: $2) }
    }

    private func find(_ request: Request, _ context: AuthenticatedContext) async throws -> ReturnRecord {
        try await services.load("Return", request, context) { try await ReturnRepository.find(workspaceID: $0, id: $1, in: $2) }
    }

    static func decode<T: Decodable>(_ request: Request, example: String, allowEmpty: Bool = false) async throws -> T {
        let buffer = try await request.body.collect(upTo: 64 * 1024)
        let data = buffer.readableBytes == 0 && allowEmpty ? Data("{}".utf8) : Data(buffer.readableBytesView)
        do {
            return try CommerceController.decoder.decode(T.self, from: data)
        } catch {
            throw Problem(.badRequest, "The body must be JSON such as \(example); reasons are \(ReturnReason.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
    }
}

struct ReturnDTO: ResponseEncodable {
    struct Exchange: Encodable { var variantId: String; var title: String }
    struct Line: Encodable { var lineItemId: String; var title: String; var quantity: Int; var reason: String; var note: String?; var exchange: Exchange? }
    var id: Int64
    var orderId: Int64
    var orderNumber: String
    var customerId: Int64?
    var conversationId: Int64?
    var state: String
    var next: [String]
    var lines: [Line]
    var photoIds: [Int64]
    var origin: String
    var agentId: Int64?
    var shopReturnId: String?
    var trackingNumber: String?
    var declineReason: String?
    var refundActionId: Int64?
    /// Where the refund stands (`awaiting_approval`, `done`, `failed`…) and why it failed, where
    /// the answer lists it (an order's returns).
    var refundState: String?
    var refundError: String?
    /// What the exchange became (the new order's number, or the shop's word).
    var exchangeRef: String?
    var createdAt: Date
    var updatedAt: Date

    init(_ record: ReturnRecord, refund: OrderActionRecord? = nil) {
        refundState = refund?.state.rawValue
        refundError = refund?.error
        id = record.id.rawValue; orderId = record.orderID.rawValue; orderNumber = record.orderNumber
        customerId = record.customerID?.rawValue; conversationId = record.conversationID?.rawValue
        state = record.state.rawValue; next = record.state.next.map(\.rawValue)
        lines = record.lines.map {
            Line(lineItemId: $0.lineItemID, title: $0.title, quantity: $0.quantity, reason: $0.reason.rawValue, note: $0.note,
                 exchange: $0.exchange.map { Exchange(variantId: $0.variantID, title: $0.title) })
        }
        photoIds = record.photos.map(\.rawValue); origin = record.origin.rawValue; agentId = record.agentID?.rawValue
        shopReturnId = record.externalID; trackingNumber = record.trackingNumber; declineReason = record.declineReason
        refundActionId = record.refundActionID?.rawValue; exchangeRef = record.exchangeRef; createdAt = record.createdAt; updatedAt = record.updatedAt
    }
}

struct ReturnPolicyDTO: ResponseEncodable {
    var windowDays: Int
    var reasons: [String]
    var photoReasons: [String]
    var nonReturnableTags: [String]
    var instructions: [String: String]
    var address: String?

    init(_ policy: ReturnPolicy) {
        windowDays = policy.windowDays; reasons = policy.reasons.map(\.rawValue); photoReasons = policy.photoReasons.map(\.rawValue)
        nonReturnableTags = policy.nonReturnableTags; instructions = policy.instructions; address = policy.address
    }
}

struct OrderReturnsDTO: ResponseEncodable {
    /// An order line and how many of it can still come back (a list: line ids are not JSON keys
    /// the snake-case encoder may touch).
    struct Line: Encodable { var lineItemId: String; var title: String; var variant: String?; var quantity: Int; var returnable: Int; var finalSale: Bool }
    var items: [ReturnDTO]
    var lines: [Line]
    var policy: ReturnPolicyDTO
    /// Why the customer could not return this order themselves now (an agent still may).
    var refusal: String?
    /// The shop's orders are read-only here (CSV): refunds are made in the shop and marked.
    var refundInShop: Bool
}

struct ReturnRefundDTO: ResponseEncodable {
    var `return`: ReturnDTO
    var action: OrderActionDTO
}
