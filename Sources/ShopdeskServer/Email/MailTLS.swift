import NIOSSL

/// TLS for Shopdesk's mail clients (IMAP polling and IDLE, SMTP submission): certificates are
/// verified against the system's trusted roots plus, when `tls_ca_file`
/// (`SHOPDESK_TLS_CA_FILE`) names a PEM file, the certificate authorities in it — for mail
/// servers under a company's private CA. Host names are always checked.
struct MailTLS: Sendable {
    let caFile: String?
    /// Built once: loading the system's roots for every connection would cost more than the handshake.
    private let context: Result<NIOSSLContext, any Error>

    init(caFile: String?) {
        self.caFile = caFile
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

    /// A sentence for an admin about a failed handshake, or nil when `error` is something else.
    func explain(_ error: any Error, host: String) -> String? {
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

struct MailTLSError: Error, CustomStringConvertible {
    let description: String
}
