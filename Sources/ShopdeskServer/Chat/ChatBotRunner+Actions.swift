import Crypto
import Foundation
import ShopdeskCore
import ShopdeskMail
import ShopdeskStore

/// The bot acting for a customer: it finds the order from its number and email, verifies the
/// customer (and, where the shop's policy asks, emails a one-time code), checks the shop's bot
/// policy, asks what it needs (the new address, the items), proposes the change and acts only on
/// a yes — through the agents' order-action path, so the approval threshold and the idempotency
/// key hold. Anything it cannot settle goes to a person with a note of what it knows.
extension ChatBotRunner {
    /// What a turn needs to know about the conversation it answers in.
    struct TurnContext {
        let conversation: Conversation
        let language: String?
        /// The bot's first message in the conversation (it then says it is a bot).
        let first: Bool
        let wants: [String]

        func say(_ key: String, _ values: [String: String] = [:]) -> String {
            (first ? BotText.text("hello", language) : "") + BotText.text(key, language, values)
        }
    }

    /// One-time codes last this long, and this many wrong ones hand over.
    static let codeLifetime: TimeInterval = 600
    static let codeTries = 3

    /// What the workspace's shops let the bot do (the union: the order's own shop is checked once found).
    func allowedActions(workspaceID: WorkspaceID) async throws -> Set<BotPolicy.Action> {
        let connections = try await services.database.read { try await StoreConnectionRepository.list(workspaceID: workspaceID, in: $0) }
        return Set(connections.flatMap { $0.settings.bot?.actions ?? [] })
    }

    /// The order the customer named, for an action: verify, check the policy, then ask or act.
    func lookUpForAction(number: String, email: String, state: BotState, _ context: TurnContext) async throws -> (ConversationService.BotTurn, BotState) {
        let workspaceID = context.conversation.workspaceID
        guard let record = try await services.commerce.customerOrder(workspaceID: workspaceID, number: number, email: email) else {
            let (followUp, after) = ChatBot.afterLookup(state, found: false)
            if case .askForOrder = followUp {
                return (.init(say: context.say("notFound") + " " + BotText.text("askAgain", context.language), choices: ["person"], addTags: ["bot"]), after)
            }
            return (handOver("The order number and email did not match an order.", state: after, language: context.language, first: context.first,
                             wants: context.wants), after)
        }
        var state = state
        state.lookedUpOrder = true
        state.orderID = record.id.rawValue
        await claim(email, context)
        guard let action = state.pending else { return try await handOverTurn("The bot lost what the customer asked for.", state, context) }
        let policy = try await policy(for: record)
        if let refusal = policy.refusal(action, order: record.order) { return try await handOverTurn(refusal, state, context) }
        guard policy.verification == .code else {
            state.verified = true
            return try await begin(record, state: state, context)
        }
        return try await sendCode(to: email, order: record, state: state, context)
    }

