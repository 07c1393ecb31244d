import Foundation
import ShopdeskCore

/// Answers written with `JSONWriter` instead of `JSONEncoder`: the conversation and message
/// lists, which agents' screens fetch all day. The output is the same document the `Encodable`
/// conformance produces (a test compares them), just several times cheaper.
protocol DirectJSON {
    func write(into json: inout JSONWriter)
}

extension ConversationDTO: DirectJSON {
    func write(into json: inout JSONWriter) {
        json.object { json in
            json.field("id", id)
            json.field("number", number)
            json.field("inbox_id", inboxId)
            json.field("customer_id", customerId)
            if let customer {
                json.key("customer")
                json.object { json in
                    json.field("id", customer.id)
                    json.field("name", customer.name)
                    json.field("email", customer.email)
                    json.field("phone", customer.phone)
                }
            }
            json.field("subject", subject)
            json.field("status", status.rawValue)
            json.field("snoozed_until", snoozedUntil)
            json.field("priority", priority.rawValue)
            json.field("assignee_id", assigneeId)
            json.field("team_id", teamId)
            json.key("tags")
            json.array { json in for tag in tags { json.string(tag) } }
            json.field("language", language)
            json.field("intent", intent)
            json.field("sentiment", sentiment)
            json.field("urgent", urgent)
            json.field("merged_into", mergedInto)
            json.field("message_count", Int64(messageCount))
            if let unread { json.field("unread", unread) }
            json.key("last_message")
            json.object { json in
                json.field("preview", lastMessage.preview)
                json.field("direction", lastMessage.direction?.rawValue)
                json.field("at", lastMessage.at)
            }
            json.field("first_response_at", firstResponseAt)
            json.field("resolved_at", resolvedAt)
            json.field("created_at", createdAt)
            json.field("updated_at", updatedAt)
            json.field("sla_due_at", slaDueAt)
            json.field("sla_breached", slaBreached)
            json.field("channel_post", channelPost)
            if let fields {
                json.key("fields")
                json.object { json in for (key, value) in fields.sorted(by: { $0.key < $1.key }) { json.key(string: key); json.string(value) } }
            }
        }
    }
}

extension MessageDTO: DirectJSON {
    func write(into json: inout JSONWriter) {
        json.object { json in
            json.field("id", id)
            json.field("conversation_id", conversationId)
            json.field("direction", direction.rawValue)
            json.field("private", `private`)
            json.field("author_agent_id", authorAgentId)
            json.field("author_customer_id", authorCustomerId)
            json.field("text", text)
            json.field("channel_message_id", channelMessageId)
            json.field("delivery_status", deliveryStatus?.rawValue)
            json.field("delivery_error", deliveryError)
            json.key("attachment_ids")
            json.array { json in for attachment in attachmentIds { json.int(attachment) } }
            json.field("created_at", createdAt)
            json.field("bot", bot)
            json.field("html", html)
            if let mailAuth {
                json.key("mail_auth")
                mailAuth.write(into: &json)
            }
            json.field("comment_status", commentStatus?.rawValue)
            json.field("comment_reply", commentReply?.rawValue)
            if let classification {
                json.key("classification")
                json.object { json in
                    json.field("language", classification.language)
                    json.field("intent", classification.intent)
                    json.field("intent_confidence", classification.intentConfidence)
                    json.field("sentiment", classification.sentiment)
                    json.field("sentiment_score", classification.sentimentScore)
                    json.field("urgent", classification.urgent)
                    json.field("promoter", classification.promoter)
                }
            }
        }
    }
}

extension Page: DirectJSON where Item: DirectJSON {
    func write(into json: inout JSONWriter) {
        json.object { json in
            json.key("items")
            json.array { json in for item in items { item.write(into: &json) } }
            json.field("next_cursor", nextCursor)
        }
    }
}

extension ConversationsController.ListResponse: DirectJSON {
    func write(into json: inout JSONWriter) {
        json.object { json in
            json.key("items")
            json.array { json in for item in items { item.write(into: &json) } }
            json.field("next_cursor", nextCursor)
            json.key("counts")
            json.object { json in
                for (view, count) in counts.sorted(by: { $0.key < $1.key }) {
                    json.key(string: view)
                    json.int(Int64(count))
                }
            }
        }
    }
}

extension WorkspaceController.SearchResult: DirectJSON {
    func write(into json: inout JSONWriter) {
        json.object { json in
            json.key("items")
            json.array { json in for item in items { item.write(into: &json) } }
            json.key("scores")
            json.array { json in for score in scores { json.double(score) } }
        }
    }
}
