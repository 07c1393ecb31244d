import Foundation
import ShopdeskCore

/// A Viber bot through Viber's REST bot API: callbacks are signed with the bot's auth token
/// (`X-Viber-Content-Signature`: hex HMAC-SHA256 of the raw body); `set_webhook` tells Viber
/// where to call; replies go to `send_message` with `X-Viber-Auth-Token`. Viber fetches the
/// files we send from links, and gives the customer's as links on its own media hosts.
public struct ViberAdapter: ChannelAdapter {
    public init() {}

    public var kind: InboxKind { .viber }
    public var displayName: String { "Viber" }

    public enum Key {
        public static let authToken = "auth_token"
        public static let senderName = "sender_name"
        public static let apiBase = "api_base"
    }

    public var fields: [ChannelField] {
        [
            ChannelField(key: Key.authToken, label: "Auth token", secret: true, help: "The bot's token from the Viber Admin Panel; it also signs every callback."),
            ChannelField(key: Key.senderName, label: "Sender name", help: "The name customers see on replies (at most 28 characters)."),
            ChannelField(key: Key.apiBase, label: "API address", required: false, address: true, help: "Leave empty for https://chatapi.viber.com/pa."),
        ]
    }

    public var capabilities: ChannelCapabilities {
        // 7,000 characters per text; files up to 50 MB, fetched by Viber from a link.
        ChannelCapabilities(maxTextLength: 7000, maxFileBytes: 50 << 20, replyWindowSeconds: nil, formatting: false, deliveryReceipts: true,
                            idempotentSends: false, filesByLink: true)
    }

    public func verify(_ request: ChannelRequest, settings: ChannelConfig) -> Bool {
        guard let token = settings[Key.authToken], let given = request.headers["x-viber-content-signature"] else { return false }
        return ConstantTime.equals(given.lowercased(), ChannelCrypto.hmacSHA256Hex(request.body, key: token))
    }

    public func handshake(_ request: ChannelRequest, settings: ChannelConfig) -> String? { nil }

    public func parse(_ request: ChannelRequest) throws(ChannelError) -> [ChannelEvent] {
        let callback: ViberCallback
        do { callback = try ViberCallback.decode(request.body) } catch {
            throw ChannelError("The callback is not Viber's JSON: \(error)")
        }
        let token = callback.messageToken?.text
        switch callback.event {
        case "message":
            guard let sender = callback.sender, let message = callback.message, let token else { return [.ignored("a message without sender or token")] }
            return [.message(inbound(message, from: sender, token: token, at: callback.timestamp))]
        case "delivered", "seen", "failed":
            guard let token else { return [.ignored("a receipt without a message token")] }
            let status: DeliveryStatus = callback.event == "delivered" ? .delivered : callback.event == "seen" ? .read : .failed
            return [.delivery(providerMessageID: token, status: status, error: status == .failed ? "Viber: \(callback.desc ?? "not delivered")" : nil)]
        case "subscribed":
            guard let user = callback.user else { return [.ignored("a subscription without a user")] }
            return [.consent(ChannelIdentity(kind: "viber", value: user.id), granted: true)]
        case "unsubscribed":
            guard let user = callback.userId else { return [.ignored("an unsubscription without a user")] }
            return [.consent(ChannelIdentity(kind: "viber", value: user), granted: false)]
        default:
            // "webhook" (Viber checking the address), "conversation_started", "client_status"…
            return [.ignored("event \(callback.event)")]
        }
    }

    private func inbound(_ message: ViberCallback.Message, from sender: ViberCallback.User, token: String, at timestamp: Int64?) -> ChannelInbound {
        var customer = CustomerIdentity(name: sender.name, channel: ChannelIdentity(kind: "viber", value: sender.id))
        var text = message.text ?? ""
        var media: [ChannelMediaReference] = []
        switch message.type {
        case "picture", "video", "file":
            if let url = message.media {
                let fallback = message.type == "picture" ? "picture.jpg" : message.type == "video" ? "video.mp4" : "file"
                media.append(ChannelMediaReference(id: url, fileName: message.fileName ?? fallback, size: message.size))
            }
        case "sticker": if text.isEmpty { text = "(sticker)" }
        case "url": text = message.media ?? text
        case "location":
            if let place = message.location { text = "📍 https://www.openstreetmap.org/?mlat=\(place.lat)&mlon=\(place.lon)" }
        case "contact":
            if let contact = message.contact {
                text = "☎ \([contact.name, contact.phoneNumber].compactMap { $0 }.joined(separator: " "))"
            }
        default: break
        }
        if message.type == "contact", let phone = message.contact?.phoneNumber, message.contact?.name == sender.name {
            customer.phone = phone.hasPrefix("+") ? phone : "+" + phone
        }
        let at = timestamp.map { Date(timeIntervalSince1970: TimeInterval($0) / 1000) } ?? Date()
        return ChannelInbound(id: token, customer: customer, text: text, media: media, receivedAt: at)
    }

