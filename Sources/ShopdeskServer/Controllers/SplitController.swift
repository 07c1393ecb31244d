import Foundation
import Hummingbird
import ShopdeskCore
import ShopdeskStore

/// Splitting a conversation: from one message on, into a conversation of its own (the opposite of merge).
struct SplitController {
    let services: AppServices

    struct SplitBody: Decodable { var messageId: Int64 }

    func register(_ api: APIRegistrar) {
        let services = services
        api.on(.post, "/conversations/{id}/split", "Move message_id and every later message into a new conversation of the same customer",
               tag: "conversations", role: .agent, body: "SplitBody", status: 201) { request, context in
            let conversation = try await services.conversation(try request.id(context: context, "Conversation"), context)
            let body = try await request.decode(as: SplitBody.self, context: context)
            let created = try await services.conversations.split(
                workspaceID: context.workspaceID, conversationID: conversation.id, fromMessage: MessageID(body.messageId),
                actor: .agent(context.agent.id))
            return Created(body: ConversationDTO(created))
        }
    }
}
