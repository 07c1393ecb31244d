import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
@testable import ShopdeskServer

/// A local Telegram Bot API server (core.telegram.org/bots/api) for the methods Shopdesk calls,
/// answering in the documented envelope: `{"ok":true,"result":…}`, or `{"ok":false,
/// "error_code":…,"description":…}` with `parameters.retry_after` on 429. `getFile` answers a
/// `file_path` that `/file/bot<token>/<path>` serves. Tokens other than `token` get 401.
actor FakeTelegram {
    static let token = "123456:ABC-test-token"
    struct Sent: Sendable, Equatable { var method: String; var chatID: String; var text: String?; var fileName: String? }
    /// Reply keyboards sent with messages (each a list of rows of button labels).
    private(set) var keyboards: [[[String]]] = []

    private(set) var sent: [Sent] = []
    private(set) var webhook: (url: String, secret: String)?
    private var files: [String: (path: String, data: Data)] = [:]
    private var failures: [(code: Int, description: String, retryAfter: Int?)] = []
    private var nextMessageID = 500

    private var sendDelay: Duration = .zero

    func addFile(id: String, path: String, data: Data) { files[id] = (path, data) }
    /// Each send takes this long before it is answered (and counted), as over a real network.
    func slowDown(_ delay: Duration) { sendDelay = delay }
    /// The next sends fail with these errors, one each, in order.
    func fail(_ code: Int, _ description: String, retryAfter: Int? = nil) { failures.append((code, description, retryAfter)) }

    static func run(_ body: @Sendable (FakeTelegram, String) async throws -> Void) async throws {
        let bot = FakeTelegram()
        let router = Router()
        router.on("bot{token}/{method}", method: .post) { request, context in try await bot.handle(request, context) }
        router.on("bot{token}/{method}", method: .get) { request, context in try await bot.handle(request, context) }
        router.get("file/bot{token}/**") { request, context -> Response in
            guard context.parameters.get("token") == FakeTelegram.token else { return Self.json(401, #"{"ok":false,"error_code":401,"description":"Unauthorized"}"#) }
            let path = context.parameters.getCatchAll().joined(separator: "/")
            guard let data = await bot.file(path: path) else { return Self.json(404, #"{"ok":false,"error_code":404,"description":"Not Found"}"#) }
            return Response(status: .ok, headers: [.contentType: "application/octet-stream"], body: .init(byteBuffer: ByteBuffer(data: data)))
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            try await body(bot, "http://127.0.0.1:\(client.port!)")
        }
    }

    private func file(path: String) -> Data? { files.values.first { $0.path == path }?.data }

    private func handle(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        guard context.parameters.get("token") == Self.token else {
            return Self.json(401, #"{"ok":false,"error_code":401,"description":"Unauthorized"}"#)
        }
        let method = context.parameters.get("method") ?? ""
        let body = Data(buffer: try await request.body.collect(upTo: 60 << 20))
        let contentType = request.headers[.contentType] ?? ""
        // JSON or multipart form fields, read the way the demo's Bot API simulator reads them.
        let parsed = DemoTelegram.fields(body, contentType: contentType)
        // A reply keyboard's buttons, row by row, as Telegram shows them.
        if let json = try? JSONSerialization.jsonObject(with: body) as? [String: Any],
           let keyboard = (json["reply_markup"] as? [String: Any])?["keyboard"] as? [[[String: Any]]] {
            keyboards.append(keyboard.map { $0.compactMap { $0["text"] as? String } })
        }
        var fields = parsed.0
        let fileName = parsed.1
        for (name, value) in request.uri.queryParameters { fields[String(name)] = String(value) }
        switch method {
        case "getMe":
            return Self.json(200, #"{"ok":true,"result":{"id":123456,"is_bot":true,"first_name":"Shop","username":"shop_help_bot"}}"#)
        case "setWebhook":
            guard let url = fields["url"], url.hasPrefix("https://") || url.hasPrefix("http://") else {
                return Self.json(400, #"{"ok":false,"error_code":400,"description":"Bad Request: bad webhook: An HTTPS URL must be provided for webhook"}"#)
            }
            webhook = (url, fields["secret_token"] ?? "")
            return Self.json(200, #"{"ok":true,"result":true,"description":"Webhook was set"}"#)
        case "getFile":
            guard let id = fields["file_id"], let file = files[id] else {
                return Self.json(400, #"{"ok":false,"error_code":400,"description":"Bad Request: invalid file_id"}"#)
            }
            return Self.json(200, #"{"ok":true,"result":{"file_id":"\#(id)","file_unique_id":"u\#(id)","file_size":\#(file.data.count),"file_path":"\#(file.path)"}}"#)
        case "sendMessage", "sendPhoto", "sendDocument":
            if !failures.isEmpty {
                let failure = failures.removeFirst()
                let parameters = failure.retryAfter.map { #","parameters":{"retry_after":\#($0)}"# } ?? ""
                return Self.json(failure.code, #"{"ok":false,"error_code":\#(failure.code),"description":"\#(failure.description)"\#(parameters)}"#)
            }
            guard let chat = fields["chat_id"] else {
                return Self.json(400, #"{"ok":false,"error_code":400,"description":"Bad Request: chat_id is empty"}"#)
            }
            if method == "sendMessage", (fields["text"] ?? "").isEmpty {
                return Self.json(400, #"{"ok":false,"error_code":400,"description":"Bad Request: message text is empty"}"#)
            }
            if sendDelay > .zero {
                // Taken before the wait, answered after it: a crash in between leaves it sent but unanswered.
                sent.append(Sent(method: method, chatID: chat, text: fields["text"], fileName: fileName))
                nextMessageID += 1
                let id = nextMessageID
                try await Task.sleep(for: sendDelay)
                return Self.json(200, #"{"ok":true,"result":{"message_id":\#(id),"date":1764750000,"chat":{"id":\#(chat),"type":"private"}}}"#)
            }
            nextMessageID += 1
            sent.append(Sent(method: method, chatID: chat, text: fields["text"], fileName: fileName))
            return Self.json(200, #"{"ok":true,"result":{"message_id":\#(nextMessageID),"date":1764750000,"chat":{"id":\#(chat),"type":"private"}}}"#)
        default:
            return Self.json(404, #"{"ok":false,"error_code":404,"description":"Not Found: method not found"}"#)
        }
    }

    static func json(_ status: Int, _ text: String) -> Response {
        Response(status: .init(code: status), headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
