import Foundation
import ShopdeskCore

/// An OAuth 2.0 provider whose mailboxes Shopdesk reads and sends from with XOAUTH2. The server's
/// operator registers Shopdesk as an app with Google or Microsoft once and configures its client
/// id and secret (`SHOPDESK_GOOGLE_CLIENT_ID`…); each workspace's admin then connects a mailbox
/// by signing in to it. Google and Microsoft are built in; `custom` providers (a test server, a
/// provider with the same flow) name their endpoints and mail servers.
struct MailOAuthProvider: Sendable, Equatable {
    /// `google`, `microsoft` or a custom name: stored with the inbox's grant.
    var name: String
    /// What the admin's button says ("Google", "Microsoft 365").
    var title: String
    var authorizationEndpoint: String
    var tokenEndpoint: String
    var scopes: [String]
    /// Added to the authorization request (Google needs `access_type=offline` for a refresh token).
    var authorizationParameters: [(String, String)] = []
    var clientID: String
    var clientSecret: String
    /// How the token endpoint is shown the secret (RFC 6749 2.3.1): in the form, as Google and
    /// Microsoft document it, or in an HTTP Basic header.
    var clientAuthentication: ClientAuthentication = .post
    /// The mail servers of this provider's mailboxes, filled in when a mailbox is connected.
    var imap: OutgoingSMTP
    var smtp: OutgoingSMTP

    enum ClientAuthentication: Sendable { case post, basic }

    static func == (lhs: MailOAuthProvider, rhs: MailOAuthProvider) -> Bool {
        lhs.name == rhs.name && lhs.clientID == rhs.clientID && lhs.tokenEndpoint == rhs.tokenEndpoint
    }

    /// Gmail and Google Workspace: IMAP, POP and SMTP all need the full mail scope.
    static func google(clientID: String, clientSecret: String) -> MailOAuthProvider {
        MailOAuthProvider(
            name: "google", title: "Google", authorizationEndpoint: "https://accounts.google.com/o/oauth2/v2/auth",
            tokenEndpoint: "https://oauth2.googleapis.com/token", scopes: ["https://mail.google.com/"],
            authorizationParameters: [("access_type", "offline"), ("prompt", "consent")],
            clientID: clientID, clientSecret: clientSecret,
            imap: OutgoingSMTP(host: "imap.gmail.com", port: 993, security: .tls),
            smtp: OutgoingSMTP(host: "smtp.gmail.com", port: 587, security: .starttls))
    }

    /// Microsoft 365 (Exchange Online), for the tenant configured (`common` lets any tenant's admin consent).
    static func microsoft(clientID: String, clientSecret: String, tenant: String) -> MailOAuthProvider {
        let base = "https://login.microsoftonline.com/\(FormURLEncoding.encode(tenant))/oauth2/v2.0"
        return MailOAuthProvider(
            name: "microsoft", title: "Microsoft 365", authorizationEndpoint: base + "/authorize", tokenEndpoint: base + "/token",
            scopes: ["offline_access", "https://outlook.office.com/IMAP.AccessAsUser.All", "https://outlook.office.com/SMTP.Send"],
            clientID: clientID, clientSecret: clientSecret,
            imap: OutgoingSMTP(host: "outlook.office365.com", port: 993, security: .tls),
            smtp: OutgoingSMTP(host: "smtp.office365.com", port: 587, security: .starttls))
    }

    /// The providers the configuration names: Google and Microsoft when their client ids are set.
    static func configured(_ values: [String: String]) throws -> [MailOAuthProvider] {
        var providers: [MailOAuthProvider] = []
        for (name, make) in [("google", { (id: String, secret: String) in google(clientID: id, clientSecret: secret) }),
                             ("microsoft", { (id: String, secret: String) in
                                 microsoft(clientID: id, clientSecret: secret, tenant: values["microsoft_tenant"] ?? "common") })] {
            guard let id = values["\(name)_client_id"], !id.isEmpty else { continue }
            guard let secret = values["\(name)_client_secret"], !secret.isEmpty else {
                throw ConfigurationError("\(name)_client_id is set but \(name)_client_secret is not; mailboxes cannot be connected without both.")
            }
            providers.append(make(id, secret))
        }
        return providers
    }
}
