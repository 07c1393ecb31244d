import Foundation

/// Everything `shopdesk serve` can be told. Read from the environment (`SHOPDESK_*`) over an
/// optional JSON file (`SHOPDESK_CONFIG` or `--config`); flags override both.
public struct ServerConfiguration: Sendable {
    public var host = "127.0.0.1"
    public var port = 8080
    /// `sqlite:PATH` (default) or `postgres://user:password@host:5432/database`.
    public var databaseURL = "sqlite:./data/shopdesk.sqlite"
    /// The key for stored credentials (when not given) and, with the local file store,
    /// attachments and original emails, content-addressed.
    public var dataDirectory = "./data"
    /// Where file bytes live: `local` (the data directory), `database` (the shared database) or
    /// `s3` (an S3-compatible object store, `s3`). Several nodes need `database` or `s3`.
    var fileStore = FileStoreKind.local
    var s3 = S3Settings()
    /// The address agents and customers reach this server at; an https URL makes cookies Secure.
    public var publicURL: String?
    public var bcryptCost = 12
    public var sessionLifetime: TimeInterval = 14 * 24 * 3600
    public var maxUploadBytes = 10 * 1024 * 1024
    /// The largest email accepted (SMTP SIZE, the HTTP hook); bigger mail is refused, not cut.
    public var maxEmailBytes = 25 * 1024 * 1024
    /// Where the built-in SMTP (or, with `smtpMode = "lmtp"`, LMTP) server listens; nil: off.
    public var smtpPort: Int?
    public var smtpHost = "127.0.0.1"
    public var smtpMode = "smtp"
    /// A certificate chain and its private key (PEM files) for STARTTLS on the mail receiver;
    /// without them STARTTLS is not offered.
    public var smtpTLSCertificate: String?
    public var smtpTLSKey: String?
    /// Extra certificate authorities (a PEM file) that the mail clients trust besides the
    /// system's, for IMAP and SMTP servers under a private CA.
    public var tlsCAFile: String?
    /// Check SPF, DKIM and DMARC on received mail (DNS lookups per message).
    public var mailAuthentication = true
    /// The DNS resolver for them (`host[:port]`); /etc/resolv.conf's first when unset.
    public var dnsServer: String?
    /// DKIM for outgoing mail: the selector and an RSA private key (PEM file); off when unset.
    public var dkimSelector: String?
    public var dkimKey: String?
    /// New chat-widget sessions one address may start per 10 minutes.
    public var widgetSessionsPerAddress = 60
    /// `/api/` requests per minute per API token, session or inbox token (0: unlimited).
    public var apiRequestsPerMinute = 3_000
    /// `/api/` requests per minute per address for requests that name no one (0: unlimited).
    public var anonymousRequestsPerMinute = 600
    /// How often nodes on PostgreSQL share their rate-limit counts (tests shorten it).
    var rateLimitSyncInterval: Duration = .seconds(1)
    /// Key for stored credentials (base64, 32 bytes); without it one is kept in the data directory.
    public var secretKey: String?
    /// The contact browsers' push services are given with every web push (`mailto:` or `https:`);
    /// without it, `public_url` when that is https, else the sending workspace owner's address.
    public var pushContact: String?
    /// Allow webhooks to loopback and private networks (tests, or a helpdesk inside a private network).
    public var allowPrivateWebhookTargets = false
    /// Providers whose mailboxes admins connect with OAuth (XOAUTH2): Google and Microsoft when
    /// `google_client_id`/`_secret` or `microsoft_client_id`/`_secret` (and `microsoft_tenant`) are set.
    var mailOAuthProviders: [MailOAuthProvider] = []
    /// How often the job runner looks for due jobs when nothing woke it.
    public var jobPollInterval: Duration = .milliseconds(500)
    /// How long a claimed job is its node's: after a crash, other nodes (or this one restarted)
    /// take it over once the lease has run out. Longer than any job runs.
    public var jobLeaseSeconds = 120
    public var runJobs = true
    /// How long a SIGTERM waits for requests in flight and running jobs before cancelling them.
    public var shutdownSeconds = 25
    public var logLevel = "info"
    /// `shopdesk demo` only: the chat inbox whose widget a sample shop page at `/demo/shop` shows.
    public var demoWidgetKey: String?
    /// `shopdesk demo` only: the workspace that gets a Telegram inbox backed by the built-in Bot
    /// API simulator, and the phone page at `/demo/phone` to write to it as a customer.
    public var demoChannelsWorkspace: Int64?

    public init() {}

    /// `local`, `database` or `s3`.
    public var fileStoreName: String { fileStore.rawValue }

    public var secureCookies: Bool { publicURL?.lowercased().hasPrefix("https://") ?? false }

    /// The database URL with any password replaced, for logs.
    public var redactedDatabaseURL: String {
        guard var components = URLComponents(string: databaseURL), components.password != nil else { return databaseURL }
        components.password = "*****"
        return components.string ?? "postgres://…"
    }

