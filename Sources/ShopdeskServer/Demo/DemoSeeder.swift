import Foundation
import ShopdeskCore
import ShopdeskStore

/// Fills a workspace with a believable shop: agents, teams, an API inbox, customers writing in
/// English, Portuguese, Russian and Croatian, and conversations in every status. Deterministic
/// for a given seed; every message takes the real ingest and reply paths.
public struct DemoSeeder {
    public struct Result: Sendable {
        public var workspaceID: WorkspaceID
        public var ownerEmail: String
        public var conversations: Int
        public var customers: Int
        /// The demo's chat inbox, for the sample shop page.
        public var widgetKey: String
    }

    let database: Database
    let passwordHasher: PasswordHasher

    public init(database: Database, passwordHasher: PasswordHasher) {
        self.database = database
        self.passwordHasher = passwordHasher
    }

    public func seed(ownerPassword: String, customers customerCount: Int = 300, conversations conversationCount: Int = 1000,
                     seed: UInt64 = 2026) async throws -> Result {
        var random = SeededGenerator(seed: seed)
        let hash = try await passwordHasher.hash(ownerPassword)
        let now = Date()
        let (workspace, owner, agents, inbox, chat, team) = try await database.write { sql in
            let workspace = try await WorkspaceRepository.create(name: "Demo Shop", timeZone: "Europe/Zagreb", now: now, in: sql)
            let owner = try await AgentRepository.create(workspaceID: workspace.id, email: "owner@demo.shopdesk.test", name: "Demo Owner",
                                                         role: .owner, passwordHash: hash, locale: "en", now: now, in: sql)
            var agents = [owner]
            for (name, email, locale) in [("Ana Horvat", "ana@demo.shopdesk.test", "hr"), ("João Silva", "joao@demo.shopdesk.test", "pt-BR"),
                                          ("Olga Ivanova", "olga@demo.shopdesk.test", "ru"), ("Emma Clark", "emma@demo.shopdesk.test", "en")] {
                agents.append(try await AgentRepository.create(workspaceID: workspace.id, email: email, name: name, role: .agent,
                                                               passwordHash: hash, locale: locale, now: now, in: sql))
            }
            var team = try await TeamRepository.create(workspaceID: workspace.id, name: "Returns & refunds", now: now, in: sql)
            team.memberIDs = [agents[1].id, agents[2].id]
            try await TeamRepository.update(team, in: sql)
            let inbox = try await InboxRepository.create(workspaceID: workspace.id, kind: .api, name: "Website", webhookURL: nil,
                                                         secret: Secrets.token(prefix: "sdi_"), now: now, in: sql)
            try await InboxRepository.setMembers(of: inbox.id, workspaceID: inbox.workspaceID, to: agents.map(\.id), in: sql)
            let chat = try await InboxRepository.create(
                workspaceID: workspace.id, kind: .chat, name: "Site chat", webhookURL: nil, secret: Secrets.token(prefix: "sdi_"), now: now,
                chat: ChatSettings(greeting: "Hi! Ask us about your order, returns or sizes.", color: "#1d6b4f", bot: .always),
                widgetKey: Secrets.token(prefix: "sdw_", bytes: 16), in: sql)
            try await InboxRepository.setMembers(of: chat.id, workspaceID: chat.workspaceID, to: agents.map(\.id), in: sql)
            return (workspace, owner, agents, inbox, chat, team)
        }

        struct DemoCustomer { var name: String; var email: String; var language: DemoPhrases.Language }
        var customers: [DemoCustomer] = []
        for index in 0..<customerCount {
            let language = DemoPhrases.all[index % DemoPhrases.all.count]
            let first = language.firstNames.randomElement(using: &random)!
            let last = language.lastNames.randomElement(using: &random)!
            let local = SearchText.fold(first + "." + last).filter { $0.isLetter || $0 == "." }
            customers.append(DemoCustomer(name: "\(first) \(last)", email: "\(local).\(index)@\(language.domain)", language: language))
        }

        // Oldest first, so later messages of the same customer thread into their conversations.
        let span: TimeInterval = 30 * 24 * 3600
        var plans: [(offset: TimeInterval, customer: DemoCustomer, phrase: Int, order: Int, fate: Int, agent: Agent, reply: Bool)] = []
        for _ in 0..<conversationCount {
            let customer = customers.randomElement(using: &random)!
            plans.append((Double.random(in: 0..<span, using: &random), customer,
                          Int.random(in: 0..<customer.language.messages.count, using: &random), Int.random(in: 1000...9999, using: &random),
                          Int.random(in: 0..<100, using: &random), agents.randomElement(using: &random)!, Bool.random(using: &random)))
        }
        plans.sort { $0.offset > $1.offset }
        // A customer's earlier conversations are history (resolved); only their latest may be
        // active, so each plan starts its own conversation instead of threading into an open one.
        var latest: [String: Int] = [:]
        for (index, plan) in plans.enumerated() { latest[plan.customer.email] = index }
        for index in plans.indices where latest[plans[index].customer.email] != index {
            plans[index].fate = 60 + plans[index].fate % 30
        }
        var created = 0
        for plan in plans {
            let at = now.addingTimeInterval(-plan.offset)
            let service = ConversationService(database: database, publisher: nil, now: { at })
            let phrase = plan.customer.language.messages[plan.phrase]
            let text = phrase.text.replacingOccurrences(of: "#{order}", with: "#\(plan.order)")
            let result = try await service.ingest(InboundMessage(
                inboxID: inbox.id, channelMessageID: nil,
                customer: CustomerIdentity(name: plan.customer.name, email: plan.customer.email),
                subject: phrase.subject, text: text, receivedAt: at), workspaceID: workspace.id)
            if result.createdConversation { created += 1 }
            try await shape(result.conversationID, plan: (plan.fate, plan.agent, plan.reply, plan.order), phrase: phrase.tags,
                            language: plan.customer.language, at: at, workspaceID: workspace.id)
        }
        // A phishing attempt from a stranger: the real ingest path puts it in the Spam view.
        let hourAgo = now.addingTimeInterval(-3600)
        _ = try await ConversationService(database: database, publisher: nil, now: { hourAgo }).ingest(InboundMessage(
            inboxID: inbox.id, channelMessageID: nil, customer: CustomerIdentity(name: "Account Security", email: "security@account-alerts.example"),
            subject: "Action required: account suspended",
            text: "Your account will be suspended today. Verify your account at http://203.0.113.7/verify to keep it.", receivedAt: hourAgo),
            workspaceID: workspace.id)
        _ = owner
        try await DemoStore.install(workspaceID: workspace.id, mentions: plans.map {
            DemoStore.Mention(email: $0.customer.email, number: $0.order, at: now.addingTimeInterval(-$0.offset), fate: $0.fate)
        }, database: database, now: now)
        try await DemoHelpCenter.install(workspaceID: workspace.id, database: database, now: now)
        try await DemoAutomation.install(workspaceID: workspace.id, teamID: team.id, database: database, now: now)
        try await DemoCampaign.install(workspaceID: workspace.id, chatInbox: chat.id, database: database, now: now)
        try await DemoReports.install(workspaceID: workspace.id, agents: agents.map(\.id), database: database, now: now)
        // Open conversations start keeping SLA time now that policies exist (the queued refresh
        // would do the same once the server runs; doing it here shows the clocks at once).
        try await ConversationService(database: database, publisher: nil).refreshSLA(workspaceID: workspace.id)
        return Result(workspaceID: workspace.id, ownerEmail: "owner@demo.shopdesk.test", conversations: created, customers: customerCount,
                      widgetKey: chat.widgetKey ?? "")
    }

