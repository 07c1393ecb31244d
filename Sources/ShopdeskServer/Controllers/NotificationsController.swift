import Foundation
import Hummingbird
import ShopdeskCore
import ShopdeskStore

/// An agent's notifications (mentioned in a note, assigned a conversation, a followed conversation
/// answered), the followers of a conversation, and whether notifications left unread are emailed.
struct NotificationsController {
    let services: AppServices

    struct NotificationDTO: ResponseEncodable {
        var id: Int64
        /// `mention`, `assigned` or `customer_replied`.
        var kind: String
        var conversationId: Int64
        var conversationNumber: Int64?
        var conversationSubject: String?
        var messageId: Int64?
        var actorAgentId: Int64?
        var preview: String?
        var createdAt: Date
        var read: Bool
    }

    struct NotificationPage: ResponseEncodable {
        var items: [NotificationDTO]
        var unreadCount: Int
        var nextCursor: String?
    }

    struct ReadBody: Decodable {
        var ids: [Int64]?
        var conversationId: Int64?
        var all: Bool?
    }

    struct Unread: ResponseEncodable { var unreadCount: Int }
    struct Followers: ResponseEncodable { var agentIds: [Int64]; var following: Bool }
    struct NotificationSettings: Codable, ResponseEncodable { var email: Bool }

