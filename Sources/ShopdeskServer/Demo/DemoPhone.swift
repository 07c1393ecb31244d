import AsyncHTTPClient
import Foundation
import Hummingbird
import NIOCore
import ShopdeskChannels
import ShopdeskCore
import ShopdeskStore

/// One simulated messaging provider of `shopdesk demo`: a small server inside Shopdesk that
/// speaks the provider's wire format, and the demo's inbox of that kind pointed at it.
protocol DemoProvider: Sendable {
    var kind: InboxKind { get }
    /// Creates the demo's inbox (once the port is known, since the provider address names it).
    func install(port: Int, phone: DemoPhone) async
    /// The customer writes on the phone: the provider delivers it to the inbox's webhook, signed
    /// as the real provider signs.
    func customerWrites(address: String, name: String, text: String) async throws
    func register(on router: Router<AppRequestContext>)
}

/// A simulated provider whose customers may also comment on the shop's post (Messenger, Instagram).
protocol DemoCommenting: DemoProvider {
    func customerComments(address: String, name: String, text: String) async throws
}

/// `shopdesk demo`'s customer phone (`/demo/phone`): a newcomer writes as a Telegram, WhatsApp,
/// Viber, SMS, Messenger or Instagram customer (and comments on the shop's post on the last two)
/// and sees the shop's replies with their delivery ticks. Each channel is a real inbox whose
/// provider address is one of the simulators (`DemoTelegram`, `DemoWhatsApp`, `DemoViber`,
/// `DemoTwilio`, `DemoMeta`), so everything between the phone and the agent is the product's own
/// channel code.
actor DemoPhone {
    struct Bubble: Codable, Sendable {
        var id: Int
        var from: String   // "customer" or "shop"
        var text: String
        var at: Date
        /// The shop's messages: sent, delivered or read, as the provider reported it.
        var status: String?
        var providerID: String?
    }

    private var chats: [String: [Bubble]] = [:]
    private var counter = 0
    private var ready: Set<String> = []

    static func key(_ kind: InboxKind, _ address: String) -> String { "\(kind.rawValue)/\(address)" }

    func installed(_ kind: InboxKind) { ready.insert(kind.rawValue) }
    func isReady(_ kind: InboxKind) -> Bool { ready.contains(kind.rawValue) }

    func customerWrote(_ kind: InboxKind, _ address: String, text: String) -> Int {
        counter += 1
        chats[Self.key(kind, address), default: []].append(Bubble(id: counter, from: "customer", text: text, at: Date()))
        return counter
    }

    /// A message the shop sent through the simulator; nil when the phone never wrote (an unknown chat).
    func shopWrote(_ kind: InboxKind, _ address: String, text: String) -> Int? {
        guard chats[Self.key(kind, address)] != nil else { return nil }
        counter += 1
        chats[Self.key(kind, address), default: []].append(Bubble(id: counter, from: "shop", text: text, at: Date(), status: "sent",
                                                                  providerID: "\(kind.rawValue)-\(counter)"))
        return counter
    }

    /// The phone received (`delivered`) or showed (`read`) a shop message.
    func mark(_ kind: InboxKind, _ address: String, id: Int, status: String) {
        guard var bubbles = chats[Self.key(kind, address)], let index = bubbles.firstIndex(where: { $0.id == id }) else { return }
        bubbles[index].status = status
        chats[Self.key(kind, address)] = bubbles
    }

    func chat(_ kind: InboxKind, _ address: String) -> [Bubble] { chats[Self.key(kind, address)] ?? [] }
}

extension DemoPhone {
    struct Write: Decodable { var name: String; var text: String }
    struct Channel: Encodable { var kind: String; var name: String; var ready: Bool; var comments: Bool }

