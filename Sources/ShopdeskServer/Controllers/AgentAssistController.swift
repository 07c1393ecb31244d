import Foundation
import Hummingbird
import ShopdeskCore
import ShopdeskStore

/// Suggested replies: what agents of this workspace answered to the questions most like the
/// customer's last message, rendered for this customer (docs/ARCHITECTURE.md, Intelligence).
struct ReplySuggestionsController {
    let services: AppServices

    struct SuggestionDTO: Encodable {
        var text: String
        var sourceConversationId: Int64
        var sourceNumber: Int64
        var uses: Int
        var warnings: [String]
    }

    func register(_ api: APIRegistrar) {
        let services = services
        api.on(.get, "/conversations/{id}/replies",
               "Up to three replies agents sent to the most similar past questions, in the customer's language, with this customer's names and order filled in",
               tag: "conversations") { request, context in
            let conversation = try await services.conversation(try request.id(context: context, "Conversation"), context)
            let suggestions = try await services.conversations.suggestReplies(
                workspaceID: context.workspaceID, conversationID: conversation.id, agentID: context.agent.id,
                inboxes: try await services.visibleInboxes(context), libraries: services.replyLibraries)
            return Page(items: suggestions.map {
                SuggestionDTO(text: $0.text, sourceConversationId: $0.sourceConversationID.rawValue, sourceNumber: $0.sourceNumber,
                              uses: $0.uses, warnings: $0.warnings)
            }, nextCursor: nil)
        }
    }
}
