import Foundation
import Hummingbird
import ShopdeskCore
import ShopdeskStore

/// What helps an agent answer (docs/ARCHITECTURE.md, Intelligence): suggested replies (what
/// agents of this workspace answered to the questions most like the customer's last message,
/// rendered for this customer) and a long conversation's summary.
struct AgentAssistController {
    let services: AppServices

    struct SuggestionDTO: Encodable {
        var text: String
        var sourceConversationId: Int64
        var sourceNumber: Int64
        var uses: Int
        var warnings: [String]
    }

    struct SummaryItemDTO: Encodable { var kind: String; var detail: [String: String] }
    struct SummaryDTO: ResponseEncodable {
        var wants: [String]
        var done: [SummaryItemDTO]
        var open: [SummaryItemDTO]
        var intent: String?
        var messages: Int
        var worthShowing: Bool
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
        api.on(.get, "/conversations/{id}/summary",
               "What the customer wants (their own sentences), what was done and what is open; worth_showing for a long or handed-over conversation",
               tag: "conversations") { request, context in
            let conversation = try await services.conversation(try request.id(context: context, "Conversation"), context)
            let summary = try await services.conversations.summary(workspaceID: context.workspaceID, conversationID: conversation.id)
            func items(_ list: [ConversationSummary.Item]) -> [SummaryItemDTO] { list.map { SummaryItemDTO(kind: $0.kind, detail: $0.detail) } }
            return SummaryDTO(wants: summary.wants, done: items(summary.done), open: items(summary.open), intent: summary.intent,
                              messages: summary.messages, worthShowing: summary.worthShowing)
        }
    }
}
