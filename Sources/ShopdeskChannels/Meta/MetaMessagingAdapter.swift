import Foundation
import ShopdeskCore

/// Facebook Messenger and Instagram direct messages through the Messenger Platform (a Page and
/// its linked Instagram professional account, with the Page's access token): webhooks signed
/// with the app secret after the verify-token handshake, replies through the Send API
/// (`POST /{page-id}/messages`) as a response within 24 hours of the customer's last message and
/// with the `HUMAN_AGENT` tag for seven days after it, files by link.
public struct MetaMessagingAdapter: ChannelAdapter {
    public enum Platform: Sendable { case messenger, instagram }
    public let platform: Platform

    public init(_ platform: Platform) { self.platform = platform }

    public var kind: InboxKind { platform == .messenger ? .messenger : .instagram }
    public var displayName: String { platform == .messenger ? "Messenger" : "Instagram" }

    public enum Key {
        public static let pageID = "page_id"
        public static let accessToken = "page_access_token"
        public static let appSecret = "app_secret"
        public static let verifyToken = "verify_token"
        public static let apiBase = "api_base"
    }

    /// Within this of the customer's last message a reply is a plain response.
    static let standardWindow: TimeInterval = 24 * 3600

    public var fields: [ChannelField] {
        [
            ChannelField(key: Key.pageID, label: "Page ID", help: platform == .messenger
                ? "The Facebook Page customers write to." : "The Facebook Page the Instagram professional account is linked to."),
            ChannelField(key: Key.accessToken, label: "Page access token", secret: true,
                         help: platform == .messenger ? "With pages_messaging, and pages_manage_engagement and pages_read_user_content for comments."
                            : "With pages_messaging, instagram_manage_messages, and instagram_manage_comments for comments."),
            ChannelField(key: Key.appSecret, label: "App secret", secret: true, help: "App settings → Basic; it signs every notification."),
            ChannelField(key: Key.apiBase, label: "Graph API address", required: false, address: true, help: "Leave empty for https://graph.facebook.com/v21.0."),
            ChannelField(key: Key.verifyToken, label: "Verify token", generated: true, help: "Paste it into the webhook settings with the callback URL."),
        ]
    }

    public var capabilities: ChannelCapabilities {
        // Messenger: 2,000 characters, 25 MB files; Instagram: 1,000 characters, 8 MB. Human agents
        // may answer for 7 days (the HUMAN_AGENT tag).
        ChannelCapabilities(maxTextLength: platform == .messenger ? 2000 : 1000, maxFileBytes: platform == .messenger ? 25 << 20 : 8 << 20,
                            replyWindowSeconds: 7 * 24 * 3600, formatting: false, deliveryReceipts: true, idempotentSends: false, filesByLink: true,
                            comments: true)
    }

    public func verify(_ request: ChannelRequest, settings: ChannelConfig) -> Bool { MetaWebhook.verify(request, appSecret: settings[Key.appSecret]) }

    public func handshake(_ request: ChannelRequest, settings: ChannelConfig) -> String? {
        MetaWebhook.handshake(request, verifyToken: settings[Key.verifyToken])
    }

    public func parse(_ request: ChannelRequest) throws(ChannelError) -> [ChannelEvent] {
        let notification: MetaMessagingNotification
        do { notification = try MetaMessagingNotification.decode(request.body) } catch {
            throw ChannelError("The notification is not the Messenger Platform's JSON: \(error)")
        }
        let object = platform == .messenger ? "page" : "instagram"
        guard notification.object == object else { return [.ignored("object \(notification.object ?? "none")")] }
        var events: [ChannelEvent] = []
        for entry in notification.entry ?? [] {
            for event in entry.messaging ?? [] { events.append(contentsOf: self.events(event)) }
            for change in entry.changes ?? [] { events.append(self.comment(change, account: entry.id)) }
        }
        return events.isEmpty ? [.ignored("a notification with nothing in it")] : events
    }

