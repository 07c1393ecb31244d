import Foundation
import Hummingbird
import NIOCore
import ShopdeskChannels
import ShopdeskCore

/// The demo's Messenger and Instagram: a small Graph API (`/demo/meta/{platform}/v21.0/…`) in the
/// Messenger Platform's shapes, one per platform. The phone's direct message arrives as a signed
/// `messaging` notification, a comment on the shop's post as a signed `feed` (Facebook) or
/// `comments` (Instagram) change. Replies are taken at the Send API (a private reply names the
/// comment), public answers at `/{comment-id}/comments` or `/replies`; delivery and read come
/// back a moment later. The post, with a picture drawn here, is served like Meta serves it, and
/// on Instagram one customer has already commented on it when the demo starts.
actor DemoMeta: DemoProvider, DemoCommenting {
    nonisolated let platform: MetaMessagingAdapter.Platform
    nonisolated var kind: InboxKind { platform == .messenger ? .messenger : .instagram }
    static let pageID = "108000000000777"
    private let services: AppServices
    private let workspaceID: WorkspaceID
    private var phone: DemoPhone?
    private var installed: (inbox: Inbox, token: String, secret: String, port: Int)?
    private var sent: [String: (address: String, bubble: Int)] = [:]
    /// Comments as the phone wrote them, by id: who wrote each (answers show in their chat).
    private var comments: [String: String] = [:]
    private var privatelyAnswered: Set<String> = []
    private var counter = 0

    init(_ platform: MetaMessagingAdapter.Platform, services: AppServices, workspaceID: WorkspaceID) {
        self.platform = platform
        self.services = services
        self.workspaceID = workspaceID
    }

    private nonisolated var path: String { "demo/meta/\(kind.rawValue)" }
    private var postID: String { platform == .messenger ? "\(Self.pageID)_900" : "17900000000000900" }

    func install(port: Int, phone: DemoPhone) async {
        self.phone = phone
        do {
            let token = "EAADEMO" + Secrets.token(bytes: 12), secret = Secrets.token(bytes: 16)
            let name = platform == .messenger ? "Messenger (simulated)" : "Instagram (simulated)"
            let (inbox, _) = try await DemoProviders.createInbox(services, workspaceID: workspaceID, kind: kind, name: name, input: [
                MetaMessagingAdapter.Key.pageID: Self.pageID, MetaMessagingAdapter.Key.accessToken: token,
                MetaMessagingAdapter.Key.appSecret: secret, MetaMessagingAdapter.Key.apiBase: "http://127.0.0.1:\(port)/\(path)/v21.0",
            ])
            installed = (inbox, token, secret, port)
            await phone.installed(kind)
            // A customer asked under the post before the demo started: a comment thread to answer.
            // Delivered once the server answers requests (it does not while this install runs).
            if platform == .instagram {
                Task {
                    do {
                        try await customerComments(address: "17841400000000777", name: "marta.kovac", text: "Ima li ova haljina u plavoj boji? 💙")
                    } catch {
                        services.logger.error("The demo's Instagram comment could not be delivered", metadata: ["error": "\(error)"])
                    }
                }
            }
        } catch {
            services.logger.error("The demo \(kind.rawValue) inbox could not be set up", metadata: ["error": "\(error)"])
        }
    }

    func customerWrites(address: String, name: String, text: String) async throws {
        guard address.allSatisfy(\.isNumber) else { throw Problem(.notFound, "A \(kind.rawValue) id is digits.") }
        let id = await phone?.customerWrote(kind, address, text: text) ?? 0
        let event: [String: Any] = ["sender": ["id": address], "recipient": ["id": Self.pageID], "timestamp": Self.now,
                                    "message": ["mid": "m_DEMOIN\(kind.rawValue)\(id)", "text": text]]
        try await notify(["messaging": [event]])
    }

    /// The phone's customer comments on the shop's post.
    func customerComments(address: String, name: String, text: String) async throws {
        guard address.allSatisfy(\.isNumber) else { throw Problem(.notFound, "A \(kind.rawValue) id is digits.") }
        _ = await phone?.customerWrote(kind, address, text: "💬 \(text)")
        counter += 1
        let id = platform == .messenger ? "900_\(counter)" : "1780000000000\(1000 + counter)"
        comments[id] = address
        let value: [String: Any] = platform == .messenger
            ? ["from": ["id": address, "name": name], "item": "comment", "verb": "add", "comment_id": id, "post_id": postID, "parent_id": postID,
               "message": text, "created_time": Int(Date().timeIntervalSince1970)]
            : ["from": ["id": address, "username": name], "media": ["id": postID, "media_product_type": "FEED"], "id": id, "text": text]
        try await notify(["changes": [["field": platform == .messenger ? "feed" : "comments", "value": value]]])
    }

    private static var now: Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    /// A notification to the inbox's webhook, signed with the app secret as Meta signs.
    private func notify(_ entry: [String: Any]) async throws {
        guard let installed else { throw Problem(.serviceUnavailable, "The simulated \(kind.rawValue) is still starting.") }
        var fields = entry
        fields["id"] = Self.pageID
        fields["time"] = Self.now
        let body = try JSONSerialization.data(withJSONObject: ["object": platform == .messenger ? "page" : "instagram", "entry": [fields]])
        try await DemoProviders.post(DemoProviders.webhook(port: installed.port, installed.inbox),
                                     headers: [("Content-Type", "application/json"),
                                               ("X-Hub-Signature-256", "sha256=" + Secrets.hmacSHA256Hex(key: installed.secret, message: body))],
                                     body: body, provider: kind.rawValue)
    }

    private func authorized(_ request: Request) -> Bool { installed.map { request.headers[.authorization] == "Bearer \($0.token)" } ?? false }
    private static let refused = DemoProviders.answer(400, #"{"error":{"message":"Invalid OAuth access token","type":"OAuthException","code":190}}"#)

    private func send(_ request: Request) async throws -> Response {
        guard authorized(request) else { return Self.refused }
        let body = try JSONSerialization.jsonObject(with: Data(buffer: try await request.body.collect(upTo: 1 << 20))) as? [String: Any] ?? [:]
        let recipient = body["recipient"] as? [String: Any] ?? [:]
        let message = body["message"] as? [String: Any] ?? [:]
        let text = message["text"] as? String ?? "📎 \(((message["attachment"] as? [String: Any])?["type"] as? String) ?? "file")"
        // A private reply names the comment; it lands in its author's chat, once per comment.
        var address = recipient["id"] as? String
        if let comment = recipient["comment_id"] as? String {
            guard let author = comments[comment], !privatelyAnswered.contains(comment) else {
                return DemoProviders.answer(400, #"{"error":{"message":"(#10900) Activity already replied to","type":"OAuthException","code":10900}}"#)
            }
            privatelyAnswered.insert(comment)
            address = author
        }
        guard let address, let bubble = await phone?.shopWrote(kind, address, text: text) else {
            return DemoProviders.answer(400, #"{"error":{"message":"(#551) This person isn't available right now.","type":"OAuthException","code":551}}"#)
        }
        counter += 1
        let mid = "m_DEMOOUT\(kind.rawValue)\(counter)"
        sent[mid] = (address, bubble)
        DemoProviders.later([(0.6, { try await self.report(mid, read: false) }), (1.8, { try await self.report(mid, read: true) })])
        return DemoProviders.answer(200, #"{"recipient_id":"\#(address)","message_id":"\#(mid)"}"#)
    }

    private func report(_ mid: String, read: Bool) async throws {
        guard let message = sent[mid] else { return }
        await phone?.mark(kind, message.address, id: message.bubble, status: read ? "read" : "delivered")
        let event: [String: Any] = read
            ? ["sender": ["id": message.address], "recipient": ["id": Self.pageID], "timestamp": Self.now, "read": ["watermark": Self.now]]
            : ["sender": ["id": message.address], "recipient": ["id": Self.pageID], "delivery": ["mids": [mid], "watermark": Self.now]]
        try await notify(["messaging": [event]])
    }

    /// A public answer under a comment: shown in the commenter's chat as the post shows it.
    private func answerComment(_ request: Request, comment: String) async throws -> Response {
        guard authorized(request) else { return Self.refused }
        let body = try JSONSerialization.jsonObject(with: Data(buffer: try await request.body.collect(upTo: 1 << 20))) as? [String: Any] ?? [:]
        guard let text = body["message"] as? String, let author = comments[comment] else {
            return DemoProviders.answer(400, #"{"error":{"message":"(#100) Unsupported post request","type":"GraphMethodException","code":100}}"#)
        }
        _ = await phone?.shopWrote(kind, author, text: "💬 \(text)")
        counter += 1
        return DemoProviders.answer(200, #"{"id":"\#(comment)_\#(counter)"}"#)
    }

    private func object(_ request: Request, id: String) -> Response {
        guard authorized(request), let installed else { return Self.refused }
        if id == postID {
            let image = "http://127.0.0.1:\(installed.port)/\(path)/media/post.png"
            return platform == .messenger
                ? DemoProviders.answer(200, #"{"message":"New in: the Aurora dress, now in three colours 🌸","full_picture":"\#(image)","permalink_url":"https://www.facebook.com/demoshop/posts/900","id":"\#(id)"}"#)
                : DemoProviders.answer(200, #"{"caption":"New in: the Aurora dress, now in three colours 🌸","media_type":"IMAGE","media_url":"\#(image)","permalink":"https://www.instagram.com/p/DEMOAURORA/","id":"\#(id)"}"#)
        }
        return DemoProviders.answer(200, #"{"name":"Demo Shop","instagram_business_account":{"username":"demoshop","id":"17841400000000001"},"id":"\#(Self.pageID)"}"#)
    }

    private func moderate(_ request: Request, id: String, deleting: Bool) async -> Response {
        guard authorized(request), let author = comments[id] else { return Self.refused }
        let hidden = request.uri.queryParameters.get("is_hidden") ?? request.uri.queryParameters.get("hide")
        let what = deleting ? "deleted" : hidden == "true" ? "hidden" : "shown again"
        _ = await phone?.shopWrote(kind, author, text: "(The shop \(what) your comment.)")
        return DemoProviders.answer(200, #"{"success":true}"#)
    }

    nonisolated func register(on router: Router<AppRequestContext>) {
        let api = "\(path)/v21.0"
        router.post("\(api)/{id}/messages") { request, _ in try await self.send(request) }
        router.post("\(api)/{id}/subscribed_apps") { _, _ in DemoProviders.answer(200, #"{"success":true}"#) }
        router.post("\(api)/{id}/comments") { request, context in try await self.answerComment(request, comment: context.parameters.get("id") ?? "") }
        router.post("\(api)/{id}/replies") { request, context in try await self.answerComment(request, comment: context.parameters.get("id") ?? "") }
        router.post("\(api)/{id}") { request, context in await self.moderate(request, id: context.parameters.get("id") ?? "", deleting: false) }
        router.delete("\(api)/{id}") { request, context in await self.moderate(request, id: context.parameters.get("id") ?? "", deleting: true) }
        router.get("\(api)/{id}") { request, context in await self.object(request, id: context.parameters.get("id") ?? "") }
        router.get("\(path)/media/post.png") { _, _ in
            Response(status: .ok, headers: [.contentType: "image/png"], body: .init(byteBuffer: ByteBuffer(bytes: DemoPicture.dress)))
        }
    }
}

/// The demo post's picture, drawn here so the demo needs no image files: a dress in three
/// colours on a light background, as a PNG (stored, uncompressed deflate blocks).
enum DemoPicture {
    static let dress: [UInt8] = png(width: 96, height: 96) { x, y in
        let dx = abs(x - 48), band = x / 32
        let colours: [(UInt8, UInt8, UInt8)] = [(0xE5, 0x6B, 0x8A), (0x4A, 0x7B, 0xD0), (0x3F, 0xA3, 0x7C)]
        // A simple dress outline: narrow at the top, flared towards the hem.
        let halfWidth = y < 20 ? 0 : y < 40 ? 10 : 10 + (y - 40) * 2 / 3
        return y >= 14 && y < 90 && dx <= halfWidth ? colours[band] : (0xF6, 0xF1, 0xEA)
    }

    static func png(width: Int, height: Int, pixel: (Int, Int) -> (UInt8, UInt8, UInt8)) -> [UInt8] {
        var raw: [UInt8] = []
        for y in 0..<height {
            raw.append(0)   // no filter
            for x in 0..<width { let (r, g, b) = pixel(x, y); raw += [r, g, b] }
        }
        // zlib: header, one stored block per 65,535 bytes, Adler-32.
        var zlib: [UInt8] = [0x78, 0x01]
        var offset = 0
        repeat {
            let count = min(65_535, raw.count - offset)
            let last: UInt8 = offset + count == raw.count ? 1 : 0
            zlib += [last, UInt8(count & 0xFF), UInt8(count >> 8), UInt8(~count & 0xFF), UInt8((~count >> 8) & 0xFF)]
            zlib += raw[offset..<(offset + count)]
            offset += count
        } while offset < raw.count
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in raw { a = (a + UInt32(byte)) % 65_521; b = (b + a) % 65_521 }
        zlib += bigEndian((b << 16) | a)
        let header = bigEndian(UInt32(width)) + bigEndian(UInt32(height)) + [8, 2, 0, 0, 0]
        return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + chunk("IHDR", header) + chunk("IDAT", zlib) + chunk("IEND", [])
    }

    private static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let body = Array(type.utf8) + data
        return bigEndian(UInt32(data.count)) + body + bigEndian(crc32(body))
    }

    private static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    private static func bigEndian(_ value: UInt32) -> [UInt8] { [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)] }
}
