import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import ShopdeskChannels
import ShopdeskCore
import ShopdeskStore

/// Mail over HTTP: the hook mail providers post raw messages to, and the admins' quarantine.
struct EmailController {
    let services: AppServices

    struct Received: ResponseEncodable {
        var conversationId: Int64?
        var messageId: Int64?
        var customerId: Int64?
        var duplicate: Bool
        var quarantineId: Int64?
        var reason: String?
    }
    struct QuarantinedDTO: ResponseEncodable {
        var id: Int64
        var receivedAt: Date
        var size: Int64
        var error: String?
    }

    struct MailboxStatusDTO: ResponseEncodable {
        /// Whether the inbox polls a mailbox at all.
        var configured: Bool
        var checkedAt: Date?
        var succeededAt: Date?
        var error: String?
        var taken: Int?
        var lastUid: Int64?
    }
    struct MailboxTestDTO: ResponseEncodable {
        var folder: String
        var waiting: Int
    }

    struct TestMailBody: Decodable { var to: String }
    struct TestMailSent: ResponseEncodable { var sent: Bool }

    func register(_ api: APIRegistrar) {
        api.on(.post, "/inboxes/{id}/email/test", "Send a test mail through the inbox's SMTP server; a failure says what the server answered",
               tag: "email", role: .admin, body: "TestMailBody") { request, context in
            let inbox = try await adminInbox(request, context)
            guard inbox.kind == .email else { throw Problem(.unprocessableContent, "Only email inboxes send mail.") }
            let body = try await request.decode(as: TestMailBody.self, context: context)
            try await EmailSender(services: services).sendTest(from: inbox, to: body.to)
            return TestMailSent(sent: true)
        }
        api.on(.get, "/conversations/{id}/messages/{message_id}/original",
               "The email a customer's message arrived as, byte for byte (message/rfc822, as a download)", tag: "email") { request, context in
            let conversation = try await services.conversation(try request.id(context: context, "Conversation"), context)
            let ws = context.workspaceID
            let text = context.parameters.get("message_id") ?? ""
            let record = try await services.database.read { sql -> InboundEmailRecord? in
                guard let id = Int64(text), let message = try await MessageRepository.find(workspaceID: ws, id: MessageID(id), in: sql),
                      message.conversationID == conversation.id else { return nil }
                return try await EmailRepository.received(message: message.id, in: sql)
            }
            guard let record else {
                throw Problem(.notFound, "Message \(text) of conversation \(conversation.id) did not arrive by email.")
            }
            let data = try await EmailReceiver(services: services).raw(of: record)
            // A download, never rendered: the original's HTML is not sanitized.
            return Response(status: .ok, headers: [
                .contentType: "message/rfc822",
                .contentDisposition: "attachment; filename=\"message-\(text).eml\"",
            ], body: .init(byteBuffer: ByteBuffer(data: data)))
        }
        api.on(.get, "/inboxes/{id}/email/imap", "How the inbox's mailbox polling went: last check, last success, the error if any",
               tag: "email", role: .admin) { request, context in
            let inbox = try await adminInbox(request, context)
            let (check, checkpoint) = try await services.database.read { sql in
                (try await MailboxCheckRepository.find(inboxID: inbox.id, in: sql), try await IMAPCheckpointRepository.find(inboxID: inbox.id, in: sql))
            }
            return MailboxStatusDTO(configured: inbox.email?.imap != nil, checkedAt: check?.checkedAt, succeededAt: check?.succeededAt,
                                    error: check?.error, taken: check?.taken, lastUid: checkpoint?.lastUID)
        }
        api.on(.post, "/inboxes/{id}/email/imap/test",
               "Connect to the inbox's mailbox now (TLS, login, folder); on success a poll is queued at once, on failure the answer says why",
               tag: "email", role: .admin) { request, context in
            let inbox = try await adminInbox(request, context)
            guard inbox.email?.imap != nil else {
                throw Problem(.unprocessableContent, "Inbox \(inbox.id) does not poll a mailbox; set its IMAP server first.")
            }
            do {
                let (folder, waiting) = try await IMAPPoller(services: services).test(inbox)
                return MailboxTestDTO(folder: folder, waiting: waiting)
            } catch let failure as IMAPClient.Failure {
                // The status line shows it too, until the next poll says otherwise.
                try await services.database.write {
                    try await MailboxCheckRepository.record(inboxID: inbox.id, at: Date(), error: failure.description, taken: 0, in: $0)
                }
                throw Problem(.unprocessableContent, failure.description)
            }
        }
        api.onPublic(.post, "/inboxes/{id}/email",
                     "Deliver one raw email (message/rfc822 body) to an email inbox; the inbox token in X-Inbox-Token",
                     tag: "email", body: "binary", status: 201) { request, context in
            let inbox = try await emailInbox(request, context)
            let limit = services.config.maxEmailBytes
            let buffer: ByteBuffer
            do { buffer = try await request.body.collect(upTo: limit) } catch {
                throw Problem(.contentTooLarge, "Emails can be at most \(limit / 1024 / 1024) MB.")
            }
            guard buffer.readableBytes > 0 else { throw Problem(.unprocessableContent, "The body is empty: send the raw message.") }
            let receipt = try await EmailReceiver(services: services).receive(Array(buffer.readableBytesView), inbox: inbox)
            return try Self.answer(receipt)
        }
        api.on(.get, "/inboxes/{id}/quarantine", "Emails of this inbox that could not be taken in, newest first", tag: "email",
               role: .admin) { request, context in
            let inbox = try await adminInbox(request, context)
            let records = try await services.database.read { try await EmailRepository.quarantined(inbox: inbox.id, in: $0) }
            return Page(items: records.map { QuarantinedDTO(id: $0.id, receivedAt: $0.receivedAt, size: $0.size, error: $0.error) },
                        nextCursor: nil)
        }
        api.on(.get, "/inboxes/{id}/quarantine/{email_id}/raw", "A quarantined email's raw bytes, as a download", tag: "email",
               role: .admin) { request, context in
            let record = try await quarantined(request, context)
            let data = try await EmailReceiver(services: services).raw(of: record)
            return Response(status: .ok, headers: [
                .contentType: "message/rfc822",
                .contentDisposition: "attachment; filename=\"quarantined-\(record.id).eml\"",
            ], body: .init(byteBuffer: ByteBuffer(data: data)))
        }
        api.on(.post, "/inboxes/{id}/quarantine/{email_id}/replay", "Take a quarantined email in again", tag: "email",
               role: .admin, status: 201) { request, context in
            let inbox = try await adminInbox(request, context)
            let record = try await quarantined(request, context)
            return try Self.answer(try await EmailReceiver(services: services).replay(record, inbox: inbox))
        }
    }

