import Foundation
import Hummingbird
import ShopdeskCore
import ShopdeskIntelligence
import ShopdeskStore

/// The conversation list, one conversation, its changes, messages, merge and timeline.
struct ConversationsController {
    let services: AppServices

    /// Every field optional: only what is sent changes. `assignee_id: null` unassigns.
    struct UpdateBody: Decodable {
        var status: ConversationStatus?
        var snoozeUntil: Date?
        var priority: Priority?
        var assigneeId: Nullable<Int64>?
        var teamId: Nullable<Int64>?
        var tags: [String]?
        var addTags: [String]?
        var removeTags: [String]?
        /// Corrections of the models' answers: `intent: null` clears it.
        var intent: Nullable<String>?
        var sentiment: String?

        enum CodingKeys: String, CodingKey {
            case status, snoozeUntil, priority, assigneeId, teamId, tags, addTags, removeTags, intent, sentiment
        }

        /// Written out because the synthesized one reads `"assignee_id": null` as an absent field
        /// (`decodeIfPresent` answers nil for null), so "Nobody" changed nothing.
        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            status = try container.decodeIfPresent(ConversationStatus.self, forKey: .status)
            snoozeUntil = try container.decodeIfPresent(Date.self, forKey: .snoozeUntil)
            priority = try container.decodeIfPresent(Priority.self, forKey: .priority)
            assigneeId = try container.nullable(Int64.self, forKey: .assigneeId)
            teamId = try container.nullable(Int64.self, forKey: .teamId)
            tags = try container.decodeIfPresent([String].self, forKey: .tags)
            addTags = try container.decodeIfPresent([String].self, forKey: .addTags)
            removeTags = try container.decodeIfPresent([String].self, forKey: .removeTags)
            intent = try container.nullable(String.self, forKey: .intent)
            sentiment = try container.decodeIfPresent(String.self, forKey: .sentiment)
        }
    }
    struct MessageBody: Decodable {
        var text: String?; var `private`: Bool?; var attachmentIds: [Int64]?
        /// Send as the channel's approved template (WhatsApp after its window): name, language
        /// and the values of its placeholders; the text is then the template's.
        var template: ChannelTemplateUse?
        /// In a conversation about a post's comments: `public` (the default) answers under the
        /// comment, `private` writes to its author once.
        var commentReply: CommentReply.Visibility?
        /// Agents a note mentions (besides those it names as `@Name`): they are notified and follow.
        var mentionIds: [Int64]?
    }
    struct MergeBody: Decodable { var into: Int64 }
    struct BulkBody: Decodable { var ids: [Int64]; var changes: UpdateBody }
    struct BulkFailure: Codable { var id: Int64; var detail: String }
    struct BulkResponse: ResponseEncodable { var updated: [Int64]; var failed: [BulkFailure] }
    struct ListResponse: ResponseEncodable { var items: [ConversationDTO]; var nextCursor: String?; var counts: [String: Int] }

    func register(_ api: APIRegistrar) {
        let database = services.database
        api.on(.get, "/conversations", "List conversations with filters, sort and cursor; includes counts per view", tag: "conversations",
               query: ["saved_view", "view"] + ConversationFilter.fieldNames + ["sort", "cursor", "limit", "with_fields"]) { request, context in
            try await list(request, context)
        }
        api.on(.get, "/conversations/{id}", "One conversation", tag: "conversations") { request, context in
            let conversation = try await services.conversation(try request.id(context: context, "Conversation"), context)
            let ws = context.workspaceID
            let customer = try await database.read { try await CustomerRepository.find(workspaceID: ws, id: conversation.customerID, in: $0) }
            return ConversationDTO(conversation, customer: customer)
        }
        api.on(.patch, "/conversations/{id}", "Change status, snooze, priority, assignee, team or tags; correct intent or sentiment",
               tag: "conversations", role: .agent, body: "UpdateBody") { request, context in
            let conversation = try await services.conversation(try request.id(context: context, "Conversation"), context)
            let body = try await request.decode(as: UpdateBody.self, context: context)
            let corrects = body.intent != nil || body.sentiment != nil
            if let intent = body.intent?.value, case let ws = context.workspaceID,
               case let known = try await database.read({ try await WorkspaceIntentRepository.names(workspaceID: ws, in: $0) }), !known.contains(intent) {
                throw Problem(.unprocessableContent, "Unknown intent \"\(intent)\"; use one of \(known.joined(separator: ", ")) or null.", field: "intent")
            }
            if let sentiment = body.sentiment, !["negative", "neutral", "positive"].contains(sentiment) {
                throw Problem(.unprocessableContent, "sentiment is negative, neutral or positive.", field: "sentiment")
            }
            let commands = try await commands(from: body, context, allowEmpty: corrects)
            var updated = conversation
            if corrects {
                updated = try await services.conversations.correctClassification(
                    workspaceID: context.workspaceID, id: conversation.id, intent: body.intent.map(\.value),
                    sentiment: body.sentiment, actor: .agent(context.agent.id))
            }
            if !commands.isEmpty {
                updated = try await services.conversations.update(workspaceID: context.workspaceID, id: conversation.id,
                                                                  commands: commands, actor: .agent(context.agent.id))
            }
            return ConversationDTO(updated)
        }
        api.on(.post, "/conversations/{id}/read", "Mark the conversation read for you (lists then show it as not unread)",
               tag: "conversations") { request, context in
            let conversation = try await services.conversation(try request.id(context: context, "Conversation"), context)
            let agentID = context.agent.id
            // Never earlier than the last message, whatever this node's clock says.
            let readAt = max(Date(), conversation.lastMessageAt)
            try await database.write {
                try await ReadMarkers.markRead(agentID: agentID, conversationID: conversation.id, at: readAt, in: $0)
            }
            // A chat visitor sees that their messages were read.
            await services.hub.broadcastEphemeral(RealtimeMessage(
                workspaceId: context.workspaceID.rawValue, type: "conversation.read", conversationId: conversation.id.rawValue,
                payload: ["agent_id": .id(agentID)], actor: .init(type: "agent", id: agentID.rawValue), at: readAt, origin: nil))
            return Response(status: .noContent)
        }
        api.on(.post, "/conversations/bulk", "Apply the same change (status, priority, assignee, team, tags) to many conversations",
               tag: "conversations", role: .agent, body: "BulkBody") { request, context in
            let body = try await request.decode(as: BulkBody.self, context: context)
            guard !body.ids.isEmpty, body.ids.count <= 500 else {
                throw Problem(.unprocessableContent, "Give between 1 and 500 conversation ids.", field: "ids")
            }
            guard body.changes.intent == nil, body.changes.sentiment == nil else {
                throw Problem(.unprocessableContent, "Correct intent or sentiment one conversation at a time.", field: "changes")
            }
            let commands = try await commands(from: body.changes, context, allowEmpty: false)
            // Each conversation changes in its own transaction (they share commits through group
            // commit), so one that cannot change — gone, merged, not visible — is reported and the
            // others still change.
            var updated: [Int64] = []
            var failed: [BulkFailure] = []
            var seen = Set<Int64>()
            for id in body.ids where seen.insert(id).inserted {
                do {
                    let conversation = try await services.conversation(ConversationID(id), context)
                    _ = try await services.conversations.update(workspaceID: context.workspaceID, id: conversation.id,
                                                                commands: commands, actor: .agent(context.agent.id))
                    updated.append(id)
                } catch let problem as Problem {
                    failed.append(BulkFailure(id: id, detail: problem.detail))
                } catch let error as ShopdeskError {
                    failed.append(BulkFailure(id: id, detail: Problem(error).detail))
                } catch {
                    // Those already changed stay changed; say which ones were not, rather than
                    // failing the whole answer after part of the work is committed.
                    services.logger.error("Bulk change failed", metadata: ["conversation": "\(id)", "error": "\(error)"])
                    failed.append(BulkFailure(id: id, detail: "Conversation \(id) could not be changed just now; try it again."))
                }
            }
            return BulkResponse(updated: updated, failed: failed)
        }
        api.on(.get, "/conversations/{id}/messages",
               "Messages, oldest first. Page forward with after; or take the newest with latest=true and page back with before (next_cursor is then the before of the earlier page)",
               tag: "conversations", query: ["after", "before", "latest", "limit"]) { request, context in
            let conversation = try await services.conversation(try request.id(context: context, "Conversation"), context)
            let limit = try request.queryInt("limit", default: 100, range: 1...500)
            let after: MessageID? = try request.queryID("after")
            let before: MessageID? = try request.queryID("before")
            let ws = context.workspaceID
            if before != nil || request.queryString("latest") == "true" {
                let messages = try await database.read {
                    try await MessageRepository.latest(workspaceID: ws, conversationID: conversation.id, beforeID: before, limit: limit, in: $0)
                }
                return Page(items: messages.map(MessageDTO.init), nextCursor: messages.count == limit ? messages.first.map { String($0.id.rawValue) } : nil)
            }
            let messages = try await database.read {
                try await MessageRepository.list(workspaceID: ws, conversationID: conversation.id, afterID: after, limit: limit, in: $0)
            }
            return Page(items: messages.map(MessageDTO.init), nextCursor: messages.count == limit ? messages.last.map { String($0.id.rawValue) } : nil)
        }
        api.on(.post, "/conversations/{id}/messages", "Reply to the customer, or add an internal note with private: true",
               tag: "conversations", role: .agent, body: "MessageBody", status: 201) { request, context in
            let conversation = try await services.conversation(try request.id(context: context, "Conversation"), context)
            let body = try await request.decode(as: MessageBody.self, context: context)
            var text = body.text ?? ""
            let commentReply = body.private == true ? nil : try await ChannelComments(services: services).target(
                body.commentReply, conversation: conversation, hasFiles: !(body.attachmentIds ?? []).isEmpty)
            if let template = body.template {
                guard body.private != true, (body.attachmentIds ?? []).isEmpty else {
                    throw Problem(.unprocessableContent, "A template is sent alone: no note, no files.", field: "template")
                }
                text = try await ChannelTemplates(services: services).resolve(template, conversation: conversation)
            } else if body.private != true {
                // A comment reply has no reply window (a private one has its own 7 days, checked already).
                try await checkChannelLimits(text, conversation, ignoringWindow: commentReply != nil)
            }
            let mentions = body.private == true
                ? try await NotificationsController.mentions(in: text, ids: body.mentionIds ?? [], conversation: conversation, services) : []
            let message = try await services.conversations.reply(
                workspaceID: context.workspaceID, conversationID: conversation.id, text: text, isNote: body.private ?? false,
                agentID: context.agent.id, attachmentIDs: (body.attachmentIds ?? []).map(AttachmentID.init), channelTemplate: body.template,
                commentReply: commentReply, mentions: mentions)
            return Created(body: MessageDTO(message))
        }
        api.on(.post, "/conversations/{id}/merge", "Merge this conversation into another", tag: "conversations", role: .agent,
               body: "MergeBody") { request, context in
            let source = try await services.conversation(try request.id(context: context, "Conversation"), context)
            let body = try await request.decode(as: MergeBody.self, context: context)
            let target = try await services.conversation(ConversationID(body.into), context)
            let survivor = try await services.conversations.merge(workspaceID: context.workspaceID, sourceID: source.id, into: target.id,
                                                                  actor: .agent(context.agent.id))
            return ConversationDTO(survivor)
        }
        api.on(.get, "/conversations/{id}/timeline",
               "Everything that happened to the conversation, with who and when (`without`: event kinds to leave out, comma-separated)",
               tag: "conversations") { request, context in
            let conversation = try await services.conversation(try request.id(context: context, "Conversation"), context)
            let ws = context.workspaceID
            // A thread shows its messages itself: the agent app leaves their per-message events out,
            // which for a long conversation are most of its events.
            let without = try (request.queryString("without") ?? "").split(separator: ",").map { name in
                guard let kind = DomainEventKind(rawValue: String(name)) else {
                    throw Problem(.badRequest, "Unknown event kind \"\(name)\" in without.", field: "without")
                }
                return kind
            }
            let events = try await database.read {
                try await EventLog.timeline(workspaceID: ws, conversationID: conversation.id, without: Set(without), in: $0)
            }
            return Page(items: events.map(EventDTO.init), nextCursor: nil)
        }
        api.on(.post, "/messages/{id}/retry", "Send a failed reply again", tag: "conversations", role: .agent) { request, context in
            let id: MessageID = try request.id(context: context, "Message")
            let ws = context.workspaceID
            guard let message = try await database.read({ try await MessageRepository.find(workspaceID: ws, id: id, in: $0) }) else {
                throw Problem(.notFound, "Message \(id) was not found.")
            }
            _ = try await services.conversation(message.conversationID, context)
            try await services.conversations.retryDelivery(workspaceID: ws, messageID: id)
            return Response(status: .accepted)
        }
    }

    private func list(_ request: Request, _ context: AuthenticatedContext) async throws -> ListResponse {
        let ws = context.workspaceID
        let agent = context.agent
        // A saved view's filter and sort, under whatever the query itself names.
        var fields: [String: [String]] = [:]
        var savedSort: ConversationSort?
        if let viewID = try request.queryID("saved_view") as Identifier<Void>? {
            guard let view = try await services.database.read({
                try await SavedViewRepository.find(workspaceID: ws, agentID: agent.id, id: viewID.rawValue, in: $0)
            }) else { throw Problem(.notFound, "Saved view \(viewID) was not found.") }
            fields = view.fields
            savedSort = view.sort
        }
        switch request.queryString("view") {
        case nil: break
        case "mine": fields["status"] = ["open"]; fields["assignee"] = ["me"]
        case "unassigned": fields["status"] = ["open"]; fields["assignee"] = ["none"]
        case let status? where ["open", "pending", "snoozed", "resolved", "spam"].contains(status): fields["status"] = [status]
        case "all": break
        case let other?:
            throw Problem(.badRequest, "Unknown view \"\(other)\"; use mine, unassigned, open, pending, snoozed, resolved, spam or all.", field: "view")
        }
        // Custom fields filter as `custom.<key>=value`, any key the workspace defined.
        let customNames = Set(FormURLEncoding.pairs(request.uri.query ?? "").map(\.name).filter { $0.hasPrefix("custom.") })
        for name in ConversationFilter.fieldNames + customNames.sorted() {
            let values = request.queryFields(name)
            guard !values.isEmpty else { continue }
            // Tags and custom values may hold commas, so they come one per parameter (`tag=a&tag=b`); the other
            // fields also take a comma-separated list (`status=open,pending`).
            let whole = name == "tag" || name == "customer_tag" || name.hasPrefix("custom.")
            fields[name] = whole ? values : values.flatMap { $0.split(separator: ",").map(String.init) }
        }
        // Spam shows only where it is asked for (its view, or a status filter that names it).
        if fields["status"] == nil { fields["status"] = ConversationStatus.allCases.filter { $0 != .spam }.map(\.rawValue) }
        // A query that does not read is the request's fault (400), as with every other parameter.
        let filter: ConversationFilter
        do {
            fields = try await customValuesAsStored(fields, ws)
            filter = try ConversationFilter(fields: fields, me: agent.id)
        } catch {
            if error.code == .unavailable { throw error }
            throw Problem(.badRequest, error.message, field: error.field)
        }
        let sort = try request.queryEnum("sort", ConversationSort.self) ?? savedSort ?? .newest
        let limit = try request.queryInt("limit", default: 50, range: 1...200)
        let cursor = request.queryString("cursor")
        // A board by a custom field needs each card's value: `with_fields=return_reason` (at most 5 keys).
        let withFields = (request.queryString("with_fields") ?? "").split(separator: ",").map(String.init).prefix(5)
        let agentID = agent.id
        let unrestricted = filter
        // One trip to a reader for the whole page: the agent's inboxes, the page, its customers,
        // the view counts and the unread markers.
        return try await services.database.read { sql in
            var finalFilter = unrestricted
            let visible = try await InboxRepository.visibleInboxes(for: agent, in: sql)
            finalFilter.visibleInboxes = visible
            let page = try await ConversationRepository.list(workspaceID: ws, filter: finalFilter, sort: sort, cursor: cursor, limit: limit, in: sql)
            let customers = try await CustomerRepository.contacts(workspaceID: ws, ids: page.conversations.map(\.customerID), in: sql)
            let counts = try await ConversationRepository.viewCounts(workspaceID: ws, agentID: agentID, visibleInboxes: visible, in: sql)
            let unread = try await ReadMarkers.unread(agentID: agentID, among: page.conversations, in: sql)
            let values = try await CustomFieldRepository.values(workspaceID: ws, entity: .conversation, ids: page.conversations.map(\.id.rawValue),
                                                                keys: Array(withFields), in: sql)
            return ListResponse(items: page.conversations.map {
                var item = ConversationDTO($0, contact: customers[$0.customerID], unread: unread.contains($0.id))
                if !withFields.isEmpty { item.fields = values[$0.id.rawValue] ?? [:] }
                return item
            }, nextCursor: page.nextCursor, counts: counts)
        }
    }

    /// `custom.<key>` values written as the field stores them (`59.90` finds the stored `59.9`),
    /// and a key the workspace has no field for said so.
    private func customValuesAsStored(_ fields: [String: [String]], _ ws: WorkspaceID) async throws(ShopdeskError) -> [String: [String]] {
        let keys = fields.keys.filter { $0.hasPrefix("custom.") }
        guard !keys.isEmpty else { return fields }
        let defined: [CustomField]
        do {
            defined = try await services.database.read { try await CustomFieldRepository.list(workspaceID: ws, entity: .conversation, in: $0) }
        } catch {
            throw ShopdeskError(.unavailable, "The custom fields could not be read; try again.")
        }
        var result = fields
        for name in keys {
            let key = String(name.dropFirst("custom.".count))
            guard let field = defined.first(where: { $0.key == key }) else {
                throw .invalid(field: name, "There is no conversation field \"\(key.prefix(40))\".")
            }
            var values: [String] = []
            for value in fields[name] ?? [] { values.append(try field.normalized(value)) }
            result[name] = values
        }
        return result
    }

    private func commands(from body: UpdateBody, _ context: AuthenticatedContext, allowEmpty: Bool) async throws -> [ConversationCommand] {
        var commands: [ConversationCommand] = []
        let ws = context.workspaceID
        if let assignee = body.assigneeId {
            if let id = assignee.value {
                guard try await services.database.read({ try await AgentRepository.find(workspaceID: ws, id: AgentID(id), in: $0) }) != nil else {
                    throw Problem(.unprocessableContent, "Agent \(id) is not in this workspace.", field: "assignee_id")
                }
            }
            commands.append(.assign(assignee.value.map(AgentID.init)))
        }
        if let team = body.teamId {
            if let id = team.value {
                guard try await services.database.read({ try await TeamRepository.find(workspaceID: ws, id: TeamID(id), in: $0) }) != nil else {
                    throw Problem(.unprocessableContent, "Team \(id) is not in this workspace.", field: "team_id")
                }
            }
            commands.append(.setTeam(team.value.map(TeamID.init)))
        }
        if let priority = body.priority { commands.append(.setPriority(priority)) }
        if let tags = body.tags { commands.append(.setTags(Set(tags))) }
        if let tags = body.addTags { commands.append(.addTags(Set(tags))) }
        if let tags = body.removeTags { commands.append(.removeTags(Set(tags))) }
        if let status = body.status {
            commands.append(.setStatus(status, snoozeUntil: body.snoozeUntil))
        } else if let until = body.snoozeUntil {
            commands.append(.setStatus(.snoozed, snoozeUntil: until))
        }
        guard !commands.isEmpty || allowEmpty else {
            // In words for people; the fields an API client may send are in the OpenAPI document.
            var problem = Problem(.unprocessableContent,
                                  "Nothing to change: choose a status, a snooze time, a priority, an assignee, a team, tags, an intent or a mood.")
            problem.code = "nothing_to_change"
            throw problem
        }
        return commands
    }
}

