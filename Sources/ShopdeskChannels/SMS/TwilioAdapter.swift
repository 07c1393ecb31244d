import Crypto
import Foundation
import ShopdeskCore

/// SMS and MMS through Twilio's Programmable Messaging (twilio.com/docs/messaging): incoming
/// messages and status callbacks arrive form-encoded and signed (`X-Twilio-Signature`: base64
/// HMAC-SHA1 with the auth token over the URL Twilio called followed by every parameter name
/// and value, sorted by name); replies go to `POST /2010-04-01/Accounts/{sid}/Messages.json`
/// with HTTP basic auth; Twilio fetches our files from links and serves the customer's behind
/// the same basic auth. STOP and START are honoured on our side too, whatever the number's
/// opt-out settings at Twilio are.
public struct TwilioAdapter: ChannelAdapter {
    public init() {}

    public var kind: InboxKind { .sms }
    public var displayName: String { "SMS (Twilio)" }

    public enum Key {
        public static let accountSID = "account_sid"
        public static let authToken = "auth_token"
        /// The sending number in E.164, or a Messaging Service SID (MG…).
        public static let from = "from"
        public static let apiBase = "api_base"
    }

    public var fields: [ChannelField] {
        [
            ChannelField(key: Key.accountSID, label: "Account SID", help: "AC… from the Twilio Console's account info."),
            ChannelField(key: Key.authToken, label: "Auth token", secret: true, help: "It also signs every request Twilio sends us."),
            ChannelField(key: Key.from, label: "Sender", help: "The Twilio number in international format (+385…), or a Messaging Service SID (MG…)."),
            ChannelField(key: Key.apiBase, label: "API address", required: false, address: true, help: "Leave empty for https://api.twilio.com."),
        ]
    }

    public var capabilities: ChannelCapabilities {
        // Twilio takes a body of up to 1,600 characters (split into segments) and 5 MB of media.
        ChannelCapabilities(maxTextLength: 1600, maxFileBytes: 5 << 20, replyWindowSeconds: nil, formatting: false, deliveryReceipts: true,
                            idempotentSends: false, smsSegments: true, filesByLink: true)
    }

    /// The words carriers and Twilio treat as opting out and back in (the whole message, any case).
    static let optOutWords: Set<String> = ["STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "OPTOUT", "REVOKE"]
    static let optInWords: Set<String> = ["START", "YES", "UNSTOP"]

    public func verify(_ request: ChannelRequest, settings: ChannelConfig) -> Bool {
        guard let token = settings[Key.authToken], let given = request.headers["x-twilio-signature"], !request.url.isEmpty else { return false }
        let parameters = FormURLEncoding.pairs(bytes: request.body)
        // Twilio's own validators accept the URL with and without the scheme's default port.
        return Self.urlVariants(request.url).contains { ConstantTime.equals(given, Self.signature(url: $0, parameters: parameters, token: token)) }
    }

    /// Twilio's request signature: the URL, then each parameter name followed by its values
    /// (names sorted; a name's distinct values sorted), HMAC-SHA1 with the auth token, base64.
    public static func signature(url: String, parameters: [(name: String, value: String)], token: String) -> String {
        var grouped: [String: Set<String>] = [:]
        for (name, value) in parameters { grouped[name, default: []].insert(value) }
        var text = url
        for name in grouped.keys.sorted(by: codePointOrder) {
            for value in grouped[name]!.sorted(by: codePointOrder) { text += name + value }
        }
        let mac = HMAC<Insecure.SHA1>.authenticationCode(for: Data(text.utf8), using: SymmetricKey(data: Data(token.utf8)))
        return Data(mac).base64EncodedString()
    }

    /// Python's string order (by code point), which Twilio's libraries sort with.
    private static func codePointOrder(_ a: String, _ b: String) -> Bool {
        a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars) { $0.value < $1.value }
    }

    static func urlVariants(_ url: String) -> [String] {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased() else { return [url] }
        let standard = scheme == "https" ? 443 : 80
        var other = components
        other.port = components.port == nil ? standard : (components.port == standard ? nil : components.port)
        return [url, other.string].compactMap { $0 }
    }

