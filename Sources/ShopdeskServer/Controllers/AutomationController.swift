import Foundation
import Hummingbird
import ShopdeskCore
import ShopdeskStore

/// Macros (and applying them in a conversation), rules with import, export, ordering and dry
/// runs, and the workspace's business hours.
struct AutomationController {
    let services: AppServices

    struct MacroDTO: ResponseEncodable {
        var id: Int64
        var name: String
        var body: String
        var variants: [String: String]
        var actions: [RuleAction]
        /// Files every use of the macro sends (see `GET /attachments/{id}` for their names).
        var attachmentIds: [Int64]
        var usageCount: Int
        var updatedAt: Date
        init(_ record: MacroRecord) {
            id = record.id
            name = record.definition.name
            body = record.definition.body
            variants = record.definition.variants
            attachmentIds = record.definition.attachmentIds
            actions = record.definition.actions
            usageCount = record.usageCount
            updatedAt = record.updatedAt
        }
    }

    struct PreviewDTO: ResponseEncodable {
        var text: String
        var language: String?
        var warnings: [String]
        var actions: [RuleAction]
    }

    struct ApplyBody: Decodable {
        /// The text as the agent edited it; omitted, the macro is rendered as it is.
        var text: String?
        var note: Bool?
        var attachmentIds: [Int64]?
        /// In a conversation about a post's comments: `public` (the default) or `private`.
        var commentReply: CommentReply.Visibility?
    }

    struct ApplyDTO: ResponseEncodable {
        var conversation: ConversationDTO
        var message: MessageDTO?
        /// The macro's order actions, as the shop answered (or why they did not run).
        var orderActions: [OrderActionDTO]?
        var orderActionsError: String?
    }

    func register(_ api: APIRegistrar) {
        let database = services.database
        let conversations = services.conversations
        api.on(.get, "/macros", "Macros, most used first; q filters by name and text", tag: "macros", query: ["q"]) { request, context in
            let ws = context.workspaceID
            let query = request.queryString("q")
            return Page(items: try await database.read { try await MacroRepository.list(workspaceID: ws, query: query, in: $0) }
                .map(MacroDTO.init), nextCursor: nil)
        }
        api.on(.post, "/macros", "Create a macro", tag: "macros", role: .admin, body: "MacroDefinition", status: 201) { request, context in
            let definition = try await request.decode(as: MacroDefinition.self, context: context).validated()
            let ws = context.workspaceID
            try await Self.checkFiles(definition, ws, database)
            return Created(body: MacroDTO(try await database.write { try await MacroRepository.create(workspaceID: ws, definition, now: Date(), in: $0) }))
        }
        api.on(.put, "/macros/{id}", "Replace a macro", tag: "macros", role: .admin, body: "MacroDefinition") { request, context in
            let id = try request.number(context: context, "Macro")
            let definition = try await request.decode(as: MacroDefinition.self, context: context).validated()
            let ws = context.workspaceID
            try await Self.checkFiles(definition, ws, database)
            guard let record = try await database.write({ try await MacroRepository.update(workspaceID: ws, id: id, definition, now: Date(), in: $0) })
            else { throw Problem(.notFound, "Macro \(id) was not found.") }
            return MacroDTO(record)
        }
        api.on(.delete, "/macros/{id}", "Delete a macro", tag: "macros", role: .admin) { request, context in
            let id = try request.number(context: context, "Macro")
            let ws = context.workspaceID
            guard try await database.write({ try await MacroRepository.delete(workspaceID: ws, id: id, in: $0) }) else {
                throw Problem(.notFound, "Macro \(id) was not found.")
            }
            return Response(status: .noContent)
        }
        api.on(.post, "/conversations/{id}/macros/{macro}/preview",
               "Render a macro with this conversation's data; warnings name variables without a value", tag: "macros") { request, context in
            let id: ConversationID = try request.id(context: context, "Conversation")
            _ = try await services.conversation(id, context)
            let macro = try request.number("macro", context: context, "Macro")
            let preview = try await conversations.previewMacro(workspaceID: context.workspaceID, conversationID: id, macroID: macro,
                                                               agentID: context.agent.id)
            return PreviewDTO(text: preview.text, language: preview.language, warnings: preview.warnings, actions: preview.actions)
        }
        api.on(.post, "/conversations/{id}/macros/{macro}/apply",
               "Send a macro (as rendered, or the agent's edited text) and run its actions", tag: "macros", role: .agent,
               body: "ApplyBody") { request, context in
            let id: ConversationID = try request.id(context: context, "Conversation")
            let conversation = try await services.conversation(id, context)
            let macro = try request.number("macro", context: context, "Macro")
            let body = try await request.decode(as: ApplyBody.self, context: context)
            let commentReply = body.note == true ? nil : try await ChannelComments(services: services).target(
                body.commentReply, conversation: conversation, hasFiles: !(body.attachmentIds ?? []).isEmpty)
            let result = try await conversations.applyMacro(workspaceID: context.workspaceID, conversationID: id, macroID: macro,
                                                            text: body.text, asNote: body.note ?? false, agentID: context.agent.id,
                                                            attachmentIDs: (body.attachmentIds ?? []).map(AttachmentID.init), commentReply: commentReply)
            var answer = ApplyDTO(conversation: ConversationDTO(result.conversation, customer: nil), message: result.message.map { MessageDTO($0) })
            // Then the order actions, as this agent asks them, under the same limits as from the order panel.
            if let plan = try await conversations.macroOrderActions(workspaceID: context.workspaceID, conversationID: id, macroID: macro,
                                                                     agentID: context.agent.id) {
                if let order = plan.order {
                    var done: [OrderActionDTO] = []
                    do {
                        for (index, input) in plan.inputs.enumerated() {
                            let record = try await services.commerce.requestAction(
                                workspaceID: context.workspaceID, orderID: order, conversationID: result.conversation.id, agentID: context.agent.id,
                                role: context.agent.role, input: input, idempotencyKey: "macro-\(macro)-\(index)-\(UUID().uuidString)")
                            done.append(OrderActionDTO(record))
                        }
                    } catch let error as ShopdeskError {
                        answer.orderActionsError = error.message
                    }
                    answer.orderActions = done
                } else {
                    answer.orderActionsError = "The customer has no order in a connected shop."
                }
            }
            return answer
        }
        RulesRoutes(services: services).register(api)
        AssignmentRoutes(services: services).register(api)
        SurveyRoutes(services: services).register(api)
    }

    /// A macro's files must be files uploaded to this workspace.
    static func checkFiles(_ definition: MacroDefinition, _ ws: WorkspaceID, _ database: Database) async throws {
        for id in definition.attachmentIds {
            guard try await database.read({ try await AttachmentRepository.find(workspaceID: ws, id: AttachmentID(id), in: $0) }) != nil else {
                throw Problem(.unprocessableContent, "File \(id) was not uploaded to this workspace; upload it first.", field: "attachment_ids")
            }
        }
    }
}
