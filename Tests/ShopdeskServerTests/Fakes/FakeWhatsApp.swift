import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
@testable import ShopdeskServer

/// A local Graph API for the WhatsApp Cloud API calls Shopdesk makes, in Meta's documented
/// shapes: `POST /v21.0/{phone-number-id}/messages` answering `messages[0].id` (a wamid),
/// `POST …/media` answering a media id, `GET /v21.0/{media-id}` answering a download `url`
/// that needs the same bearer token, `GET /v21.0/{phone-number-id}` with the display number,
/// and errors as `{"error":{"message","type","code","error_data":{"details"}}}`.
actor FakeWhatsApp {
    static let token = "EAAGtest"
    static let phoneNumberID = "106540352242922"
    static let businessAccountID = "102290129340398"
    struct Sent: Sendable, Equatable {
        var to: String; var type: String; var text: String?
        var template: String? = nil; var language: String? = nil; var parameters: [String] = []
        /// An interactive message's reply buttons, by title.
        var buttons: [String] = []
    }

    private(set) var sent: [Sent] = []
    private var media: [String: (mime: String, data: Data)] = [:]
    private var failures: [(code: Int, message: String)] = []
    private var counter = 0
    private var base = ""

    func addMedia(id: String, mime: String, data: Data) { media[id] = (mime, data) }
    func fail(code: Int, _ message: String) { failures.append((code, message)) }

    static func run(_ body: @Sendable (FakeWhatsApp, String) async throws -> Void) async throws {
        let graph = FakeWhatsApp()
        let router = Router()
        router.post("v21.0/{id}/messages") { request, context in try await graph.messages(request, context) }
        router.post("v21.0/{id}/media") { request, context in try await graph.upload(request, context) }
        router.get("v21.0/{id}") { request, context in await graph.object(request, context) }
        router.get("v21.0/{id}/message_templates") { request, context in await graph.templates(request, context) }
        router.get("media/{id}") { request, context in await graph.download(request, context) }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            let base = "http://127.0.0.1:\(client.port!)"
            await graph.setBase(base)
            try await body(graph, base + "/v21.0")
        }
    }

    private func setBase(_ value: String) { base = value }

    private func authorized(_ request: Request) -> Bool { request.headers[.authorization] == "Bearer \(Self.token)" }

    private static let unauthorized = json(401, #"{"error":{"message":"Invalid OAuth access token - Cannot parse access token","type":"OAuthException","code":190,"fbtrace_id":"A1"}}"#)

    private func messages(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        guard authorized(request) else { return Self.unauthorized }
        let body = try JSONSerialization.jsonObject(with: Data(buffer: try await request.body.collect(upTo: 1 << 20))) as? [String: Any] ?? [:]
        if !failures.isEmpty {
            let failure = failures.removeFirst()
            return Self.json(400, #"{"error":{"message":"\#(failure.message)","type":"OAuthException","code":\#(failure.code),"error_data":{"messaging_product":"whatsapp","details":"\#(failure.message)"},"fbtrace_id":"A2"}}"#)
        }
        guard body["messaging_product"] as? String == "whatsapp", let to = body["to"] as? String, let type = body["type"] as? String else {
            return Self.json(400, #"{"error":{"message":"(#100) Invalid parameter","type":"OAuthException","code":100}}"#)
        }
        counter += 1
        var record = Sent(to: to, type: type, text: (body["text"] as? [String: Any])?["body"] as? String)
        if let template = body["template"] as? [String: Any] {
            record.template = template["name"] as? String
            record.language = (template["language"] as? [String: Any])?["code"] as? String
            let components = template["components"] as? [[String: Any]] ?? []
            record.parameters = components.flatMap { ($0["parameters"] as? [[String: Any]] ?? []).compactMap { $0["text"] as? String } }
        }
        if let interactive = body["interactive"] as? [String: Any] {
            // Meta's limits: a body, at most three reply buttons of at most 20 characters.
            let buttons = ((interactive["action"] as? [String: Any])?["buttons"] as? [[String: Any]] ?? [])
                .compactMap { ($0["reply"] as? [String: Any])?["title"] as? String }
            guard interactive["type"] as? String == "button", (1...3).contains(buttons.count), buttons.allSatisfy({ $0.count <= 20 }),
                  let text = (interactive["body"] as? [String: Any])?["text"] as? String else {
                return Self.json(400, #"{"error":{"message":"(#131009) Parameter value is not valid","type":"OAuthException","code":131009}}"#)
            }
            record.text = text
            record.buttons = buttons
        }
        sent.append(record)
        return Self.json(200, #"{"messaging_product":"whatsapp","contacts":[{"input":"\#(to)","wa_id":"\#(to)"}],"messages":[{"id":"wamid.OUT\#(counter)"}]}"#)
    }

    /// The Business Account's templates, two to a page (so paging is followed), in every state Meta reports.
    private func templates(_ request: Request, _ context: BasicRequestContext) -> Response {
        guard authorized(request) else { return Self.unauthorized }
        guard context.parameters.get("id") == Self.businessAccountID else {
            return Self.json(400, #"{"error":{"message":"Unsupported get request.","type":"GraphMethodException","code":100}}"#)
        }
        let all = [
            #"{"name":"order_update","language":"pt_BR","status":"APPROVED","category":"UTILITY","components":[{"type":"BODY","text":"Olá {{1}}, o seu pedido {{2}} foi enviado."}],"id":"1"}"#,
            #"{"name":"order_update","language":"en_US","status":"APPROVED","category":"UTILITY","components":[{"type":"BODY","text":"Hi {{1}}, your order {{2}} has shipped."},{"type":"FOOTER","text":"Demo Shop"}],"id":"2"}"#,
            #"{"name":"spring_sale","language":"en_US","status":"REJECTED","category":"MARKETING","components":[{"type":"BODY","text":"Sale!"}],"id":"3"}"#,
            #"{"name":"follow_up","language":"hr","status":"APPROVED","category":"UTILITY","components":[{"type":"BODY","text":"Pozdrav, javljamo se vezano uz vaš upit."}],"id":"4"}"#,
            #"{"name":"invoice","language":"en_US","status":"APPROVED","category":"UTILITY","components":[{"type":"HEADER","format":"DOCUMENT"},{"type":"BODY","text":"Your invoice."}],"id":"5"}"#,
        ]
        let after = Int(request.uri.queryParameters.get("after") ?? "0") ?? 0
        let page = all.dropFirst(after).prefix(2)
        let next = after + 2 < all.count ? #","next":"\#(base)/v21.0/\#(Self.businessAccountID)/message_templates?limit=2&after=\#(after + 2)""# : ""
        return Self.json(200, #"{"data":[\#(page.joined(separator: ","))],"paging":{"cursors":{"before":"a","after":"b"}\#(next)}}"#)
    }

    private func upload(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        guard authorized(request) else { return Self.unauthorized }
        _ = try await request.body.collect(upTo: 20 << 20)
        counter += 1
        return Self.json(200, #"{"id":"upload-\#(counter)"}"#)
    }

    private func object(_ request: Request, _ context: BasicRequestContext) -> Response {
        guard authorized(request) else { return Self.unauthorized }
        let id = context.parameters.get("id") ?? ""
        if id == Self.phoneNumberID {
            return Self.json(200, #"{"display_phone_number":"+1 555-010-0199","verified_name":"Demo Shop","id":"\#(id)"}"#)
        }
        guard let file = media[id] else { return Self.json(404, #"{"error":{"message":"Unsupported get request.","type":"GraphMethodException","code":100}}"#) }
        return Self.json(200, #"{"url":"\#(base)/media/\#(id)","mime_type":"\#(file.mime)","sha256":"x","file_size":\#(file.data.count),"id":"\#(id)","messaging_product":"whatsapp"}"#)
    }

    private func download(_ request: Request, _ context: BasicRequestContext) -> Response {
        guard authorized(request), let file = media[context.parameters.get("id") ?? ""] else { return Self.json(404, "{}") }
        return Response(status: .ok, headers: [.contentType: file.mime], body: .init(byteBuffer: ByteBuffer(data: file.data)))
    }

    static func json(_ status: Int, _ text: String) -> Response {
        Response(status: .init(code: status), headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