    public func handshake(_ request: ChannelRequest, settings: ChannelConfig) -> String? { nil }

    public func parse(_ request: ChannelRequest) throws(ChannelError) -> [ChannelEvent] {
        let fields = FormURLEncoding.fields(bytes: request.body)
        guard let sid = fields["MessageSid"] ?? fields["SmsSid"], !sid.isEmpty else { return [.ignored("a request without a MessageSid")] }
        let status = fields["MessageStatus"] ?? fields["SmsStatus"] ?? "received"
        guard status == "received" else { return [delivery(sid, status: status, fields)] }
        guard let from = fields["From"], !from.isEmpty else { return [.ignored("a message without a sender")] }
        let identity = ChannelIdentity(kind: "sms", value: from)
        var customer = CustomerIdentity(channel: identity)
        if from.hasPrefix("+"), from.dropFirst().allSatisfy(\.isNumber), (8...16).contains(from.count) { customer.phone = from }
        var media: [ChannelMediaReference] = []
        for index in 0..<min(Int(fields["NumMedia"] ?? "") ?? 0, 10) {
            guard let url = fields["MediaUrl\(index)"] else { continue }
            let type = fields["MediaContentType\(index)"]
            media.append(ChannelMediaReference(id: url, fileName: Self.fileName(index: index, contentType: type), contentType: type))
        }
        let text = fields["Body"] ?? ""
        var events: [ChannelEvent] = [.message(ChannelInbound(id: sid, customer: customer, text: text, media: media, receivedAt: Date()))]
        // After the message, so writing "STOP" leaves the customer opted out.
        let word = text.trimmingCharacters(in: .whitespacesAndNewlines.union(.punctuationCharacters)).uppercased()
        let optOut = fields["OptOutType"]?.uppercased()
        if optOut == "STOP" || Self.optOutWords.contains(word) {
            events.append(.consent(identity, granted: false))
        } else if optOut == "START" || Self.optInWords.contains(word) {
            events.append(.consent(identity, granted: true))
        }
        return events
    }

    private func delivery(_ sid: String, status: String, _ fields: [String: String]) -> ChannelEvent {
        switch status {
        case "sent": return .delivery(providerMessageID: sid, status: .sent, error: nil)
        case "delivered": return .delivery(providerMessageID: sid, status: .delivered, error: nil)
        case "read": return .delivery(providerMessageID: sid, status: .read, error: nil)
        case "failed", "undelivered":
            let code = fields["ErrorCode"].flatMap(Int.init)
            let words = fields["ErrorMessage"] ?? code.flatMap { Self.errorWords[$0] } ?? status
            return .delivery(providerMessageID: sid, status: .failed, error: "Twilio: \(words)\(code.map { " (error \($0))" } ?? "")")
        default: return .ignored("status \(status)")
        }
    }

    /// What the common delivery errors mean, for the agent (twilio.com/docs/api/errors).
    static let errorWords: [Int: String] = [
        21610: "the customer replied STOP to this number", 21211: "not a valid phone number", 21614: "not a mobile number",
        30003: "the phone is off or unreachable", 30004: "the message was blocked", 30005: "the number does not exist",
        30006: "a landline or a carrier that cannot take SMS", 30007: "filtered by the carrier as spam", 30008: "an unknown error at the carrier",
    ]

    private static func fileName(index: Int, contentType: String?) -> String {
        let extensions = ["image/jpeg": "jpg", "image/png": "png", "image/gif": "gif", "video/mp4": "mp4", "audio/mpeg": "mp3",
                          "audio/ogg": "ogg", "text/vcard": "vcf", "application/pdf": "pdf"]
        return "mms-\(index + 1).\(contentType.flatMap { extensions[$0] } ?? "bin")"
    }

