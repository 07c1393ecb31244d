import Foundation
import Hummingbird
import ShopdeskCore
import ShopdeskStore

/// Single sign-on with OpenID Connect. Admins add their workspace's provider (Google, Microsoft
/// Entra ID, Keycloak, any compliant one); agents sign in through it, and someone the provider
/// vouches for with no agent yet becomes one in the provider's role when the admin allows it.
///
/// The flow is the authorization code with PKCE, a one-use `state` kept (hashed) for ten
/// minutes, and a `nonce` the ID token must repeat. The provider's discovery document and keys
/// are read at each sign-in (they are rare; a rotated key is never stale).
struct SSOController {
    let services: AppServices
    static let callbackPath = "/api/v1/auth/sso/callback"
    static let window: TimeInterval = 10 * 60

    struct ProviderDTO: ResponseEncodable {
        var id: Int64; var name: String; var issuer: String; var clientId: String; var role: String
        var domains: [String]; var createAgents: Bool; var enabled: Bool
        /// The address to register at the provider as the application's redirect URI.
        var redirectUri: String
        /// A link that starts a sign-in with this provider (for a bookmark or the company portal).
        var signInUrl: String
    }
    struct ProviderBody: Decodable {
        var name: String; var issuer: String; var clientId: String; var clientSecret: String?
        var role: String?; var domains: [String]?; var createAgents: Bool?; var enabled: Bool?
    }
    struct Choice: ResponseEncodable { var id: Int64; var name: String; var signInUrl: String }
    /// `require_sso`: everyone but the owner signs in through a provider; the owner keeps a
    /// password, so a provider that is down or misconfigured cannot lock the workspace out.
    struct Settings: Codable, ResponseEncodable { var requireSso: Bool }

    func register(_ api: APIRegistrar) {
        let database = services.database
        api.on(.get, "/sso/providers", "The workspace's single sign-on providers (OpenID Connect)", tag: "auth", role: .admin) { request, context in
            let ws = context.workspaceID
            let base = ShopifyInstallRoutes.publicBase(services.config, request)
            return Page(items: try await database.read { try await SSORepository.list(workspaceID: ws, in: $0) }.map { dto($0, base: base) },
                        nextCursor: nil)
        }
        api.on(.post, "/sso/providers", "Add an OpenID Connect provider (its discovery document is read to check it)", tag: "auth",
               role: .admin, body: "ProviderBody", status: 201) { request, context in
            let body = try await request.decode(as: ProviderBody.self, context: context)
            let provider = try await checked(body, existing: nil, workspaceID: context.workspaceID)
            let saved = try await database.write { try await SSORepository.save(provider, now: Date(), in: $0) }
            return Created(body: dto(saved, base: ShopifyInstallRoutes.publicBase(services.config, request)))
        }
        api.on(.put, "/sso/providers/{id}", "Change an OpenID Connect provider (leave client_secret out to keep it)", tag: "auth",
               role: .admin, body: "ProviderBody") { request, context in
            let id: SSOProviderID = try request.id(context: context, "Provider")
            let ws = context.workspaceID
            guard let existing = try await database.read({ try await SSORepository.find(workspaceID: ws, id: id.rawValue, in: $0) }) else {
                throw Problem(.notFound, "Single sign-on provider \(id) was not found.")
            }
            let body = try await request.decode(as: ProviderBody.self, context: context)
            let provider = try await checked(body, existing: existing, workspaceID: ws)
            let saved = try await database.write { try await SSORepository.save(provider, now: Date(), in: $0) }
            await services.openID.forget(issuer: existing.issuer)
            return dto(saved, base: ShopifyInstallRoutes.publicBase(services.config, request))
        }
        api.on(.delete, "/sso/providers/{id}", "Remove an OpenID Connect provider", tag: "auth", role: .admin) { request, context in
            let id: SSOProviderID = try request.id(context: context, "Provider")
            let ws = context.workspaceID
            guard try await database.write({ try await SSORepository.delete(workspaceID: ws, id: id.rawValue, in: $0) }) else {
                throw Problem(.notFound, "Single sign-on provider \(id) was not found.")
            }
            return Response(status: .noContent)
        }
        api.on(.get, "/sso/settings", "Whether agents must sign in with single sign-on", tag: "auth", role: .admin) { _, context in
            let ws = context.workspaceID
            return Settings(requireSso: try await database.read { try await SSORepository.requiresSSO(workspaceID: ws, in: $0) })
        }
        api.on(.put, "/sso/settings", "Require single sign-on of every agent but the owner (password sign-in is refused for them)",
               tag: "auth", role: .admin, body: "Settings") { request, context in
            let body = try await request.decode(as: Settings.self, context: context)
            let ws = context.workspaceID
            if body.requireSso {
                let providers = try await database.read { try await SSORepository.list(workspaceID: ws, in: $0) }
                guard providers.contains(where: \.enabled) else {
                    throw Problem(.conflict, "Add and switch on a single sign-on provider first; otherwise nobody but the owner could sign in.",
                                  field: "require_sso")
                }
            }
            try await database.write { try await SSORepository.setRequiresSSO(body.requireSso, workspaceID: ws, in: $0) }
            return body
        }
        api.onPublic(.get, "/auth/sso", "The single sign-on providers for an email's domain (?email=)", tag: "auth") { request, _ in
            let email = FormURLEncoding.pairs(request.uri.query ?? "").first { $0.name == "email" }?.value ?? ""
            let base = ShopifyInstallRoutes.publicBase(services.config, request)
            let found = try await database.read { try await SSORepository.forEmail(email.trimmingCharacters(in: .whitespaces), in: $0) }
            return Page(items: found.map { Choice(id: $0.id, name: $0.name, signInUrl: base + "/api/v1/auth/sso/\($0.id)/start") }, nextCursor: nil)
        }
        api.onPublic(.get, "/auth/sso/{id}/start", "Start signing in with a single sign-on provider (redirects to it)", tag: "auth") { request, context in
            do {
                return try await SSOSignIn(services: services).start(request, context)
            } catch let failure as OpenIDConnect.Failure {
                return Self.backToSignIn(failure.description, services: services)
            }
        }
        api.onPublic(.get, "/auth/sso/callback", "The provider's redirect after a sign-in (state, code and ID token checked)", tag: "auth") { request, context in
            try await SSOSignIn(services: services).finish(request, context)
        }
    }

