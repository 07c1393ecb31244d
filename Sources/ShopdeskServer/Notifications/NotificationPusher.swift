import Foundation
import ShopdeskChannels
import ShopdeskCore
import ShopdeskStore

/// Pushes a new notification to every browser its agent turned notifications on in (Web Push:
/// encrypted for each browser, signed with the deployment's VAPID key), in the agent's language.
/// Best effort and at once: a browser its push service says is gone is forgotten; one that keeps
/// failing is forgotten after ten failures in a row; nothing is retried (a late push is noise).
struct NotificationPusher {
    let services: AppServices

    func push(_ id: Int64, workspaceID: WorkspaceID, now: Date) async throws {
        let database = services.database
        let found = try await database.read { sql -> (AgentNotification, Agent, Conversation, String?, [PushSubscriptionRecord], String?)? in
            guard let notification = try await NotificationRepository.find(workspaceID: workspaceID, id: id, in: sql),
                  notification.readAt == nil,
                  let agent = try await AgentRepository.find(workspaceID: workspaceID, id: notification.agentID, in: sql), !agent.disabled,
                  let conversation = try await ConversationRepository.find(workspaceID: workspaceID, id: notification.conversationID, in: sql)
            else { return nil }
            let subscriptions = try await PushSubscriptionRepository.list(workspaceID: workspaceID, agentID: agent.id, in: sql)
            guard !subscriptions.isEmpty else { return nil }
            let actor = try await notification.actorAgentID.asyncMap { try await AgentRepository.find(workspaceID: workspaceID, id: $0, in: sql) }
            let owner = try await AgentRepository.list(workspaceID: workspaceID, in: sql).first { $0.role == .owner }
            return (notification, agent, conversation, actor?.name, subscriptions, owner?.email)
        }
        guard let (notification, agent, conversation, actorName, subscriptions, ownerEmail) = found else { return }
        let payload = try Self.payload(notification, conversation: conversation, words: NoticeWords.forLocale(agent.locale), actorName: actorName)
        let vapid = VAPID(key: try services.secretBox().vapidKey(), subject: contact(ownerEmail: ownerEmail))
        for subscription in subscriptions {
            let outcome = await send(payload, to: subscription, vapid: vapid, topic: "c\(conversation.id.rawValue)", now: now)
            try await record(outcome, subscription, workspaceID: workspaceID, now: now)
        }
    }

    /// A push to each of the agent's browsers that says notifications work there.
    func pushTest(to agent: Agent, now: Date) async throws -> [Outcome] {
        let workspaceID = agent.workspaceID
        let (subscriptions, ownerEmail) = try await services.database.read { sql in
            (try await PushSubscriptionRepository.list(workspaceID: workspaceID, agentID: agent.id, in: sql),
             try await AgentRepository.list(workspaceID: workspaceID, in: sql).first { $0.role == .owner }?.email)
        }
        let words = NoticeWords.forLocale(agent.locale)
        let payload = try JSONSerialization.data(withJSONObject: ["title": "Shopdesk", "body": words.pushWorks, "url": "/", "tag": "test"],
                                                 options: [.sortedKeys, .withoutEscapingSlashes])
        let vapid = VAPID(key: try services.secretBox().vapidKey(), subject: contact(ownerEmail: ownerEmail))
        var outcomes: [Outcome] = []
        for subscription in subscriptions {
            let outcome = await send(payload, to: subscription, vapid: vapid, topic: "test", now: now)
            try await record(outcome, subscription, workspaceID: workspaceID, now: now)
            outcomes.append(outcome)
        }
        return outcomes
    }

    private func record(_ outcome: Outcome, _ subscription: PushSubscriptionRecord, workspaceID: WorkspaceID, now: Date) async throws {
        try await services.database.write { sql in
            switch outcome {
            case .delivered: try await PushSubscriptionRepository.record(workspaceID: workspaceID, id: subscription.id, error: nil, now: now, in: sql)
            case .gone: try await PushSubscriptionRepository.forget(workspaceID: workspaceID, id: subscription.id, in: sql)
            case .failed(let reason):
                try await PushSubscriptionRepository.record(workspaceID: workspaceID, id: subscription.id, error: reason, now: now, in: sql)
            }
        }
    }

    enum Outcome: Equatable { case delivered, gone, failed(String) }

    private func send(_ payload: Data, to record: PushSubscriptionRecord, vapid: VAPID, topic: String, now: Date) async -> Outcome {
        guard case .success(let subscription) = WebPush.Subscription.validated(endpoint: record.endpoint, p256dh: record.p256dh, auth: record.auth)
        else { return .gone }
        do {
            let request = ChannelHTTPRequest(method: "POST", url: record.endpoint, headers: [
                ("Authorization", try vapid.authorization(for: record.endpoint, now: now)),
                ("Content-Encoding", "aes128gcm"),
                ("Content-Type", "application/octet-stream"),
                // An hour: after that the conversation has moved on and the app shows it anyway.
                ("TTL", "3600"),
                ("Urgency", "normal"),
                // A newer push about the same conversation replaces one not yet delivered.
                ("Topic", topic),
            ], body: try WebPush.encrypt(payload, for: subscription), maxResponseBytes: 16_384)
            let response = try await services.channelHTTP.send(request)
            switch response.status {
            case 200..<300: return .delivered
            case 404, 410: return .gone
            default:
                let detail = String(decoding: response.body.prefix(200), as: UTF8.self)
                return .failed("The push service answered \(response.status)\(detail.isEmpty ? "" : ": \(detail)")")
            }
        } catch {
            return .failed("\(error)")
        }
    }

    /// Who the push services may write to about our pushes.
    private func contact(ownerEmail: String?) -> String {
        if let contact = services.config.pushContact { return contact }
        if let url = services.config.publicURL, url.lowercased().hasPrefix("https://") { return url }
        return "mailto:\(ownerEmail ?? "postmaster@localhost")"
    }

    /// What the service worker shows: a title, a line of text, where a click goes, and a tag so a
    /// newer notice about the same conversation replaces the older one on screen.
    static func payload(_ notification: AgentNotification, conversation: Conversation, words: NoticeWords, actorName: String?) throws -> Data {
        let what = switch notification.kind {
        case .mention: words.mentioned.replacingOccurrences(of: "{name}", with: actorName ?? words.someone)
        case .assigned: words.assigned
        case .customerReplied: words.replied
        }
        let subject = conversation.subject ?? conversation.lastMessagePreview ?? ""
        let body = [String(subject.prefix(120)), notification.preview ?? ""].filter { !$0.isEmpty }.joined(separator: "\n")
        // Names and texts are the customer's and agents' own: however they encode (4-byte characters,
        // escaped control characters), the message is cut until it fits one push.
        var limit = 400
        while true {
            let object: [String: Any] = [
                "title": String("\(what) · #\(conversation.number)".prefix(limit / 2)),
                "body": String(body.prefix(limit)),
                "url": "/#/all/\(conversation.id.rawValue)",
                "tag": "conversation-\(conversation.id.rawValue)",
                "notification_id": notification.id,
            ]
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
            if data.count <= WebPush.maxPayload || limit == 0 { return data }
            limit /= 2
        }
    }
}