    /// Gives a conversation a life: tags, an assignee, maybe a reply, and a status.
    private func shape(
        _ id: ConversationID, plan: (fate: Int, agent: Agent, reply: Bool, order: Int), phrase tags: [String],
        language: DemoPhrases.Language, at: Date, workspaceID: WorkspaceID
    ) async throws {
        let later = at.addingTimeInterval(600)
        let service = ConversationService(database: database, publisher: nil, now: { later })
        var commands: [ConversationCommand] = [.addTags(Set(tags))]
        if plan.fate % 3 != 0 { commands.append(.assign(plan.agent.id)) }
        if tags.contains("damaged") { commands.append(.setPriority(.high)) }
        if plan.fate < 5 { commands.append(.setPriority(.urgent)) }
        if plan.reply || plan.fate >= 60 {
            let reply = language.replies[plan.fate % language.replies.count].replacingOccurrences(of: "#{order}", with: "#\(plan.order)")
            _ = try await service.reply(workspaceID: workspaceID, conversationID: id, text: reply, isNote: false, agentID: plan.agent.id)
        }
        if plan.fate % 7 == 0 {
            _ = try await service.reply(workspaceID: workspaceID, conversationID: id, text: "VIP customer, handle with care.",
                                        isNote: true, agentID: plan.agent.id)
        }
        switch plan.fate {
        case 60..<90: commands.append(.setStatus(.resolved))
        case 45..<60: commands.append(.setStatus(.pending))
        case 38..<45: commands.append(.setStatus(.snoozed, snoozeUntil: Date().addingTimeInterval(Double(plan.fate) * 3600)))
        default: break
        }
        _ = try await service.update(workspaceID: workspaceID, id: id, commands: commands, actor: .agent(plan.agent.id))
    }
}
