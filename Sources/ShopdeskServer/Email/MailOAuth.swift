import Foundation
import Hummingbird
import ShopdeskChannels
import ShopdeskCore
import ShopdeskStore

/// Access tokens of mailboxes connected with OAuth, in this node's memory until a minute before
/// they expire (an hour at Google and Microsoft); each node asks for its own.
actor MailAccessTokens {
    private var tokens: [InboxID: (token: String, expires: Date)] = [:]

    func token(_ inbox: InboxID, now: Date) -> String? {
        guard let entry = tokens[inbox], entry.expires > now.addingTimeInterval(60) else { return nil }
        return entry.token
    }

    func store(_ inbox: InboxID, token: String, expires: Date) { tokens[inbox] = (token, expires) }

    func forget(_ inbox: InboxID) { tokens[inbox] = nil }
}

/// Mailboxes of Gmail and Microsoft 365, which turned passwords off: an admin signs in to the
/// mailbox at the provider once (authorization code with PKCE), Shopdesk keeps the refresh token
/// sealed, and IMAP and SMTP sign in with XOAUTH2 and a fresh access token.
struct MailOAuth {
    let services: AppServices
    static let callbackPath = "/api/v1/mail-oauth/callback"
    /// The consent under way, sealed: state, PKCE verifier, inbox, workspace and admin.
    static let stateCookie = "shopdesk_mail_oauth"
    /// What came of it, read once by the settings page.
    static let resultCookie = "shopdesk_mail_oauth_result"
    static let window: TimeInterval = 10 * 60

    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    struct Pending: Codable {
        var state: String
        var verifier: String
        var inbox: Int64
        var workspace: Int64
        var agent: Int64
        var provider: String
        var expires: Double
    }

    func provider(_ name: String) -> MailOAuthProvider? { services.config.mailOAuthProviders.first { $0.name == name } }

    /// How IMAP or SMTP signs in to `server` for `inbox`: its sealed password, or for a mailbox
    /// connected with OAuth, the grant's account and an access token.
    func signIn(_ server: OutgoingSMTP, inbox: Inbox) async throws -> (server: OutgoingSMTP, password: String?, accessToken: String?) {
        guard inbox.email?.oauthProvider != nil else {
            return (server, try server.passwordSealed.map { try services.secretBox().open($0) }, nil)
        }
        let (username, token) = try await accessToken(for: inbox)
        var server = server
        server.username = username
        return (server, nil, token)
    }

    /// Runs one IMAP or SMTP session signed in for the inbox. A session that failed with an access
    /// token forgets it, so the next one asks the provider again and hears plainly when the
    /// consent is gone (a revoked token is refused by the mail server before it expires).
    func session<T>(_ server: OutgoingSMTP, inbox: Inbox, imap: Bool,
                    _ body: (_ server: OutgoingSMTP, _ password: String?, _ accessToken: String?) async throws -> T) async throws -> T {
        let (server, password, token) = try await imap ? imapSignIn(server, inbox: inbox) : smtpSignIn(server, inbox: inbox)
        do {
            return try await body(server, password, token)
        } catch {
            if token != nil { await services.mailTokens.forget(inbox.id) }
            throw error
        }
    }

    /// `signIn` for IMAP: a consent that no longer works is the mailbox's failure, said in words.
    func imapSignIn(_ server: OutgoingSMTP, inbox: Inbox) async throws -> (server: OutgoingSMTP, password: String?, accessToken: String?) {
        do { return try await signIn(server, inbox: inbox) } catch let failure as Failure {
            throw IMAPClient.Failure(description: failure.description, permanent: false)
        }
    }

    /// `signIn` for SMTP: the send is tried again later, and the reason is the outbox's.
    func smtpSignIn(_ server: OutgoingSMTP, inbox: Inbox) async throws -> (server: OutgoingSMTP, password: String?, accessToken: String?) {
        do { return try await signIn(server, inbox: inbox) } catch let failure as Failure {
            throw SMTPClient.Failure.temporary(failure.description)
        }
    }