    static func answer(_ receipt: EmailReceipt) throws -> Created<Received> {
        switch receipt {
        case .stored(let result):
            return Created(body: Received(conversationId: result.conversationID.rawValue, messageId: result.messageID.rawValue,
                                          customerId: result.customerID.rawValue, duplicate: result.duplicate, quarantineId: nil, reason: nil),
                           status: result.duplicate ? .ok : .created)
        case .quarantined(let id, let reason):
            // Accepted and kept (the sender must not retry), but not a conversation message.
            return Created(body: Received(conversationId: nil, messageId: nil, customerId: nil, duplicate: false, quarantineId: id, reason: reason),
                           status: .accepted)
        case .bounced(let message):
            return Created(body: Received(conversationId: nil, messageId: message.rawValue, customerId: nil, duplicate: false,
                                          quarantineId: nil, reason: "A delivery report: message \(message) is marked failed."),
                           status: .accepted)
        case .report:
            return Created(body: Received(conversationId: nil, messageId: nil, customerId: nil, duplicate: false, quarantineId: nil,
                                          reason: "A report nobody needs to act on (a delivery delay, a read receipt); kept, no conversation."),
                           status: .accepted)
        }
    }

    private func emailInbox(_ request: Request, _ context: AppRequestContext) async throws -> Inbox {
        let id: InboxID = try request.id(context: context, "Inbox")
        let token = request.headers[HTTPField.Name("X-Inbox-Token")!] ?? ""
        guard let (workspaceID, secret) = try await services.database.read({ try await InboxRepository.findAnyWorkspace(id: id, in: $0) }),
              Secrets.constantTimeEquals(token, secret),
              let inbox = try await services.database.read({ try await InboxRepository.find(workspaceID: workspaceID, id: id, in: $0) }) else {
            throw Problem(.unauthorized, "The inbox token does not match inbox \(id).")
        }
        guard inbox.kind == .email else { throw Problem(.unprocessableContent, "Inbox \(id) is not an email inbox.") }
        return inbox
    }

    private func adminInbox(_ request: Request, _ context: AuthenticatedContext) async throws -> Inbox {
        try await services.load("Inbox", request, context) { workspace, id, sql in
            try await InboxRepository.find(workspaceID: workspace, id: id, in: sql)
        }
    }

    private func quarantined(_ request: Request, _ context: AuthenticatedContext) async throws -> InboundEmailRecord {
        let inbox = try await adminInbox(request, context)
        guard let text = context.parameters.get("email_id"), let id = Int64(text),
              let record = try await services.database.read({ [ws = context.workspaceID] in
                  try await EmailRepository.find(id: id, workspaceID: ws, in: $0)
              }), record.inboxID == inbox.id, record.status == .quarantined else {
            throw Problem(.notFound, "Quarantined email \(context.parameters.get("email_id") ?? "") was not found in inbox \(inbox.id).")
        }
        return record
    }
}
