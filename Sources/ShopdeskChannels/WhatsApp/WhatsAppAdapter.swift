import Foundation
import ShopdeskCore

/// WhatsApp through Meta's Cloud API (developers.facebook.com/docs/whatsapp/cloud-api):
/// notifications come signed with the app secret (`X-Hub-Signature-256: sha256=<hex HMAC>` over
/// the raw body) after a GET handshake with the verify token; replies go to
/// `POST /{phone-number-id}/messages` with the access token; files come by media id.
/// A business may answer only within 24 hours of the customer's last message.
public struct WhatsAppAdapter: ChannelAdapter {
    public init() {}

    public var kind: InboxKind { .whatsapp }
    public var displayName: String { "WhatsApp" }

    public enum Key {
        public static let accessToken = "access_token"
        public static let phoneNumberID = "phone_number_id"
        public static let appSecret = "app_secret"
        public static let verifyToken = "verify_token"
        public static let apiBase = "api_base"
        /// The WhatsApp Business Account, whose approved templates may be sent outside the window.
        public static let businessAccountID = "business_account_id"
    }

    public var fields: [ChannelField] {
        [
            ChannelField(key: Key.phoneNumberID, label: "Phone number ID", help: "WhatsApp → API setup in Meta's app dashboard."),
            ChannelField(key: Key.accessToken, label: "Access token", secret: true, help: "A system user's permanent token with whatsapp_business_messaging."),
            ChannelField(key: Key.appSecret, label: "App secret", secret: true, help: "App settings → Basic; it signs every notification."),
            ChannelField(key: Key.businessAccountID, label: "WhatsApp Business Account ID", required: false,
                         help: "WhatsApp → API setup; needed to send approved templates after the 24-hour window."),
            ChannelField(key: Key.apiBase, label: "Graph API address", required: false, address: true, help: "Leave empty for https://graph.facebook.com/v21.0."),
            ChannelField(key: Key.verifyToken, label: "Verify token", generated: true, help: "Paste it into the webhook settings with the callback URL."),
        ]
    }

    public var capabilities: ChannelCapabilities {
        // 4,096 characters of text; 100 MB documents (16 MB media); 24-hour customer-service window.
        ChannelCapabilities(maxTextLength: 4096, maxFileBytes: 100 << 20, replyWindowSeconds: 24 * 3600, formatting: false,
                            deliveryReceipts: true, idempotentSends: false, templates: true)
    }

    public func verify(_ request: ChannelRequest, settings: ChannelConfig) -> Bool {
        MetaWebhook.verify(request, appSecret: settings[Key.appSecret])
    }

    public func handshake(_ request: ChannelRequest, settings: ChannelConfig) -> String? {
        MetaWebhook.handshake(request, verifyToken: settings[Key.verifyToken])
    }

    public func parse(_ request: ChannelRequest) throws(ChannelError) -> [ChannelEvent] {
        let notification: WhatsAppNotification
        do { notification = try WhatsAppNotification.decode(request.body) } catch {
            throw ChannelError("The notification is not the Cloud API's JSON: \(error)")
        }
        guard notification.object == "whatsapp_business_account" else { return [.ignored("object \(notification.object ?? "none")")] }
        var events: [ChannelEvent] = []
        for change in (notification.entry ?? []).flatMap({ $0.changes ?? [] }) {
            guard change.field == "messages", let value = change.value else { events.append(.ignored("field \(change.field ?? "none")")); continue }
            let names = Dictionary((value.contacts ?? []).compactMap { contact in contact.waId.map { ($0, contact.profile?.name) } },
                                   uniquingKeysWith: { first, _ in first })
            for message in value.messages ?? [] {
                events.append(inbound(message, name: names[message.from] ?? nil))
            }
            for status in value.statuses ?? [] {
                events.append(delivery(status))
            }
        }
        return events.isEmpty ? [.ignored("a notification with nothing in it")] : events
    }

    private func inbound(_ message: WhatsAppNotification.Message, name: String?) -> ChannelEvent {
        var customer = CustomerIdentity(name: name, channel: ChannelIdentity(kind: "whatsapp", value: message.from))
        // A WhatsApp id is the phone number without "+": the same customer by phone elsewhere.
        if message.from.allSatisfy(\.isNumber), (7...15).contains(message.from.count) { customer.phone = "+" + message.from }
        var text = message.text?.body ?? ""
        var media: [ChannelMediaReference] = []
        for (file, fallback) in [(message.image, "image.jpg"), (message.document, "document"), (message.audio, "audio.ogg"),
                                 (message.video, "video.mp4"), (message.sticker, "sticker.webp")] {
            guard let file else { continue }
            media.append(ChannelMediaReference(id: file.id, fileName: file.filename ?? fallback, contentType: file.mimeType))
            if let caption = file.caption, text.isEmpty { text = caption }
        }
        if let location = message.location {
            let place = [location.name, location.address].compactMap { $0 }.joined(separator: ", ")
            text += (text.isEmpty ? "" : "\n") + "📍 \(place.isEmpty ? "" : place + " ")https://www.openstreetmap.org/?mlat=\(location.latitude)&mlon=\(location.longitude)"
        }
        if let reply = message.interactive?.buttonReply ?? message.interactive?.listReply { text = reply.title ?? reply.id ?? "" }
        if let button = message.button { text = button.text ?? button.payload ?? "" }
        if let reaction = message.reaction { text = reaction.emoji.map { "\($0) (reaction)" } ?? "(reaction removed)" }
        let at = message.timestamp.flatMap(TimeInterval.init).map(Date.init(timeIntervalSince1970:)) ?? Date()
        return .message(ChannelInbound(id: message.id, customer: customer, text: text, media: media, receivedAt: at))
    }

