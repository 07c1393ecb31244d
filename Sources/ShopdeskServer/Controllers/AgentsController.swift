import Foundation
import Hummingbird
import ShopdeskCore
import ShopdeskStore

/// Agents and teams of the workspace. Admins manage them; only an owner can make an owner.
struct AgentsController {
    let services: AppServices

    struct CreateAgent: Decodable { var email: String; var name: String; var password: String; var role: Role?; var locale: String? }
    struct UpdateAgent: Decodable { var name: String?; var role: Role?; var locale: String?; var disabled: Bool? }
    struct UpdateMe: Decodable { var name: String?; var locale: String?; var signature: String? }
    struct SignatureDTO: ResponseEncodable { var signature: String? }
    struct CreateInvite: Decodable { var email: String; var name: String; var role: Role?; var locale: String? }
    struct InviteDTO: ResponseEncodable {
        var id: Int64; var email: String; var name: String; var role: Role; var createdAt: Date; var expiresAt: Date
        init(_ invite: AgentInvite) {
            id = invite.id; email = invite.email; name = invite.name; role = invite.role
            createdAt = invite.createdAt; expiresAt = invite.expiresAt
        }
    }
    struct InviteCreated: ResponseEncodable { var invite: InviteDTO; var token: String; var path: String }

    /// How long an invitation link stays valid.
    static let inviteLifetime: TimeInterval = 7 * 24 * 3600
    struct CreateTeam: Decodable { var name: String; var memberIds: [Int64]? }
    struct UpdateTeam: Decodable { var name: String?; var memberIds: [Int64]? }

    static let locales = ["en", "pt-BR", "ru", "hr"]

    func register(_ api: APIRegistrar) {
        let database = services.database
        api.on(.get, "/agents", "Agents of the workspace", tag: "agents") { _, context in
            let ws = context.workspaceID
            return Page(items: try await database.read { try await AgentRepository.list(workspaceID: ws, in: $0) }.map(AgentDTO.init), nextCursor: nil)
        }
        api.on(.post, "/agents", "Add an agent", tag: "agents", role: .admin, body: "CreateAgent", status: 201) { request, context in
            let body = try await request.decode(as: CreateAgent.self, context: context)
            let role = body.role ?? .agent
            try checkRoleChange(to: role, by: context)
            let locale = try validLocale(body.locale ?? "en")
            let name = try validName(body.name)
            let hash = try await services.passwords.hash(body.password)
            let ws = context.workspaceID
            let agent = try await database.write {
                try await AgentRepository.create(workspaceID: ws, email: body.email, name: name, role: role, passwordHash: hash,
                                                 locale: locale, now: Date(), in: $0)
            }
            return Created(body: AgentDTO(agent))
        }
        api.on(.get, "/agents/{id}", "One agent", tag: "agents") { request, context in
            AgentDTO(try await agent(request, context))
        }
        api.on(.patch, "/agents/{id}", "Change an agent's name, role, locale or disable them", tag: "agents", role: .admin,
               body: "UpdateAgent") { request, context in
            var agent = try await agent(request, context)
            let body = try await request.decode(as: UpdateAgent.self, context: context)
            // An admin manages agents, never the owner: not their role, name, language, nor
            // whether they can sign in (an admin who could disable the owner would own the workspace).
            guard agent.role != .owner || context.agent.role == .owner else { throw Problem(.forbidden, "Only an owner can change an owner.") }
            if let role = body.role, role != agent.role {
                guard agent.id != context.agent.id else { throw Problem(.forbidden, "You cannot change your own role.") }
                try checkRoleChange(to: role, by: context)
                agent.role = role
            }
            if let name = body.name { agent.name = try validName(name) }
            if let locale = body.locale { agent.locale = try validLocale(locale) }
            if let disabled = body.disabled {
                guard agent.id != context.agent.id || !disabled else { throw Problem(.forbidden, "You cannot disable yourself.") }
                agent.disabled = disabled
            }
            let updated = agent
            try await database.write { try await AgentRepository.update(updated, in: $0) }
            return AgentDTO(updated)
        }
        api.on(.get, "/agents/invites", "Invitations not accepted yet", tag: "agents", role: .admin) { _, context in
            let ws = context.workspaceID
            return Page(items: try await database.read { try await InviteRepository.pending(workspaceID: ws, now: Date(), in: $0) }
                .map(InviteDTO.init), nextCursor: nil)
        }
        api.on(.post, "/agents/invites", "Invite an agent: answers once with a single-use link, valid for 7 days", tag: "agents",
               role: .admin, body: "CreateInvite", status: 201) { request, context in
            let body = try await request.decode(as: CreateInvite.self, context: context)
            let role = body.role ?? .agent
            try checkRoleChange(to: role, by: context)
            let locale = try validLocale(body.locale ?? context.agent.locale)
            let name = try validName(body.name)
            let token = Secrets.token(prefix: "sdv_")
            let ws = context.workspaceID
            let inviter = context.agent.id
            let now = Date()
            let invite = try await database.write {
                try await InviteRepository.create(workspaceID: ws, email: body.email, name: name, role: role, locale: locale,
                                                  tokenHash: Secrets.sha256Hex(token), invitedBy: inviter, now: now,
                                                  expiresAt: now.addingTimeInterval(Self.inviteLifetime), in: $0)
            }
            return Created(body: InviteCreated(invite: InviteDTO(invite), token: token, path: "/#/invite/\(token)"))
        }
        api.on(.delete, "/agents/invites/{id}", "Withdraw an invitation", tag: "agents", role: .admin) { request, context in
            guard let text = context.parameters.get("id"), let id = Int64(text) else { throw Problem(.notFound, "Invitation not found.") }
            let ws = context.workspaceID
            guard try await database.write({ try await InviteRepository.revoke(workspaceID: ws, id: id, in: $0) }) else {
                throw Problem(.notFound, "Invitation \(id) was not found or was already accepted.")
            }
            return Response(status: .noContent)
        }
        api.on(.patch, "/auth/me", "Change your own name, the language of your app or your email signature", tag: "auth",
               body: "UpdateMe") { request, context in
            let body = try await request.decode(as: UpdateMe.self, context: context)
            let ws = context.workspaceID
            let id = context.agent.id
            guard var agent = try await database.read({ try await AgentRepository.find(workspaceID: ws, id: id, in: $0) }) else {
                throw Problem(.notFound, "Your agent account was not found.")
            }
            if let name = body.name { agent.name = try validName(name) }
            if let locale = body.locale { agent.locale = try validLocale(locale) }
            let updated = agent
            try await database.write { sql in
                try await AgentRepository.update(updated, in: sql)
                if let signature = body.signature { try await SignatureRepository.save(signature, for: id, workspaceID: ws, in: sql) }
            }
            return AgentDTO(updated)
        }
        api.on(.get, "/auth/me/signature", "The signature your email replies end with", tag: "auth") { _, context in
            let id = context.agent.id
            return SignatureDTO(signature: try await database.read { try await SignatureRepository.signature(of: id, in: $0) })
        }
        api.on(.get, "/teams", "Teams of the workspace", tag: "agents") { _, context in
            let ws = context.workspaceID
            return Page(items: try await database.read { try await TeamRepository.list(workspaceID: ws, in: $0) }.map(TeamDTO.init), nextCursor: nil)
        }
        api.on(.post, "/teams", "Create a team", tag: "agents", role: .admin, body: "CreateTeam", status: 201) { request, context in
            let body = try await request.decode(as: CreateTeam.self, context: context)
            let name = try validName(body.name)
            let members = try await validAgents(body.memberIds ?? [], context)
            let ws = context.workspaceID
            let team = try await database.write { sql in
                var team = try await TeamRepository.create(workspaceID: ws, name: name, now: Date(), in: sql)
                team.memberIDs = members
                try await TeamRepository.update(team, in: sql)
                return team
            }
            return Created(body: TeamDTO(team))
        }
        api.on(.get, "/teams/{id}", "One team", tag: "agents") { request, context in
            TeamDTO(try await team(request, context))
        }
        api.on(.patch, "/teams/{id}", "Rename a team or set its members", tag: "agents", role: .admin, body: "UpdateTeam") { request, context in
            var team = try await team(request, context)
            let body = try await request.decode(as: UpdateTeam.self, context: context)
            if let name = body.name { team.name = try validName(name) }
            if let members = body.memberIds { team.memberIDs = try await validAgents(members, context) }
            let updated = team
            try await database.write { try await TeamRepository.update(updated, in: $0) }
            return TeamDTO(updated)
        }
    }