    /// The sign-in page, with the reason a single sign-on did not work. The reason travels in a
    /// short-lived cookie the page reads once, not in the address: a link someone sends cannot
    /// put words of theirs on our sign-in page.
    static func backToSignIn(_ reason: String, services: AppServices) -> Response {
        var response = ShopifyInstallRoutes.redirect(to: "/")
        response.setCookie(Cookie(name: errorCookie, value: FormURLEncoding.encode(String(reason.prefix(300))), maxAge: 60, path: "/",
                                  secure: services.config.secureCookies, httpOnly: false, sameSite: .lax))
        return response
    }

    static let errorCookie = "shopdesk_sso_error"

    private func dto(_ provider: SSORepository.Provider, base: String) -> ProviderDTO {
        ProviderDTO(id: provider.id, name: provider.name, issuer: provider.issuer, clientId: provider.clientID, role: provider.role.rawValue,
                    domains: provider.domains, createAgents: provider.createAgents, enabled: provider.enabled,
                    redirectUri: base + Self.callbackPath, signInUrl: base + "/api/v1/auth/sso/\(provider.id)/start")
    }

    /// The body made into a provider: every field checked, the secret sealed, and the issuer's
    /// discovery document read, so a typo shows now rather than at an agent's first sign-in.
    private func checked(_ body: ProviderBody, existing: SSORepository.Provider?, workspaceID: WorkspaceID) async throws -> SSORepository.Provider {
        let name = Text.singleLine(body.name)
        guard (1...80).contains(name.count) else { throw Problem(.unprocessableContent, "Name the provider in 1 to 80 characters.", field: "name") }
        let issuer: String
        do { issuer = try OpenIDConnect.checkIssuer(body.issuer.trimmingCharacters(in: .whitespaces)) } catch let failure as OpenIDConnect.Failure {
            throw Problem(.unprocessableContent, failure.description + " It is the provider's address, e.g. https://accounts.google.com.", field: "issuer")
        }
        let clientID = body.clientId.trimmingCharacters(in: .whitespaces)
        guard (1...500).contains(clientID.count) else { throw Problem(.unprocessableContent, "Give the client ID the provider issued.", field: "client_id") }
        let secret = body.clientSecret?.trimmingCharacters(in: .whitespaces) ?? ""
        guard !secret.isEmpty || existing != nil else {
            throw Problem(.unprocessableContent, "Give the client secret the provider issued.", field: "client_secret")
        }
        let role = body.role.map { Role(rawValue: $0) } ?? existing?.role ?? .agent
        guard let role, role != .owner else {
            throw Problem(.unprocessableContent, "New agents get the role viewer, agent or admin.", field: "role")
        }
        var domains: [String] = []
        for domain in body.domains ?? existing?.domains ?? [] {
            let clean = domain.trimmingCharacters(in: .whitespaces).lowercased()
            guard !clean.isEmpty else { continue }
            guard clean.count <= 253, clean.contains("."), clean.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" }) else {
                throw Problem(.unprocessableContent, "\(clean) is not an email domain (like shop.hr).", field: "domains")
            }
            domains.append(clean)
        }
        let createAgents = body.createAgents ?? existing?.createAgents ?? false
        guard !createAgents || !domains.isEmpty else {
            throw Problem(.unprocessableContent, "Name the email domains whose people may become agents at their first sign-in.", field: "domains")
        }
        do { _ = try await OpenIDConnect.discover(issuer: issuer, http: services.channelHTTP) } catch let failure as OpenIDConnect.Failure {
            throw Problem(.unprocessableContent, "The provider could not be reached at \(issuer): \(failure.description)", field: "issuer")
        }
        return SSORepository.Provider(id: existing?.id ?? 0, workspaceID: workspaceID, name: name, issuer: issuer, clientID: clientID,
                                      sealedSecret: secret.isEmpty ? existing?.sealedSecret ?? "" : try services.secretBox().seal(secret),
                                      role: role, domains: domains, createAgents: createAgents, enabled: body.enabled ?? existing?.enabled ?? true)
    }
}