    public static func load(environment: [String: String], file: String?) throws -> ServerConfiguration {
        var values: [String: String] = [:]
        if let path = file ?? environment["SHOPDESK_CONFIG"] {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ConfigurationError("The configuration file \(path) cannot be read.")
            }
            guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                throw ConfigurationError("The configuration file \(path) is not a JSON object.")
            }
            for (key, value) in object { values[key] = "\(value)" }
        }
        for (key, value) in environment where key.hasPrefix("SHOPDESK_") {
            values[key.dropFirst("SHOPDESK_".count).lowercased()] = value
        }
        var config = ServerConfiguration()
        if let value = values["host"] { config.host = value }
        if let value = values["port"] { config.port = try integer(value, "port") }
        if let value = values["database_url"] { config.databaseURL = value }
        if let value = values["data_dir"] { config.dataDirectory = value }
        if let value = values["file_store"] {
            guard let kind = FileStoreKind(rawValue: value.lowercased()) else {
                throw ConfigurationError("file_store is local, database or s3, not \"\(value)\".")
            }
            config.fileStore = kind
        }
        if let value = values["s3_endpoint"] { config.s3.endpoint = value }
        if let value = values["s3_bucket"] { config.s3.bucket = value }
        if let value = values["s3_region"] { config.s3.region = value }
        if let value = values["s3_access_key_id"] { config.s3.accessKeyID = value }
        if let value = values["s3_secret_access_key"] { config.s3.secretAccessKey = value }
        if let value = values["s3_prefix"] { config.s3.prefix = value }
        if let value = values["s3_virtual_hosted"] { config.s3.virtualHosted = ["1", "true", "yes"].contains(value.lowercased()) }
        if config.fileStore == .s3 { try S3FileStore.validate(config.s3) }
        if let value = values["public_url"] { config.publicURL = value }
        if let value = values["bcrypt_cost"] { config.bcryptCost = try integer(value, "bcrypt_cost") }
        if let value = values["max_upload_bytes"] { config.maxUploadBytes = try integer(value, "max_upload_bytes") }
        if let value = values["allow_private_webhooks"] { config.allowPrivateWebhookTargets = ["1", "true", "yes"].contains(value.lowercased()) }
        if let value = values["log_level"] { config.logLevel = value }
        config.mailOAuthProviders = try MailOAuthProvider.configured(values)
        if let value = values["job_lease_seconds"] {
            config.jobLeaseSeconds = try integer(value, "job_lease_seconds")
            guard config.jobLeaseSeconds >= 5 else { throw ConfigurationError("job_lease_seconds must be at least 5.") }
        }
        if let value = values["shutdown_seconds"] { config.shutdownSeconds = max(1, try integer(value, "shutdown_seconds")) }
        if let value = values["max_email_bytes"] { config.maxEmailBytes = try integer(value, "max_email_bytes") }
        if let value = values["smtp_port"] { config.smtpPort = try integer(value, "smtp_port") }
        if let value = values["smtp_host"] { config.smtpHost = value }
        if let value = values["smtp_tls_cert"] { config.smtpTLSCertificate = value }
        if let value = values["smtp_tls_key"] { config.smtpTLSKey = value }
        if let value = values["tls_ca_file"] { config.tlsCAFile = value }
        if let value = values["dkim_selector"] { config.dkimSelector = value }
        if let value = values["mail_auth"] { config.mailAuthentication = !["0", "false", "no", "off"].contains(value.lowercased()) }
        if let value = values["dns_server"] { config.dnsServer = value }
        if let value = values["dkim_key"] { config.dkimKey = value }
        if let value = values["secret_key"] { config.secretKey = value }
        if let value = values["push_contact"] {
            guard value.hasPrefix("mailto:") || value.hasPrefix("https://") else {
                throw ConfigurationError("push_contact is a mailto: or https: address push services may write to, not \"\(value)\".")
            }
            config.pushContact = value
        }
        if let value = values["widget_sessions_per_address"] {
            config.widgetSessionsPerAddress = try integer(value, "widget_sessions_per_address")
        }
        if let value = values["api_rate_limit"] { config.apiRequestsPerMinute = max(0, try integer(value, "api_rate_limit")) }
        if let value = values["anonymous_rate_limit"] { config.anonymousRequestsPerMinute = max(0, try integer(value, "anonymous_rate_limit")) }
        if let value = values["smtp_mode"] {
            guard ["smtp", "lmtp"].contains(value.lowercased()) else {
                throw ConfigurationError("smtp_mode is smtp (for senders on the internet) or lmtp (behind an MTA such as Postfix), not \"\(value)\".")
            }
            config.smtpMode = value.lowercased()
        }
        return config
    }

    private static func integer(_ text: String, _ name: String) throws -> Int {
        guard let value = Int(text) else { throw ConfigurationError("\(name) must be a whole number, not \"\(text)\".") }
        return value
    }
}

public struct ConfigurationError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
