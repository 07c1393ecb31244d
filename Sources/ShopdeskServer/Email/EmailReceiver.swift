import Crypto
import Foundation
import ShopdeskChannels
import ShopdeskCore
import ShopdeskMail
import ShopdeskStore

/// What happened to one received email.
enum EmailReceipt: Sendable, Equatable {
    case stored(IngestResult)
    /// Kept with its raw bytes for an admin to look at and replay; never blocks later mail.
    case quarantined(id: Int64, reason: String)
    /// A delivery report: our message is now marked failed with the reason.
    case bounced(MessageID)
    /// A report nobody needs to act on (a delay, a read receipt): kept, no conversation.
    case report(id: Int64)
}

/// The one way mail comes in, whichever door it used (SMTP/LMTP, IMAP, the HTTP hook): keep
/// the raw bytes durably, parse, turn it into an `InboundMessage` and ingest it. A message that
/// cannot become one is quarantined instead; nothing is dropped.
struct EmailReceiver: Sendable {
    let services: AppServices

    /// Mail up to this size keeps its raw bytes in its database row, committed with the message
    /// itself; larger mail goes to the file store first (fsynced) and the row names it.
    static let rawInRowLimit = 1 << 20

    /// `envelope`: where the SMTP receiver got it from (nil for IMAP, the HTTP hook and LMTP).
    func receive(_ raw: [UInt8], inbox: Inbox, envelope: MailAuthentication.Envelope? = nil, now: Date = Date()) async throws -> EmailReceipt {
        let digest = Secrets.hex(SHA256.hash(data: raw))
        let mail = ParsedEmail.parse(raw)
        let workspaceID = inbox.workspaceID
        // Delivered again (a retrying sender, an IMAP resync): nothing new to store.
        if let messageID = mail.messageID,
           let known = try await services.conversations.existing(inboxID: inbox.id, channelMessageID: messageID, workspaceID: workspaceID) {
            return .stored(known)
        }
        let kept = try await keep(raw, digest: digest)
        if let report = DeliveryReport.parse(mail) {
            return try await bounce(report, inbox: inbox, digest: digest, raw: kept, size: raw.count, now: now)
        }
        // Any other report (read receipts, feedback reports) is kept and answered by nobody:
        // reports never become conversations from MAILER-DAEMON.
        if mail.root.contentType == "multipart/report" {
            let kind = mail.root.parameters["report-type"] ?? "unknown"
            let record = try await services.database.write {
                try await EmailRepository.record(workspaceID: workspaceID, inbox: inbox.id, sha256: digest, size: raw.count, raw: kept,
                                                 status: .report, error: "A \(kind) report; nothing to do.", message: nil, now: now, in: $0)
            }
            return .report(id: record.id)
        }
        let secret = try await services.database.read { try await InboxRepository.secret(of: inbox.id, in: $0) } ?? ""
        var inbound: InboundMessage
        do {
            inbound = try await message(from: mail, raw: raw, digest: digest, inbox: inbox, secret: secret, now: now)
            if services.config.mailAuthentication, let from = mail.from?.address {
                let checked = await MailAuthentication.check(raw, envelope: envelope, from: from, resolver: services.dns, now: now)
                inbound.email?.authentication = (try? JSONEncoder().encode(checked)).map { String(decoding: $0, as: UTF8.self) }
                if checked.dmarcFailed {
                    // Not who From says: no Reply-To token, no references, no joining an open conversation.
                    inbound.email?.unauthenticated = true
                    inbound.email?.viaReplyToken = false
                    inbound.replyTo = nil
                }
            }
        } catch let failure {
            let record = try await services.database.write {
                try await EmailRepository.record(workspaceID: workspaceID, inbox: inbox.id, sha256: digest, size: raw.count, raw: kept,
                                                 status: .quarantined, error: failure.message, message: nil, now: now, in: $0)
            }
            services.logger.warning("Quarantined an email", metadata: ["inbox": "\(inbox.id)", "reason": "\(failure.message)"])
            return .quarantined(id: record.id, reason: failure.message)
        }
        // The record (and the raw bytes in it) commits in the message's own transaction.
        let size = raw.count
        let result = try await services.ingest(inbound, channel: "email", workspaceID: workspaceID) { result, sql in
            guard !result.duplicate else { return }
            _ = try await EmailRepository.record(workspaceID: workspaceID, inbox: inbox.id, sha256: digest, size: size, raw: kept,
                                                 status: .stored, error: nil, message: result.messageID, now: now, in: sql)
        }
        return .stored(result)
    }