    /// A valid access token for the inbox's mailbox: the one this node holds, or a new one for the
    /// grant's refresh token (kept when the provider hands out a new refresh token, as Microsoft does).
    func accessToken(for inbox: Inbox) async throws -> (username: String, token: String) {
        let ws = inbox.workspaceID
        guard let grant = try await services.database.read({ try await MailOAuthRepository.find(workspaceID: ws, inboxID: inbox.id, in: $0) }) else {
            throw Failure("\(inbox.email?.address ?? "The mailbox") was connected with OAuth but has no consent any more; connect it again in Settings → Channels.")
        }
        if let cached = await services.mailTokens.token(inbox.id, now: Date()) { return (grant.username, cached) }
        guard let provider = provider(grant.provider) else {
            throw Failure("\(grant.username) was connected with \(grant.provider), which this server is no longer configured for; ask its operator.")
        }
        let refresh = try services.secretBox().open(grant.sealedRefreshToken)
        let answer = try await tokenRequest(provider, ["grant_type": "refresh_token", "refresh_token": refresh])
        guard let token = answer["access_token"] as? String, !token.isEmpty else {
            if answer["error"] as? String == "invalid_grant" {
                throw Failure("\(provider.title) no longer lets Shopdesk into \(grant.username) (the consent was withdrawn, or the password changed); connect it again in Settings → Channels.")
            }
            throw Failure("\(provider.title) gave no access token for \(grant.username): \(Self.reason(answer)).")
        }
        let lifetime = (answer["expires_in"] as? NSNumber)?.doubleValue ?? Double(answer["expires_in"] as? String ?? "") ?? 3_600
        await services.mailTokens.store(inbox.id, token: token, expires: Date().addingTimeInterval(min(lifetime, 24 * 3_600)))
        if let rotated = answer["refresh_token"] as? String, !rotated.isEmpty, rotated != refresh {
            let sealed = try services.secretBox().seal(rotated)
            try await services.database.write {
                try await MailOAuthRepository.replaceRefreshToken(workspaceID: ws, inboxID: inbox.id, sealed: sealed, now: Date(), in: $0)
            }
        }
        return (grant.username, token)
    }

    /// The provider's page where the admin signs in to the mailbox, and the cookie that ties the
    /// answer to this browser, admin and inbox.
    func start(inbox: Inbox, provider: MailOAuthProvider, agentID: AgentID, request: Request) throws -> (url: String, cookie: Cookie) {
        let state = Secrets.token(), verifier = Secrets.token(bytes: 48)
        let pending = Pending(state: state, verifier: verifier, inbox: inbox.id.rawValue, workspace: inbox.workspaceID.rawValue,
                              agent: agentID.rawValue, provider: provider.name, expires: Date().addingTimeInterval(Self.window).timeIntervalSince1970)
        let sealed = try services.secretBox().seal(String(decoding: try JSONEncoder().encode(pending), as: UTF8.self))
        var parameters = [
            ("response_type", "code"), ("client_id", provider.clientID), ("redirect_uri", Self.redirectURI(services, request)),
            ("scope", (["openid", "email"] + provider.scopes).joined(separator: " ")), ("state", state),
            ("code_challenge", OpenIDConnect.challenge(verifier)), ("code_challenge_method", "S256"),
        ]
        if let address = inbox.email?.address { parameters.append(("login_hint", address)) }
        parameters += provider.authorizationParameters
        let query = parameters.map { FormURLEncoding.encode($0.0) + "=" + FormURLEncoding.encode($0.1) }.joined(separator: "&")
        let separator = provider.authorizationEndpoint.contains("?") ? "&" : "?"
        let cookie = Cookie(name: Self.stateCookie, value: sealed, maxAge: Int(Self.window), path: "/api/v1/mail-oauth/",
                            secure: services.config.secureCookies, httpOnly: true, sameSite: .lax)
        return (provider.authorizationEndpoint + separator + query, cookie)
    }

    /// The provider sends the admin back: the state must be the one this browser was given, for
    /// this admin; the code becomes tokens; the inbox then reads and sends with them.
    func finish(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        let parameters = FormURLEncoding.pairs(request.uri.query ?? "")
        let value = { (name: String) in parameters.first { $0.name == name }?.value }
        do {
            guard let sealed = request.cookies[Self.stateCookie]?.value,
                  let json = try? services.secretBox().open(sealed),
                  let pending = try? JSONDecoder().decode(Pending.self, from: Data(json.utf8)),
                  let state = value("state"), Secrets.constantTimeEquals(state, pending.state),
                  pending.expires >= Date().timeIntervalSince1970 else {
                throw Failure("This connection link has expired or belongs to another browser. Start again from Settings → Channels.")
            }
            guard pending.agent == context.agent.id.rawValue, pending.workspace == context.workspaceID.rawValue else {
                throw Failure("The connection was started by another admin. Start again from Settings → Channels.")
            }
            guard let provider = provider(pending.provider) else { throw Failure("\(pending.provider) is not configured on this server.") }
            if let error = value("error") {
                throw Failure("\(provider.title) did not connect the mailbox: \(value("error_description") ?? error).")
            }
            guard let code = value("code") else { throw Failure("\(provider.title) sent no authorization code.") }
            let ws = context.workspaceID
            guard var inbox = try await services.database.read({
                try await InboxRepository.find(workspaceID: ws, id: InboxID(pending.inbox), in: $0)
            }), var email = inbox.email else { throw Failure("The inbox is gone.") }
            let answer = try await tokenRequest(provider, ["grant_type": "authorization_code", "code": code, "code_verifier": pending.verifier,
                                                           "redirect_uri": Self.redirectURI(services, request)])
            guard let refresh = answer["refresh_token"] as? String, !refresh.isEmpty else {
                throw Failure("\(provider.title) gave Shopdesk no lasting access (\(Self.reason(answer))); allow offline access and try again.")
            }
            let account = Self.account(idToken: answer["id_token"] as? String) ?? email.address
            let grant = MailOAuthRepository.Grant(workspaceID: ws, inboxID: inbox.id, provider: provider.name, username: account,
                                                  sealedRefreshToken: try services.secretBox().seal(refresh), connectedBy: context.agent.id,
                                                  connectedAt: Date())
            email.oauthProvider = provider.name
            // The token is good only at the provider's own servers: they replace whatever the
            // inbox had (a password-era host would refuse it), signed in as the account.
            email.imap = Self.server(provider.imap, account: account)
            email.smtp = Self.server(provider.smtp, account: account)
            inbox.email = email
            let updated = inbox
            try await services.database.write { sql in
                try await MailOAuthRepository.save(grant, in: sql)
                try await InboxRepository.update(updated, in: sql)
                try await IMAPPoller.schedule(updated, at: Date(), in: sql)
            }
            if let token = answer["access_token"] as? String {
                let lifetime = (answer["expires_in"] as? NSNumber)?.doubleValue ?? 3_600
                await services.mailTokens.store(inbox.id, token: token, expires: Date().addingTimeInterval(lifetime))
            }
            await AuditLog(services: services).append(AuditEntry(
                workspaceID: ws, at: Date(), agentID: context.agent.id, actor: context.agent.email, via: .session, action: "inbox.mail_oauth_connected",
                target: "inbox \(inbox.id)", summary: "Connected \(account) with \(provider.title)", address: context.remoteAddress?.ipAddress))
            return backToSettings("\(account) is connected with \(provider.title).")
        } catch let failure as Failure {
            return backToSettings(failure.description)
        }
    }