    /// A decision taken while acting (the code, the address, the items, yes or no).
    func act(_ decision: ChatBot.Decision, state: BotState, _ context: TurnContext) async throws -> (ConversationService.BotTurn, BotState) {
        var state = state
        switch decision {
        case .checkCode(let code):
            guard let expires = state.codeExpiresAt, expires > Date() else { return try await handOverTurn("The one-time code expired.", state, context) }
            guard state.codeHash == Self.codeHash(code, conversationID: context.conversation.id) else {
                state.codeTries = (state.codeTries ?? 0) + 1
                guard state.codeTries ?? 0 < Self.codeTries else {
                    return try await handOverTurn("The one-time code was wrong \(Self.codeTries) times.", state, context)
                }
                return (.init(say: context.say("wrongCode"), choices: ["person"], addTags: ["bot"]), state)
            }
            state.verified = true
            state.codeHash = nil
            state.step = .start
            return try await begin(try await verifiedOrder(state, context), state: state, context)
        case .proposeAddress(var address):
            let record = try await verifiedOrder(state, context)
            address.name = record.order.shippingAddress?.name
            address.phone = record.order.shippingAddress?.phone
            do {
                try OrderAction.updateShippingAddress(address).validate(order: record.order)
            } catch {
                return try await handOverTurn("The new address cannot be used: \(error)", state, context)
            }
            state.address = address
            state.actionKey = Self.newKey(context)
            state.step = .awaitingConfirm
            return (.init(say: context.say("confirmAddress", ["number": record.order.number, "address": address.oneLine]), choices: BotText.confirmChoices,
                          addTags: ["bot"]), state)
        case .chooseItems(let positions):
            let record = try await verifiedOrder(state, context)
            let offered = state.offered ?? []
            let lines = positions.compactMap { offered.indices.contains($0) ? offered[$0] : nil }
            return propose(lines, order: record.order, state: state, context)
        case .confirmed:
            return try await carryOut(state, context)
        case .declined:
            return (.init(say: context.say("declined"), choices: BotText.quickReplies, addTags: ["bot"]), state)
        case .askAgain(let key):
            return (.init(say: context.say(key), choices: key == "askConfirm" ? BotText.confirmChoices : ["person"], addTags: ["bot"]), state)
        default:
            return try await handOverTurn("The bot lost track of the conversation.", state, context)
        }
    }

    /// The verified customer's order: propose the change, or ask what the change needs.
    private func begin(_ record: OrderRecord, state: BotState, _ context: TurnContext) async throws -> (ConversationService.BotTurn, BotState) {
        var state = state
        let order = record.order
        switch state.pending {
        case .cancel?:
            state.actionKey = Self.newKey(context)
            state.step = .awaitingConfirm
            return (.init(say: context.say("confirmCancel", ["number": order.number, "refund": refundSentence(order, context)]),
                          choices: BotText.confirmChoices, addTags: ["bot"]), state)
        case .changeAddress?:
            state.country = order.shippingAddress?.countryCode
            state.step = .awaitingAddress
            return (.init(say: context.say("askAddress", ["number": order.number, "current": order.shippingAddress?.oneLine ?? "—"]), choices: ["person"],
                          addTags: ["bot"]), state)
        case .startReturn?:
            let options = try await services.commerce.returnOptions(workspaceID: record.workspaceID, orderID: record.id)
            if let refusal = options.refusal { return try await handOverTurn(refusal.description, state, context) }
            // The customer's reason is theirs to give on the return itself; the bot asks for none, so
            // "unwanted" where the shop takes it, else the first reason that needs no photo.
            let withoutPhoto = options.policy.reasons.filter { !options.policy.photoReasons.contains($0) }
            guard let reason = withoutPhoto.contains(.unwanted) ? .unwanted : withoutPhoto.first else {
                return try await handOverTurn("Every return reason of the shop needs a photo; the bot cannot take one.", state, context)
            }
            let lines = order.lineItems.compactMap { item -> ReturnLine? in
                guard let count = options.returnable[item.id], count > 0, !options.finalSale.contains(item.id) else { return nil }
                return ReturnLine(lineItemID: item.id, title: item.title + (item.variant.map { " (\($0))" } ?? ""), quantity: count, reason: reason)
            }
            guard !lines.isEmpty else { return try await handOverTurn("Nothing of \(order.number) can be returned now.", state, context) }
            if lines.count == 1 { return propose(lines, order: order, state: state, context) }
            state.offered = lines
            state.step = .awaitingItems
            let list = lines.enumerated().map { "\($0.offset + 1). \($0.element.title)\($0.element.quantity > 1 ? " ×\($0.element.quantity)" : "")" }
            return (.init(say: context.say("askItems", ["number": order.number, "list": list.joined(separator: "\n")]), choices: ["person"], addTags: ["bot"]), state)
        case .resendTracking?:
            return try await resendTracking(record, state: state, context)
        case nil:
            return try await handOverTurn("The bot lost what the customer asked for.", state, context)
        }
    }

