import Foundation
import Hummingbird
import ShopdeskCore
import ShopdeskStore

/// `/sla-policies`: the promises per kind of conversation, in the order they are tried.
struct SLARoutes {
    let services: AppServices

    struct PolicyDTO: ResponseEncodable {
        var id: Int64
        var position: Int64
        var name: String
        var conditions: RuleCondition
        var firstResponseMinutes: Int?
        var nextResponseMinutes: Int?
        var resolutionMinutes: Int?
        var businessHours: Bool
        var calendar: BusinessCalendar?
        var pauseWhilePending: Bool
        var warnMinutes: Int
        init(_ record: SLAPolicyRecord) {
            let policy = record.policy
            id = record.id
            position = record.position
            name = policy.name
            conditions = policy.conditions
            firstResponseMinutes = policy.firstResponseMinutes
            nextResponseMinutes = policy.nextResponseMinutes
            resolutionMinutes = policy.resolutionMinutes
            businessHours = policy.businessHours
            calendar = policy.calendar
            pauseWhilePending = policy.pauseWhilePending
            warnMinutes = policy.warnMinutes
        }
    }

    func register(_ api: APIRegistrar) {
        let database = services.database
        api.on(.get, "/sla-policies", "SLA policies in the order they are tried (the first that matches applies)", tag: "sla") { _, context in
            let ws = context.workspaceID
            return Page(items: try await database.read { try await SLAPolicyRepository.list(workspaceID: ws, in: $0) }.map(PolicyDTO.init),
                        nextCursor: nil)
        }
        api.on(.post, "/sla-policies", "Add a policy at the end", tag: "sla", role: .admin, body: "SLAPolicy", status: 201) { request, context in
            let policy = try await request.decode(as: SLAPolicy.self, context: context).validated()
            let ws = context.workspaceID
            return Created(body: PolicyDTO(try await database.write { try await SLAPolicyRepository.create(workspaceID: ws, policy, now: Date(), in: $0) }))
        }
        api.on(.put, "/sla-policies/{id}", "Replace a policy (keeps its place)", tag: "sla", role: .admin, body: "SLAPolicy") { request, context in
            let id = try request.number(context: context, "SLA policy")
            let policy = try await request.decode(as: SLAPolicy.self, context: context).validated()
            let ws = context.workspaceID
            guard let record = try await database.write({ try await SLAPolicyRepository.update(workspaceID: ws, id: id, policy, now: Date(), in: $0) })
            else { throw Problem(.notFound, "SLA policy \(id) was not found.") }
            return PolicyDTO(record)
        }
        api.on(.delete, "/sla-policies/{id}", "Delete a policy (conversations under it stop keeping time at their next change)",
               tag: "sla", role: .admin) { request, context in
            let id = try request.number(context: context, "SLA policy")
            let ws = context.workspaceID
            guard try await database.write({ try await SLAPolicyRepository.delete(workspaceID: ws, id: id, in: $0) }) else {
                throw Problem(.notFound, "SLA policy \(id) was not found.")
            }
            return Response(status: .noContent)
        }
        api.on(.post, "/sla-policies/order", "Set the order policies are tried in (every id once)", tag: "sla", role: .admin,
               body: "OrderBody") { request, context in
            let body = try await request.decode(as: RulesRoutes.OrderBody.self, context: context)
            let ws = context.workspaceID
            try await database.write { try await SLAPolicyRepository.reorder(workspaceID: ws, ids: body.ids, in: $0) }
            return Response(status: .noContent)
        }
    }
}
