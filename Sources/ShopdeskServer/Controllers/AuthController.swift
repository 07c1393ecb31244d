import Foundation
import Hummingbird
import ShopdeskCore
import ShopdeskStore

/// Sign-in, sign-out, the current agent, password changes and personal API tokens.
struct AuthController {
    let services: AppServices

    /// A bcrypt hash of a random string, checked for unknown emails so that their answer takes
    /// as long as a known email's.
    private static let decoyHash = "$2b$12$C6UzMDM.H6dfI/f/IKcEeO5h0lK4o0n3k5wGmN0q1r2s3t4u5v6w."

    /// `workspace_id` picks one workspace when the same email and password fit several.
    /// `code`: the authenticator app's code (or a recovery code) when the agent has two-factor sign-in.
    struct LoginBody: Decodable { var email: String; var password: String; var workspaceId: Int64?; var code: String? }
    /// The most workspaces one email is checked in at sign-in (each costs a password-hash check).
    static let maxWorkspacesPerEmail = 8
    struct LoginResponse: ResponseEncodable { var agent: AgentDTO; var csrfToken: String }
    struct MeResponse: ResponseEncodable {
        var agent: AgentDTO; var csrfToken: String?; var workspace: WorkspaceDTO
        /// The workspace requires two-factor sign-in and this agent has not set it up: nothing
        /// else answers until they do.
        var mustSetUpTwoFactor: Bool
    }
    struct WorkspaceDTO: Codable { var id: Int64; var name: String; var timeZone: String }
    struct PasswordBody: Decodable { var currentPassword: String; var newPassword: String }
    struct TokenBody: Decodable { var name: String }
    struct AcceptInvite: Decodable { var token: String; var password: String }
    struct TokenCreated: ResponseEncodable { var id: Int64; var name: String; var token: String; var createdAt: Date }
    struct TokenDTO: ResponseEncodable { var id: Int64; var name: String; var createdAt: Date; var lastUsedAt: Date? }

    func register(_ api: APIRegistrar) {
        api.onPublic(.post, "/auth/login", "Sign in with email and password; sets the session cookie", tag: "auth", body: "LoginBody") { request, context in
            try await login(request, context)
        }
        api.onPublic(.post, "/auth/invites/accept", "Accept an invitation: choose a password, become an agent and sign in",
                     tag: "auth", body: "AcceptInvite") { request, context in
            let body = try await request.decode(as: AcceptInvite.self, context: context)
            let hash = try await services.passwords.hash(body.password)
            let now = Date()
            // Claiming the invitation and creating the agent commit together: a link works once,
            // and a failure leaves it usable.
            let agent: Agent = try await services.database.write { sql in
                guard let invite = try await InviteRepository.claim(tokenHash: Secrets.sha256Hex(body.token), now: now, in: sql) else {
                    throw Problem(.gone, "This invitation link was already used, has expired or was withdrawn. Ask for a new one.")
                }
                return try await AgentRepository.create(workspaceID: invite.workspaceID, email: invite.email, name: invite.name,
                                                        role: invite.role, passwordHash: hash, locale: invite.locale, now: now, in: sql)
            }
            return try await startSession(for: agent, request, context)
        }
        api.onPublic(.post, "/auth/logout", "End the current session", tag: "auth") { _, context in
            if let session = context.principal?.sessionID, let ws = context.principal?.agent.workspaceID {
                try await services.database.write { try await AccessRepository.deleteSession(session, workspaceID: ws, in: $0) }
            }
            var response = Response(status: .noContent)
            response.setCookie(.init(name: AuthMiddleware.cookieName, value: "", maxAge: 0, path: "/", secure: services.config.secureCookies,
                                     httpOnly: true, sameSite: .lax))
            return response
        }
        api.on(.get, "/auth/me", "The signed-in agent, their workspace and the CSRF token", tag: "auth") { _, context in
            let workspaceID = context.workspaceID
            guard let workspace = try await services.database.read({ try await WorkspaceRepository.find(workspaceID, in: $0) }) else {
                throw Problem(.notFound, "Workspace not found.")
            }
            return MeResponse(agent: AgentDTO(context.agent), csrfToken: context.principal.csrfToken,
                              workspace: WorkspaceDTO(id: workspace.id.rawValue, name: workspace.name, timeZone: workspace.timeZone),
                              mustSetUpTwoFactor: context.principal.mustSetUpTwoFactor)
        }
        api.on(.post, "/auth/password", "Change your password; ends your other sessions", tag: "auth", body: "PasswordBody") { request, context in
            let body = try await request.decode(as: PasswordBody.self, context: context)
            let agentID = context.agent.id, ws = context.workspaceID
            guard let credentials = try await services.database.read({ try await AgentRepository.credentials(workspaceID: ws, id: agentID, in: $0) }),
                  await services.passwords.verify(body.currentPassword, hash: credentials.passwordHash) else {
                throw Problem(.forbidden, "The current password is wrong.", field: "current_password")
            }
            let hash = try await services.passwords.hash(body.newPassword)
            let keep = context.principal.sessionID
            try await services.database.write {
                try await AgentRepository.setPassword(agentID, workspaceID: ws, hash: hash, keepSessionID: keep, now: Date(), in: $0)
            }
            return Response(status: .noContent)
        }
        api.on(.get, "/tokens", "Your personal API tokens", tag: "auth") { _, context in
            let agentID = context.agent.id
            let tokens = try await services.database.read { try await AccessRepository.tokens(of: agentID, in: $0) }
            return Page(items: tokens.map { TokenDTO(id: $0.id.rawValue, name: $0.name, createdAt: $0.createdAt, lastUsedAt: $0.lastUsedAt) },
                        nextCursor: nil)
        }
        api.on(.post, "/tokens", "Create a personal API token (shown once)", tag: "auth", body: "TokenBody", status: 201) { request, context in
            let body = try await request.decode(as: TokenBody.self, context: context)
            let name = Text.singleLine(body.name)
            guard !name.isEmpty, name.count <= 100 else {
                throw Problem(.unprocessableContent, "Give the token a name of 1 to 100 characters.", field: "name")
            }
            let token = Secrets.token(prefix: "sdk_")
            let agent = context.agent
            let record = try await services.database.write {
                try await AccessRepository.createToken(agent: agent, name: name, tokenHash: Secrets.sha256Hex(token), now: Date(), in: $0)
            }
            return Created(body: TokenCreated(id: record.id.rawValue, name: name, token: token, createdAt: record.createdAt))
        }
        api.on(.delete, "/tokens/{id}", "Revoke one of your API tokens", tag: "auth") { request, context in
            let id: TokenID = try request.id(context: context, "Token")
            let agent = context.agent
            guard try await services.database.write({ try await AccessRepository.revokeToken(id, agent: agent, now: Date(), in: $0) }) else {
                throw Problem(.notFound, "Token \(id) was not found.")
            }
            return Response(status: .noContent)
        }
    }