    /// The raw bytes for the row, or nil once they are durably in the file store (large mail).
    private func keep(_ raw: [UInt8], digest: String) async throws -> Data? {
        guard raw.count > Self.rawInRowLimit else { return Data(raw) }
        try await services.files.store(Data(raw), sha256: digest)
        return nil
    }

    /// A received email's raw bytes, from its row or the file store.
    func raw(of record: InboundEmailRecord) async throws -> Data {
        if let data = try await services.database.read({ try await EmailRepository.raw(of: record.id, in: $0) }) { return data }
        return try await services.files.load(sha256: record.sha256)
    }

    /// A bounce of one of our messages marks it failed, with who refused it and why (the agent
    /// sees it and can retry); a report about anything else is quarantined, never a conversation.
    private func bounce(_ report: DeliveryReport, inbox: Inbox, digest: String, raw: Data?, size: Int, now: Date) async throws -> EmailReceipt {
        let workspaceID = inbox.workspaceID
        let ours = try await report.originalMessageID.asyncMap { id in
            try await services.database.read { try await EmailRepository.message(withID: id, inbox: inbox.id, in: $0) }
        }
        guard let failure = report.failures.first else {
            // "Delayed" (or a report with no failure): the sending server keeps trying; kept, nothing to do.
            let delay = report.delays.first.map { "Delivery to \($0.recipient) is delayed (\($0.status)); the sending server keeps trying." }
                ?? "A delivery report with no failure in it."
            let record = try await services.database.write {
                try await EmailRepository.record(workspaceID: workspaceID, inbox: inbox.id, sha256: digest, size: size, raw: raw,
                                                 status: .report, error: delay, message: ours, now: now, in: $0)
            }
            return .report(id: record.id)
        }
        let reason = "Bounced by \(failure.recipient): \(failure.status)" + (failure.diagnostic.map { " \($0)" } ?? "")
        var marked = false
        if let ours {
            do {
                try await services.conversations.recordDelivery(workspaceID: workspaceID, messageID: ours, status: .failed,
                                                                error: String(reason.prefix(500)))
                marked = true
            } catch let error as ShopdeskError where error.code == .notFound {
                // A Message-ID we received rather than sent: the report is quarantined below.
            }
        }
        guard let ours, marked else {
            let reason = "A delivery report about a message this inbox did not send."
            let record = try await services.database.write {
                try await EmailRepository.record(workspaceID: workspaceID, inbox: inbox.id, sha256: digest, size: size, raw: raw,
                                                 status: .quarantined, error: reason, message: nil, now: now, in: $0)
            }
            return .quarantined(id: record.id, reason: reason)
        }
        _ = try await services.database.write {
            try await EmailRepository.record(workspaceID: workspaceID, inbox: inbox.id, sha256: digest, size: size, raw: raw,
                                             status: .bounce, error: reason, message: ours, now: now, in: $0)
        }
        return .bounced(ours)
    }

    /// An admin's second try at a quarantined message (after a fix, or as it is).
    func replay(_ record: InboundEmailRecord, inbox: Inbox) async throws -> EmailReceipt {
        let raw = Array(try await self.raw(of: record))
        let receipt = try await receive(raw, inbox: inbox)
        if case .stored(let result) = receipt {
            try await services.database.write { try await EmailRepository.markReplayed(record.id, workspaceID: inbox.workspaceID, message: result.messageID, in: $0) }
        }
        return receipt
    }

