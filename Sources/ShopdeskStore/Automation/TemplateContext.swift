import Foundation
import ShopdeskCore
import SQLKit

/// The variables a macro or a rule's note can use, read from the conversation's rows.
/// `orders` is an empty list until a store is connected (the commerce issue fills it).
enum TemplateContext {
    static func build(conversation: Conversation, customer: Customer?, agent: Agent?, workspaceName: String,
                      reviewURL: String? = nil) -> [String: TemplateValue] {
        [
            "customer": .object([
                "name": .text(customer?.name), "first_name": .text(firstName(customer?.name)), "last_name": .text(lastName(customer?.name)),
                "email": .text(customer?.email), "phone": .text(customer?.phone), "locale": .text(customer?.locale),
            ]),
            "conversation": .object([
                "number": .number(Decimal(conversation.number)), "subject": .text(conversation.subject),
                "status": .string(conversation.state.status.rawValue), "priority": .string(conversation.state.priority.rawValue),
                "language": .text(conversation.language), "intent": .text(conversation.intent),
                "created_at": .date(conversation.createdAt), "tags": .list(conversation.state.tags.sorted().map(TemplateValue.string)),
            ]),
            "agent": .object([
                "name": .text(agent?.name), "first_name": .text(firstName(agent?.name)), "email": .text(agent?.email),
            ]),
            "workspace": .object(["name": .string(workspaceName), "review_url": .text(reviewURL)]),
            "orders": .list([]),
        ]
    }

    /// Reads what a template needs for a conversation inside a transaction.
    static func load(conversation: Conversation, agentID: AgentID?, workspaceName: String, reviewURL: String?,
                     in sql: any SQLDatabase) async throws -> (context: [String: TemplateValue], customer: Customer?) {
        let customer = try await CustomerRepository.find(workspaceID: conversation.workspaceID, id: conversation.customerID, in: sql)
        let agent = try await agentID.asyncMap { try await AgentRepository.find(workspaceID: conversation.workspaceID, id: $0, in: sql) }
        return (build(conversation: conversation, customer: customer, agent: agent, workspaceName: workspaceName, reviewURL: reviewURL), customer)
    }

    static func environment(customer: Customer?, fallbackLocale: String?, timeZone: String) -> TemplateEnvironment {
        TemplateEnvironment(localeIdentifier: customer?.locale ?? fallbackLocale, timeZoneIdentifier: timeZone)
    }

    private static func firstName(_ name: String?) -> String? {
        name?.split(separator: " ").first.map(String.init)
    }

    private static func lastName(_ name: String?) -> String? {
        guard let parts = name?.split(separator: " "), parts.count > 1 else { return nil }
        return parts.dropFirst().joined(separator: " ")
    }
}
