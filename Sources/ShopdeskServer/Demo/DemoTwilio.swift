import Foundation
import Hummingbird
import NIOCore
import ShopdeskChannels
import ShopdeskCore

/// The demo's SMS: a small Twilio REST API (`/demo/twilio/2010-04-01/…`). The phone's message
/// arrives form-encoded with `X-Twilio-Signature` over the address the server sees itself
/// called at; a reply is taken at `Messages.json` with basic auth, and "sent" and "delivered"
/// status callbacks follow, signed the same way (SMS has no read receipts).
actor DemoTwilio: DemoProvider {
    nonisolated var kind: InboxKind { .sms }
    static let number = "+15005550006"
    private let services: AppServices
    private let workspaceID: WorkspaceID
    private var phone: DemoPhone?
    private var installed: (inbox: Inbox, account: String, token: String, port: Int)?
    private var sent: [String: (address: String, bubble: Int)] = [:]
    private var counter = 0

    init(services: AppServices, workspaceID: WorkspaceID) {
        self.services = services
        self.workspaceID = workspaceID
    }

    func install(port: Int, phone: DemoPhone) async {
        self.phone = phone
        do {
            let account = "AC" + Secrets.hex((0..<16).map { _ in UInt8.random(in: 0...255) })
            let token = Secrets.hex((0..<16).map { _ in UInt8.random(in: 0...255) })
            let (inbox, _) = try await DemoProviders.createInbox(services, workspaceID: workspaceID, kind: .sms, name: "SMS (simulated)", input: [
                TwilioAdapter.Key.accountSID: account, TwilioAdapter.Key.authToken: token, TwilioAdapter.Key.from: Self.number,
                TwilioAdapter.Key.apiBase: "http://127.0.0.1:\(port)/demo/twilio",
            ])
            installed = (inbox, account, token, port)
            await phone.installed(.sms)
        } catch {
            services.logger.error("The demo SMS inbox could not be set up", metadata: ["error": "\(error)"])
        }
    }

    func customerWrites(address: String, name: String, text: String) async throws {
        guard address.hasPrefix("+"), address.dropFirst().allSatisfy(\.isNumber), (8...16).contains(address.count) else {
            throw Problem(.notFound, "An SMS sender is a phone number in international format (+385…).")
        }
        _ = await phone?.customerWrote(.sms, address, text: text)
        counter += 1
        let sid = "SM" + String(format: "%032x", counter)
        try await deliver([("ToCountry", "US"), ("SmsMessageSid", sid), ("NumMedia", "0"), ("SmsSid", sid), ("SmsStatus", "received"),
                           ("Body", text), ("To", Self.number), ("NumSegments", "1"), ("MessageSid", sid), ("From", address),
                           ("ApiVersion", "2010-04-01")])
    }

    /// A form-encoded request to the inbox's webhook, signed over the address the server sees.
    private func deliver(_ parameters: [(String, String)]) async throws {
        guard let installed else { throw Problem(.serviceUnavailable, "The simulated SMS is still starting.") }
        let loopback = DemoProviders.webhook(port: installed.port, installed.inbox)
        let parameters = parameters + [("AccountSid", installed.account)]
        let signedURL = ChannelSetup(services: services).webhookURL(installed.inbox) ?? loopback
        let signature = TwilioAdapter.signature(url: signedURL, parameters: parameters.map { (name: $0.0, value: $0.1) }, token: installed.token)
        try await DemoProviders.post(loopback, headers: [("Content-Type", "application/x-www-form-urlencoded"), ("X-Twilio-Signature", signature)],
                                     body: Data(TwilioAdapter.formEncode(parameters).utf8), provider: "Twilio")
    }

    private func authorized(_ request: Request, _ context: AppRequestContext) -> Bool {
        guard let installed else { return false }
        let basic = "Basic " + Data("\(installed.account):\(installed.token)".utf8).base64EncodedString()
        let account = context.parameters.get("account") ?? ""
        return request.headers[.authorization] == basic && (account == installed.account || account == installed.account + ".json")
    }

    private func create(_ request: Request, _ context: AppRequestContext) async throws -> Response {
        guard authorized(request, context) else { return Self.unauthorized }
        let form = FormURLEncoding.pairs(bytes: Array(buffer: try await request.body.collect(upTo: 1 << 20)))
        let value = { (name: String) in form.first { $0.name == name }?.value }
        guard let to = value("To") else {
            return DemoProviders.answer(400, #"{"code":21604,"message":"A 'To' phone number is required.","status":400}"#)
        }
        let media = form.filter { $0.name == "MediaUrl" }.count
        let text = [value("Body"), media > 0 ? "📎 \(media) file(s)" : nil].compactMap { $0 }.joined(separator: "\n")
        guard let bubble = await phone?.shopWrote(.sms, to, text: text) else {
            return DemoProviders.answer(400, #"{"code":21211,"message":"The 'To' number \#(to) is not a valid phone number.","status":400}"#)
        }
        let sid = "SM" + String(format: "%032x", 1_000_000 + bubble)
        sent[sid] = (to, bubble)
        DemoProviders.later([(0.4, { try await self.report(sid, "sent") }), (1.2, { try await self.report(sid, "delivered") })])
        return DemoProviders.answer(201, #"{"sid":"\#(sid)","to":"\#(to)","from":"\#(Self.number)","status":"queued","num_segments":"1"}"#)
    }

    private func report(_ sid: String, _ status: String) async throws {
        guard let message = sent[sid] else { return }
        await phone?.mark(.sms, message.address, id: message.bubble, status: status)
        try await deliver([("SmsSid", sid), ("SmsStatus", status), ("MessageStatus", status), ("To", message.address), ("MessageSid", sid),
                           ("From", Self.number), ("ApiVersion", "2010-04-01")])
    }

    private static let unauthorized = DemoProviders.answer(401, #"{"code":20003,"message":"Authenticate","status":401}"#)

    nonisolated func register(on router: Router<AppRequestContext>) {
        let accounts = "demo/twilio/2010-04-01/Accounts/{account}"
        router.post(RouterPath("\(accounts)/Messages.json")) { request, context -> Response in try await self.create(request, context) }
        router.get(RouterPath(accounts)) { request, context -> Response in
            guard await self.authorized(request, context) else { return Self.unauthorized }
            return DemoProviders.answer(200, #"{"friendly_name":"Demo Shop","status":"active","type":"Full"}"#)
        }
        router.get(RouterPath("\(accounts)/IncomingPhoneNumbers.json")) { request, context -> Response in
            guard await self.authorized(request, context) else { return Self.unauthorized }
            return DemoProviders.answer(200, #"{"incoming_phone_numbers":[{"sid":"PNDEMO","phone_number":"\#(Self.number)"}]}"#)
        }
        router.post(RouterPath("\(accounts)/IncomingPhoneNumbers/{number}")) { request, context -> Response in
            guard await self.authorized(request, context) else { return Self.unauthorized }
            _ = try await request.body.collect(upTo: 1 << 16)
            return DemoProviders.answer(200, #"{"sid":"PNDEMO","phone_number":"\#(Self.number)"}"#)
        }
    }
}
