import Foundation
import ShopdeskCore
import ShopdeskMail
import ShopdeskStore

/// Continues a chat by email: a reply the visitor's widget has not acknowledged (delivered or
/// read) after `delay` goes to the email address the visitor left, from the email inbox the chat
/// inbox names, with our signed Reply-To, so their answer by mail comes back into the chat.
struct ChatEmailFollowUp {
    let services: AppServices

    /// Long enough for a visitor who is on the page to see the reply in the widget.
    static let delay: TimeInterval = 3 * 60

    func send(_ id: MessageID, workspaceID: WorkspaceID) async throws {
        let found = try await services.database.read { sql -> (Message, Conversation, Inbox, ChatVisitor?)? in
            guard let message = try await MessageRepository.find(workspaceID: workspaceID, id: id, in: sql),
                  let conversation = try await ConversationRepository.find(workspaceID: workspaceID, id: message.conversationID, in: sql),
                  let chat = try await InboxRepository.find(workspaceID: workspaceID, id: conversation.inboxID, in: sql) else { return nil }
            let visitor = try await ChatVisitorRepository.find(conversationID: conversation.id, workspaceID: workspaceID, in: sql)
            return (message, conversation, chat, visitor)
        }
        guard let (message, conversation, chat, visitor) = found, message.direction == .outbound,
              message.deliveryStatus == .sent,  // delivered or read: the visitor saw it in the widget
              let emailInboxID = chat.chat?.emailInboxId, let address = visitor?.email, !address.isEmpty else { return }
        let (emailInbox, secret) = try await services.database.read { sql in
            (try await InboxRepository.find(workspaceID: workspaceID, id: InboxID(emailInboxID), in: sql),
             try await InboxRepository.secret(of: InboxID(emailInboxID), in: sql))
        }
        guard let emailInbox, emailInbox.kind == .email, let secret else {
            throw JobFailure(description: "The chat inbox continues by email through inbox \(emailInboxID), which is no longer an email inbox.",
                             permanent: true)
        }
        let subject = conversation.subject ?? "\(chat.name): \(Self.newReply(conversation.language))"
        try await EmailSender(services: services).send(message, conversation: conversation, inbox: emailInbox, secret: secret,
                                                      recipient: EmailAddress(name: visitor?.name, address: address), subject: subject,
                                                      recordDelivery: false)
    }

    static func newReply(_ language: String?) -> String {
        switch String((language ?? "en").prefix(2)) {
        case "pt": "nova resposta à sua conversa"
        case "ru": "новый ответ в вашем чате"
        case "hr": "novi odgovor u vašem razgovoru"
        default: "a new reply to your chat"
        }
    }
}
