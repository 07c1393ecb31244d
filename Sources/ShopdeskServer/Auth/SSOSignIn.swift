import Foundation
import Hummingbird
import ShopdeskCore
import ShopdeskStore

/// One single sign-on: `start` sends the browser to the provider; `finish` takes it back, checks
/// the provider's answer and signs the agent in (or explains, on the sign-in page, why not).
struct SSOSignIn {
    let services: AppServices

    func start(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let id: SSOProviderID = try request.id(context: context, "Provider")
        guard let provider = try await services.database.read({ try await SSORepository.find(id: id.rawValue, in: $0) }), provider.enabled else {
            throw OpenIDConnect.Failure("This single sign-on link is not in use any more. Ask an admin for the current one.")
        }
        let configuration = try await configuration(provider.issuer)
        let state = Secrets.token(), nonce = Secrets.token(), verifier = Secrets.token(bytes: 48)
        let login = SSORepository.Login(workspaceID: provider.workspaceID, providerID: provider.id, nonce: nonce, verifier: verifier)
        try await services.database.write {
            try await SSORepository.startLogin(stateHash: Secrets.sha256Hex(state), login, expiresAt: Date().addingTimeInterval(SSOController.window), in: $0)
        }
        let parameters = [
            ("response_type", "code"), ("client_id", provider.clientID), ("redirect_uri", Self.redirectURI(services, request)),
            ("scope", "openid email profile"), ("state", state), ("nonce", nonce),
            ("code_challenge", OpenIDConnect.challenge(verifier)), ("code_challenge_method", "S256"),
        ].map { FormURLEncoding.encode($0.0) + "=" + FormURLEncoding.encode($0.1) }.joined(separator: "&")
        let separator = configuration.authorizationEndpoint.contains("?") ? "&" : "?"
        return ShopifyInstallRoutes.redirect(to: configuration.authorizationEndpoint + separator + parameters)
    }

    func finish(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let parameters = FormURLEncoding.pairs(request.uri.query ?? "")
        let value = { (name: String) in parameters.first { $0.name == name }?.value }
        let address = context.remoteAddress?.ipAddress ?? "unknown"
        guard let state = value("state"), let login = try await services.database.write({
            try await SSORepository.takeLogin(stateHash: Secrets.sha256Hex(state), now: Date(), in: $0)
        }) else {
            return SSOController.backToSignIn("This sign-in link has expired or was already used. Start again.", services: services)
        }
        let ws = login.workspaceID
        guard let provider = try await services.database.read({ try await SSORepository.find(workspaceID: ws, id: login.providerID, in: $0) }),
              provider.enabled else {
            return SSOController.backToSignIn("This single sign-on is not in use any more.", services: services)
        }
        do {
            if let error = value("error") {
                throw OpenIDConnect.Failure("\(provider.name) did not sign you in: \(value("error_description") ?? error).")
            }
            guard let code = value("code") else { throw OpenIDConnect.Failure("\(provider.name) sent no authorization code.") }
            let configuration = try await configuration(provider.issuer)
            let secret = try services.secretBox().open(provider.sealedSecret)
            let idToken = try await OpenIDConnect.exchange(code: code, verifier: login.verifier, redirectURI: Self.redirectURI(services, request),
                                                           clientID: provider.clientID, secret: secret, configuration: configuration,
                                                           http: services.channelHTTP)
            let http = services.channelHTTP
            let keys = try await services.openID.keys(uri: configuration.jwksURI, wanted: OpenIDConnect.keyID(of: idToken)) {
                try await OpenIDConnect.keys(configuration, http: http)
            }
            let identity = try OpenIDConnect.verify(idToken: idToken, keys: keys, issuer: configuration.issuer, clientID: provider.clientID,
                                                    nonce: login.nonce, now: Date())
            let agent = try await agent(for: identity, provider: provider)
            await audit(agent.workspaceID, agent: agent, action: "auth.signed_in", "Signed in with single sign-on (\(provider.name))", address: address)
            let (cookie, _) = try await AuthController.newSession(for: agent, services: services)
            var response = ShopifyInstallRoutes.redirect(to: "/")
            response.setCookie(cookie)
            return response
        } catch let failure as OpenIDConnect.Failure {
            await audit(ws, agent: nil, action: "auth.sso_failed", "Single sign-on with \(provider.name) refused: \(failure.description)", address: address)
            return SSOController.backToSignIn(failure.description, services: services)
        }
    }

    /// The provider's discovery document, read at most once an hour per node.
    private func configuration(_ issuer: String) async throws -> OpenIDConnect.Configuration {
        let http = services.channelHTTP
        return try await services.openID.configuration(issuer: issuer) { try await OpenIDConnect.discover(issuer: issuer, http: http) }
    }

    /// The workspace's agent with the provider's email; a new one when the provider may create them.
    private func agent(for identity: OpenIDConnect.Identity, provider: SSORepository.Provider) async throws -> Agent {
        guard provider.allows(email: identity.email) else {
            throw OpenIDConnect.Failure("\(identity.email) is not at a domain this sign-in is for.")
        }
        let ws = provider.workspaceID
        if let existing = try await services.database.read({ try await AgentRepository.find(workspaceID: ws, email: identity.email, in: $0) }) {
            guard !existing.disabled else { throw OpenIDConnect.Failure("The agent \(identity.email) is switched off in this workspace.") }
            return existing
        }
        guard provider.createAgents else {
            throw OpenIDConnect.Failure("\(identity.email) is not an agent of this workspace yet. Ask an admin to invite you.")
        }
        // No password opens this agent: the hash is of a random secret nobody keeps.
        let hash = try await services.passwords.hash(Secrets.token())
        let name = identity.name.map(Text.singleLine).flatMap { $0.isEmpty ? nil : String($0.prefix(100)) }
            ?? String(identity.email.prefix { $0 != "@" })
        let agent = try await services.database.write {
            try await AgentRepository.create(workspaceID: ws, email: identity.email, name: name, role: provider.role, passwordHash: hash,
                                             locale: "en", now: Date(), in: $0)
        }
        await audit(ws, agent: agent, action: "agent.created", "Became an agent (\(provider.role.rawValue)) at the first sign-in with \(provider.name)",
                    address: nil)
        return agent
    }

    private func audit(_ ws: WorkspaceID, agent: Agent?, action: String, _ summary: String, address: String?) async {
        await AuditLog(services: services).append(AuditEntry(workspaceID: ws, at: Date(), agentID: agent?.id, actor: agent?.email ?? "single sign-on",
                                                             via: .signIn, action: action, target: nil, summary: summary, address: address))
    }

    static func redirectURI(_ services: AppServices, _ request: Request) -> String {
        ShopifyInstallRoutes.publicBase(services.config, request) + SSOController.callbackPath
    }
}
