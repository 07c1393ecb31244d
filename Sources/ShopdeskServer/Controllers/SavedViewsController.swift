import Foundation
import Hummingbird
import ShopdeskCore
import ShopdeskStore
import SQLKit

/// Saved views: named filters of the conversation list, an agent's own or shared by an admin with
/// everyone, with live counts. `GET /conversations?saved_view=ID` lists one.
struct SavedViewsController {
    let services: AppServices

    /// Counting stops here: a badge reads "1000+" rather than walking every conversation.
    static let countCap = 1000

    /// A filter as field → values (keys read as written, see `RawKeys`); a single value may be
    /// given without the list around it.
    struct FilterFields: Codable {
        var fields: [String: [String]]

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: RawKeys.Key.self)
            var fields: [String: [String]] = [:]
            for key in container.allKeys {
                let values: [String]
                if let list = try? container.decode([String].self, forKey: key) {
                    values = list
                } else {
                    values = [try container.decode(String.self, forKey: key)]
                }
                fields[RawKeys.written(key.stringValue)] = values
            }
            self.fields = fields
        }

        func encode(to encoder: any Encoder) throws { try fields.encode(to: encoder) }
    }

    struct ViewBody: Decodable {
        var name: String?
        var filters: FilterFields?
        var sort: ConversationSort?
        var layout: SavedView.Layout?
        /// A board's columns: a conversation dropdown or checkbox field's key; "" or absent on
        /// create: by status (on change, "" goes back to status, absent keeps it).
        var boardField: String?
        /// Shared with everyone in the workspace (admins only); personal otherwise.
        var shared: Bool?
        var position: Int?
    }

    struct SavedViewDTO: ResponseEncodable {
        var id: Int64
        var name: String
        var shared: Bool
        var filters: [String: [String]]
        var sort: String
        var layout: String
        var boardField: String?
        var position: Int
        /// Whether the agent asking may change it (their own; shared ones for admins).
        var editable: Bool

        init(_ view: SavedView, editable: Bool) {
            id = view.id; name = view.name; shared = view.isShared; filters = view.fields; sort = view.sort.rawValue
            layout = view.layout.rawValue; boardField = view.boardField; position = view.position; self.editable = editable
        }
    }

    struct CountsDTO: ResponseEncodable {
        /// View id (as a string, JSON's keys being strings) → conversations, at most `cap`.
        var counts: [String: Int]
        var cap: Int
    }

    /// A board's column field: a conversation dropdown or checkbox of the workspace; "" is none.
    static func checkedBoardField(_ key: String?, _ ws: WorkspaceID, _ sql: any SQLDatabase) async throws -> String? {
        guard let key, !key.isEmpty else { return nil }
        let fields = try await CustomFieldRepository.list(workspaceID: ws, entity: .conversation, in: sql)
        guard let field = fields.first(where: { $0.key == key }), field.kind == .dropdown || field.kind == .checkbox else {
            throw Problem(.unprocessableContent, "A board's columns come from a conversation dropdown or checkbox field; \"\(key.prefix(40))\" is not one.",
                          field: "board_field", code: "board_field_invalid")
        }
        return key
    }

    func register(_ api: APIRegistrar) {
        let services = services
        let database = services.database
        api.on(.get, "/views", "The saved views this agent sees: shared ones, then their own", tag: "views") { _, context in
            let ws = context.workspaceID
            let agent = context.agent
            let views = try await database.read { try await SavedViewRepository.list(workspaceID: ws, agentID: agent.id, in: $0) }
            return Page(items: views.map { SavedViewDTO($0, editable: Self.mayEdit($0, agent)) }, nextCursor: nil)
        }
        api.on(.get, "/views/counts", "How many conversations each saved view holds now (counting stops at cap)", tag: "views") { _, context in
            let ws = context.workspaceID
            let agent = context.agent
            return try await database.read { sql in
                let views = try await SavedViewRepository.list(workspaceID: ws, agentID: agent.id, in: sql)
                let visible = try await InboxRepository.visibleInboxes(for: agent, in: sql)
                var counts: [String: Int] = [:]
                for view in views {
                    // A view whose filter no longer reads (a value renamed since) counts nothing.
                    guard var filter = try? ConversationFilter(fields: view.fields, me: agent.id) else { continue }
                    filter.visibleInboxes = visible
                    counts[String(view.id)] = try await ConversationRepository.count(workspaceID: ws, filter: filter, cap: Self.countCap, in: sql)
                }
                return CountsDTO(counts: counts, cap: Self.countCap)
            }
        }
        api.on(.post, "/views", "Save a view: a name, filters (the list's query fields) and optionally sort, layout, shared",
               tag: "views", role: .agent, body: "ViewBody", status: 201) { request, context in
            let body = try await request.decode(as: ViewBody.self, context: context)
            let agent = context.agent
            if body.shared == true { try context.require(.admin) }
            let fields = body.filters?.fields ?? [:]
            let name = try SavedView.validate(name: body.name ?? "", fields: fields, me: agent.id)
            let ws = context.workspaceID
            let view = try await database.write { sql in
                let boardField = try await Self.checkedBoardField(body.boardField, ws, sql)
                return try await SavedViewRepository.create(
                    workspaceID: ws, owner: body.shared == true ? nil : agent.id, name: name, fields: fields,
                    sort: body.sort ?? .newest, layout: body.layout ?? .list, boardField: boardField, now: Date(), in: sql)
            }
            return Created(body: SavedViewDTO(view, editable: true))
        }
        api.on(.patch, "/views/{id}", "Rename a view, change its filters, sort, layout or place", tag: "views", role: .agent,
               body: "ViewBody") { request, context in
            var view = try await Self.editableView(request, context, database)
            let body = try await request.decode(as: ViewBody.self, context: context)
            guard body.shared == nil || body.shared == view.isShared else {
                throw Problem(.unprocessableContent, "A view stays personal or shared; save a copy to change that.", field: "shared")
            }
            let fields = body.filters?.fields ?? view.fields
            view.name = try SavedView.validate(name: body.name ?? view.name, fields: fields, me: context.agent.id)
            view.fields = fields
            view.sort = body.sort ?? view.sort
            view.layout = body.layout ?? view.layout
            view.position = body.position ?? view.position
            view.updatedAt = Date()
            let ws = context.workspaceID
            let updated = try await database.write { [view] sql in
                var changed = view
                if let field = body.boardField { changed.boardField = try await Self.checkedBoardField(field, ws, sql) }
                try await SavedViewRepository.update(changed, in: sql)
                return changed
            }
            return SavedViewDTO(updated, editable: true)
        }
        api.on(.delete, "/views/{id}", "Delete a saved view", tag: "views", role: .agent) { request, context in
            let view = try await Self.editableView(request, context, database)
            let ws = context.workspaceID
            try await database.write { try await SavedViewRepository.delete(workspaceID: ws, id: view.id, in: $0) }
            return Response(status: .noContent)
        }
    }

    static func mayEdit(_ view: SavedView, _ agent: Agent) -> Bool {
        view.isShared ? agent.role >= .admin : view.agentID == agent.id
    }

    /// The view named in the path, if this agent sees it and may change it.
    private static func editableView(_ request: Request, _ context: AuthenticatedContext, _ database: Database) async throws -> SavedView {
        let id = try request.number(context: context, "Saved view")
        let ws = context.workspaceID
        let agent = context.agent
        guard let view = try await database.read({ try await SavedViewRepository.find(workspaceID: ws, agentID: agent.id, id: id, in: $0) }) else {
            throw Problem(.notFound, "Saved view \(id) was not found.")
        }
        guard mayEdit(view, agent) else { throw Problem(.forbidden, "Only an admin can change a shared view.") }
        return view
    }
}