    private func login(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        let body = try await request.decode(as: LoginBody.self, context: context)
        let email = body.email.trimmingCharacters(in: .whitespaces).lowercased()
        let address = context.remoteAddress?.ipAddress ?? "unknown"
        let now = Date()
        if let wait = await services.loginLimiter.retryAfter(email: email, address: address, now: now) {
            var problem = Problem(.tooManyRequests, "Too many failed sign-ins. Try again in \(wait) seconds.")
            problem.code = "too_many_signins"
            problem.headers[.retryAfter] = String(wait)
            throw problem
        }
        let limit = Self.maxWorkspacesPerEmail
        var candidates = try await services.database.read { try await AgentRepository.signInCandidates(email: email, limit: limit, in: $0) }
        if let chosen = body.workspaceId { candidates.removeAll { $0.agent.workspaceID.rawValue != chosen } }
        // Every candidate's hash is checked (and the decoy's when there is none), so the answer
        // takes as long whichever of them fits.
        var fitting: [Agent] = []
        for candidate in candidates where await services.passwords.verify(body.password, hash: candidate.passwordHash) {
            if !candidate.agent.disabled { fitting.append(candidate.agent) }
        }
        if candidates.isEmpty { _ = await services.passwords.verify(body.password, hash: Self.decoyHash) }
        guard let agent = fitting.first else {
            await services.loginLimiter.recordFailure(email: email, address: address, now: now)
            // Each workspace the email belongs to sees the failed attempt in its audit log.
            for candidate in candidates {
                await signInEntry("auth.sign_in_failed", "Sign-in with a wrong password", agent: candidate.agent, address: address, now: now)
            }
            var problem = Problem(.unauthorized, "The email or password is wrong.")
            problem.code = "wrong_credentials"
            throw problem
        }
        if fitting.count > 1 {
            // The same person in several workspaces with the same password: they proved they may
            // enter each, so naming those workspaces tells them nothing new.
            let ids = fitting.map(\.workspaceID)
            let workspaces = try await services.database.read { sql in
                var found: [Workspace] = []
                for id in ids { if let workspace = try await WorkspaceRepository.find(id, in: sql) { found.append(workspace) } }
                return found
            }
            var problem = Problem(.conflict, "This email and password open several workspaces. Choose one.", field: "workspace_id")
            problem.code = "choose_workspace"
            problem.choices = workspaces.map { Problem.Choice(id: $0.id.rawValue, name: $0.name) }
            throw problem
        }
        try await passwordsAllowed(for: agent, address: address, now: now)
        try await secondFactor(body.code, agent: agent, email: email, address: address, now: now)
        await services.loginLimiter.reset(email: email)
        let twoFactor = body.code == nil ? "" : " with a two-factor code"
        await signInEntry("auth.signed_in", "Signed in" + twoFactor, agent: agent, address: address, now: now)
        return try await startSession(for: agent, request, context)
    }

