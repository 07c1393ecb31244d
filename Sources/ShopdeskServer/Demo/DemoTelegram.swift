import AsyncHTTPClient
import Foundation
import Hummingbird
import NIOCore
import ShopdeskChannels
import ShopdeskCore
import ShopdeskStore

/// `shopdesk demo`'s Telegram: a small Bot API server inside Shopdesk (`/demo/telegram/bot<token>/…`,
/// the same wire format as api.telegram.org) and the phone page (`/demo/phone`) where a newcomer
/// writes as a Telegram customer. The demo inbox is a real Telegram inbox whose Bot API address
/// points here: a message typed on the phone goes to the inbox's webhook as a Telegram update
/// with the secret token, and the agent's reply comes back through `sendMessage`.
actor DemoTelegram {
    struct Bubble: Codable, Sendable {
        var id: Int
        var from: String   // "customer" or "shop"
        var text: String
        var at: Date
    }

    private let services: AppServices
    private let workspaceID: WorkspaceID
    private var chats: [Int64: [Bubble]] = [:]
    private var counter = 0
    private var installed: (inbox: InboxID, token: String, secret: String, port: Int)?

    init(services: AppServices, workspaceID: WorkspaceID) {
        self.services = services
        self.workspaceID = workspaceID
    }

    /// Creates the demo's Telegram inbox, pointed at this server's simulator, once the port is known.
    func install(port: Int) async {
        do {
            let token = "demo:" + Secrets.token(bytes: 12)
            let adapter = TelegramAdapter()
            var settings = try await ChannelSetup(services: services).settings(adapter, input: [
                TelegramAdapter.Key.botToken: token, TelegramAdapter.Key.apiBase: "http://127.0.0.1:\(port)/demo/telegram",
            ], keeping: nil)
            settings.values["status"] = "Simulated: write to this bot as a customer at /demo/phone."
            let box = try services.secretBox()
            let secret = try box.open(settings.sealed[TelegramAdapter.Key.webhookSecret] ?? "")
            let ws = workspaceID, channel = settings
            let inbox = try await services.database.write { sql in
                let inbox = try await InboxRepository.create(workspaceID: ws, kind: .telegram, name: "Telegram (simulated)", webhookURL: nil,
                                                             secret: Secrets.token(prefix: "sdi_"), now: Date(), channel: channel, in: sql)
                let agents = try await AgentRepository.list(workspaceID: ws, in: sql).map(\.id)
                try await InboxRepository.setMembers(of: inbox.id, workspaceID: ws, to: agents, in: sql)
                return inbox
            }
            installed = (inbox.id, token, secret, port)
        } catch {
            services.logger.error("The demo Telegram inbox could not be set up", metadata: ["error": "\(error)"])
        }
    }

    func chat(_ id: Int64) -> [Bubble] { chats[id] ?? [] }

    /// The customer writes on the phone: the update goes to the inbox's webhook as Telegram sends it.
    func customerWrites(chat: Int64, name: String, text: String) async throws {
        guard let installed else { throw Problem(.serviceUnavailable, "The simulated Telegram is still starting.") }
        counter += 1
        let id = counter
        chats[chat, default: []].append(Bubble(id: id, from: "customer", text: text, at: Date()))
        let user: [String: Any] = ["id": chat, "is_bot": false, "first_name": name]
        let update: [String: Any] = ["update_id": id, "message": [
            "message_id": id, "from": user, "chat": ["id": chat, "type": "private", "first_name": name],
            "date": Int(Date().timeIntervalSince1970), "text": text,
        ] as [String: Any]]
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(installed.port)/api/v1/channels/telegram/\(installed.inbox)/webhook")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "X-Telegram-Bot-Api-Secret-Token", value: installed.secret)
        request.body = .bytes(ByteBuffer(data: try JSONSerialization.data(withJSONObject: update)))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        guard response.status == .ok else { throw Problem(.badGateway, "Shopdesk answered the simulated Telegram with \(response.status.code).") }
    }

    /// The Bot API methods the Telegram adapter calls, answered as Telegram answers them.
    func botAPI(token: String, method: String, fields: [String: String], fileName: String?) -> (Int, String) {
        guard let installed, token == installed.token else { return (401, #"{"ok":false,"error_code":401,"description":"Unauthorized"}"#) }
        switch method {
        case "getMe":
            return (200, #"{"ok":true,"result":{"id":1,"is_bot":true,"first_name":"Demo Shop","username":"demo_shop_bot"}}"#)
        case "setWebhook":
            return (200, #"{"ok":true,"result":true,"description":"Webhook was set"}"#)
        case "sendMessage", "sendPhoto", "sendDocument":
            guard let chat = fields["chat_id"].flatMap(Int64.init), chats[chat] != nil else {
                return (400, #"{"ok":false,"error_code":400,"description":"Bad Request: chat not found"}"#)
            }
            counter += 1
            let text = method == "sendMessage" ? fields["text"] ?? "" : "📎 \(fileName ?? "file")"
            chats[chat, default: []].append(Bubble(id: counter, from: "shop", text: text, at: Date()))
            return (200, #"{"ok":true,"result":{"message_id":\#(counter),"date":\#(Int(Date().timeIntervalSince1970)),"chat":{"id":\#(chat),"type":"private"}}}"#)
        default:
            return (404, #"{"ok":false,"error_code":404,"description":"Not Found: method not found"}"#)
        }
    }
}

extension DemoTelegram {
    struct Write: Decodable { var name: String; var text: String }

    nonisolated func register(on router: Router<AppRequestContext>) {
        router.post("demo/telegram/bot{token}/{method}") { request, context -> Response in
            let token = context.parameters.get("token") ?? "", method = context.parameters.get("method") ?? ""
            let body = Data(buffer: try await request.body.collect(upTo: 60 << 20))
            let (fields, fileName) = Self.fields(body, contentType: request.headers[.contentType] ?? "")
            let (status, json) = await self.botAPI(token: token, method: method, fields: fields, fileName: fileName)
            return Response(status: .init(code: status), headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: json)))
        }
        router.get("demo/telegram/bot{token}/{method}") { _, context -> Response in
            let (status, json) = await self.botAPI(token: context.parameters.get("token") ?? "", method: context.parameters.get("method") ?? "",
                                                   fields: [:], fileName: nil)
            return Response(status: .init(code: status), headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: json)))
        }
        router.get("demo/telegram/chats/{chat}") { _, context -> Response in
            guard let chat = context.parameters.get("chat").flatMap(Int64.init) else { throw Problem(.notFound, "No such chat.") }
            let bubbles = await self.chat(chat)
            return Response(status: .ok, headers: [.contentType: "application/json", .cacheControl: "no-store"],
                            body: .init(byteBuffer: ByteBuffer(data: try APIJSON.encoder().encode(["items": bubbles]))))
        }
        router.post("demo/telegram/chats/{chat}/messages") { request, context -> Response in
            guard let chat = context.parameters.get("chat").flatMap(Int64.init), chat > 0 else { throw Problem(.notFound, "No such chat.") }
            let body = try await request.decode(as: Write.self, context: context)
            let name = Text.singleLine(body.name), text = body.text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !name.isEmpty, name.count <= 64 else { throw Problem(.unprocessableContent, "Give a name of 1 to 64 characters.", field: "name") }
            guard !text.isEmpty, text.utf16.count <= 4096 else { throw Problem(.unprocessableContent, "Write 1 to 4,096 characters.", field: "text") }
            try await self.customerWrites(chat: chat, name: name, text: text)
            return Response(status: .noContent)
        }
        router.get("demo/phone") { _, _ -> Response in
            var response = Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
                                    body: .init(byteBuffer: ByteBuffer(string: Self.page)))
            response.headers[.contentSecurityPolicy] = "default-src 'self'; frame-ancestors 'none'; base-uri 'none'"
            return response
        }
    }

    /// The form fields of a JSON or multipart Bot API call, and an uploaded file's name.
    static func fields(_ body: Data, contentType: String) -> ([String: String], String?) {
        if contentType.hasPrefix("application/json") {
            let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:]
            return (object.mapValues { "\($0)" }, nil)
        }
        guard contentType.hasPrefix("multipart/form-data"), let boundary = contentType.components(separatedBy: "boundary=").last else { return ([:], nil) }
        var fields: [String: String] = [:], fileName: String?
        for part in String(decoding: body, as: UTF8.self).components(separatedBy: "--" + boundary) {
            guard let end = part.range(of: "\r\n\r\n") else { continue }
            let headers = part[..<end.lowerBound]
            guard let name = headers.components(separatedBy: "name=\"").dropFirst().first?.components(separatedBy: "\"").first else { continue }
            if let file = headers.components(separatedBy: "filename=\"").dropFirst().first?.components(separatedBy: "\"").first {
                fileName = file
            } else {
                fields[name] = String(part[end.upperBound...]).trimmingCharacters(in: .newlines)
            }
        }
        return (fields, fileName)
    }

    static let page = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Shopdesk demo · a customer's phone</title><link rel="stylesheet" href="/demo-phone.css"></head>
        <body><main class="phone" aria-labelledby="phone-title">
        <header><h1 id="phone-title">Telegram</h1><p>Demo Shop bot · simulated</p></header>
        <label class="who">Your name <input id="phone-name" maxlength="64" value="Marta"></label>
        <ol id="phone-chat" aria-live="polite"></ol>
        <form id="phone-form"><input id="phone-text" maxlength="4096" autocomplete="off" placeholder="Message" aria-label="Message" required>
        <button type="submit">Send</button></form><p id="phone-error" role="alert"></p>
        </main><script type="module" src="/demo-phone.js"></script></body></html>
        """
}