    private func events(_ event: MetaMessagingNotification.Event) -> [ChannelEvent] {
        guard let sender = event.sender?.id else { return [.ignored("an event without a sender")] }
        if let delivery = event.delivery {
            return (delivery.mids ?? []).map { .delivery(providerMessageID: $0, status: .delivered, error: nil) }
        }
        let identity = ChannelIdentity(kind: kind.rawValue, value: sender)
        if let read = event.read {
            guard let watermark = read.watermark else { return [.ignored("a read receipt without a watermark")] }
            return [.readUpTo(identity, Date(timeIntervalSince1970: TimeInterval(watermark) / 1000))]
        }
        let at = event.timestamp.map { Date(timeIntervalSince1970: TimeInterval($0) / 1000) } ?? Date()
        if let reaction = event.reaction {
            let emoji = reaction.emoji ?? reaction.reaction ?? "?"
            let id = "reaction:\(reaction.mid ?? ""):\(sender):\(reaction.action ?? "react"):\(event.timestamp ?? 0)"
            return [.message(ChannelInbound(id: id, customer: CustomerIdentity(channel: identity),
                                            text: reaction.action == "unreact" ? "(reaction removed)" : "\(emoji) (reaction)", receivedAt: at))]
        }
        if let postback = event.postback {
            let id = postback.mid ?? "postback:\(sender):\(event.timestamp ?? 0)"
            return [.message(ChannelInbound(id: id, customer: CustomerIdentity(channel: identity), text: postback.title ?? postback.payload ?? "",
                                            receivedAt: at))]
        }
        guard let message = event.message else { return [.ignored("an event Shopdesk does not act on")] }
        // Our own replies come back as echoes: never taken in as the customer's.
        if message.isEcho == true { return [.ignored("an echo of a page message")] }
        if message.isDeleted == true { return [.ignored("the customer deleted a message")] }
        var text = message.text ?? ""
        var media: [ChannelMediaReference] = []
        for attachment in message.attachments ?? [] {
            guard let url = attachment.payload?.url else { continue }
            switch attachment.type {
            case "image", "video", "audio", "file":
                let names = ["image": "image.jpg", "video": "video.mp4", "audio": "audio.mp4", "file": "file"]
                media.append(ChannelMediaReference(id: url, fileName: attachment.payload?.title ?? names[attachment.type]))
            default:
                // Shares, story mentions and replies, reels: a link the agent can open.
                text += (text.isEmpty ? "" : "\n") + "🔗 \(attachment.type.replacingOccurrences(of: "_", with: " ")): \(url)"
            }
        }
        return [.message(ChannelInbound(id: message.mid, customer: CustomerIdentity(channel: identity), text: text, media: media, receivedAt: at))]
    }

    public func send(_ message: ChannelOutbound, settings: ChannelConfig, http: any ChannelHTTP) async -> ChannelSendResult {
        guard let token = settings[Key.accessToken], let page = settings[Key.pageID] else {
            return .refused("The inbox has no Page ID or Page access token.", optedOut: false)
        }
        if let comment = message.comment { return await answer(comment, text: message.text, page: page, token: token, settings: settings, http: http) }
        // Within 24 hours a response; after it, a person answering, for up to 7 days.
        let late = message.lastInbound.map { Date().timeIntervalSince($0) > Self.standardWindow } ?? false
        var base: [String: Any] = ["recipient": ["id": message.recipient], "messaging_type": late ? "MESSAGE_TAG" : "RESPONSE"]
        if late { base["tag"] = "HUMAN_AGENT" }
        let url = "\(apiBase(settings))/\(page)/messages"
        var last: ChannelSendResult = .refused("Nothing to send.", optedOut: false)
        for file in message.files {
            guard let link = file.url else {
                return .refused("\(displayName) fetches files from a link: set public_url in the configuration to send files.", optedOut: false)
            }
            let type = (file.contentType ?? "").hasPrefix("image/") ? "image" : (file.contentType ?? "").hasPrefix("video/") ? "video"
                : (file.contentType ?? "").hasPrefix("audio/") ? "audio" : "file"
            var body = base
            body["message"] = ["attachment": ["type": type, "payload": ["url": link, "is_reusable": false]]]
            last = await post(body, url: url, token: token, http: http)
            guard case .sent = last else { return last }
        }
        if !message.text.isEmpty {
            var body = base
            var content: [String: Any] = ["text": message.text]
            if !message.quickReplies.isEmpty {
                content["quick_replies"] = message.quickReplies.prefix(13).map { ["content_type": "text", "title": String($0.prefix(20)), "payload": $0] }
            }
            body["message"] = content
            last = await post(body, url: url, token: token, http: http)
        }
        return last
    }