/// A JSON field that distinguishes "absent" (the optional is nil) from `null` (value is nil).
/// A field that may be absent (nil: leave it), null (`Nullable(value: nil)`: clear it) or set.
struct Nullable<Wrapped: Decodable & Sendable>: Decodable, Sendable {
    var value: Wrapped?

    init(value: Wrapped?) { self.value = value }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        value = container.decodeNil() ? nil : try container.decode(Wrapped.self)
    }
}

extension KeyedDecodingContainer {
    /// Absent → nil; `null` → `Nullable(value: nil)`; a value → `Nullable(value:)`.
    func nullable<T: Decodable & Sendable>(_ type: T.Type, forKey key: Key) throws -> Nullable<T>? {
        guard contains(key) else { return nil }
        return try decodeNil(forKey: key) ? Nullable(value: nil) : Nullable(value: try decode(T.self, forKey: key))
    }
}

extension ConversationsController {
    /// A reply a messaging channel cannot carry is refused before it is stored, in words.
    /// Refuses a reply the conversation's channel would refuse: too long for it, or (unless
    /// `ignoringWindow`) past its reply window.
    func checkChannelLimits(_ text: String, _ conversation: Conversation, ignoringWindow: Bool = false) async throws {
        let ws = conversation.workspaceID, inboxID = conversation.inboxID
        guard let kind = try await services.inboxKinds.kind(of: inboxID, workspaceID: ws, database: services.database),
              let adapter = services.channels.adapter(for: kind) else { return }
        if let refusal = try await ChannelSender.whyNot(text, conversation: conversation, adapter: adapter, database: services.database,
                                                        anyTime: ignoringWindow) {
            throw refusal.problem
        }
    }
}
