import Foundation
import Logging
import NIOSSL
import ServiceLifecycle
import ShopdeskChannels
import ShopdeskCore
import ShopdeskStore

/// The built-in mail receiver as a service of `shopdesk serve`: the channel's SMTP/LMTP listener
/// (`ShopdeskChannels/Email`) handing mail to the email inboxes. Mail is routed by recipient to an
/// email inbox; a message is acknowledged (250) only after it is committed.
struct SMTPServer: Service, CustomStringConvertible {
    let services: AppServices
    let host: String
    let port: Int
    let lmtp: Bool
    var description: String { "SMTPServer(\(lmtp ? "LMTP" : "SMTP") :\(port))" }

    /// The TLS context for STARTTLS, when a certificate and key are configured.
    static func tlsContext(_ configuration: ServerConfiguration) throws -> NIOSSLContext? {
        guard let certificate = configuration.smtpTLSCertificate, let key = configuration.smtpTLSKey else { return nil }
        do {
            let chain = try NIOSSLCertificate.fromPEMFile(certificate).map { NIOSSLCertificateSource.certificate($0) }
            let tls = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(try NIOSSLPrivateKey(file: key, format: .pem)))
            return try NIOSSLContext(configuration: tls)
        } catch {
            throw ConfigurationError("The mail receiver's TLS certificate (\(certificate)) or key (\(key)) cannot be read: \(error)")
        }
    }

    func run() async throws {
        let listener = SMTPListener(host: host, port: port, lmtp: lmtp, maxMessageBytes: services.config.maxEmailBytes,
                                    tls: try Self.tlsContext(services.config), drop: InboxMailDrop(services: services), logger: services.logger)
        try await cancelWhenGracefulShutdown { try await listener.run() }
    }
}

/// Received mail into the email inbox its recipient address belongs to.
struct InboxMailDrop: MailDrop {
    let services: AppServices

    func mailbox(for address: String) async throws -> Inbox? {
        try await services.database.read { try await InboxRepository.emailInbox(receiving: address, in: $0) }
    }

    func same(_ first: Inbox, _ second: Inbox) -> Bool { first.id == second.id }

    func deliver(_ message: [UInt8], to inbox: Inbox, envelope: MailEnvelope) async throws -> String {
        // Behind an MTA (LMTP) the connecting address is the MTA's: SPF is for it to check.
        let sender = envelope.behindMTA ? nil : envelope.remoteAddress.flatMap(IPAddress.init).map {
            MailAuthentication.Envelope(address: $0, helo: envelope.helo, mailFrom: envelope.mailFrom)
        }
        do {
            switch try await EmailReceiver(services: services).receive(message, inbox: inbox, envelope: sender) {
            case .stored(let result): return "stored as message \(result.messageID)"
            case .quarantined(let id, _): return "kept for review (\(id))"
            case .bounced(let message): return "delivery report for message \(message)"
            case .report(let id): return "report kept (\(id))"
            }
        } catch {
            services.logger.error("Could not store an email; the sender will retry", metadata: ["error": "\(error)"])
            throw error
        }
    }
}
