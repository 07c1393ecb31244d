import Foundation
import Hummingbird
import NIOCore
import ShopdeskChannels
import ShopdeskCore

/// The demo's Viber: a small REST bot API (`/demo/viber/pa/…`) in Viber's shapes. The phone's
/// message arrives as a `message` callback signed with the auth token; a reply is taken at
/// `send_message`, and "delivered" and "seen" callbacks follow, signed the same way.
actor DemoViber: DemoProvider {
    nonisolated var kind: InboxKind { .viber }
    private let services: AppServices
    private let workspaceID: WorkspaceID
    private var phone: DemoPhone?
    private var installed: (inbox: Inbox, token: String, port: Int)?
    private var sent: [String: (address: String, bubble: Int)] = [:]
    private var tokens: Int64 = 5_000_000_000_000_000_000

    init(services: AppServices, workspaceID: WorkspaceID) {
        self.services = services
        self.workspaceID = workspaceID
    }

    func install(port: Int, phone: DemoPhone) async {
        self.phone = phone
        do {
            let token = Secrets.hex((0..<24).map { _ in UInt8.random(in: 0...255) })
            let (inbox, _) = try await DemoProviders.createInbox(services, workspaceID: workspaceID, kind: .viber, name: "Viber (simulated)", input: [
                ViberAdapter.Key.authToken: token, ViberAdapter.Key.senderName: "Demo Shop",
                ViberAdapter.Key.apiBase: "http://127.0.0.1:\(port)/demo/viber/pa",
            ])
            installed = (inbox, token, port)
            await phone.installed(.viber)
        } catch {
            services.logger.error("The demo Viber inbox could not be set up", metadata: ["error": "\(error)"])
        }
    }

    func customerWrites(address: String, name: String, text: String) async throws {
        _ = await phone?.customerWrote(.viber, address, text: text)
        tokens += 1
        try await callback(["event": "message", "timestamp": Int64(Date().timeIntervalSince1970 * 1000), "message_token": tokens,
                            "sender": ["id": address, "name": name, "language": "en", "country": "HR", "api_version": 10],
                            "message": ["type": "text", "text": text], "silent": false])
    }

    /// A callback to the inbox's webhook, signed with the auth token as Viber signs.
    private func callback(_ fields: [String: Any]) async throws {
        guard let installed else { throw Problem(.serviceUnavailable, "The simulated Viber is still starting.") }
        let body = try JSONSerialization.data(withJSONObject: fields)
        try await DemoProviders.post(DemoProviders.webhook(port: installed.port, installed.inbox),
                                     headers: [("Content-Type", "application/json"),
                                               ("X-Viber-Content-Signature", Secrets.hmacSHA256Hex(key: installed.token, message: body))],
                                     body: body, provider: "Viber")
    }

    private func call(_ method: String, _ request: Request) async throws -> Response {
        guard let installed, request.headers[.init("X-Viber-Auth-Token")!] == installed.token else {
            return DemoProviders.answer(200, #"{"status":2,"status_message":"invalidAuthToken"}"#)
        }
        let body = try JSONSerialization.jsonObject(with: Data(buffer: try await request.body.collect(upTo: 1 << 20))) as? [String: Any] ?? [:]
        switch method {
        case "set_webhook":
            return DemoProviders.answer(200, #"{"status":0,"status_message":"ok","event_types":["delivered","seen","failed","subscribed","unsubscribed","conversation_started"]}"#)
        case "get_account_info":
            return DemoProviders.answer(200, #"{"status":0,"status_message":"ok","id":"pa:1","name":"Demo Shop","uri":"demoshop","subscribers_count":4}"#)
        case "send_message":
            guard let receiver = body["receiver"] as? String, let type = body["type"] as? String else {
                return DemoProviders.answer(200, #"{"status":3,"status_message":"badData"}"#)
            }
            let text = type == "text" ? body["text"] as? String ?? "" : "📎 \(body["file_name"] as? String ?? type)"
            guard let bubble = await phone?.shopWrote(.viber, receiver, text: text) else {
                return DemoProviders.answer(200, #"{"status":6,"status_message":"receiverNotSubscribed"}"#)
            }
            tokens += 1
            let token = String(tokens)
            sent[token] = (receiver, bubble)
            DemoProviders.later([(0.6, { try await self.report(token, "delivered") }), (1.8, { try await self.report(token, "seen") })])
            return DemoProviders.answer(200, #"{"status":0,"status_message":"ok","message_token":\#(token),"chat_hostname":"SN-DEMO"}"#)
        default:
            return DemoProviders.answer(200, #"{"status":3,"status_message":"badData"}"#)
        }
    }

    private func report(_ token: String, _ event: String) async throws {
        guard let message = sent[token], let number = Int64(token) else { return }
        await phone?.mark(.viber, message.address, id: message.bubble, status: event == "seen" ? "read" : event)
        try await callback(["event": event, "timestamp": Int64(Date().timeIntervalSince1970 * 1000), "message_token": number,
                            "user_id": message.address])
    }

    nonisolated func register(on router: Router<AppRequestContext>) {
        router.post("demo/viber/pa/{method}") { request, context -> Response in try await self.call(context.parameters.get("method") ?? "", request) }
    }
}
