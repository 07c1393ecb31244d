import Foundation
import Logging
import ShopdeskCore
import ShopdeskIntelligence
import ShopdeskStore

/// Carries out the chat bot's decisions (`ChatBot`) for a visitor's message: finds the best
/// help-center article, looks orders up, writes the bot's turn, hands over with a note that
/// tells the agent what the customer wants and what the bot already did.
///
/// Runs after the visitor's message is committed, before the widget gets its answer (so the
/// bot's reply is there when the widget catches up): a failure here loses nothing, the
/// conversation is simply left to people (and logged).
struct ChatBotRunner {
    let services: AppServices

    /// A chat visitor's message, answered before the widget gets its answer.
    func respond(to text: String, conversationID: ConversationID, visitor: ChatVisitor) async {
        do {
            try await run(text: text, conversationID: conversationID, workspaceID: visitor.workspaceID, inboxID: visitor.inboxID,
                          knownEmail: visitor.email, deliver: false)
        } catch {
            services.logger.warning("The chat bot could not answer conversation \(conversationID): \(error)")
        }
    }

    /// A customer's message on a messaging channel (the `bot.reply` job queued with it): the
    /// bot's answer goes out through the channel's send job. A message the bot has already
    /// answered (a job run again after a crash) is not answered twice; a rule's automatic reply
    /// (the team is away) does not count as the bot's answer.
    func respond(toMessage messageID: MessageID, conversationID: ConversationID, workspaceID: WorkspaceID) async throws {
        let (message, answered, conversation) = try await services.database.read { sql in
            (try await MessageRepository.find(workspaceID: workspaceID, id: messageID, in: sql),
             try await sql.raw("""
                SELECT 1 AS found FROM messages WHERE workspace_id = \(bind: workspaceID.rawValue) AND conversation_id = \(bind: conversationID.rawValue)
                  AND direction = 'outbound' AND bot IS NOT NULL AND id > \(bind: messageID.rawValue) LIMIT 1
                """).first() != nil,
             try await ConversationRepository.find(workspaceID: workspaceID, id: conversationID, in: sql))
        }
        guard let message, message.direction == .inbound, !answered, let conversation else { return }
        try await run(text: message.text, conversationID: conversationID, workspaceID: workspaceID, inboxID: conversation.inboxID,
                      knownEmail: nil, deliver: true)
    }

    private func run(text: String, conversationID: ConversationID, workspaceID: WorkspaceID, inboxID: InboxID, knownEmail: String?,
                     deliver: Bool) async throws {
        let conversations = services.conversations
        let context = try await conversations.botContext(workspaceID: workspaceID, conversationID: conversationID)
        guard !context.agentWrote else { return }
        var state: BotState
        if let stored = context.state {
            state = stored
        } else {
            // The bot takes a conversation only from its first message, and only when its inbox says so now.
            guard context.messages == 1, try await botActive(inboxID: inboxID, workspaceID: workspaceID) else { return }
            state = BotState()
        }
        guard state.step != .done else { return }
        let (conversation, lastIntent, customerEmail, customerTexts) = try await services.database.read { sql in
            let conversation = try await ConversationRepository.find(workspaceID: workspaceID, id: conversationID, in: sql)
            let intent = try await MessageRepository.lastInboundIntent(conversationID: conversationID, in: sql)
            let email = try await conversation.asyncMap { try await CustomerRepository.find(workspaceID: workspaceID, id: $0.customerID, in: sql)?.email }
            let texts = try await sql.raw("""
                SELECT text FROM messages WHERE workspace_id = \(bind: workspaceID.rawValue) AND conversation_id = \(bind: conversationID.rawValue)
                  AND direction = 'inbound' ORDER BY id LIMIT 50
                """).all().map { try $0.decode(column: "text", as: String.self) }
            return (conversation, intent, email ?? nil, texts)
        }
        // Spam is answered by nobody, the bot included.
        guard let conversation, conversation.state.status != .spam else { return }
        let language = conversation.language.map { String($0.prefix(2)) }
        let article = try await bestArticle(text, language: language ?? "en", workspaceID: workspaceID)
        let allowed = try await allowedActions(workspaceID: workspaceID)
        let (decision, next) = ChatBot.decide(state, text: text, intent: lastIntent, article: article, knownEmail: knownEmail ?? customerEmail,
                                              allowed: allowed)
        let turnContext = TurnContext(conversation: conversation, language: language, first: context.state == nil, wants: Summarizer.wants(customerTexts))
        try await carry(decision, state: next, turnContext, deliver: deliver)
    }