    private func delivery(_ status: WhatsAppNotification.Status) -> ChannelEvent {
        switch status.status {
        case "sent": return .delivery(providerMessageID: status.id, status: .sent, error: nil)
        case "delivered": return .delivery(providerMessageID: status.id, status: .delivered, error: nil)
        case "read": return .delivery(providerMessageID: status.id, status: .read, error: nil)
        case "failed":
            let words = (status.errors ?? []).map { failure in
                [failure.code.map { "(\($0))" }, failure.title ?? failure.message, failure.errorData?.details].compactMap { $0 }.joined(separator: " ")
            }.joined(separator: "; ")
            return .delivery(providerMessageID: status.id, status: .failed, error: "WhatsApp: \(words.isEmpty ? "failed" : words)")
        default: return .ignored("status \(status.status)")
        }
    }

    /// The quick replies as reply buttons, when WhatsApp's limits allow them.
    static func buttons(_ message: ChannelOutbound) -> [[String: Any]]? {
        guard !message.quickReplies.isEmpty, message.quickReplies.count <= 3, message.text.utf16.count <= 1024,
              message.quickReplies.allSatisfy({ $0.count <= 20 }) else { return nil }
        return message.quickReplies.enumerated().map { ["type": "reply", "reply": ["id": "choice-\($0.offset + 1)", "title": $0.element]] }
    }

    public func send(_ message: ChannelOutbound, settings: ChannelConfig, http: any ChannelHTTP) async -> ChannelSendResult {
        guard let token = settings[Key.accessToken], let phone = settings[Key.phoneNumberID] else {
            return .refused("The inbox has no access token or phone number ID.", optedOut: false)
        }
        let base = apiBase(settings)
        if let template = message.template {
            return await post(Self.templateMessage(template, to: message.recipient), url: "\(base)/\(phone)/messages", token: token, http: http)
        }
        var last: ChannelSendResult = .refused("Nothing to send.", optedOut: false)
        for file in message.files {
            // Upload first (POST /{phone}/media), then send the media by its id.
            var form = MultipartForm()
            form.field("messaging_product", "whatsapp")
            form.field("type", file.contentType ?? "application/octet-stream")
            form.file("file", fileName: file.fileName, contentType: file.contentType, data: file.data)
            let uploaded: GraphAnswer
            do {
                let response = try await http.send(ChannelHTTPRequest(method: "POST", url: "\(base)/\(phone)/media",
                                                                      headers: [("Authorization", "Bearer \(token)"), ("Content-Type", form.contentType)],
                                                                      body: form.data))
                guard let answer = GraphAnswer.decode(response.body), let id = answer.id else {
                    return classify(status: response.status, GraphAnswer.decode(response.body))
                }
                uploaded = answer
                _ = id
            } catch {
                // An upload is not a message: nothing reached the customer yet.
                return .retryLater("WhatsApp could not be reached for the upload: \(error)", after: nil)
            }
            let type = (file.contentType ?? "").hasPrefix("image/") ? "image" : (file.contentType ?? "").hasPrefix("video/") ? "video" : "document"
            var object: [String: Any] = ["id": uploaded.id ?? ""]
            if type == "document" { object["filename"] = file.fileName }
            last = await post(["messaging_product": "whatsapp", "recipient_type": "individual", "to": message.recipient, "type": type, type: object],
                              url: "\(base)/\(phone)/messages", token: token, http: http)
            guard case .sent = last else { return last }
        }
        if !message.text.isEmpty, let buttons = Self.buttons(message) {
            // Reply buttons (at most 3, 20 characters each, under a body of at most 1,024).
            last = await post(["messaging_product": "whatsapp", "recipient_type": "individual", "to": message.recipient, "type": "interactive",
                               "interactive": ["type": "button", "body": ["text": message.text], "action": ["buttons": buttons]] as [String: Any]],
                              url: "\(base)/\(phone)/messages", token: token, http: http)
        } else if !message.text.isEmpty {
            last = await post(["messaging_product": "whatsapp", "recipient_type": "individual", "to": message.recipient, "type": "text",
                               "text": ["preview_url": false, "body": message.text] as [String: Any]],
                              url: "\(base)/\(phone)/messages", token: token, http: http)
        }
        return last
    }

