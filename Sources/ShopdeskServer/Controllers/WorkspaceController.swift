import Foundation
import Hummingbird
import ShopdeskCore
import ShopdeskStore

/// Tags, search, outgoing webhooks and the job queue's dead letters.
struct WorkspaceController {
    let services: AppServices

    struct TagBody: Decodable { var name: String }
    struct WebhookBody: Decodable { var url: String; var events: [String] }
    struct SearchResult: ResponseEncodable { var items: [ConversationDTO]; var scores: [Double] }

    func register(_ api: APIRegistrar) {
        let database = services.database
        api.on(.get, "/tags", "Tags with how many conversations use them", tag: "tags") { _, context in
            let ws = context.workspaceID
            return Page(items: try await database.read { try await TagRepository.list(workspaceID: ws, in: $0) }.map(TagDTO.init), nextCursor: nil)
        }
        api.on(.post, "/tags", "Create a tag", tag: "tags", role: .agent, body: "TagBody", status: 201) { request, context in
            let body = try await request.decode(as: TagBody.self, context: context)
            let ws = context.workspaceID
            return Created(body: TagDTO(try await database.write { try await TagRepository.create(workspaceID: ws, name: body.name, now: Date(), in: $0) }))
        }
        api.on(.delete, "/tags/{id}", "Delete a tag (it disappears from conversations)", tag: "tags", role: .admin) { request, context in
            let id: TagID = try request.id(context: context, "Tag")
            let ws = context.workspaceID
            guard try await database.write({ try await TagRepository.delete(workspaceID: ws, id: id, in: $0) }) else {
                throw Problem(.notFound, "Tag \(id) was not found.")
            }
            return Response(status: .noContent)
        }
        api.on(.get, "/search", "Full-text search over subjects, messages and customers; best match first", tag: "search",
               query: ["q", "limit"]) { request, context in
            guard let query = request.queryString("q"), !SearchText.queryTerms(query).isEmpty else {
                throw Problem(.badRequest, "Give something to search for in `q`.", field: "q")
            }
            let limit = try request.queryInt("limit", default: 20, range: 1...100)
            let ws = context.workspaceID
            let visible = try await services.visibleInboxes(context)
            let kind = database.kind
            return try await database.read { sql in
                let hits = try await SearchIndex.search(workspaceID: ws, query: query, limit: limit, kind: kind, in: sql)
                let score = Dictionary(hits.map { ($0.conversationID, $0.score) }, uniquingKeysWith: { first, _ in first })
                let conversations = try await ConversationRepository.findMany(workspaceID: ws, ids: hits.map(\.conversationID), in: sql)
                    .filter { conversation in visible.map { $0.contains(conversation.inboxID) } ?? true }
                let customers = try await CustomerRepository.contacts(workspaceID: ws, ids: conversations.map(\.customerID), in: sql)
                return SearchResult(items: conversations.map { ConversationDTO($0, contact: customers[$0.customerID]) },
                                    scores: conversations.map { score[$0.id] ?? 0 })
            }
        }
        api.on(.get, "/webhooks", "Outgoing webhook subscriptions", tag: "webhooks", role: .admin) { _, context in
            let ws = context.workspaceID
            return Page(items: try await database.read { try await WebhookRepository.list(workspaceID: ws, in: $0) }
                .filter { !$0.disabled }.map { WebhookDTO($0) }, nextCursor: nil)
        }
        api.on(.post, "/webhooks", "Subscribe a URL to events; answers with the signing secret once", tag: "webhooks", role: .admin,
               body: "WebhookBody", status: 201) { request, context in
            let body = try await request.decode(as: WebhookBody.self, context: context)
            let known = Set(DomainEventKind.allCases.map(\.rawValue)).union(["*"])
            guard !body.events.isEmpty, body.events.allSatisfy(known.contains) else {
                throw Problem(.unprocessableContent, "events must list some of: \(known.sorted().joined(separator: ", ")).", field: "events")
            }
            try await services.outboundGuard.check(body.url)
            let secret = Secrets.token(prefix: "whsec_")
            let ws = context.workspaceID
            let record = try await database.write {
                try await WebhookRepository.create(workspaceID: ws, url: body.url, secret: secret, events: body.events, now: Date(), in: $0)
            }
            return Created(body: WebhookDTO(record, revealSecret: true))
        }
        api.on(.delete, "/webhooks/{id}", "Stop a webhook", tag: "webhooks", role: .admin) { request, context in
            let id: WebhookID = try request.id(context: context, "Webhook")
            let ws = context.workspaceID
            guard try await database.write({ try await WebhookRepository.delete(workspaceID: ws, id: id, in: $0) }) else {
                throw Problem(.notFound, "Webhook \(id) was not found.")
            }
            return Response(status: .noContent)
        }
        api.on(.get, "/jobs", "Background jobs of the workspace; status=dead lists the dead letters", tag: "jobs", role: .admin,
               query: ["status", "limit"]) { request, context in
            let status = try request.queryEnum("status", JobStatus.self)
            let limit = try request.queryInt("limit", default: 50, range: 1...500)
            let ws = context.workspaceID
            return Page(items: try await database.read { try await JobQueue.list(workspaceID: ws, status: status, limit: limit, in: $0) }
                .map(JobDTO.init), nextCursor: nil)
        }
        api.on(.post, "/jobs/{id}/retry", "Run a dead job again", tag: "jobs", role: .admin) { request, context in
            let id: JobID = try request.id(context: context, "Job")
            let ws = context.workspaceID
            guard try await database.write({ try await JobQueue.retry(id, workspaceID: ws, now: Date(), in: $0) }) else {
                throw Problem(.notFound, "Dead job \(id) was not found.")
            }
            await services.hub.wakeJobRunner()
            return Response(status: .accepted)
        }
    }
}
