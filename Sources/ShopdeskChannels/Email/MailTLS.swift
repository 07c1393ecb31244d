import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import ShopdeskCore

/// TLS for Shopdesk's mail clients (IMAP polling and IDLE, SMTP submission): certificates are
/// verified against the system's trusted roots plus, when `tls_ca_file`
/// (`SHOPDESK_TLS_CA_FILE`) names a PEM file, the certificate authorities in it — for mail
/// servers under a company's private CA. Host names are always checked.
public struct MailTLS: Sendable {
    /// Checks a mail server's host before each connection and returns the address to connect
    /// to (the server's outbound address guard); throws a sentence for the admin when refused.
    public typealias HostCheck = @Sendable (_ host: String, _ port: Int) async throws -> String

    let caFile: String?
    /// Every connection's host is checked when it is opened (not only when saved): the address
    /// connected to is the one checked.
    let checkHost: HostCheck
    /// Built once: loading the system's roots for every connection would cost more than the handshake.
    private let context: Result<NIOSSLContext, any Error>

    public init(caFile: String?, checkHost: @escaping HostCheck) {
        self.caFile = caFile
        self.checkHost = checkHost
        var configuration = TLSConfiguration.makeClientConfiguration()
        if let caFile { configuration.additionalTrustRoots = [.file(caFile)] }
        context = Result { try NIOSSLContext(configuration: configuration) }
    }

    func handler(host: String) throws -> NIOSSLClientHandler {
        let context: NIOSSLContext
        do { context = try self.context.get() } catch {
            throw MailTLSError(description: "The TLS settings cannot be used (\(caFile.map { "tls_ca_file \($0): " } ?? "")\(error)).")
        }
        return try NIOSSLClientHandler(context: context, serverHostname: host)
    }

    /// Opens a connection to a mail server for the IMAP and SMTP clients: TLS from the first byte
    /// when the server's security says so (STARTTLS comes later, through `startTLS`).
    func connect(to server: OutgoingSMTP, failure: TLSFailure) async throws -> NIOAsyncChannel<ByteBuffer, ByteBuffer> {
        let address: String
        do {
            address = try await checkHost(server.host, server.port)
        } catch let error as MailTLSError {
            throw error
        } catch {
            throw MailTLSError(description: String(describing: error))
        }
        return try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(15))
            .connect(host: address, port: server.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if server.security == .tls {
                        try install(on: channel.pipeline.syncOperations, host: server.host, atFront: false, failure: failure)
                    }
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
    }

    /// Upgrades an open connection after the server agreed to STARTTLS.
    func startTLS(on channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>, host: String, failure: TLSFailure) async throws {
        try await channel.channel.eventLoop.submit {
            try install(on: channel.channel.pipeline.syncOperations, host: host, atFront: true, failure: failure)
        }.get()
    }

    /// Adds TLS to a connection's pipeline (at the front for STARTTLS) with a recorder of the
    /// handshake's failure behind it.
    func install(on pipeline: ChannelPipeline.SynchronousOperations, host: String, atFront: Bool, failure: TLSFailure) throws {
        let tls = try handler(host: host)
        if atFront { try pipeline.addHandler(tls, position: .first) } else { try pipeline.addHandler(tls) }
        try pipeline.addHandler(TLSFailureRecorder(failure: failure), position: .after(tls))
    }

    /// What to tell the admin when a session failed: the handshake's own error if there was one
    /// (the reader often sees only "connection closed"), else `error` when it is about TLS.
    public func explain(_ error: any Error, failure: TLSFailure, host: String) -> String? {
        if let handshake = failure.error, let explained = explain(handshake, host: host) { return explained }
        return explain(error, host: host)
    }

    /// A sentence for an admin about a failed handshake, or nil when `error` is something else.
    public func explain(_ error: any Error, host: String) -> String? {
        let text = String(describing: error)
        if text.contains("CERTIFICATE_VERIFY_FAILED") || text.contains("unableToValidateCertificate") {
            return "\(host) presented a certificate that is not trusted (expired, self-signed or from an unknown authority). "
                + "If the server uses a private certificate authority, give its certificate to Shopdesk with SHOPDESK_TLS_CA_FILE."
        }
        if text.contains("cannotUseIPAddressInSNI") || text.contains("unableToMatchHostname") || text.contains("invalidHostname") {
            return "\(host) presented a certificate for a different name; use the host name the certificate was issued for."
        }
        if error is NIOSSLError || text.contains("handshakeFailed") {
            return "The TLS handshake with \(host) failed (\(text.prefix(200))); check the port and the security setting (TLS on 993/465, STARTTLS on 143/587)."
        }
        return nil
    }
}

public struct MailTLSError: Error, CustomStringConvertible {
    public let description: String
    public init(description: String) { self.description = description }
}

/// The first error a connection's TLS layer raised, kept for the code that reads the connection.
public final class TLSFailure: Sendable {
    public init() {}

    private let box = NIOLockedValueBox<(any Error)?>(nil)

    public var error: (any Error)? { box.withLockedValue { $0 } }

    func record(_ error: any Error) {
        box.withLockedValue { if $0 == nil { $0 = error } }
    }
}

/// Sits behind the TLS handler and notes its errors on their way down the pipeline.
private final class TLSFailureRecorder: ChannelInboundHandler {
    typealias InboundIn = NIOAny
    let failure: TLSFailure

    init(failure: TLSFailure) { self.failure = failure }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        failure.record(error)
        context.fireErrorCaught(error)
    }
}