    /// The phone page and its API; each provider registers its own simulated API.
    nonisolated func register(on router: Router<AppRequestContext>, providers: [any DemoProvider]) {
        let byKind = Dictionary(uniqueKeysWithValues: providers.map { ($0.kind.rawValue, $0) })
        for provider in providers { provider.register(on: router) }
        router.get("demo/phone/channels") { _, _ -> Response in
            var items: [Channel] = []
            for provider in providers {
                let name = ChannelRegistry.standard.adapter(for: provider.kind)?.displayName ?? provider.kind.rawValue
                items.append(Channel(kind: provider.kind.rawValue, name: name, ready: await self.isReady(provider.kind),
                                     comments: provider is any DemoCommenting))
            }
            return try Self.json(["items": items])
        }
        router.get("demo/phone/chats/{kind}/{address}") { _, context -> Response in
            let (kind, address) = try Self.chat(context, byKind)
            return try Self.json(["items": await self.chat(kind, address)])
        }
        // The customer writes a message, or (where the channel has posts) comments on the shop's post.
        router.post("demo/phone/chats/{kind}/{address}/{what}") { request, context -> Response in
            let (kind, address) = try Self.chat(context, byKind)
            guard let provider = byKind[kind.rawValue], await self.isReady(kind) else {
                throw Problem(.serviceUnavailable, "The simulated \(kind.rawValue) is still starting; try again in a moment.")
            }
            let what = context.parameters.get("what")
            guard what == "messages" || what == "comments" && provider is any DemoCommenting else {
                throw Problem(.notFound, "No such thing to write on the demo phone.")
            }
            let body = try await request.decode(as: Write.self, context: context)
            let name = Text.singleLine(body.name), text = body.text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !name.isEmpty, name.count <= 64 else { throw Problem(.unprocessableContent, "Give a name of 1 to 64 characters.", field: "name") }
            guard !text.isEmpty, text.utf16.count <= 1600 else { throw Problem(.unprocessableContent, "Write 1 to 1,600 characters.", field: "text") }
            if let commenting = provider as? any DemoCommenting, what == "comments" {
                try await commenting.customerComments(address: address, name: name, text: text)
            } else {
                try await provider.customerWrites(address: address, name: name, text: text)
            }
            return Response(status: .noContent)
        }
        router.get("demo/phone") { _, _ -> Response in
            var response = Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
                                    body: .init(byteBuffer: ByteBuffer(string: Self.page)))
            response.headers[.contentSecurityPolicy] = "default-src 'self'; frame-ancestors 'none'; base-uri 'none'"
            return response
        }
    }

    /// The chat a path names: a simulated channel and the customer's address on it (a Telegram
    /// chat id, a WhatsApp or SMS number, a Viber user id), checked for shape.
    private static func chat(_ context: AppRequestContext, _ providers: [String: any DemoProvider]) throws -> (InboxKind, String) {
        guard let kind = context.parameters.get("kind").flatMap(InboxKind.init(rawValue:)), providers[kind.rawValue] != nil,
              let address = context.parameters.get("address")?.removingPercentEncoding, (3...40).contains(address.count),
              address.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+=-_".contains($0)) }) else {
            throw Problem(.notFound, "No such chat on the demo phone.")
        }
        return (kind, address)
    }

    static func json(_ value: some Encodable) throws -> Response {
        Response(status: .ok, headers: [.contentType: "application/json", .cacheControl: "no-store"],
                 body: .init(byteBuffer: ByteBuffer(data: try APIJSON.encoder().encode(value))))
    }

    static let page = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Shopdesk demo · a customer's phone</title><link rel="stylesheet" href="/demo-phone.css"></head>
        <body><main class="phone" aria-labelledby="phone-title">
        <header><h1 id="phone-title">Telegram</h1><p id="phone-subtitle">Demo Shop · simulated</p></header>
        <nav id="phone-channels" aria-label="Messenger"></nav>
        <label class="who">Your name <input id="phone-name" maxlength="64" value="Marta"></label>
        <ol id="phone-chat" aria-live="polite"></ol>
        <form id="phone-form"><input id="phone-text" maxlength="1600" autocomplete="off" placeholder="Message" aria-label="Message" required>
        <button type="submit">Send</button><button type="button" id="phone-comment" hidden>Comment on the post</button></form>
        <p id="phone-error" role="alert"></p>
        </main><script type="module" src="/demo-phone.js"></script></body></html>
        """
}

/// What the simulators share: creating the demo inbox, and calling the inbox's webhook as the
/// provider would.
enum DemoProviders {
    static func createInbox(_ services: AppServices, workspaceID: WorkspaceID, kind: InboxKind, name: String,
                            input: [String: String], bot: ChatSettings.BotMode = .off) async throws -> (Inbox, ChannelConfig) {
        guard let adapter = services.channels.adapter(for: kind) else { throw Problem(.internalServerError, "No \(kind.rawValue) adapter.") }
        let setup = ChannelSetup(services: services)
        var settings = try await setup.settings(adapter, input: input, keeping: nil)
        settings.values["status"] = "Simulated: write to this inbox as a customer at /demo/phone."
        settings.bot = bot
        let channel = settings
        let inbox = try await services.database.write { sql in
            let inbox = try await InboxRepository.create(workspaceID: workspaceID, kind: kind, name: name, webhookURL: nil,
                                                         secret: Secrets.token(prefix: "sdi_"), now: Date(), channel: channel, in: sql)
            let agents = try await AgentRepository.list(workspaceID: workspaceID, in: sql).map(\.id)
            try await InboxRepository.setMembers(of: inbox.id, workspaceID: workspaceID, to: agents, in: sql)
            return inbox
        }
        return (inbox, try setup.config(inbox))
    }

    /// The inbox's webhook on this server's loopback address.
    static func webhook(port: Int, _ inbox: Inbox) -> String {
        "http://127.0.0.1:\(port)/api/v1/channels/\(inbox.kind.rawValue)/\(inbox.id)/webhook"
    }

    static func post(_ url: String, headers: [(String, String)], body: Data, provider: String) async throws {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(data: body))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        guard response.status == .ok else { throw Problem(.badGateway, "Shopdesk answered the simulated \(provider) with \(response.status.code).") }
    }

    static func answer(_ status: Int, _ json: String) -> Response {
        Response(status: .init(code: status), headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: json)))
    }

    /// Reports on a shop message a moment later, as a provider's callbacks come: delivered, then
    /// read. The waits are the simulation itself (the newcomer on the phone page sees the ticks
    /// turn), and they also keep the callback after the send's answer, as with a real provider:
    /// a status for a message id Shopdesk has not recorded yet would be dropped.
    static func later(_ steps: [(TimeInterval, @Sendable () async throws -> Void)]) {
        Task {
            for (delay, step) in steps {
                try? await Task.sleep(for: .milliseconds(Int(delay * 1000)))
                try? await step()
            }
        }
    }
}