    public func send(_ message: ChannelOutbound, settings: ChannelConfig, http: any ChannelHTTP) async -> ChannelSendResult {
        guard let account = settings[Key.accountSID], let token = settings[Key.authToken], let from = settings[Key.from] else {
            return .refused("The inbox has no Twilio account, auth token or sender.", optedOut: false)
        }
        var form: [(String, String)] = [("To", message.recipient), (from.hasPrefix("MG") ? "MessagingServiceSid" : "From", from)]
        if !message.text.isEmpty { form.append(("Body", message.text)) }
        for file in message.files {
            guard let url = file.url else {
                return .refused("Twilio fetches files from a link: set public_url in the configuration to send files by SMS.", optedOut: false)
            }
            form.append(("MediaUrl", url))
        }
        if form.count == 2 { return .refused("Nothing to send.", optedOut: false) }
        if let callback = message.statusCallback { form.append(("StatusCallback", callback)) }
        let request = ChannelHTTPRequest(method: "POST", url: "\(apiBase(settings))/2010-04-01/Accounts/\(Self.pathSegment(account))/Messages.json",
                                         headers: [("Authorization", Self.basic(account, token)), ("Content-Type", "application/x-www-form-urlencoded")],
                                         body: Data(Self.formEncode(form).utf8))
        let response: ChannelHTTPResponse
        do { response = try await http.send(request) } catch { return .transportFailure("Twilio", error) }
        let answer = try? JSONDecoder().decode(TwilioAnswer.self, from: response.body)
        if (200..<300).contains(response.status), let sid = answer?.sid { return .sent(providerMessageID: sid) }
        let words = "Twilio: \(answer?.message ?? "answered \(response.status)")\(answer?.code.map { " (error \($0))" } ?? "")"
        switch (response.status, answer?.code) {
        case (429, _), (_, 20429?), (500..., _): return .retryLater(words, after: response.headers["retry-after"].flatMap(TimeInterval.init))
        case (_, 21610?): return .refused(words, optedOut: true)
        case (200..<300, _): return .unknown("Twilio took the message but gave no id.")
        default: return .refused(words, optedOut: false)
        }
    }

    public func media(_ reference: ChannelMediaReference, settings: ChannelConfig, http: any ChannelHTTP) async throws(ChannelError) -> ChannelMedia {
        guard let account = settings[Key.accountSID], let token = settings[Key.authToken] else { throw ChannelError("The inbox has no Twilio account.") }
        // Only Twilio's own media resources of this account; they redirect once to Twilio's file host.
        let prefix = "\(apiBase(settings))/2010-04-01/Accounts/\(account)/Messages/"
        guard reference.id.hasPrefix(prefix), !reference.id.contains("..") else { throw ChannelError("The file is not on Twilio's API host.") }
        var response = try await download(ChannelHTTPRequest(method: "GET", url: reference.id, headers: [("Authorization", Self.basic(account, token))],
                                                             maxResponseBytes: 10 << 20))
        if [301, 302, 303, 307, 308].contains(response.status) {
            // A relative address is resolved against the media resource's, as HTTP says.
            guard let given = response.headers["location"], let location = URL(string: given, relativeTo: URL(string: reference.id))?.absoluteString,
                  Self.isTwilioFileHost(location, apiBase: apiBase(settings)) else {
                throw ChannelError("Twilio sent the file to an address that is not Twilio's.")
            }
            response = try await download(ChannelHTTPRequest(method: "GET", url: location, maxResponseBytes: 10 << 20))
        }
        guard response.status == 200 else { throw ChannelError("Twilio answered \(response.status) for the file.") }
        return ChannelMedia(data: response.body, fileName: reference.fileName ?? "mms", contentType: reference.contentType ?? response.headers["content-type"])

        func download(_ request: ChannelHTTPRequest) async throws(ChannelError) -> ChannelHTTPResponse {
            do { return try await http.send(request) } catch { throw ChannelError("The file could not be downloaded from Twilio: \(error)") }
        }
    }

    static func isTwilioFileHost(_ url: String, apiBase: String) -> Bool {
        ProviderFiles.isProviderHost(url, apiBase: apiBase, domains: ["twilio.com", "twiliocdn.com"])
    }

    public func test(settings: ChannelConfig, http: any ChannelHTTP) async throws(ChannelError) -> String {
        guard let account = settings[Key.accountSID], let token = settings[Key.authToken] else { throw ChannelError("Give the account SID and auth token.") }
        let found: TwilioAccount = try await call("GET", "/2010-04-01/Accounts/\(Self.pathSegment(account)).json", account: account, token: token,
                                                  settings: settings, http: http)
        return "Connected to the Twilio account “\(found.friendlyName ?? account)” (\(found.status ?? "status unknown"))."
    }