    private func carry(_ decision: ChatBot.Decision, state: BotState, _ context: TurnContext, deliver: Bool) async throws {
        let (first, language, conversation, wants) = (context.first, context.language, context.conversation, context.wants)
        let say = { (key: String, values: [String: String]) in context.say(key, values) }
        let turn: ConversationService.BotTurn?
        var state = state
        switch decision {
        case .silent:
            turn = nil
        case .lookUpOrder(let number, let email) where state.pending != nil:
            (turn, state) = try await lookUpForAction(number: number, email: email, state: state, context)
        case .checkCode, .proposeAddress, .chooseItems, .confirmed, .declined, .askAgain:
            (turn, state) = try await act(decision, state: state, context)
        case .answer(let article):
            let body = [say("answer", [:]), article.title + (article.url.map { "\n" + $0 } ?? ""), article.snippet + "…", BotText.text("helped?", language)]
            turn = .init(say: body.joined(separator: "\n\n"), choices: BotText.quickReplies, event: (.botAnswered, ["kind": .string("article"), "article": .string(article.title)]),
                         addTags: ["bot"])
        case .askForOrder(let again):
            turn = .init(say: say(again ? "askAgain" : "askOrder", [:]), choices: ["person"], addTags: ["bot"])
        case .lookUpOrder(let number, let email):
            let order = try await services.commerce.track(workspaceID: conversation.workspaceID, number: number, email: email)
            let (followUp, after) = ChatBot.afterLookup(state, found: order != nil)
            state = after
            if let order {
                await claim(email, context)
                var lines = [say("order", ["number": order.number, "status": BotText.status(of: order, language)])]
                for shipment in order.fulfillments where shipment.trackingNumber != nil {
                    let tracking = [shipment.carrier, shipment.trackingNumber, shipment.trackingURL].compactMap { $0 }.joined(separator: " ")
                    lines.append(BotText.text("tracking", language, ["tracking": tracking]))
                }
                lines.append(BotText.text("anythingElse", language))
                turn = .init(say: lines.joined(separator: "\n"), choices: BotText.quickReplies,
                             event: (.botAnswered, ["kind": .string("order"), "order": .string(order.number)]), addTags: ["bot"])
            } else if case .askForOrder = followUp {
                turn = .init(say: say("notFound", [:]) + " " + BotText.text("askAgain", language), choices: ["person"], addTags: ["bot"])
            } else {
                turn = handOver("The order number and email did not match an order.", state: state, language: language, first: first, wants: wants)
            }
        case .handOver(let reason):
            turn = handOver(reason, state: state, language: language, first: first, wants: wants)
        case .resolve:
            state.resolved = true
            turn = .init(say: BotText.text("resolved", language), event: (.botResolved, ["intent": state.intent.map(JSONValue.string) ?? .null]),
                         addTags: ["deflected"], removeTags: ["bot"], resolve: true)
        }
        guard var turn else { return }
        turn.deliver = deliver
        try await services.conversations.botTurn(turn, state: state, workspaceID: conversation.workspaceID, conversationID: conversation.id)
    }

    /// The handover: a message to the customer, a note for the agent with what the bot knows.
    func handOver(_ reason: String, state: BotState, language: String?, first: Bool, wants: [String]) -> ConversationService.BotTurn {
        var note = ["🤖 The bot handed this chat over: \(reason)"]
        if !wants.isEmpty { note.append("The customer wants: " + wants.map { "“\($0)”" }.joined(separator: " ")) }
        if let intent = state.intent { note.append("Detected intent: \(intent.replacingOccurrences(of: "_", with: " ")).") }
        if !state.articles.isEmpty { note.append("Articles offered: \(state.articles.joined(separator: "; ")).") }
        if state.lookedUpOrder { note.append(state.verified == true ? "The customer proved the order theirs (\(Self.verifiedBy(state)))."
                                                                    : "The customer's order was looked up and its status shown.") }
        if let acted = state.acted, !acted.isEmpty { note.append("The bot did: \(acted.joined(separator: "; ")).") }
        return .init(say: (first ? BotText.text("hello", language) : "") + BotText.text("handOver", language), note: note.joined(separator: "\n"),
                     event: (.botHandedOver, ["reason": .string(reason), "intent": state.intent.map(JSONValue.string) ?? .null]),
                     addTags: ["bot-handover"], removeTags: ["bot"])
    }

    private func bestArticle(_ text: String, language: String, workspaceID: WorkspaceID) async throws -> ChatBot.Article? {
        let library = try await services.helpLibraries.library(for: workspaceID, database: services.database)
        guard let hit = library.search(text, language: language, limit: 1).first else { return nil }
        let base = services.config.publicURL.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 } ?? "http://\(services.config.host):\(services.config.port)"
        let url = library.slug.map { base + HelpPages.articlePath(slug: $0, language: hit.language, id: hit.article.id, titleSlug: hit.translation.slug) }
        return ChatBot.Article(title: hit.translation.title, url: url, snippet: String(Markdown.plainText(hit.translation.body).prefix(220)), score: hit.score)
    }

    /// Whether the inbox's bot takes new conversations now: a chat inbox by its own opening
    /// hours, a messaging inbox by the workspace's business hours.
    private func botActive(inboxID: InboxID, workspaceID: WorkspaceID) async throws -> Bool {
        guard let inbox = try await services.database.read({ try await InboxRepository.find(workspaceID: workspaceID, id: inboxID, in: $0) }) else {
            return false
        }
        let mode = inbox.chat?.bot ?? inbox.channel?.bot ?? .off
        switch mode {
        case .off: return false
        case .always: return true
        case .businessHours, .outsideBusinessHours:
            let open: Bool
            if inbox.chat != nil {
                open = try await services.chat.availability(of: inbox).open
            } else {
                let automation = services.conversations.automation
                open = try await services.database.read { try await automation.book(for: workspaceID, in: $0) }.calendar.isOpen(at: Date())
            }
            return mode == .businessHours ? open : !open
        }
    }
}