    private func signInEntry(_ action: String, _ summary: String, agent: Agent, address: String, now: Date) async {
        await AuditLog(services: services).append(AuditEntry(workspaceID: agent.workspaceID, at: now, agentID: agent.id, actor: agent.email,
                                                             via: .signIn, action: action, target: nil, summary: summary, address: address))
    }

    /// The password was right, but the workspace signs its agents in with single sign-on: only the
    /// owner may still use a password (the way back in when the provider fails).
    private func passwordsAllowed(for agent: Agent, address: String, now: Date) async throws {
        guard agent.role != .owner else { return }
        let ws = agent.workspaceID
        guard try await services.database.read({ try await SSORepository.requiresSSO(workspaceID: ws, in: $0) }) else { return }
        await signInEntry("auth.sign_in_failed", "Sign-in with a password where single sign-on is required", agent: agent, address: address, now: now)
        var problem = Problem(.forbidden, "This workspace signs in with single sign-on. Use \"Sign in with single sign-on\" with your work email.")
        problem.code = "sso_required"
        throw problem
    }

    /// The password was right: an agent with two-factor sign-in also gives the app's code or a
    /// recovery code. A wrong one counts as a failed sign-in (the same limiter), and a code works once.
    private func secondFactor(_ code: String?, agent: Agent, email: String, address: String, now: Date) async throws {
        let (agentID, ws) = (agent.id, agent.workspaceID)
        guard try await services.database.read({ try await TwoFactorRepository.state(agentID: agentID, workspaceID: ws, in: $0) })?.enabled == true else {
            return
        }
        guard let code, !code.trimmingCharacters(in: .whitespaces).isEmpty else {
            var problem = Problem(.unauthorized, "Enter the 6-digit code from your authenticator app, or a recovery code.", field: "code")
            problem.code = "two_factor_required"
            throw problem
        }
        guard try await TwoFactorController(services: services).checkCode(code, agentID: agentID, workspaceID: ws, allowRecovery: true) else {
            await services.loginLimiter.recordFailure(email: email, address: address, now: now)
            await signInEntry("auth.two_factor_failed", "Sign-in with the right password and a wrong two-factor code", agent: agent, address: address, now: now)
            var problem = Problem(.unauthorized, "That code is not right, or was already used. Type the code the app shows now.", field: "code")
            problem.code = "wrong_two_factor_code"
            throw problem
        }
    }

    /// A new session for `agent`: the cookie, and the CSRF token in the answer.
    private func startSession(for agent: Agent, _ request: Request, _ context: AppRequestContext) async throws -> Response {
        let (cookie, csrf) = try await Self.newSession(for: agent, services: services)
        var response = try LoginResponse(agent: AgentDTO(agent), csrfToken: csrf).response(from: request, context: context)
        response.setCookie(cookie)
        return response
    }

    /// Stores a new session for `agent` and returns its cookie and CSRF token (also for single sign-on).
    static func newSession(for agent: Agent, services: AppServices) async throws -> (Cookie, csrf: String) {
        let now = Date()
        let token = Secrets.token()
        let csrf = Secrets.token(bytes: 24)
        let lifetime = services.config.sessionLifetime
        _ = try await services.database.write {
            try await AccessRepository.createSession(agent: agent, tokenHash: Secrets.sha256Hex(token), csrfToken: csrf,
                                                     expiresAt: now.addingTimeInterval(lifetime), now: now, in: $0)
        }
        return (Cookie(name: AuthMiddleware.cookieName, value: token, maxAge: Int(lifetime), path: "/",
                       secure: services.config.secureCookies, httpOnly: true, sameSite: .lax), csrf)
    }
}