    private func message(from mail: ParsedEmail, raw: [UInt8], digest: String, inbox: Inbox, secret: String,
                         now: Date) async throws(ShopdeskError) -> InboundMessage {
        guard let from = mail.from else {
            throw ShopdeskError.invalid(field: "From", "The message has no readable From address.")
        }
        if inbox.email?.receives(from.address) == true {
            throw ShopdeskError.invalid(field: "From", "The message comes from the inbox's own address (a mail loop).")
        }
        var text = ReplyText.visible(mail.text ?? "")
        if text.utf8.count > InboundMessage.maxTextLength {
            text = String(decoding: text.utf8.prefix(InboundMessage.maxTextLength - 100), as: UTF8.self) + "\n[…]"
        }
        let attachments: [AttachmentID]
        do {
            let stored = try await store(mail.attachments, workspaceID: inbox.workspaceID)
            attachments = stored.ids
            if !stored.left.isEmpty {
                let names = stored.left.prefix(20).joined(separator: ", ") + (stored.left.count > 20 ? ", …" : "")
                text += (text.isEmpty ? "" : "\n\n") + "[\(stored.left.count) more attachments were not added to the conversation "
                    + "(at most \(Self.maxAttachmentsPerEmail) per email): \(names). They are in the original email (.eml) beside this message.]"
            }
        } catch {
            throw ShopdeskError(.unavailable, "Its attachments could not be stored: \(error)")
        }
        if text.isEmpty && attachments.isEmpty { text = "(empty message)" }
        var inbound = InboundMessage(
            inboxID: inbox.id,
            // The same Message-ID twice is one message; mail without one is known by its bytes.
            channelMessageID: mail.messageID ?? "sha256:\(digest)",
            customer: CustomerIdentity(name: mail.from?.name, email: from.address),
            subject: mail.subject, text: text, receivedAt: now)
        inbound.attachmentIDs = attachments
        // The formatting, for agents who open it: sanitized here, before anything stores or shows it.
        inbound.html = mail.html.map { html in
            // At most 512 KB of markup (cut by bytes: counting characters would cost more than sanitizing).
            HTMLSanitizer.sanitize(html.utf8.count > 512 * 1024 ? String(decoding: html.utf8.prefix(512 * 1024), as: UTF8.self) : html)
        }.flatMap { $0.isEmpty ? nil : $0 }
        inbound.email = EmailThreading(messageID: mail.messageID, references: mail.references + mail.inReplyTo)
        inbound.email?.automatic = mail.isAutomatic
        // Our Reply-To carries a signed conversation token; a valid one names the conversation.
        for recipient in mail.to + mail.cc where inbox.email?.receives(recipient.address) == true {
            if let token = EmailSettings.subaddress(recipient.address.lowercased()),
               let conversation = ReplyToken.conversation(from: token, secret: secret) {
                inbound.replyTo = conversation
                inbound.email?.viaReplyToken = true
                break
            }
        }
        return try inbound.validated()
    }

    /// Files one email may add to a conversation; the rest stay in the original email.
    static let maxAttachmentsPerEmail = 100

    /// Every attachment is kept: the mail was accepted within its own size limit, so the
    /// per-upload limit for agents' files does not apply. Past `maxAttachmentsPerEmail` the
    /// names are returned, to be said plainly in the message.
    private func store(_ attachments: [MailAttachment], workspaceID: WorkspaceID) async throws -> (ids: [AttachmentID], left: [String]) {
        var ids: [AttachmentID] = []
        let files = attachments.filter { !$0.data.isEmpty }
        for attachment in files.prefix(Self.maxAttachmentsPerEmail) {
            let data = Data(attachment.data)
            let digest = Secrets.hex(SHA256.hash(data: data))
            try await services.files.store(data, sha256: digest)
            let name = AttachmentsController.safeFileName(attachment.fileName)
            let type = AttachmentsController.sniff(data, declared: attachment.contentType)
            let record = try await services.database.write {
                try await AttachmentRepository.create(workspaceID: workspaceID, sha256: digest, fileName: name, contentType: type,
                                                      size: Int64(data.count), uploadedBy: nil, now: Date(), in: $0)
            }
            ids.append(record.id)
        }
        return (ids, files.dropFirst(Self.maxAttachmentsPerEmail).map { AttachmentsController.safeFileName($0.fileName) })
    }
}
