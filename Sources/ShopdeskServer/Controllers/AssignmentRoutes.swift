import Foundation
import Hummingbird
import ShopdeskCore
import ShopdeskStore

/// Automatic assignment: each inbox's and team's policy, agents' capacity, and whether an agent
/// is away.
struct AssignmentRoutes {
    let services: AppServices

    struct AvailabilityDTO: ResponseEncodable {
        var agentId: Int64
        var name: String
        var language: String
        var online: Bool
        var away: Bool
        var load: Int
        var capacity: Int
    }
    struct AwayBody: Decodable { var away: Bool }
    struct CapacityBody: Decodable { var capacity: Int }
    struct PolicyDTO: ResponseEncodable, Decodable { var policy: AssignmentPolicy }

    func register(_ api: APIRegistrar) {
        let database = services.database
        api.on(.get, "/availability", "Who can take conversations now: online, away, open conversations and capacity",
               tag: "assignment") { _, context in
            let ws = context.workspaceID
            let agents = try await database.read { try await AssignmentRepository.availability(workspaceID: ws, agents: nil, now: Date(), in: $0) }
            return Page(items: agents.map {
                AvailabilityDTO(agentId: $0.agentID.rawValue, name: $0.name, language: $0.language, online: $0.online, away: $0.away,
                                load: $0.load, capacity: $0.capacity)
            }, nextCursor: nil)
        }
        api.on(.put, "/auth/me/availability", "Set yourself away (no new conversations) or back", tag: "assignment",
               body: "AwayBody") { request, context in
            let body = try await request.decode(as: AwayBody.self, context: context)
            let agent = context.agent.id, ws = context.workspaceID
            let now = Date()
            try await database.write { sql in
                try await AssignmentRepository.setAway(agent, workspaceID: ws, away: body.away, now: now, in: sql)
                // The status history starts the new stretch at the switch, not at the next heartbeat.
                try await AgentSessionRepository.extend(agent, workspaceID: ws, status: body.away ? .away : .online, at: now, in: sql)
            }
            return Response(status: .noContent)
        }
        api.on(.put, "/agents/{id}/capacity", "How many open conversations an agent takes at once", tag: "assignment", role: .admin,
               body: "CapacityBody") { request, context in
            let id: AgentID = try request.id(context: context, "Agent")
            let body = try await request.decode(as: CapacityBody.self, context: context)
            let ws = context.workspaceID
            guard try await database.write({ try await AssignmentRepository.setCapacity(id, workspaceID: ws, capacity: body.capacity, in: $0) })
            else { throw Problem(.notFound, "Agent \(id) was not found.") }
            return Response(status: .noContent)
        }
        for (path, what) in [("inboxes", "Inbox"), ("teams", "Team")] {
            api.on(.get, "/\(path)/{id}/assignment", "The \(what.lowercased())'s assignment policy", tag: "assignment") { request, context in
                let scope = try await scope(path, request, context)
                return PolicyDTO(policy: try await database.read { try await AssignmentRepository.policy(scope, in: $0) })
            }
            api.on(.put, "/\(path)/{id}/assignment", "Set how the \(what.lowercased())'s new conversations find an agent", tag: "assignment",
                   role: .admin, body: "PolicyDTO") { request, context in
                let scope = try await scope(path, request, context)
                let body = try await request.decode(as: PolicyDTO.self, context: context)
                let ws = context.workspaceID
                try await database.write { try await AssignmentRepository.setPolicy(body.policy, for: scope, workspaceID: ws, in: $0) }
                return body
            }
        }
    }

    /// The inbox or team named in the path, or 404 when it is not the workspace's.
    private func scope(_ path: String, _ request: Request, _ context: AuthenticatedContext) async throws -> AssignmentRepository.Scope {
        let ws = context.workspaceID
        if path == "inboxes" {
            let id: InboxID = try request.id(context: context, "Inbox")
            guard try await services.database.read({ try await InboxRepository.find(workspaceID: ws, id: id, in: $0) }) != nil else {
                throw Problem(.notFound, "Inbox \(id) was not found.")
            }
            return .inbox(id)
        }
        let id: TeamID = try request.id(context: context, "Team")
        guard try await services.database.read({ try await TeamRepository.find(workspaceID: ws, id: id, in: $0) }) != nil else {
            throw Problem(.notFound, "Team \(id) was not found.")
        }
        return .team(id)
    }
}
