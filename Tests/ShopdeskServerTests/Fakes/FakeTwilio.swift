import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import ShopdeskCore
@testable import ShopdeskServer

/// A local Twilio REST API for the calls Shopdesk makes, in Twilio's documented shapes: HTTP
/// basic auth with the account SID and auth token; `POST /2010-04-01/Accounts/{sid}/Messages.json`
/// (form-encoded To, From or MessagingServiceSid, Body, MediaUrl…, StatusCallback) answering 201
/// with the message's `sid`; the account and its incoming numbers (`SmsUrl` set by POST); media
/// of received messages behind basic auth, redirecting once to a file host as Twilio does; and
/// errors as `{"code","message","more_info","status"}`.
actor FakeTwilio {
    static let account = "AC0123456789abcdef0123456789abcdef"
    static let token = "f0e1d2c3b4a5968778695a4b3c2d1e0f"
    static let number = "+15005550006"
    static let numberSID = "PN0123456789abcdef0123456789abcdef"

    struct Sent: Sendable, Equatable { var to: String; var from: String; var body: String?; var mediaURLs: [String]; var statusCallback: String? }

    private(set) var sent: [Sent] = []
    private(set) var smsURL: String?
    private var media: [String: (mime: String, data: Data)] = [:]
    private var failures: [(status: Int, code: Int, message: String)] = []
    private var counter = 0

    func addMedia(id: String, mime: String, data: Data) { media[id] = (mime, data) }
    func fail(status: Int = 400, code: Int, _ message: String) { failures.append((status, code, message)) }

    static func run(_ body: @Sendable (FakeTwilio, String) async throws -> Void) async throws {
        let twilio = FakeTwilio()
        let router = Router()
        let accountPath = "2010-04-01/Accounts/{account}"
        router.post("\(accountPath)/Messages.json") { request, context in try await twilio.create(request, context) }
        router.get("2010-04-01/Accounts/{account}") { request, context in await twilio.accountInfo(request, context) }
        router.get("\(accountPath)/IncomingPhoneNumbers.json") { request, context in await twilio.numbers(request, context) }
        router.post("\(accountPath)/IncomingPhoneNumbers/{file}") { request, context in try await twilio.updateNumber(request, context) }
        router.get("\(accountPath)/Messages/{message}/Media/{media}") { request, context in await twilio.mediaRedirect(request, context) }
        router.get("files/{media}") { _, context in await twilio.file(context.parameters.get("media") ?? "") }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            try await body(twilio, "http://127.0.0.1:\(client.port!)")
        }
    }

    private func authorized(_ request: Request, _ context: BasicRequestContext) -> Bool {
        let basic = "Basic " + Data("\(Self.account):\(Self.token)".utf8).base64EncodedString()
        return request.headers[.authorization] == basic && (context.parameters.get("account") ?? Self.account) == Self.account
    }

    private static let unauthorized = json(401, #"{"code":20003,"message":"Authenticate","more_info":"https://www.twilio.com/docs/errors/20003","status":401}"#)

    private func create(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        guard authorized(request, context) else { return Self.unauthorized }
        let form = FormFields(Array(buffer: try await request.body.collect(upTo: 1 << 20)))
        if !failures.isEmpty {
            let failure = failures.removeFirst()
            return Self.json(failure.status, #"{"code":\#(failure.code),"message":"\#(failure.message)","more_info":"https://www.twilio.com/docs/errors/\#(failure.code)","status":\#(failure.status)}"#)
        }
        guard let to = form.first("To"), let from = form.first("From") ?? form.first("MessagingServiceSid"),
              form.first("Body") != nil || !form.all("MediaUrl").isEmpty else {
            return Self.json(400, #"{"code":21602,"message":"Message body is required.","more_info":"https://www.twilio.com/docs/errors/21602","status":400}"#)
        }
        counter += 1
        let sid = "SM\(String(format: "%032x", counter))"
        sent.append(Sent(to: to, from: from, body: form.first("Body"), mediaURLs: form.all("MediaUrl"), statusCallback: form.first("StatusCallback")))
        return Self.json(201, #"{"sid":"\#(sid)","account_sid":"\#(Self.account)","to":"\#(to)","from":"\#(from)","status":"queued","num_segments":"1","error_code":null,"error_message":null,"api_version":"2010-04-01"}"#)
    }

    private func accountInfo(_ request: Request, _ context: BasicRequestContext) -> Response {
        let basic = "Basic " + Data("\(Self.account):\(Self.token)".utf8).base64EncodedString()
        guard context.parameters.get("account") == "\(Self.account).json", request.headers[.authorization] == basic else { return Self.unauthorized }
        return Self.json(200, #"{"sid":"\#(Self.account)","friendly_name":"Loja Demo","status":"active","type":"Full"}"#)
    }

    private func numbers(_ request: Request, _ context: BasicRequestContext) -> Response {
        guard authorized(request, context) else { return Self.unauthorized }
        let wanted = request.uri.queryParameters.get("PhoneNumber")
        let list = wanted == nil || wanted == Self.number
            ? #"[{"sid":"\#(Self.numberSID)","phone_number":"\#(Self.number)","sms_url":"\#(smsURL ?? "")"}]"# : "[]"
        return Self.json(200, #"{"incoming_phone_numbers":\#(list),"page":0,"page_size":50}"#)
    }

    private func updateNumber(_ request: Request, _ context: BasicRequestContext) async throws -> Response {
        guard authorized(request, context) else { return Self.unauthorized }
        guard context.parameters.get("file") == "\(Self.numberSID).json" else {
            return Self.json(404, #"{"code":20404,"message":"The requested resource was not found","status":404}"#)
        }
        let form = FormFields(Array(buffer: try await request.body.collect(upTo: 1 << 16)))
        smsURL = form.first("SmsUrl")
        return Self.json(200, #"{"sid":"\#(Self.numberSID)","phone_number":"\#(Self.number)","sms_url":"\#(smsURL ?? "")","sms_method":"POST"}"#)
    }

    private func mediaRedirect(_ request: Request, _ context: BasicRequestContext) -> Response {
        guard authorized(request, context) else { return Self.unauthorized }
        let id = context.parameters.get("media") ?? ""
        guard media[id] != nil else { return Self.json(404, #"{"code":20404,"message":"The requested resource was not found","status":404}"#) }
        // Twilio answers a media resource with a redirect to a short-lived address on its file host.
        return Response(status: .temporaryRedirect, headers: [.location: "/files/\(id)"])
    }

    private func file(_ id: String) -> Response {
        guard let file = media[id] else { return Self.json(404, "{}") }
        return Response(status: .ok, headers: [.contentType: file.mime], body: .init(byteBuffer: ByteBuffer(data: file.data)))
    }

    static func json(_ status: Int, _ text: String) -> Response {
        Response(status: .init(code: status), headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}

/// A form body's fields, repeated names kept (Twilio's MediaUrl).
struct FormFields {
    let pairs: [(name: String, value: String)]
    init(_ bytes: [UInt8]) { pairs = FormURLEncoding.pairs(bytes: bytes) }
    func first(_ name: String) -> String? { pairs.first { $0.name == name }?.value }
    func all(_ name: String) -> [String] { pairs.filter { $0.name == name }.map(\.value) }
}
