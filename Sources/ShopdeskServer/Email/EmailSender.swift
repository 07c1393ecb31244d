import Crypto
import Foundation
import ShopdeskChannels
import ShopdeskCore
import ShopdeskMail
import ShopdeskStore

/// `support+c42-1f0e…@shop.example`: the Reply-To of our replies names the conversation, signed
/// with the inbox secret, so a reply threads even when a mail program drops References.
enum ReplyToken {
    static func make(conversation: ConversationID, secret: String) -> String {
        "c\(conversation.rawValue)-\(signature(conversation, secret))"
    }

    /// The conversation a token names, if its signature is ours (compared in constant time
    /// over its full length).
    static func conversation(from token: String, secret: String) -> ConversationID? {
        let lower = token.lowercased()
        guard lower.hasPrefix("c"), let dash = lower.firstIndex(of: "-"), let id = Int64(lower[lower.index(after: lower.startIndex)..<dash]),
              id > 0 else { return nil }
        let given = String(lower[lower.index(after: dash)...])
        return Secrets.constantTimeEquals(given, signature(ConversationID(id), secret)) ? ConversationID(id) : nil
    }

    private static func signature(_ conversation: ConversationID, _ secret: String) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: Data("reply:\(conversation.rawValue)".utf8), using: SymmetricKey(data: Data(secret.utf8)))
        return String(Secrets.hex(code).prefix(20))
    }
}

/// Sends an agent's reply in an email inbox as an email, threaded into the customer's mail
/// program: Message-ID of our own, In-Reply-To and References from the conversation, Reply-To
/// with the reply token, text and HTML parts and the attachments.
struct EmailSender: Sendable {
    let services: AppServices

    /// Sends `message`; `recipient` and `subject` default to the conversation's customer and a
    /// "Re:" of its subject (a chat continued by email gives the visitor's address instead).
    func send(_ message: Message, conversation: Conversation, inbox: Inbox, secret: String, recipient: EmailAddress? = nil,
              subject: String? = nil, recordDelivery: Bool = true) async throws {
        guard let settings = inbox.email else { throw JobFailure(description: "The inbox has no email address.", permanent: true) }
        guard let smtp = settings.smtp else {
            throw JobFailure(description: "Replies cannot go out: set up the SMTP server of \(settings.address) in the inbox settings.", permanent: true)
        }
        let workspaceID = inbox.workspaceID
        let database = services.database
        let (customer, agent, signature, references, lastInbound, files) = try await database.read { sql in
            let customer = try await CustomerRepository.find(workspaceID: workspaceID, id: conversation.customerID, followMerges: true, in: sql)
            let agent = try await message.authorAgentID.asyncMap { try await AgentRepository.find(workspaceID: workspaceID, id: $0, in: sql) }
            let signature = try await message.authorAgentID.asyncMap { try await SignatureRepository.signature(of: $0, in: sql) }
            let references = try await EmailRepository.messageIDs(of: conversation.id, inbox: inbox.id, in: sql)
            let lastInbound = try await EmailRepository.lastInboundMessageID(in: conversation.id, before: message.id, in: sql)
            let files = try await AttachmentRepository.list(messages: [message.id], in: sql)
            return (customer, agent, signature, references, lastInbound, files)
        }
        guard let to = recipient ?? customer?.email.map({ EmailAddress(name: customer?.name, address: $0) }) else {
            throw JobFailure(description: "The customer has no email address to reply to.", permanent: true)
        }
        let domain = settings.address.split(separator: "@").last.map(String.init) ?? "shopdesk.invalid"
        let local = settings.address.split(separator: "@").first.map(String.init) ?? "support"
        let messageID = OutgoingEmail.newMessageID(domain: domain)
        let subject = subject ?? conversation.subject.map { Subjects.normalized($0) == $0.lowercased() ? "Re: \($0)" : $0 } ?? "Re: your message"
        var attachments: [OutgoingEmail.Attachment] = []
        for file in files {
            attachments.append(.init(fileName: file.fileName, contentType: file.contentType,
                                     data: Array(try await services.files.load(sha256: file.sha256))))
        }
        let email = OutgoingEmail(
            from: EmailAddress(name: agent.map { "\(ChatWire.firstName($0.name)) · \(inbox.name)" } ?? inbox.name, address: settings.address),
            to: [to],
            replyTo: EmailAddress(name: inbox.name, address: "\(local)+\(ReplyToken.make(conversation: conversation.id, secret: secret))@\(domain)"),
            subject: subject, messageID: messageID,
            inReplyTo: lastInbound.flatMap { $0.hasPrefix("sha256:") ? nil : $0 },
            references: references.filter { !$0.hasPrefix("sha256:") }, date: Date(),
            // The agent's signature after the usual "-- " line, which mail programs know to fold.
            text: signature.map { "\(message.text)\n\n-- \n\($0)" } ?? message.text,
            // Rules' replies and surveys have no agent: they say they are automatic (RFC 3834).
            automatic: message.authorAgentID == nil, attachments: attachments)
        try await deliverForJob(email, inbox: inbox, settings: settings, smtp: smtp, to: [to.address], domain: domain)
        try await database.write { sql in
            try await EmailRepository.remember(messageID: messageID, inbox: inbox.id, conversation: conversation.id, message: message.id, in: sql)
        }
        if recordDelivery {
            try await services.conversations.recordDelivery(workspaceID: workspaceID, messageID: message.id, status: .sent, error: nil,
                                                            channelMessageID: messageID)
        }
    }
}