    private func propose(_ lines: [ReturnLine], order: StoreOrder, state: BotState, _ context: TurnContext) -> (ConversationService.BotTurn, BotState) {
        var state = state
        state.returnLines = lines
        state.actionKey = Self.newKey(context)
        state.step = .awaitingConfirm
        let items = lines.map { $0.quantity > 1 ? "\($0.title) ×\($0.quantity)" : $0.title }.joined(separator: ", ")
        return (.init(say: context.say("confirmReturn", ["number": order.number, "items": items]), choices: BotText.confirmChoices, addTags: ["bot"]), state)
    }

    /// The customer said yes: the order is read again and the policy checked again (it may have
    /// shipped meanwhile), then the action runs once under the key chosen when it was proposed.
    private func carryOut(_ state: BotState, _ context: TurnContext) async throws -> (ConversationService.BotTurn, BotState) {
        let record = try await verifiedOrder(state, context)
        guard let action = state.pending, let key = state.actionKey else { return try await handOverTurn("The bot lost what the customer asked for.", state, context) }
        if let refusal = try await policy(for: record).refusal(action, order: record.order) { return try await handOverTurn(refusal, state, context) }
        let order = record.order
        var input: OrderActionInput
        switch action {
        case .cancel:
            input = OrderActionInput(kind: "cancel")
            input.reason = OrderAction.CancelReason.customer.rawValue
            input.refund = order.refundable.minor > 0
            input.restock = true
            input.notifyCustomer = true
            input.staffNote = "Cancelled by the Shopdesk bot at the customer's request (verified: \(Self.verifiedBy(state)))."
        case .changeAddress:
            guard let address = state.address else { return try await handOverTurn("The bot lost the new address.", state, context) }
            input = OrderActionInput(kind: "update_address")
            input.address = address
        case .startReturn:
            do {
                let opened = try await services.commerce.openReturn(workspaceID: record.workspaceID, orderID: record.id, lines: state.returnLines ?? [], photos: [],
                                                                    by: .bot(conversationID: context.conversation.id, customerID: context.conversation.customerID))
                return done(action, summary: "Return of \(opened.itemsSummary) from \(order.number) requested", say: context.say("doneReturn", ["number": order.number]),
                            state: state, context)
            } catch let error as ShopdeskError {
                return try await handOverTurn("The return could not be opened: \(error.message)", state, context)
            }
        case .resendTracking:
            return try await resendTracking(record, state: state, context)
        }
        let outcome: OrderActionRecord
        do {
            outcome = try await services.commerce.requestAction(workspaceID: record.workspaceID, orderID: record.id, conversationID: context.conversation.id,
                                                                requester: .bot, input: input, idempotencyKey: key)
        } catch let error as ShopdeskError {
            return try await handOverTurn("The shop could not do it: \(error.message)", state, context)
        }
        switch outcome.state {
        case .done:
            let say = action == .cancel
                ? context.say("doneCancel", ["number": order.number, "refund": refundSentence(order, context)])
                : context.say("doneAddress", ["number": order.number, "address": state.address?.oneLine ?? ""])
            return done(action, summary: outcome.summary, say: say, state: state, context)
        case .awaitingApproval:
            var turn = handOver("\(outcome.summary) waits for an admin's approval: \(outcome.result["approval_reason"] ?? "above the approval threshold").",
                                state: state, language: context.language, first: context.first, wants: context.wants)
            turn.say = context.say("waitsApproval")
            return (turn, Self.handedOver(state))
        default:
            return try await handOverTurn("\(outcome.summary) did not go through: \(outcome.error ?? outcome.state.rawValue).", state, context)
        }
    }