    public func send(_ message: ChannelOutbound, settings: ChannelConfig, http: any ChannelHTTP) async -> ChannelSendResult {
        guard let token = settings[Key.authToken] else { return .refused("The inbox has no Viber auth token.", optedOut: false) }
        let sender = ["name": String((settings[Key.senderName] ?? "Support").prefix(28))]
        var last: ChannelSendResult = .refused("Nothing to send.", optedOut: false)
        for file in message.files {
            guard let url = file.url else {
                return .refused("Viber fetches files from a link: set public_url in the configuration to send files on Viber.", optedOut: false)
            }
            // Pictures are JPEG or PNG of at most 1 MB; anything else goes as a file with its name and size.
            let picture = ["image/jpeg", "image/png"].contains(file.contentType ?? "") && file.data.count <= 1 << 20
            var body: [String: Any] = ["receiver": message.recipient, "min_api_version": 1, "sender": sender, "media": url]
            if picture { body["type"] = "picture"; body["text"] = "" } else {
                body["type"] = "file"; body["size"] = file.data.count; body["file_name"] = file.fileName
            }
            last = await call(body, token: token, settings: settings, http: http)
            guard case .sent = last else { return last }
        }
        if !message.text.isEmpty {
            var fields: [String: Any] = ["receiver": message.recipient, "min_api_version": 1, "sender": sender, "type": "text", "text": message.text]
            if !message.quickReplies.isEmpty {
                // A keyboard of "reply" buttons sharing the row's six columns; a tap sends the label back.
                let columns = max(1, 6 / min(message.quickReplies.count, 6))
                fields["keyboard"] = ["Type": "keyboard", "DefaultHeight": false, "Buttons": message.quickReplies.prefix(6).map {
                    ["ActionType": "reply", "ActionBody": $0, "Text": $0, "Columns": columns, "Rows": 1] as [String: Any]
                }]
            }
            last = await call(fields,
                              token: token, settings: settings, http: http)
        }
        return last
    }

    private func call(_ body: [String: Any], token: String, settings: ChannelConfig, http: any ChannelHTTP) async -> ChannelSendResult {
        let request = ChannelHTTPRequest(method: "POST", url: apiBase(settings) + "/send_message",
                                         headers: [("X-Viber-Auth-Token", token), ("Content-Type", "application/json")],
                                         body: try? JSONSerialization.data(withJSONObject: body))
        let response: ChannelHTTPResponse
        do { response = try await http.send(request) } catch { return .transportFailure("Viber", error) }
        guard let answer = ViberAnswer.decode(response.body) else {
            return response.status >= 500 || response.status == 429 ? .retryLater("Viber answered \(response.status).", after: nil)
                : .unknown("Viber answered \(response.status) with something that is not its JSON.")
        }
        if answer.status == 0, let sent = answer.messageToken { return .sent(providerMessageID: sent.text) }
        let words = "Viber: \(answer.statusMessage ?? "error") (status \(answer.status))"
        switch answer.status {
        case 0: return .unknown("Viber took the message but gave no token.")
        // tooManyRequests; and a general error Viber asks to retry.
        case 12, 99: return .retryLater(words, after: nil)
        // receiverNotRegistered, receiverNotSubscribed: the customer left the bot or Viber.
        case 5, 6: return .refused(words, optedOut: true)
        default: return .refused(words, optedOut: false)
        }
    }

    public func media(_ reference: ChannelMediaReference, settings: ChannelConfig, http: any ChannelHTTP) async throws(ChannelError) -> ChannelMedia {
        guard ProviderFiles.isProviderHost(reference.id, apiBase: apiBase(settings), domains: ["viber.com"]) else {
            throw ChannelError("The file is not on Viber's media hosts.")
        }
        return try await ProviderFiles.download(reference.id, provider: "Viber", fileName: reference.fileName ?? "file", maxBytes: 50 << 20, http: http)
    }

    public func test(settings: ChannelConfig, http: any ChannelHTTP) async throws(ChannelError) -> String {
        let answer = try await account("/get_account_info", [:], settings: settings, http: http)
        return "Connected as \(answer.name ?? "the bot")\(answer.uri.map { " (viber://pa?chatURI=\($0))" } ?? "")."
    }

    public func connect(webhookURL: String, settings: ChannelConfig, http: any ChannelHTTP) async throws(ChannelError) -> String? {
        _ = try await account("/set_webhook", [
            "url": webhookURL, "event_types": ["delivered", "seen", "failed", "subscribed", "unsubscribed", "conversation_started"],
            "send_name": true, "send_photo": false,
        ], settings: settings, http: http)
        return nil
    }

    private func account(_ path: String, _ body: [String: Any], settings: ChannelConfig, http: any ChannelHTTP) async throws(ChannelError) -> ViberAnswer {
        guard let token = settings[Key.authToken] else { throw ChannelError("Give the bot's auth token.") }
        let response: ChannelHTTPResponse
        do {
            response = try await http.send(ChannelHTTPRequest(method: "POST", url: apiBase(settings) + path,
                                                              headers: [("X-Viber-Auth-Token", token), ("Content-Type", "application/json")],
                                                              body: try? JSONSerialization.data(withJSONObject: body)))
        } catch { throw ChannelError("Viber could not be reached: \(error)") }
        guard let answer = ViberAnswer.decode(response.body) else { throw ChannelError("Viber answered \(response.status).") }
        guard answer.status == 0 else { throw ChannelError("Viber: \(answer.statusMessage ?? "error") (status \(answer.status))") }
        return answer
    }

    private func apiBase(_ settings: ChannelConfig) -> String { providerBase(settings[Key.apiBase], default: "https://chatapi.viber.com/pa") }
}