    func post(_ body: [String: Any], url: String, token: String, http: any ChannelHTTP) async -> ChannelSendResult {
        let response: ChannelHTTPResponse
        do {
            response = try await http.send(ChannelHTTPRequest(method: "POST", url: url, headers: [
                ("Authorization", "Bearer \(token)"), ("Content-Type", "application/json"),
            ], body: try? JSONSerialization.data(withJSONObject: body)))
        } catch { return .transportFailure(displayName, error) }
        let answer = SendAnswer.decode(response.body)
        if (200..<300).contains(response.status), let id = answer?.messageId ?? answer?.id { return .sent(providerMessageID: id) }
        let words = "\(displayName): " + ([answer?.error?.code.map { "(\($0))" }, answer?.error?.message].compactMap { $0 }.joined(separator: " "))
        switch answer?.error?.code {
        // Rate limits and temporary trouble at Meta: later.
        case 1?, 2?, 4?, 17?, 32?, 613?, 80006?: return .retryLater(words, after: nil)
        // "This person isn't available right now": the customer blocked the Page or left.
        case 551?: return .refused(words, optedOut: true)
        case .some: return .refused(words, optedOut: false)
        case nil: return response.status >= 500 ? .retryLater("\(displayName) answered \(response.status).", after: nil)
            : .unknown("\(displayName) answered \(response.status) without a message id.")
        }
    }

    public func media(_ reference: ChannelMediaReference, settings: ChannelConfig, http: any ChannelHTTP) async throws(ChannelError) -> ChannelMedia {
        guard MetaWebhook.isMetaHost(reference.id, base: apiBase(settings)) else { throw ChannelError("The file is not on Meta's hosts.") }
        return try await ProviderFiles.download(reference.id, provider: displayName, fileName: reference.fileName ?? "file", maxBytes: 25 << 20, http: http)
    }

    public func test(settings: ChannelConfig, http: any ChannelHTTP) async throws(ChannelError) -> String {
        guard let token = settings[Key.accessToken], let page = settings[Key.pageID] else { throw ChannelError("Give the Page ID and the Page access token.") }
        let fields = platform == .messenger ? "name" : "name,instagram_business_account{username}"
        let response: ChannelHTTPResponse
        do {
            response = try await http.send(ChannelHTTPRequest(method: "GET", url: "\(apiBase(settings))/\(page)?fields=\(fields)",
                                                              headers: [("Authorization", "Bearer \(token)")]))
        } catch { throw ChannelError("\(displayName) could not be reached: \(error)") }
        guard response.status == 200, let page = try? JSONDecoder().decode(PageInfo.self, from: response.body) else {
            throw ChannelError("\(displayName): \(SendAnswer.decode(response.body)?.error?.message ?? "answered \(response.status)")")
        }
        if platform == .instagram {
            guard let username = page.instagramBusinessAccount?.username else {
                throw ChannelError("The Page “\(page.name ?? "")” has no Instagram professional account linked to it.")
            }
            return "Connected as @\(username) (Page “\(page.name ?? "")”)."
        }
        return "Connected to the Page “\(page.name ?? "")”."
    }

    /// Subscribes the app to the Page's messaging events; the callback URL and verify token are
    /// set in Meta's app dashboard, so what to set there is returned.
    public func connect(webhookURL: String, settings: ChannelConfig, http: any ChannelHTTP) async throws(ChannelError) -> String? {
        guard let token = settings[Key.accessToken], let page = settings[Key.pageID] else { throw ChannelError("Give the Page ID and the Page access token.") }
        let fields = "messages,message_deliveries,message_reads,message_reactions,messaging_postbacks,message_echoes" + (platform == .messenger ? ",feed" : "")
        let response: ChannelHTTPResponse
        do {
            response = try await http.send(ChannelHTTPRequest(method: "POST", url: "\(apiBase(settings))/\(page)/subscribed_apps?subscribed_fields=\(fields)",
                                                              headers: [("Authorization", "Bearer \(token)")]))
        } catch { throw ChannelError("\(displayName) could not be reached: \(error)") }
        guard response.status == 200 else {
            throw ChannelError("\(displayName): \(SendAnswer.decode(response.body)?.error?.message ?? "answered \(response.status)")")
        }
        let product = platform == .messenger ? "Page" : "Instagram"
        return "In Meta's app dashboard (Webhooks → \(product)) set the callback URL to \(webhookURL) and the verify token shown here, "
            + "and subscribe to messages, message_deliveries, message_reactions and \(platform == .messenger ? "feed" : "comments")."
    }

    func apiBase(_ settings: ChannelConfig) -> String { providerBase(settings[Key.apiBase], default: "https://graph.facebook.com/v21.0") }
}

struct PageInfo: Decodable {
    struct Instagram: Decodable { var username: String? }
    var name: String?
    var instagramBusinessAccount: Instagram?
    enum CodingKeys: String, CodingKey { case name, instagramBusinessAccount = "instagram_business_account" }
}