    /// The tracking of the order, in the conversation and emailed to the order's address: by the
    /// shop itself where it can send its shipping confirmation again (Shopify, the sandbox), as an
    /// order action in the timeline like an agent's; otherwise from the workspace's mail inbox.
    private func resendTracking(_ record: OrderRecord, state: BotState, _ context: TurnContext) async throws -> (ConversationService.BotTurn, BotState) {
        var state = state
        let order = record.order
        let tracking = order.fulfillments.filter { $0.trackingNumber != nil }
            .map { [$0.carrier, $0.trackingNumber, $0.trackingURL].compactMap { $0 }.joined(separator: " ") }
        guard !tracking.isEmpty else {
            state.step = .awaitingFeedback
            state.answers += 1
            state.pending = nil
            let say = context.say("noTracking", ["number": order.number, "status": BotText.status(of: order, context.language)]) + "\n"
                + BotText.text("anythingElse", context.language)
            return (.init(say: say, choices: BotText.quickReplies, addTags: ["bot"]), state)
        }
        var lines = [context.say("tracking2", ["number": order.number, "tracking": tracking.joined(separator: "\n")])]
        if let address = order.email, try await shopSendsShippingConfirmation(record) {
            do {
                let outcome = try await services.commerce.requestAction(
                    workspaceID: record.workspaceID, orderID: record.id, conversationID: context.conversation.id, requester: .bot,
                    input: OrderActionInput(kind: "resend_tracking"), idempotencyKey: Self.newKey(context))
                if outcome.state == .done {
                    lines.append(BotText.text("doneTrackingShop", context.language, ["number": order.number, "email": Self.masked(address)]))
                    return done(.resendTracking, summary: outcome.summary, say: lines.joined(separator: "\n"), state: state, context)
                }
            } catch let error as ShopdeskError {
                services.logger.warning("The shop could not send its shipping confirmation again", metadata: ["error": "\(error.message)"])
            }
        }
        if let address = order.email, let inbox = try await mailInbox(workspaceID: record.workspaceID) {
            let language = context.language
            do {
                try await EmailSender(services: services).sendNotice(
                    from: inbox, to: EmailAddress(name: nil, address: address),
                    subject: BotText.text("trackingSubject", language, ["number": order.number]),
                    text: BotText.text("tracking2", language, ["number": order.number, "tracking": tracking.joined(separator: "\n")]))
                lines.append(BotText.text("doneTracking", language, ["number": order.number, "email": Self.masked(address)]))
            } catch {
                services.logger.warning("The bot could not email the tracking", metadata: ["error": "\(error)"])
            }
        }
        return done(.resendTracking, summary: "Tracking of \(order.number) sent", say: lines.joined(separator: "\n"), state: state, context)
    }

    /// The action is done: the customer is told, the conversation is resolved by it.
    private func done(_ action: BotPolicy.Action, summary: String, say: String, state: BotState, _ context: TurnContext) -> (ConversationService.BotTurn, BotState) {
        var state = state
        state.step = .awaitingFeedback
        state.answers += 1
        state.pending = nil
        state.actionKey = nil
        state.acted = (state.acted ?? []) + [summary]
        let text = say + "\n" + BotText.text("anythingElse", context.language)
        return (.init(say: text, choices: BotText.quickReplies,
                      event: (.botActed, ["action": .string(action.rawValue), "summary": .string(summary), "verified_by": .string(Self.verifiedBy(state))]),
                      addTags: ["bot-action"], removeTags: ["bot"], resolve: true), state)
    }

    private func sendCode(to email: String, order: OrderRecord, state: BotState, _ context: TurnContext) async throws -> (ConversationService.BotTurn, BotState) {
        var state = state
        guard let address = order.order.email, let inbox = try await mailInbox(workspaceID: order.workspaceID) else {
            return try await handOverTurn("The shop asks for an emailed code, and no inbox can send mail.", state, context)
        }
        var generator = SystemRandomNumberGenerator()
        let code = String(format: "%06d", Int.random(in: 0..<1_000_000, using: &generator))
        do {
            try await EmailSender(services: services).sendNotice(
                from: inbox, to: EmailAddress(name: nil, address: address), subject: BotText.text("codeSubject", context.language, ["code": code]),
                text: BotText.text("codeMail", context.language, ["code": code]))
        } catch {
            services.logger.warning("The bot could not email a one-time code", metadata: ["error": "\(error)"])
            return try await handOverTurn("The one-time code could not be emailed.", state, context)
        }
        state.codeHash = Self.codeHash(code, conversationID: context.conversation.id)
        state.codeExpiresAt = Date().addingTimeInterval(Self.codeLifetime)
        state.codeTries = 0
        state.step = .awaitingCode
        return (.init(say: context.say("codeSent", ["email": Self.masked(email)]), choices: ["person"], addTags: ["bot"]), state)
    }

