import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
@testable import ShopdeskServer

/// A local Viber REST bot API in Viber's documented shapes: every call is a POST with
/// `X-Viber-Auth-Token` and answers `{"status":0,"status_message":"ok",…}` or a non-zero status
/// with its name (2 invalidAuthToken, 6 receiverNotSubscribed, 12 tooManyRequests…);
/// `send_message` answers a `message_token`; media the customer sent is served from `/media/…`.
actor FakeViber {
    static let token = "4453b6ac12345678-e02c5f12174805f9-daec9cbb5448c51f"
    struct Sent: Sendable, Equatable { var receiver: String; var type: String; var text: String?; var media: String?; var sender: String? }

    private(set) var sent: [Sent] = []
    private(set) var webhook: (url: String, events: [String])?
    private var media: [String: (mime: String, data: Data)] = [:]
    private var failures: [(status: Int, message: String)] = []
    private var counter: Int64 = 5_741_311_803_571_721_000

    func addMedia(id: String, mime: String, data: Data) { media[id] = (mime, data) }
    func fail(status: Int, _ message: String) { failures.append((status, message)) }

    static func run(_ body: @Sendable (FakeViber, String) async throws -> Void) async throws {
        let viber = FakeViber()
        let router = Router()
        router.post("pa/{method}") { request, context in try await viber.call(context.parameters.get("method") ?? "", request) }
        router.get("media/{id}") { _, context in await viber.file(context.parameters.get("id") ?? "") }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            try await body(viber, "http://127.0.0.1:\(client.port!)/pa")
        }
    }

    private func call(_ method: String, _ request: Request) async throws -> Response {
        guard request.headers[HTTPField.Name("X-Viber-Auth-Token")!] == Self.token else {
            return Self.json(#"{"status":2,"status_message":"invalidAuthToken"}"#)
        }
        let body = try JSONSerialization.jsonObject(with: Data(buffer: try await request.body.collect(upTo: 1 << 20))) as? [String: Any] ?? [:]
        switch method {
        case "set_webhook":
            guard let url = body["url"] as? String else { return Self.json(#"{"status":1,"status_message":"invalidUrl"}"#) }
            webhook = (url, body["event_types"] as? [String] ?? [])
            return Self.json(#"{"status":0,"status_message":"ok","event_types":["delivered","seen","failed","subscribed","unsubscribed","conversation_started"]}"#)
        case "get_account_info":
            return Self.json(#"{"status":0,"status_message":"ok","id":"pa:75346594275468546724","name":"Trgovina Demo","uri":"trgovinademo","category":"Shopping","subscribers_count":35}"#)
        case "send_message":
            if !failures.isEmpty {
                let failure = failures.removeFirst()
                return Self.json(#"{"status":\#(failure.status),"status_message":"\#(failure.message)"}"#)
            }
            guard let receiver = body["receiver"] as? String, let type = body["type"] as? String,
                  let sender = (body["sender"] as? [String: Any])?["name"] as? String, sender.count <= 28 else {
                return Self.json(#"{"status":3,"status_message":"badData"}"#)
            }
            counter += 1
            sent.append(Sent(receiver: receiver, type: type, text: body["text"] as? String, media: body["media"] as? String, sender: sender))
            return Self.json(#"{"status":0,"status_message":"ok","message_token":\#(counter),"chat_hostname":"SN-CHAT-05_"}"#)
        default:
            return Self.json(#"{"status":3,"status_message":"badData"}"#)
        }
    }

    private func file(_ id: String) -> Response {
        guard let file = media[id] else { return Response(status: .notFound) }
        return Response(status: .ok, headers: [.contentType: file.mime], body: .init(byteBuffer: ByteBuffer(data: file.data)))
    }

    /// Viber answers every call with HTTP 200 and says how it went in `status`.
    static func json(_ text: String) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