    static func server(_ server: OutgoingSMTP, account: String) -> OutgoingSMTP {
        var server = server
        server.username = account
        server.passwordSealed = nil
        return server
    }

    /// The settings page, with what happened in a cookie it reads once (never in the address).
    func backToSettings(_ message: String) -> Response {
        var response = ShopifyInstallRoutes.redirect(to: "/#/admin/channels")
        response.setCookie(Cookie(name: Self.resultCookie, value: FormURLEncoding.encode(String(message.prefix(300))), maxAge: 60, path: "/",
                                  secure: services.config.secureCookies, httpOnly: false, sameSite: .lax))
        response.setCookie(Cookie(name: Self.stateCookie, value: "", maxAge: 0, path: "/api/v1/mail-oauth/",
                                  secure: services.config.secureCookies, httpOnly: true, sameSite: .lax))
        return response
    }

    /// The token endpoint, shown the client's secret the provider's way.
    func tokenRequest(_ provider: MailOAuthProvider, _ fields: [String: String]) async throws -> [String: Any] {
        var fields = fields
        var headers = [("Content-Type", "application/x-www-form-urlencoded"), ("Accept", "application/json")]
        switch provider.clientAuthentication {
        case .post:
            fields["client_id"] = provider.clientID
            fields["client_secret"] = provider.clientSecret
        case .basic:
            let credentials = FormURLEncoding.encode(provider.clientID) + ":" + FormURLEncoding.encode(provider.clientSecret)
            headers.append(("Authorization", "Basic " + Data(credentials.utf8).base64EncodedString()))
        }
        let form = fields.sorted { $0.key < $1.key }.map { FormURLEncoding.encode($0.key) + "=" + FormURLEncoding.encode($0.value) }
            .joined(separator: "&")
        var request = ChannelHTTPRequest(method: "POST", url: provider.tokenEndpoint, headers: headers, body: Data(form.utf8))
        request.maxResponseBytes = 64 * 1024
        let response: ChannelHTTPResponse
        do { response = try await services.channelHTTP.send(request) } catch { throw Failure("\(provider.title) did not answer: \(error)") }
        guard let object = try? JSONSerialization.jsonObject(with: response.body) as? [String: Any] else {
            throw Failure("\(provider.title) answered \(response.status) without JSON.")
        }
        return object
    }

    /// The signed-in account from the ID token the token endpoint gave over TLS (OpenID Connect
    /// Core 3.1.3.7: received directly, its signature need not be checked): `email`, or
    /// Microsoft's `preferred_username`.
    static func account(idToken: String?) -> String? {
        guard let idToken else { return nil }
        let parts = idToken.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let payload = OpenIDConnect.base64URL(String(parts[1])),
              let claims = try? JSONSerialization.jsonObject(with: payload) as? [String: Any] else { return nil }
        for key in ["email", "preferred_username"] {
            if let value = claims[key] as? String, let address = try? Identities.email(value) { return address }
        }
        return nil
    }

    static func reason(_ answer: [String: Any]) -> String {
        answer["error_description"] as? String ?? answer["error"] as? String ?? "no reason given"
    }

    static func redirectURI(_ services: AppServices, _ request: Request) -> String {
        ShopifyInstallRoutes.publicBase(services.config, request) + callbackPath
    }
}
