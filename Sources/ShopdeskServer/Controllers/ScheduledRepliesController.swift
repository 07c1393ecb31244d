import Foundation
import Hummingbird
import ShopdeskCore
import ShopdeskStore

/// "Send later": replies written now that leave at a chosen time (`ConversationService+Scheduled`).
struct ScheduledRepliesController {
    let services: AppServices

    struct ScheduleBody: Decodable { var text: String?; var sendAt: Date; var attachmentIds: [Int64]? }

    struct ScheduledReplyDTO: ResponseEncodable {
        var id: Int64
        var conversationId: Int64
        var authorAgentId: Int64
        var text: String
        var attachmentIds: [Int64]
        var sendAt: Date
        /// `scheduled`, or `failed` with the reason in `error`.
        var status: String
        var error: String?

        init(_ reply: ScheduledReply) {
            id = reply.id; conversationId = reply.conversationID.rawValue; authorAgentId = reply.agentID.rawValue; text = reply.text
            attachmentIds = reply.attachmentIDs.map(\.rawValue); sendAt = reply.sendAt; status = reply.status.rawValue; error = reply.error
        }
    }

    func register(_ api: APIRegistrar) {
        let services = services
        api.on(.post, "/conversations/{id}/scheduled-replies", "Write a reply now that leaves at send_at (at most a year ahead)",
               tag: "conversations", role: .agent, body: "ScheduleBody", status: 201) { request, context in
            let conversation = try await services.conversation(try request.id(context: context, "Conversation"), context)
            let body = try await request.decode(as: ScheduleBody.self, context: context)
            let text = body.text ?? ""
            // The channel's length limit now; its reply window is judged when the reply leaves
            // (a reply refused then is marked failed in the thread with the channel's reason).
            try await ConversationsController(services: services).checkChannelLimits(text, conversation, ignoringWindow: true)
            let reply = try await services.conversations.scheduleReply(
                workspaceID: context.workspaceID, conversationID: conversation.id, text: text, agentID: context.agent.id,
                attachmentIDs: (body.attachmentIds ?? []).map(AttachmentID.init), sendAt: body.sendAt)
            return Created(body: ScheduledReplyDTO(reply))
        }
        api.on(.get, "/conversations/{id}/scheduled-replies", "Replies waiting to leave, and those that could not", tag: "conversations") { request, context in
            let conversation = try await services.conversation(try request.id(context: context, "Conversation"), context)
            let ws = context.workspaceID
            let replies = try await services.database.read {
                try await ScheduledReplyRepository.list(workspaceID: ws, conversationID: conversation.id, in: $0)
            }
            return Page(items: replies.map(ScheduledReplyDTO.init), nextCursor: nil)
        }
        api.on(.delete, "/scheduled-replies/{id}", "Take back a reply before it leaves, or dismiss one that failed", tag: "conversations",
               role: .agent) { request, context in
            guard let text = context.parameters.get("id"), let id = Int64(text) else { throw Problem(.notFound, "Scheduled reply not found.") }
            let ws = context.workspaceID
            guard let reply = try await services.database.read({ try await ScheduledReplyRepository.find(workspaceID: ws, id: id, in: $0) }) else {
                throw Problem(.notFound, "Scheduled reply \(id) was not found.")
            }
            // Only someone who may see the conversation may take its reply back.
            _ = try await services.conversation(reply.conversationID, context)
            guard try await services.conversations.cancelScheduledReply(workspaceID: ws, id: id) else {
                throw Problem(.conflict, "This reply has already been sent; it can no longer be taken back.", code: "already_sent")
            }
            return Response(status: .noContent)
        }
    }
}
