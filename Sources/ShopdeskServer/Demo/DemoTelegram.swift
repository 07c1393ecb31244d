import Foundation
import Hummingbird
import NIOCore
import ShopdeskChannels
import ShopdeskCore
import ShopdeskStore

/// The demo's Telegram: a small Bot API server (`/demo/telegram/bot<token>/…`, the wire format of
/// api.telegram.org). A message typed on the phone goes to the inbox's webhook as a Telegram
/// update with the secret token; the agent's reply comes back through `sendMessage`. Bots get
/// no delivery receipts from Telegram, so the phone shows the reply as sent.
actor DemoTelegram: DemoProvider {
    nonisolated var kind: InboxKind { .telegram }
    private let services: AppServices
    private let workspaceID: WorkspaceID
    private var phone: DemoPhone?
    private var installed: (inbox: Inbox, token: String, secret: String, port: Int)?
    private var counter = 0

    init(services: AppServices, workspaceID: WorkspaceID) {
        self.services = services
        self.workspaceID = workspaceID
    }

    func install(port: Int, phone: DemoPhone) async {
        self.phone = phone
        do {
            let token = "demo:" + Secrets.token(bytes: 12)
            let (inbox, config) = try await DemoProviders.createInbox(services, workspaceID: workspaceID, kind: .telegram, name: "Telegram (simulated)", input: [
                TelegramAdapter.Key.botToken: token, TelegramAdapter.Key.apiBase: "http://127.0.0.1:\(port)/demo/telegram",
            ])
            installed = (inbox, token, config[TelegramAdapter.Key.webhookSecret] ?? "", port)
            await phone.installed(.telegram)
        } catch {
            services.logger.error("The demo Telegram inbox could not be set up", metadata: ["error": "\(error)"])
        }
    }

    func customerWrites(address: String, name: String, text: String) async throws {
        guard let installed, let chat = Int64(address), chat > 0 else { throw Problem(.notFound, "A Telegram chat id is a positive number.") }
        let id = await phone?.customerWrote(.telegram, address, text: text) ?? 0
        counter += 1
        let user: [String: Any] = ["id": chat, "is_bot": false, "first_name": name]
        let update: [String: Any] = ["update_id": counter, "message": [
            "message_id": id, "from": user, "chat": ["id": chat, "type": "private", "first_name": name],
            "date": Int(Date().timeIntervalSince1970), "text": text,
        ] as [String: Any]]
        try await DemoProviders.post(DemoProviders.webhook(port: installed.port, installed.inbox),
                                     headers: [("Content-Type", "application/json"), ("X-Telegram-Bot-Api-Secret-Token", installed.secret)],
                                     body: try JSONSerialization.data(withJSONObject: update), provider: "Telegram")
    }

    /// The Bot API methods the Telegram adapter calls, answered as Telegram answers them.
    func botAPI(token: String, method: String, fields: [String: String], fileName: String?) async -> (Int, String) {
        guard let installed, token == installed.token else { return (401, #"{"ok":false,"error_code":401,"description":"Unauthorized"}"#) }
        switch method {
        case "getMe":
            return (200, #"{"ok":true,"result":{"id":1,"is_bot":true,"first_name":"Demo Shop","username":"demo_shop_bot"}}"#)
        case "setWebhook":
            return (200, #"{"ok":true,"result":true,"description":"Webhook was set"}"#)
        case "sendMessage", "sendPhoto", "sendDocument":
            let text = method == "sendMessage" ? fields["text"] ?? "" : "📎 \(fileName ?? "file")"
            guard let chat = fields["chat_id"], let id = await phone?.shopWrote(.telegram, chat, text: text) else {
                return (400, #"{"ok":false,"error_code":400,"description":"Bad Request: chat not found"}"#)
            }
            return (200, #"{"ok":true,"result":{"message_id":\#(id),"date":\#(Int(Date().timeIntervalSince1970)),"chat":{"id":\#(chat),"type":"private"}}}"#)
        default:
            return (404, #"{"ok":false,"error_code":404,"description":"Not Found: method not found"}"#)
        }
    }

    nonisolated func register(on router: Router<AppRequestContext>) {
        router.post("demo/telegram/bot{token}/{method}") { request, context -> Response in
            let token = context.parameters.get("token") ?? "", method = context.parameters.get("method") ?? ""
            let body = Data(buffer: try await request.body.collect(upTo: 60 << 20))
            let (fields, fileName) = Self.fields(body, contentType: request.headers[.contentType] ?? "")
            let (status, json) = await self.botAPI(token: token, method: method, fields: fields, fileName: fileName)
            return DemoProviders.answer(status, json)
        }
        router.get("demo/telegram/bot{token}/{method}") { _, context -> Response in
            let (status, json) = await self.botAPI(token: context.parameters.get("token") ?? "", method: context.parameters.get("method") ?? "",
                                                   fields: [:], fileName: nil)
            return DemoProviders.answer(status, json)
        }
    }

    /// The form fields of a JSON or multipart Bot API call, and an uploaded file's name.
    static func fields(_ body: Data, contentType: String) -> ([String: String], String?) {
        if contentType.hasPrefix("application/json") {
            let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] ?? [:]
            return (object.mapValues { "\($0)" }, nil)
        }
        guard contentType.lowercased().hasPrefix("multipart/form-data") else { return ([:], nil) }
        // The same reader as the help center's forms (the mail parser's MIME reader).
        let form = MultipartForm(contentType: contentType, body: Array(body))
        return (form.fields.mapValues { $0.trimmingCharacters(in: .newlines) }, form.files.first?.name)
    }
}
