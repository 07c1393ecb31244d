import Foundation
import ShopdeskCore
import SQLKit

/// What the messaging channels keep beside messages: opt-outs, and the at-most-once mark on a
/// reply being sent.
public enum ChannelRepository {
    /// The customer blocked the bot or asked for no more messages on this inbox's channel.
    public static func optOut(workspaceID: WorkspaceID, inboxID: InboxID, identity: String, reason: String, now: Date,
                              in sql: any SQLDatabase) async throws {
        try await sql.raw("""
            INSERT INTO channel_opt_outs (workspace_id, inbox_id, identity, opted_out_at, reason)
            VALUES (\(bind: workspaceID.rawValue), \(bind: inboxID.rawValue), \(bind: identity), \(bind: now.millis), \(bind: reason))
            ON CONFLICT (inbox_id, identity) DO UPDATE SET opted_out_at = excluded.opted_out_at, reason = excluded.reason
            """).run()
    }

    /// The customer came back (unblocked the bot, or wrote again).
    public static func optIn(workspaceID: WorkspaceID, inboxID: InboxID, identity: String, in sql: any SQLDatabase) async throws {
        try await sql.raw("""
            DELETE FROM channel_opt_outs WHERE workspace_id = \(bind: workspaceID.rawValue) AND inbox_id = \(bind: inboxID.rawValue)
              AND identity = \(bind: identity)
            """).run()
    }

    /// Why nothing may be sent to `identity` on this inbox (nil: it may).
    public static func optOutReason(workspaceID: WorkspaceID, inboxID: InboxID, identity: String, in sql: any SQLDatabase) async throws -> String? {
        try await sql.raw("""
            SELECT reason FROM channel_opt_outs WHERE workspace_id = \(bind: workspaceID.rawValue) AND inbox_id = \(bind: inboxID.rawValue)
              AND identity = \(bind: identity)
            """).first()?.string("reason")
    }

    /// Moves a queued reply to `sending` and answers the status it had: `.queued` means this
    /// caller may call the provider now; `.sending` means an earlier attempt was cut off after
    /// the mark was committed, so the provider may already have it.
    public static func claimForSending(_ id: MessageID, workspaceID: WorkspaceID, in sql: any SQLDatabase) async throws -> DeliveryStatus? {
        let ws = workspaceID.rawValue
        if try await sql.raw("""
            UPDATE messages SET delivery_status = 'sending' WHERE workspace_id = \(bind: ws) AND id = \(bind: id.rawValue)
              AND delivery_status = 'queued' RETURNING id
            """).first() != nil {
            return .queued
        }
        return try await sql.raw("SELECT delivery_status FROM messages WHERE workspace_id = \(bind: ws) AND id = \(bind: id.rawValue)")
            .first()?.stringOrNil("delivery_status").flatMap(DeliveryStatus.init(rawValue:))
    }

    /// A customer's address on a channel (their chat id), from the identities that recognise them.
    public static func address(of customer: CustomerID, workspaceID: WorkspaceID, channel: String, in sql: any SQLDatabase) async throws -> String? {
        try await sql.raw("""
            SELECT value FROM customer_identities WHERE workspace_id = \(bind: workspaceID.rawValue)
              AND customer_id = \(bind: customer.rawValue) AND kind = \(bind: channel) ORDER BY value LIMIT 1
            """).first()?.string("value")
    }

    /// When the customer last wrote in the conversation (a channel's reply window counts from it).
    public static func lastInbound(conversationID: ConversationID, workspaceID: WorkspaceID, in sql: any SQLDatabase) async throws -> Date? {
        try await sql.raw("""
            SELECT MAX(created_at) AS at FROM messages WHERE workspace_id = \(bind: workspaceID.rawValue)
              AND conversation_id = \(bind: conversationID.rawValue) AND direction = 'inbound'
            """).first()?.dateOrNil("at")
    }

    /// The outbound message a provider's status callback names.
    public static func outbound(inboxID: InboxID, workspaceID: WorkspaceID, providerMessageID: String, in sql: any SQLDatabase) async throws -> MessageID? {
        try await sql.raw("""
            SELECT id FROM messages WHERE workspace_id = \(bind: workspaceID.rawValue) AND inbox_id = \(bind: inboxID.rawValue)
              AND channel_message_id = \(bind: providerMessageID) AND direction = 'outbound'
            """).first()?.id("id")
    }
}

extension ChannelRepository {
    /// Replies in this inbox to the customer with `identity`, sent or delivered at or before
    /// `upTo`, not yet read (newest first, at most 100): what a read watermark covers.
    public static func unread(inboxID: InboxID, workspaceID: WorkspaceID, identity: ChannelIdentity, upTo: Date,
                              in sql: any SQLDatabase) async throws -> [MessageID] {
        try await sql.raw("""
            SELECT m.id FROM messages m
            JOIN conversations c ON c.workspace_id = m.workspace_id AND c.id = m.conversation_id
            JOIN customer_identities i ON i.workspace_id = c.workspace_id AND i.customer_id = c.customer_id
            WHERE m.workspace_id = \(bind: workspaceID.rawValue) AND m.inbox_id = \(bind: inboxID.rawValue) AND m.direction = 'outbound'
              AND m.delivery_status IN ('sent', 'delivered') AND m.created_at <= \(bind: upTo.millis)
              AND i.kind = \(bind: identity.kind) AND i.value = \(bind: identity.value)
            ORDER BY m.id DESC LIMIT 100
            """).all().map { try $0.id("id") }
    }
}

extension InboxRepository {
    /// A messaging channel's inbox by id alone, for its provider's webhook (authenticated by the
    /// channel's own secret, checked right after).
    public static func channelInbox(id: InboxID, in sql: any SQLDatabase) async throws -> Inbox? {
        try await sql.raw("SELECT \(InboxRepository.columns) FROM inboxes WHERE id = \(bind: id.rawValue)").first().map(decode)
    }
}

extension MessageRepository {
    /// Whether the inbox already stored the channel's message (a provider delivering it again).
    public static func exists(inboxID: InboxID, channelMessageID: String, workspaceID: WorkspaceID, in sql: any SQLDatabase) async throws -> Bool {
        try await sql.raw("""
            SELECT id FROM messages WHERE workspace_id = \(bind: workspaceID.rawValue) AND inbox_id = \(bind: inboxID.rawValue)
              AND channel_message_id = \(bind: channelMessageID)
            """).first() != nil
    }
}
