import Foundation
import ShopdeskCore
import ShopdeskIntelligence
import SQLKit

/// What an agent opening a long conversation needs first: what the customer wants (their own
/// sentences, `Summarizer`), what was done (order actions, macros, returns, the bot's answers
/// and handover) and what is still open (a question waiting for an answer, an order action
/// waiting for approval or one that failed). Facts are kinds with details, so the app says them
/// in the agent's language.
public struct ConversationSummary: Sendable, Equatable {
    public struct Item: Sendable, Equatable {
        public var kind: String
        public var detail: [String: String]
    }

    public var wants: [String]
    public var done: [Item]
    public var open: [Item]
    public var intent: String?
    /// Customer messages and agents' replies (notes aside).
    public var messages: Int
    /// A long conversation or one the bot handed over: the app shows the summary on its own.
    public var worthShowing: Bool
}

extension ConversationService {
    static let summaryEvents: [DomainEventKind] = [.macroApplied, .orderActionRequested, .orderActionSucceeded, .orderActionRejected,
                                                   .orderActionFailed, .returnRequested, .botAnswered, .botHandedOver]

    public func summary(workspaceID: WorkspaceID, conversationID: ConversationID) async throws -> ConversationSummary {
        try await database.read { sql in
            guard let conversation = try await ConversationRepository.find(workspaceID: workspaceID, id: conversationID, in: sql) else {
                throw ShopdeskError.notFound("Conversation \(conversationID)")
            }
            let ws = workspaceID.rawValue
            let rows = try await sql.raw("""
                SELECT direction, author_agent_id, bot, text, created_at FROM messages
                WHERE workspace_id = \(bind: ws) AND conversation_id = \(bind: conversation.id.rawValue) ORDER BY id LIMIT 500
                """).all()
            var customer: [String] = []
            var sinceReply: [String] = []
            var waitingSince: Int64?
            var replies = 0
            var count = 0
            for row in rows {
                let direction = try row.decode(column: "direction", as: String.self)
                let text = try row.decode(column: "text", as: String.self)
                if direction == "inbound" {
                    count += 1
                    customer.append(text)
                    sinceReply.append(text)
                    if waitingSince == nil { waitingSince = try row.decode(column: "created_at", as: Int64.self) }
                } else if direction == "outbound" {
                    count += 1
                    if try row.decode(column: "author_agent_id", as: Int64?.self) != nil, try row.decode(column: "bot", as: String?.self) == nil {
                        replies += 1
                    }
                    sinceReply = []
                    waitingSince = nil
                }
            }
            var done: [ConversationSummary.Item] = []
            var open: [ConversationSummary.Item] = []
            var waitingActions: [String: ConversationSummary.Item] = [:]
            var handedOver = false
            let events = try await sql.raw("""
                SELECT kind, payload FROM events WHERE workspace_id = \(bind: ws) AND conversation_id = \(bind: conversation.id.rawValue)
                  AND kind IN (\(binds: Self.summaryEvents.map(\.rawValue))) ORDER BY id
                """).all()
            for row in events {
                let kind = DomainEventKind(rawValue: try row.decode(column: "kind", as: String.self))
                let payload = Self.strings(try row.decode(column: "payload", as: String.self))
                let action = payload["action_id"] ?? ""
                switch kind {
                case .macroApplied: done.append(.init(kind: "macro", detail: payload.filter { $0.key == "name" }))
                case .orderActionRequested: waitingActions[action] = .init(kind: "approval", detail: Self.orderDetail(payload))
                case .orderActionSucceeded:
                    waitingActions[action] = nil
                    done.append(.init(kind: "order_action", detail: Self.orderDetail(payload)))
                case .orderActionRejected: waitingActions[action] = nil
                case .orderActionFailed:
                    waitingActions[action] = .init(kind: "order_action_failed", detail: Self.orderDetail(payload))
                case .returnRequested: done.append(.init(kind: "return", detail: ["order": payload["order_number"] ?? ""]))
                case .botAnswered: done.append(.init(kind: payload["kind"] == "order" ? "bot_order" : "bot_article",
                                                     detail: payload.filter { $0.key == "article" || $0.key == "order" }))
                case .botHandedOver:
                    handedOver = true
                    done.append(.init(kind: "bot_handover", detail: payload.filter { $0.key == "reason" }))
                default: break
                }
            }
            if replies > 0 { done.insert(.init(kind: "replied", detail: ["count": String(replies)]), at: 0) }
            open.append(contentsOf: waitingActions.sorted { $0.key < $1.key }.map(\.value))
            if let waitingSince, conversation.state.status != .resolved {
                var detail = ["since": ISO8601DateFormatter().string(from: Timestamps.date(millis: waitingSince))]
                if replies > 0, let question = Summarizer.wants(sinceReply, limit: 1).first { detail["question"] = question }
                open.append(.init(kind: "awaiting_reply", detail: detail))
            }
            let long = count >= 6 || customer.reduce(0) { $0 + $1.count } > 600
            return ConversationSummary(wants: Summarizer.wants(customer), done: done, open: open, intent: conversation.intent,
                                       messages: count, worthShowing: long || handedOver)
        }
    }

    static func orderDetail(_ payload: [String: String]) -> [String: String] {
        payload.filter { ["kind", "order_number", "summary", "amount", "currency", "error"].contains($0.key) }
    }

    /// A payload's string and number fields as strings.
    static func strings(_ json: String) -> [String: String] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] else { return [:] }
        var result: [String: String] = [:]
        for (key, value) in object {
            switch value {
            case let text as String: result[key] = text
            case let number as NSNumber: result[key] = number.stringValue
            default: break
            }
        }
        return result
    }
}
