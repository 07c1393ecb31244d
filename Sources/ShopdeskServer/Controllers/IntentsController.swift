import Foundation
import Hummingbird
import ShopdeskCore
import ShopdeskIntelligence
import ShopdeskStore

/// The intents conversations may carry — the shipped ones and the workspace's own — and the
/// clusters of messages no intent fits, which an admin turns into intents of the workspace.
struct IntentsController {
    let services: AppServices

    struct IntentDTO: Encodable {
        var name: String
        /// The workspace's words for its own intents; nil for the shipped ones (the app names them).
        var label: String?
        var builtIn: Bool
    }

    struct IntentsDTO: ResponseEncodable { var items: [IntentDTO] }

    struct CreateBody: Decodable {
        var name: String?
        var label: String?
        var conversationIds: [Int64]?
    }

    struct CreatedDTO: ResponseEncodable {
        var intent: IntentDTO
        var labelled: Int
        /// The workspace's models train now, in the background (Settings → Models shows the outcome).
        var training: String
    }

    struct ClusterDTO: Encodable {
        struct Example: Encodable { var conversationId: Int64; var text: String }
        var terms: [String]
        var size: Int
        var languages: [String: Int]
        var examples: [Example]
        var conversationIds: [Int64]
    }

    struct ClustersDTO: ResponseEncodable { var from: Date; var to: Date; var read: Int; var items: [ClusterDTO] }

    /// Fewer examples than this are kept, and the intent is learnt once there are this many.
    static let learntFrom = WorkspaceTraining.minimumNewIntentExamples

    func register(_ api: APIRegistrar) {
        let database = services.database
        api.on(.get, "/intelligence/intents", "The intents a conversation may carry: Shopdesk's and the workspace's own", tag: "intelligence") { _, context in
            let ws = context.workspaceID
            let own = try await database.read { try await WorkspaceIntentRepository.list(workspaceID: ws, in: $0) }
            return IntentsDTO(items: Intents.all.map { IntentDTO(name: $0, label: nil, builtIn: true) }
                + own.map { IntentDTO(name: $0.name, label: $0.label, builtIn: false) })
        }
        api.on(.post, "/intelligence/intents",
               "Make an intent of the workspace (name, label) taught by the conversations that ask for it (conversation_ids); the models train now",
               tag: "intelligence", role: .admin, body: "CreateBody", status: 201) { request, context in
            let body = try await request.decode(as: CreateBody.self, context: context)
            guard let name = body.name, let label = body.label else {
                throw Problem(.unprocessableContent, "Give the intent a name (gift_wrapping) and a label (Gift wrapping).", field: body.name == nil ? "name" : "label")
            }
            let ids = (body.conversationIds ?? []).map(ConversationID.init)
            let intent = try await services.conversations.createIntent(workspaceID: context.workspaceID, name: name, label: label, conversations: ids,
                                                                       agentID: context.agent.id)
            let labelled = Set(ids).count
            return Created(body: CreatedDTO(intent: IntentDTO(name: intent.name, label: intent.label, builtIn: false), labelled: labelled,
                                            training: labelled >= Self.learntFrom ? "queued"
                                                : "waiting: the model learns an intent from \(Self.learntFrom) labelled conversations; label \(Self.learntFrom - labelled) more"))
        }
        api.on(.delete, "/intelligence/intents/{name}", "Remove an intent of the workspace (conversations keep the label; the models stop learning it)",
               tag: "intelligence", role: .admin) { _, context in
            guard let name = context.parameters.get("name") else { throw Problem(.notFound, "Intent not found.") }
            try await services.conversations.deleteIntent(workspaceID: context.workspaceID, name: name)
            return Response(status: .noContent)
        }
        api.on(.get, "/reports/topics/unmatched",
               "Clusters of the period's conversations no intent fitted (the newest 2,000), named by the words they share, largest first "
                   + "(from and to are days, 2026-11-30, in the workspace's time zone; the last 30 days by default)",
               tag: "intelligence", role: .admin, query: ["from", "to"]) { request, context in
            let period = try await ReportsController.period(request, workspaceID: context.workspaceID, defaultDays: 30, database: services.database)
            let (from, to) = (period.clock.start(of: period.from), period.clock.start(of: period.to))
            let topics = try await services.conversations.unmatchedTopics(workspaceID: context.workspaceID, from: from, to: to)
            return ClustersDTO(from: from, to: to, read: topics.read, items: topics.clusters.prefix(30).map { cluster in
                ClusterDTO(terms: cluster.terms, size: cluster.members.count, languages: cluster.languages,
                           examples: cluster.members.prefix(5).map { ClusterDTO.Example(conversationId: $0, text: topics.texts[ConversationID($0)] ?? "") },
                           conversationIds: Array(cluster.members.prefix(100)))
            })
        }
    }
}