    func post(_ body: [String: Any], url: String, token: String, http: any ChannelHTTP) async -> ChannelSendResult {
        let response: ChannelHTTPResponse
        do {
            response = try await http.send(ChannelHTTPRequest(method: "POST", url: url, headers: [
                ("Authorization", "Bearer \(token)"), ("Content-Type", "application/json"),
            ], body: try? JSONSerialization.data(withJSONObject: body)))
        } catch let error as ChannelTransportError {
            return error.sent ? .unknown("WhatsApp did not answer: \(error.message)") : .retryLater("WhatsApp could not be reached: \(error.message)", after: nil)
        } catch {
            return .unknown("WhatsApp did not answer: \(error)")
        }
        let answer = GraphAnswer.decode(response.body)
        if (200..<300).contains(response.status), let id = answer?.messages?.first?.id { return .sent(providerMessageID: id) }
        return classify(status: response.status, answer)
    }

    /// The Cloud API's error codes, as its documentation groups them.
    private func classify(status: Int, _ answer: GraphAnswer?) -> ChannelSendResult {
        let words = "WhatsApp: " + (answer?.failureText ?? "answered \(status)")
        switch answer?.error?.code {
        // Throughput and rate limits, a temporary service problem: later.
        case 4, 80007, 130429, 131056, 131000, 1, 2, 133004: return .retryLater(words, after: nil)
        // The customer stopped marketing messages.
        case 131050: return .refused(words, optedOut: true)
        case .some: return .refused(words, optedOut: false)
        case nil: return status >= 500 ? .retryLater(words, after: nil) : .unknown(words)
        }
    }

    public func media(_ reference: ChannelMediaReference, settings: ChannelConfig, http: any ChannelHTTP) async throws(ChannelError) -> ChannelMedia {
        guard let token = settings[Key.accessToken] else { throw ChannelError("The inbox has no access token.") }
        let base = apiBase(settings)
        let auth = [("Authorization", "Bearer \(token)")]
        let found: GraphAnswer
        do {
            let response = try await http.send(ChannelHTTPRequest(method: "GET", url: "\(base)/\(reference.id)", headers: auth))
            guard let answer = GraphAnswer.decode(response.body), answer.url != nil else {
                throw ChannelError(GraphAnswer.decode(response.body)?.failureText ?? "WhatsApp answered \(response.status) for the media.")
            }
            found = answer
        } catch let error as ChannelError { throw error } catch { throw ChannelError("WhatsApp could not be reached: \(error)") }
        guard let url = found.url, Self.isProviderHost(url, base: base) else {
            throw ChannelError("WhatsApp named a media address outside Meta's hosts; it was not fetched.")
        }
        let response: ChannelHTTPResponse
        do { response = try await http.send(ChannelHTTPRequest(method: "GET", url: url, headers: auth, maxResponseBytes: 100 << 20)) } catch {
            throw ChannelError("The file could not be downloaded from WhatsApp: \(error)")
        }
        guard response.status == 200 else { throw ChannelError("WhatsApp answered \(response.status) for the file.") }
        return ChannelMedia(data: response.body, fileName: reference.fileName ?? "file", contentType: found.mimeType ?? reference.contentType)
    }

    /// Media lives on Meta's hosts (lookaside.fbsbx.com) or, with a configured API address, on it.
    static func isProviderHost(_ url: String, base: String) -> Bool { MetaWebhook.isMetaHost(url, base: base) }

    public func test(settings: ChannelConfig, http: any ChannelHTTP) async throws(ChannelError) -> String {
        guard let token = settings[Key.accessToken], let phone = settings[Key.phoneNumberID] else {
            throw ChannelError("Give the phone number ID and the access token.")
        }
        let response: ChannelHTTPResponse
        do {
            response = try await http.send(ChannelHTTPRequest(method: "GET", url: "\(apiBase(settings))/\(phone)?fields=display_phone_number,verified_name",
                                                              headers: [("Authorization", "Bearer \(token)")]))
        } catch { throw ChannelError("WhatsApp could not be reached: \(error)") }
        guard let answer = GraphAnswer.decode(response.body), answer.error == nil, let number = answer.displayPhoneNumber else {
            throw ChannelError("WhatsApp: \(GraphAnswer.decode(response.body)?.failureText ?? "answered \(response.status)")")
        }
        return "Connected as \(number)\(answer.verifiedName.map { " (\($0))" } ?? "")."
    }

    public func connect(webhookURL: String, settings: ChannelConfig, http: any ChannelHTTP) async throws(ChannelError) -> String? {
        "In Meta's app dashboard (WhatsApp → Configuration) set the callback URL to \(webhookURL) and the verify token shown here, "
            + "and subscribe to the messages field."
    }

    func apiBase(_ settings: ChannelConfig) -> String {
        var base = settings[Key.apiBase] ?? "https://graph.facebook.com/v21.0"
        while base.hasSuffix("/") { base.removeLast() }
        return base
    }
}