    private func agent(_ request: Request, _ context: AuthenticatedContext) async throws -> Agent {
        try await services.load("Agent", request, context) { try await AgentRepository.find(workspaceID: $0, id: $1, in: $2) }
    }

    private func team(_ request: Request, _ context: AuthenticatedContext) async throws -> Team {
        try await services.load("Team", request, context) { try await TeamRepository.find(workspaceID: $0, id: $1, in: $2) }
    }

    /// Every id must be an agent of this workspace: a foreign id is reported, never linked.
    func validAgents(_ ids: [Int64], _ context: AuthenticatedContext) async throws -> [AgentID] {
        let ws = context.workspaceID
        let known = Set(try await services.database.read { try await AgentRepository.list(workspaceID: ws, in: $0) }.map(\.id.rawValue))
        if let unknown = ids.first(where: { !known.contains($0) }) {
            throw Problem(.unprocessableContent, "Agent \(unknown) is not in this workspace.", field: "member_ids")
        }
        return ids.map(AgentID.init)
    }

    private func checkRoleChange(to role: Role, by context: AuthenticatedContext) throws {
        guard role < .owner || context.agent.role == .owner else { throw Problem(.forbidden, "Only an owner can make someone an owner.") }
    }

    private func validName(_ raw: String) throws -> String {
        let name = Text.singleLine(raw)
        guard !name.isEmpty, name.count <= 100 else { throw Problem(.unprocessableContent, "A name needs 1 to 100 characters.", field: "name") }
        return name
    }

    private func validLocale(_ locale: String) throws -> String {
        guard Self.locales.contains(locale) else {
            throw Problem(.unprocessableContent, "The locale must be one of \(Self.locales.joined(separator: ", ")).", field: "locale")
        }
        return locale
    }
}
