import Foundation
import ShopdeskCore
import SQLKit

/// What a set of rules would have done to recent conversations, without changing anything:
/// each conversation is offered as `conversation.created` (its first customer message) and as
/// `message.inbound` (its latest one).
public enum RuleDryRun {
    public struct Hit: Sendable, Equatable {
        public var conversationID: ConversationID
        public var number: Int64
        public var subject: String?
        public var trigger: RuleTrigger
        /// Positions (from 1) of the rules in the tested list that would fire, in order.
        public var rules: [Int]
    }

    public static func run(_ definitions: [RuleDefinition], workspaceID: WorkspaceID, limit: Int, automation: AutomationCache,
                           now: Date, in sql: any SQLDatabase) async throws -> (examined: Int, hits: [Hit]) {
        let set = RuleSet(definitions.enumerated().map { (Int64($0.offset + 1), $0.element) })
        let book = try await automation.book(for: workspaceID, in: sql)
        // The workspace's book with the rules under test in place of the saved ones.
        let trial = AutomationCache.Book(version: book.version, rules: set, slaPolicies: book.slaPolicies, calendar: book.calendar,
                                         workspaceName: book.workspaceName)
        let rows = try await sql.raw("""
            SELECT c.id, i.kind AS channel,
              (SELECT m.text FROM messages m WHERE m.conversation_id = c.id AND m.direction = 'inbound' ORDER BY m.id LIMIT 1) AS first_text,
              (SELECT m.text FROM messages m WHERE m.conversation_id = c.id AND m.direction = 'inbound' ORDER BY m.id DESC LIMIT 1) AS last_text
            FROM conversations c JOIN inboxes i ON i.id = c.inbox_id
            WHERE c.workspace_id = \(bind: workspaceID.rawValue) AND c.merged_into IS NULL
            ORDER BY c.id DESC LIMIT \(bind: limit)
            """).all()
        let conversations = try await ConversationRepository.findMany(workspaceID: workspaceID, ids: try rows.map { try $0.id("id") }, in: sql)
        let byID = Dictionary(uniqueKeysWithValues: conversations.map { ($0.id, $0) })
        let customers = try await CustomerRepository.findMany(workspaceID: workspaceID, ids: conversations.map(\.customerID), in: sql)
        var hits: [Hit] = []
        for row in rows {
            guard let conversation = byID[try row.id("id")] else { continue }
            let channel = try row.string("channel")
            // Custom fields only when the rule compares some (two reads per conversation).
            let custom = set.customFields.isEmpty ? nil : (
                try await CustomFieldRepository.values(workspaceID: workspaceID, entity: .conversation, id: conversation.id.rawValue, in: sql),
                try await CustomFieldRepository.values(workspaceID: workspaceID, entity: .customer, id: conversation.customerID.rawValue, in: sql))
            for (trigger, column) in [(RuleTrigger.conversationCreated, "first_text"), (.messageInbound, "last_text")] {
                var facts = trial.facts(for: .init(trigger: trigger, text: try row.stringOrNil(column) ?? ""), conversation: conversation,
                                        channel: channel, customer: customers[conversation.customerID], at: now)
                if let custom { facts.setCustom(conversation: custom.0, customer: custom.1) }
                let fired = set.matches(facts).map { Int($0.id) }
                if !fired.isEmpty {
                    hits.append(Hit(conversationID: conversation.id, number: conversation.number, subject: conversation.subject,
                                    trigger: trigger, rules: fired))
                }
            }
        }
        return (rows.count, hits)
    }
}