extension EmailSender {
    /// The admin's "send test mail": one short message through the inbox's SMTP server, so a
    /// wrong host, port, TLS mode or password shows at once, with the server's own answer.
    func sendTest(from inbox: Inbox, to recipient: String) async throws {
        guard let settings = inbox.email, let smtp = settings.smtp else {
            throw Problem(.unprocessableContent, "Set up the SMTP server of this inbox first.", field: "email.smtp")
        }
        let address = try Identities.email(recipient)
        let domain = settings.address.split(separator: "@").last.map(String.init) ?? "shopdesk.invalid"
        let email = OutgoingEmail(
            from: EmailAddress(name: inbox.name, address: settings.address), to: [EmailAddress(name: nil, address: address)], replyTo: nil,
            subject: "Shopdesk test mail from \(inbox.name)", messageID: OutgoingEmail.newMessageID(domain: domain), inReplyTo: nil,
            references: [], date: Date(),
            text: "This is a test message from Shopdesk: replies from \(settings.address) go out through \(smtp.host):\(smtp.port).",
            automatic: true)
        do {
            try await deliver(email, inbox: inbox, settings: settings, smtp: smtp, to: [address], domain: domain)
        } catch let failure as SMTPClient.Failure {
            switch failure {
            case .permanent(let reason), .temporary(let reason):
                throw Problem(.badGateway, "The test mail did not go out: \(reason)")
            }
        } catch let failure as JobFailure {
            throw Problem(.unprocessableContent, "The test mail was not sent: \(failure.description)")
        }
    }

    /// A short automatic notice to an agent (a notification left unread) through an inbox's SMTP
    /// server. Failures are the job's: temporary ones are tried again.
    func sendNotice(from inbox: Inbox, to recipient: EmailAddress, subject: String, text: String) async throws {
        guard let settings = inbox.email, let smtp = settings.smtp else {
            throw JobFailure(description: "The inbox has no SMTP server to send from.", permanent: true)
        }
        let domain = settings.address.split(separator: "@").last.map(String.init) ?? "shopdesk.invalid"
        let email = OutgoingEmail(
            from: EmailAddress(name: inbox.name, address: settings.address), to: [recipient], replyTo: nil, subject: subject,
            messageID: OutgoingEmail.newMessageID(domain: domain), inReplyTo: nil, references: [], date: Date(), text: text, automatic: true)
        try await deliverForJob(email, inbox: inbox, settings: settings, smtp: smtp, to: [recipient.address], domain: domain)
    }

    /// Signs `email` (when DKIM is configured) and hands it to the inbox's SMTP server.
    private func deliver(_ email: OutgoingEmail, inbox: Inbox, settings: EmailSettings, smtp: OutgoingSMTP, to recipients: [String],
                         domain: String) async throws {
        let message = try signed(email.render(), from: settings.address)
        let tls = services.mailTLS
        try await MailOAuth(services: services).session(smtp, inbox: inbox, imap: false) { server, password, token in
            try await SMTPClient.send(message, from: settings.address, to: recipients, server: server, password: password, accessToken: token,
                                      heloName: domain, tls: tls)
        }
    }

    /// The same for a job: the server's refusal is final (5xx) or worth another attempt (4xx, no answer).
    private func deliverForJob(_ email: OutgoingEmail, inbox: Inbox, settings: EmailSettings, smtp: OutgoingSMTP, to recipients: [String],
                               domain: String) async throws {
        do {
            try await deliver(email, inbox: inbox, settings: settings, smtp: smtp, to: recipients, domain: domain)
        } catch let failure as SMTPClient.Failure {
            switch failure {
            case .permanent(let reason): throw JobFailure(description: reason, permanent: true)
            case .temporary(let reason): throw JobFailure(description: reason, permanent: false)
            }
        }
    }

    /// The message with a DKIM signature in front when DKIM is configured (a bad key is a
    /// permanent failure the admin sees, not unsigned mail).
    private func signed(_ message: [UInt8], from address: String) throws -> [UInt8] {
        guard let selector = services.config.dkimSelector, let path = services.config.dkimKey else { return message }
        do {
            guard let pem = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw JobFailure(description: "The DKIM key file \(path) cannot be read.", permanent: true)
            }
            return try DKIMSigner(selector: selector, pem: pem, path: path).sign(message, from: address)
        } catch let error as DKIMKeyError {
            throw JobFailure(description: error.description, permanent: true)
        }
    }

}