    /// Points the number's incoming messages at our webhook through the API; a Messaging Service
    /// is set up in the Console, so then the address to paste there is returned.
    public func connect(webhookURL: String, settings: ChannelConfig, http: any ChannelHTTP) async throws(ChannelError) -> String? {
        guard let account = settings[Key.accountSID], let token = settings[Key.authToken], let from = settings[Key.from] else {
            throw ChannelError("The inbox has no Twilio account, auth token or sender.")
        }
        if from.hasPrefix("MG") {
            return "In the Twilio Console, open the Messaging Service → Integration, choose “Send a webhook” and paste \(webhookURL)."
        }
        let account64 = Self.pathSegment(account)
        let numbers: TwilioNumbers = try await call("GET", "/2010-04-01/Accounts/\(account64)/IncomingPhoneNumbers.json?PhoneNumber=\(Self.queryValue(from))",
                                                    account: account, token: token, settings: settings, http: http)
        guard let number = numbers.incomingPhoneNumbers.first else { throw ChannelError("Twilio has no number \(from) on this account.") }
        let _: TwilioNumbers.Number = try await call("POST", "/2010-04-01/Accounts/\(account64)/IncomingPhoneNumbers/\(Self.pathSegment(number.sid)).json",
                                                     form: [("SmsUrl", webhookURL), ("SmsMethod", "POST")], account: account, token: token,
                                                     settings: settings, http: http)
        return nil
    }

    private func call<T: Decodable>(_ method: String, _ path: String, form: [(String, String)]? = nil, account: String, token: String,
                                    settings: ChannelConfig, http: any ChannelHTTP) async throws(ChannelError) -> T {
        var headers = [("Authorization", Self.basic(account, token))]
        if form != nil { headers.append(("Content-Type", "application/x-www-form-urlencoded")) }
        let response: ChannelHTTPResponse
        do {
            response = try await http.send(ChannelHTTPRequest(method: method, url: apiBase(settings) + path, headers: headers,
                                                              body: form.map { Data(Self.formEncode($0).utf8) }))
        } catch { throw ChannelError("Twilio could not be reached: \(error)") }
        guard (200..<300).contains(response.status), let value = try? JSONDecoder().decode(T.self, from: response.body) else {
            let answer = try? JSONDecoder().decode(TwilioAnswer.self, from: response.body)
            throw ChannelError("Twilio: \(answer?.message ?? "answered \(response.status)")")
        }
        return value
    }

    private func apiBase(_ settings: ChannelConfig) -> String { providerBase(settings[Key.apiBase], default: "https://api.twilio.com") }

    static func basic(_ user: String, _ password: String) -> String { "Basic " + Data("\(user):\(password)".utf8).base64EncodedString() }

    public static func formEncode(_ pairs: [(String, String)]) -> String {
        pairs.map { "\(queryValue($0.0))=\(queryValue($0.1))" }.joined(separator: "&")
    }

    static func queryValue(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-_.~"))) ?? ""
    }

    /// An id as one path segment (SIDs are letters and digits; anything else is encoded).
    private static func pathSegment(_ text: String) -> String { queryValue(text) }
}

/// Twilio's answers: a created message (`sid`) or an error (`code`, `message`; its `status` is
/// the HTTP status, a number, where a message's is a word, so it is not read).
struct TwilioAnswer: Decodable {
    var sid: String?
    var code: Int?
    var message: String?
}

struct TwilioAccount: Decodable {
    var friendlyName: String?
    var status: String?
    enum CodingKeys: String, CodingKey { case friendlyName = "friendly_name", status }
}

struct TwilioNumbers: Decodable {
    struct Number: Decodable { var sid: String; var phoneNumber: String?; enum CodingKeys: String, CodingKey { case sid, phoneNumber = "phone_number" } }
    var incomingPhoneNumbers: [Number]
    enum CodingKeys: String, CodingKey { case incomingPhoneNumbers = "incoming_phone_numbers" }
}