    // MARK: helpers

    private func handOverTurn(_ reason: String, _ state: BotState, _ context: TurnContext) async throws -> (ConversationService.BotTurn, BotState) {
        (handOver(reason, state: state, language: context.language, first: context.first, wants: context.wants), Self.handedOver(state))
    }

    static func handedOver(_ state: BotState) -> BotState {
        var state = state
        state.step = .done
        state.handedOver = true
        state.codeHash = nil
        return state
    }

    private func verifiedOrder(_ state: BotState, _ context: TurnContext) async throws -> OrderRecord {
        guard state.verified == true, let id = state.orderID else { throw ShopdeskError(.conflict, "The bot has no verified order.") }
        let workspaceID = context.conversation.workspaceID
        guard let record = try await services.database.read({ try await OrderRepository.find(workspaceID: workspaceID, id: OrderID(id), in: $0) }) else {
            throw ShopdeskError.notFound("Order")
        }
        return record
    }

    private func policy(for record: OrderRecord) async throws -> BotPolicy {
        try await services.database.read { try await StoreConnectionRepository.find(workspaceID: record.workspaceID, id: record.connectionID, in: $0) }?
            .settings.bot ?? .off
    }

    /// Shopify emails its own shipping confirmation again on request, and the sandbox shop acts it
    /// out; WooCommerce's API cannot, and CSV orders are read-only.
    private func shopSendsShippingConfirmation(_ record: OrderRecord) async throws -> Bool {
        let platform = try await services.database.read {
            try await StoreConnectionRepository.find(workspaceID: record.workspaceID, id: record.connectionID, in: $0)
        }?.platform
        return platform == .shopify || platform == .sandbox
    }

    private func mailInbox(workspaceID: WorkspaceID) async throws -> Inbox? {
        try await services.database.read { try await InboxRepository.list(workspaceID: workspaceID, in: $0).first { $0.email?.smtp != nil } }
    }

    /// The number and the email matched: the customer is the shop's customer with that email,
    /// whose orders the agent then sees beside the conversation.
    func claim(_ email: String, _ context: TurnContext) async {
        do {
            try await CustomerService(database: services.database, publisher: services.hub)
                .claimEmail(email, for: context.conversation.customerID, workspaceID: context.conversation.workspaceID, actor: .system)
        } catch {
            services.logger.warning("The verified email could not be tied to the customer", metadata: ["error": "\(error)"])
        }
    }

    private func refundSentence(_ order: StoreOrder, _ context: TurnContext) -> String {
        guard order.refundable.minor > 0, order.financialStatus != .pending else { return "" }
        return BotText.text("refund", context.language, ["amount": "\(order.refundable.decimalString) \(order.total.currency)"])
    }

    static func codeHash(_ code: String, conversationID: ConversationID) -> String {
        SHA256.hash(data: Data("\(conversationID.rawValue):\(code)".utf8)).map { String(format: "%02x", $0) }.joined()
    }

    static func newKey(_ context: TurnContext) -> String { "bot-\(context.conversation.id.rawValue)-\(UUID().uuidString)" }

    static func verifiedBy(_ state: BotState) -> String { state.codeTries != nil ? "order number, email and an emailed code" : "order number and email" }

    /// "m•••@example.com": enough for the customer to know which address, not for a stranger to learn it.
    static func masked(_ email: String) -> String {
        let parts = email.split(separator: "@", maxSplits: 1)
        guard parts.count == 2, let first = parts[0].first else { return email }
        return "\(first)•••@\(parts[1])"
    }
}
