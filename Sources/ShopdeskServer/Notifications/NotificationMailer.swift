import Foundation
import ShopdeskChannels
import ShopdeskCore
import ShopdeskMail
import ShopdeskStore

/// Emails an agent a notification they left unread for five minutes (mentioned, assigned, a
/// followed conversation answered), in their language, from the conversation's email inbox or
/// else the workspace's first one that can send. Once per notification; none when the agent
/// turned emails off, read it meanwhile, or the workspace has no way to send mail.
struct NotificationMailer {
    let services: AppServices

    func send(_ id: Int64, workspaceID: WorkspaceID, now: Date) async throws {
        let database = services.database
        let found = try await database.read { sql -> (AgentNotification, Agent, Conversation, Inbox, String?)? in
            guard let notification = try await NotificationRepository.find(workspaceID: workspaceID, id: id, in: sql),
                  notification.readAt == nil,
                  try await NotificationRepository.emailsWanted(workspaceID: workspaceID, agentID: notification.agentID, in: sql),
                  let agent = try await AgentRepository.find(workspaceID: workspaceID, id: notification.agentID, in: sql), !agent.disabled,
                  let conversation = try await ConversationRepository.find(workspaceID: workspaceID, id: notification.conversationID, in: sql)
            else { return nil }
            let inboxes = try await InboxRepository.list(workspaceID: workspaceID, in: sql).filter { $0.email?.smtp != nil }
            guard let inbox = inboxes.first(where: { $0.id == conversation.inboxID }) ?? inboxes.first else { return nil }
            let actor = try await notification.actorAgentID.asyncMap { try await AgentRepository.find(workspaceID: workspaceID, id: $0, in: sql) }
            return (notification, agent, conversation, inbox, actor?.name)
        }
        guard let (notification, agent, conversation, inbox, actorName) = found else { return }
        guard try await database.write({ try await NotificationRepository.claimForEmail(workspaceID: workspaceID, id: id, now: now, in: $0) })
        else { return }
        let words = NoticeWords.forLocale(agent.locale)
        let title = conversation.subject ?? conversation.lastMessagePreview ?? ""
        let what = switch notification.kind {
        case .mention: words.mentioned.replacingOccurrences(of: "{name}", with: actorName ?? words.someone)
        case .assigned: words.assigned
        case .customerReplied: words.replied
        }
        let subject = "\(what): #\(conversation.number) \(title)".trimmingCharacters(in: .whitespaces)
        var text = "\(what) — #\(conversation.number) \(title)\n"
        if let preview = notification.preview, !preview.isEmpty { text += "\n> \(preview)\n" }
        if let base = services.config.publicURL {
            text += "\n\(words.open): \(base.hasSuffix("/") ? String(base.dropLast()) : base)/#/all/\(conversation.id)\n"
        }
        text += "\n\(words.footer)\n"
        do {
            try await EmailSender(services: services).sendNotice(from: inbox, to: EmailAddress(name: agent.name, address: agent.email),
                                                                 subject: subject, text: text)
        } catch let failure as JobFailure where !failure.permanent {
            // Not sent: the next attempt may claim it again.
            try await database.write { sql in
                try await sql.raw("UPDATE notifications SET emailed_at = NULL WHERE workspace_id = \(bind: workspaceID.rawValue) AND id = \(bind: id)").run()
            }
            throw failure
        }
    }
}

/// The notice's words in the agent's language.
struct NoticeWords {
    var mentioned: String, assigned: String, replied: String, someone: String, open: String, footer: String
    /// The test push's line (Settings → Your account → Send a test).
    var pushWorks: String

    static func forLocale(_ locale: String) -> NoticeWords {
        switch locale.prefix(2) {
        case "pt": .init(mentioned: "{name} mencionou você", assigned: "Atribuída a você", replied: "O cliente respondeu",
                         someone: "Alguém", open: "Abrir", footer: "Você recebe este e-mail porque não viu a notificação no Shopdesk. Desative em Configurações → Sua conta.",
                         pushWorks: "As notificações chegam a este dispositivo.")
        case "ru": .init(mentioned: "{name} упомянул(а) вас", assigned: "Назначено вам", replied: "Клиент ответил",
                         someone: "Кто-то", open: "Открыть", footer: "Это письмо пришло, потому что уведомление в Shopdesk не было просмотрено. Отключить: Настройки → Ваша учётная запись.",
                         pushWorks: "Уведомления приходят на это устройство.")
        case "hr": .init(mentioned: "{name} vas je spomenuo/la", assigned: "Dodijeljeno vama", replied: "Kupac je odgovorio",
                         someone: "Netko", open: "Otvori", footer: "Ovaj e-mail stiže jer obavijest u Shopdesku nije pročitana. Isključite u Postavke → Vaš račun.",
                         pushWorks: "Obavijesti stižu na ovaj uređaj.")
        default: .init(mentioned: "{name} mentioned you", assigned: "Assigned to you", replied: "The customer replied",
                       someone: "Someone", open: "Open", footer: "You get this email because the notification was not seen in Shopdesk. Turn it off in Settings → Your account.",
                       pushWorks: "Notifications arrive on this device.")
        }
    }
}
