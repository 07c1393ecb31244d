import Crypto
import Foundation
import Hummingbird
import NIOCore
import ShopdeskChannels
import ShopdeskCore

/// The demo's WhatsApp: a small Graph API (`/demo/whatsapp/v21.0/…`) in the Cloud API's shapes.
/// The phone's message arrives as a webhook notification signed with the app secret; a reply is
/// taken at `/{phone-number-id}/messages`, and a moment later "delivered" and "read" statuses
/// come back signed, as Meta sends them.
actor DemoWhatsApp: DemoProvider {
    nonisolated var kind: InboxKind { .whatsapp }
    static let phoneNumberID = "100000000000001"
    static let businessAccountID = "100000000000002"
    /// The demo account's approved templates, one per language the demo speaks.
    static let templates = [
        ("order_shipped", "en_US", "Hi {{1}}, your order {{2}} is on its way. Reply here if you have any questions."),
        ("order_shipped", "pt_BR", "Olá {{1}}, o seu pedido {{2}} já está a caminho. Responda aqui se tiver alguma dúvida."),
        ("order_shipped", "ru", "Здравствуйте, {{1}}! Ваш заказ {{2}} уже в пути. Если есть вопросы, ответьте здесь."),
        ("order_shipped", "hr", "Pozdrav {{1}}, vaša narudžba {{2}} je na putu. Odgovorite ovdje ako imate pitanja."),
        ("follow_up", "en_US", "Hi {{1}}, we are following up on your question. Reply here to continue."),
    ]
    private let services: AppServices
    private let workspaceID: WorkspaceID
    private var phone: DemoPhone?
    private var installed: (inbox: Inbox, token: String, secret: String, port: Int)?
    private var sent: [String: (address: String, bubble: Int)] = [:]

    init(services: AppServices, workspaceID: WorkspaceID) {
        self.services = services
        self.workspaceID = workspaceID
    }

    func install(port: Int, phone: DemoPhone) async {
        self.phone = phone
        do {
            let token = "EAADEMO" + Secrets.token(bytes: 12), secret = Secrets.token(bytes: 16)
            let (inbox, _) = try await DemoProviders.createInbox(services, workspaceID: workspaceID, kind: .whatsapp, name: "WhatsApp (simulated)", input: [
                WhatsAppAdapter.Key.phoneNumberID: Self.phoneNumberID, WhatsAppAdapter.Key.accessToken: token,
                WhatsAppAdapter.Key.appSecret: secret, WhatsAppAdapter.Key.apiBase: "http://127.0.0.1:\(port)/demo/whatsapp/v21.0",
                WhatsAppAdapter.Key.businessAccountID: Self.businessAccountID,
            ])
            installed = (inbox, token, secret, port)
            await phone.installed(.whatsapp)
        } catch {
            services.logger.error("The demo WhatsApp inbox could not be set up", metadata: ["error": "\(error)"])
        }
    }

    func customerWrites(address: String, name: String, text: String) async throws {
        guard address.allSatisfy(\.isNumber), (7...15).contains(address.count) else {
            throw Problem(.notFound, "A WhatsApp id is the phone number's 7 to 15 digits.")
        }
        let id = await phone?.customerWrote(.whatsapp, address, text: text) ?? 0
        let message: [String: Any] = ["from": address, "id": "wamid.DEMOIN\(id)", "timestamp": String(Int(Date().timeIntervalSince1970)),
                                      "type": "text", "text": ["body": text]]
        try await notify(["contacts": [["profile": ["name": name], "wa_id": address]], "messages": [message]])
    }

    /// A Cloud API notification to the inbox's webhook, signed with the app secret.
    private func notify(_ value: [String: Any]) async throws {
        guard let installed else { throw Problem(.serviceUnavailable, "The simulated WhatsApp is still starting.") }
        var fields = value
        fields["messaging_product"] = "whatsapp"
        fields["metadata"] = ["display_phone_number": "15550100199", "phone_number_id": Self.phoneNumberID]
        let body = try JSONSerialization.data(withJSONObject: ["object": "whatsapp_business_account", "entry": [
            ["id": "102290129340398", "changes": [["value": fields, "field": "messages"]]],
        ]] as [String: Any])
        let signature = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Data(installed.secret.utf8)))
        try await DemoProviders.post(DemoProviders.webhook(port: installed.port, installed.inbox),
                                     headers: [("Content-Type", "application/json"), ("X-Hub-Signature-256", "sha256=" + Secrets.hex(signature))],
                                     body: body, provider: "WhatsApp")
    }

    private func authorized(_ request: Request) -> Bool { installed.map { request.headers[.authorization] == "Bearer \($0.token)" } ?? false }

    private func messages(_ request: Request) async throws -> Response {
        guard authorized(request) else { return Self.oauthError }
        let body = try JSONSerialization.jsonObject(with: Data(buffer: try await request.body.collect(upTo: 1 << 20))) as? [String: Any] ?? [:]
        guard body["messaging_product"] as? String == "whatsapp", let to = body["to"] as? String, let type = body["type"] as? String else {
            return DemoProviders.answer(400, #"{"error":{"message":"(#100) Invalid parameter","type":"OAuthException","code":100}}"#)
        }
        var text = type == "text" ? ((body["text"] as? [String: Any])?["body"] as? String ?? "") : "📎 \(type)"
        if type == "interactive", let interactive = body["interactive"] as? [String: Any] {
            // The phone shows reply buttons under the text; the customer answers by typing their label.
            let buttons = ((interactive["action"] as? [String: Any])?["buttons"] as? [[String: Any]] ?? [])
                .compactMap { ($0["reply"] as? [String: Any])?["title"] as? String }
            text = ((interactive["body"] as? [String: Any])?["text"] as? String ?? "") + buttons.map { "\n[\($0)]" }.joined()
        }
        if type == "template", let template = body["template"] as? [String: Any] {
            // The phone shows the template's body with its values, as WhatsApp renders it.
            let name = template["name"] as? String, language = (template["language"] as? [String: Any])?["code"] as? String
            let values = (template["components"] as? [[String: Any]] ?? []).flatMap { ($0["parameters"] as? [[String: Any]] ?? []).compactMap { $0["text"] as? String } }
            if let known = Self.templates.first(where: { $0.0 == name && $0.1 == language }) {
                text = ChannelTemplate(name: known.0, language: known.1, category: nil, body: known.2).filled(with: values)
            }
        }
        guard let bubble = await phone?.shopWrote(.whatsapp, to, text: text) else {
            return DemoProviders.answer(400, #"{"error":{"message":"(#131030) Recipient phone number not in allowed list","type":"OAuthException","code":131030}}"#)
        }
        let wamid = "wamid.DEMOOUT\(bubble)"
        sent[wamid] = (to, bubble)
        DemoProviders.later([(0.6, { try await self.report(wamid, "delivered") }), (1.8, { try await self.report(wamid, "read") })])
        return DemoProviders.answer(200, #"{"messaging_product":"whatsapp","contacts":[{"input":"\#(to)","wa_id":"\#(to)"}],"messages":[{"id":"\#(wamid)"}]}"#)
    }

    private func report(_ wamid: String, _ status: String) async throws {
        guard let message = sent[wamid] else { return }
        await phone?.mark(.whatsapp, message.address, id: message.bubble, status: status)
        try await notify(["statuses": [["id": wamid, "status": status, "timestamp": String(Int(Date().timeIntervalSince1970)),
                                        "recipient_id": message.address]]])
    }

    private static let oauthError = DemoProviders.answer(401, #"{"error":{"message":"Invalid OAuth access token - Cannot parse access token","type":"OAuthException","code":190}}"#)

    nonisolated func register(on router: Router<AppRequestContext>) {
        router.post("demo/whatsapp/v21.0/{id}/messages") { request, _ -> Response in try await self.messages(request) }
        router.post("demo/whatsapp/v21.0/{id}/media") { request, _ -> Response in
            guard await self.authorized(request) else { return Self.oauthError }
            _ = try await request.body.collect(upTo: 100 << 20)
            return DemoProviders.answer(200, #"{"id":"\#(UUID().uuidString)"}"#)
        }
        router.get("demo/whatsapp/v21.0/{id}/message_templates") { request, _ -> Response in
            guard await self.authorized(request) else { return Self.oauthError }
            let data = Self.templates.enumerated().map { index, template in
                ["id": String(index + 1), "name": template.0, "language": template.1, "status": "APPROVED", "category": "UTILITY",
                 "components": [["type": "BODY", "text": template.2]]] as [String: Any]
            }
            let body = try JSONSerialization.data(withJSONObject: ["data": data, "paging": ["cursors": ["before": "a", "after": "b"]]])
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(data: body)))
        }
        router.get("demo/whatsapp/v21.0/{id}") { request, _ -> Response in
            guard await self.authorized(request) else { return Self.oauthError }
            return DemoProviders.answer(200, #"{"display_phone_number":"+1 555-010-0199","verified_name":"Demo Shop","id":"\#(Self.phoneNumberID)"}"#)
        }
    }
}