    func register(_ api: APIRegistrar) {
        let services = services
        let database = services.database
        api.on(.get, "/notifications", "Your notifications, newest first (unread=true for the unread ones), with the unread count",
               tag: "notifications", query: ["unread", "before", "limit"]) { request, context in
            let ws = context.workspaceID
            let agent = context.agent
            let unreadOnly = request.queryString("unread") == "true"
            let before = request.queryString("before").flatMap { Int64($0) }
            let limit = try request.queryInt("limit", default: 30, range: 1...100)
            return try await database.read { sql in
                let items = try await NotificationRepository.list(workspaceID: ws, agentID: agent.id, unreadOnly: unreadOnly, before: before,
                                                                  limit: limit, in: sql)
                let conversations = try await ConversationRepository.findMany(workspaceID: ws, ids: Array(Set(items.map(\.conversationID))), in: sql)
                // A conversation of an inbox the agent has since left is no longer theirs to read about.
                let visible = try await InboxRepository.visibleInboxes(for: agent, in: sql).map(Set.init)
                let byID = Dictionary(conversations.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
                let shown = items.filter { item in byID[item.conversationID].map { visible?.contains($0.inboxID) ?? true } ?? false }
                return NotificationPage(
                    items: shown.map { item in
                        let conversation = byID[item.conversationID]
                        return NotificationDTO(id: item.id, kind: item.kind.rawValue, conversationId: item.conversationID.rawValue,
                                               conversationNumber: conversation?.number, conversationSubject: conversation?.subject,
                                               messageId: item.messageID?.rawValue, actorAgentId: item.actorAgentID?.rawValue,
                                               preview: item.preview, createdAt: item.createdAt, read: item.readAt != nil)
                    },
                    unreadCount: try await NotificationRepository.unreadCount(workspaceID: ws, agentID: agent.id, in: sql),
                    nextCursor: items.count == limit ? items.last.map { String($0.id) } : nil)
            }
        }
        api.on(.post, "/notifications/read", "Mark notifications read: ids, those of one conversation_id, or all: true",
               tag: "notifications", body: "ReadBody") { request, context in
            let body = try await request.decode(as: ReadBody.self, context: context)
            guard body.ids != nil || body.conversationId != nil || body.all == true else {
                throw Problem(.unprocessableContent, "Name the notifications to mark read: ids, conversation_id, or all: true.", field: "ids")
            }
            let ws = context.workspaceID
            let agent = context.agent.id
            return try await database.write { sql in
                try await NotificationRepository.markRead(workspaceID: ws, agentID: agent, ids: body.all == true ? nil : body.ids,
                                                          conversationID: body.all == true ? nil : body.conversationId.map(ConversationID.init),
                                                          now: Date(), in: sql)
                return Unread(unreadCount: try await NotificationRepository.unreadCount(workspaceID: ws, agentID: agent, in: sql))
            }
        }
        api.on(.get, "/auth/me/notifications", "Whether notifications you leave unread are emailed to you", tag: "notifications") { _, context in
            let ws = context.workspaceID
            let agent = context.agent.id
            return NotificationSettings(email: try await database.read {
                try await NotificationRepository.emailsWanted(workspaceID: ws, agentID: agent, in: $0)
            })
        }
        api.on(.put, "/auth/me/notifications", "Email you notifications left unread for five minutes, or not", tag: "notifications",
               body: "NotificationSettings") { request, context in
            let body = try await request.decode(as: NotificationSettings.self, context: context)
            let ws = context.workspaceID
            let agent = context.agent.id
            try await database.write { try await NotificationRepository.setEmailsWanted(body.email, workspaceID: ws, agentID: agent, in: $0) }
            return body
        }
        api.on(.get, "/conversations/{id}/followers", "Who follows the conversation (hears when its customer writes)",
               tag: "conversations") { request, context in
            let conversation = try await services.conversation(try request.id(context: context, "Conversation"), context)
            let ws = context.workspaceID
            let ids = try await database.read { try await FollowerRepository.followers(workspaceID: ws, conversationID: conversation.id, in: $0) }
            return Followers(agentIds: ids.map(\.rawValue), following: ids.contains(context.agent.id))
        }
        api.on(.put, "/conversations/{id}/followers/{agent}", "Make an agent (yourself, or a colleague who can see it) a follower",
               tag: "conversations", role: .agent) { request, context in
            let conversation = try await services.conversation(try request.id(context: context, "Conversation"), context)
            let agentID: AgentID = try request.id("agent", context: context, "Agent")
            if agentID != context.agent.id { _ = try await Self.mayBeTold(agentID, about: conversation, services) }
            let ws = context.workspaceID
            let ids = try await database.write { sql in
                try await FollowerRepository.follow([agentID], workspaceID: ws, conversationID: conversation.id, now: Date(), in: sql)
                return try await FollowerRepository.followers(workspaceID: ws, conversationID: conversation.id, in: sql)
            }
            return Followers(agentIds: ids.map(\.rawValue), following: ids.contains(context.agent.id))
        }
        api.on(.delete, "/conversations/{id}/followers/{agent}", "Stop following (admins may remove anyone)", tag: "conversations",
               role: .agent) { request, context in
            let conversation = try await services.conversation(try request.id(context: context, "Conversation"), context)
            let agentID: AgentID = try request.id("agent", context: context, "Agent")
            if agentID != context.agent.id { try context.require(.admin) }
            let ws = context.workspaceID
            let ids = try await database.write { sql in
                try await FollowerRepository.unfollow(workspaceID: ws, conversationID: conversation.id, agentID: agentID, in: sql)
                return try await FollowerRepository.followers(workspaceID: ws, conversationID: conversation.id, in: sql)
            }
            return Followers(agentIds: ids.map(\.rawValue), following: ids.contains(context.agent.id))
        }
    }

    /// An agent of this workspace, active, who may see the conversation — or a problem saying who cannot.
    static func mayBeTold(_ id: AgentID, about conversation: Conversation, _ services: AppServices) async throws -> Agent {
        let ws = conversation.workspaceID
        let (agent, visible) = try await services.database.read { sql in
            let agent = try await AgentRepository.find(workspaceID: ws, id: id, in: sql)
            return (agent, try await agent.asyncMap { try await InboxRepository.visibleInboxes(for: $0, in: sql) } ?? nil)
        }
        guard let agent, !agent.disabled else {
            throw Problem(.unprocessableContent, "Agent \(id) is not an active agent of this workspace.", field: "mention_ids")
        }
        guard visible?.contains(conversation.inboxID) ?? true else {
            throw Problem(.unprocessableContent, "\(agent.name) cannot see this conversation's inbox.", field: "mention_ids",
                          code: "mention_not_visible", values: ["name": agent.name])
        }
        return agent
    }

    /// The agents a note names: those given by id (each checked), and those named `@Name` in its
    /// text who may see the conversation.
    static func mentions(in text: String, ids: [Int64], conversation: Conversation, _ services: AppServices) async throws -> [AgentID] {
        var result: [AgentID] = []
        for id in ids { result.append(try await mayBeTold(AgentID(id), about: conversation, services).id) }
        guard text.contains("@") else { return result }
        let ws = conversation.workspaceID
        let agents = try await services.database.read { try await AgentRepository.list(workspaceID: ws, in: $0) }.filter { !$0.disabled }
        for id in Mentions.find(in: text, names: agents.map { (id: $0.id, name: $0.name) }) where !result.contains(id) {
            if (try? await mayBeTold(id, about: conversation, services)) != nil { result.append(id) }
        }
        return result
    }
}
