import Foundation
import Hummingbird
import ShopdeskChannels
import ShopdeskCore
import ShopdeskStore

/// Links a shop puts on its order page so that a customer who opens a chat from it is known
/// (Telegram's t.me/<bot>?start=<payload>): the payload names the customer and is signed for
/// this inbox with a key derived from the server's secret key, so nobody can make one that
/// names someone else. When the chat opens with it, the chat is tied to that customer — their
/// orders are beside it, and an earlier customer of the same chat is merged in.
struct ChannelDeepLinks {
    static let purpose = "channel-deep-link"
    let services: AppServices

    struct Link: Encodable { var inboxId: Int64; var kind: InboxKind; var start: String; var link: String? }
    struct Links: ResponseEncodable { var items: [Link] }

    func register(_ api: APIRegistrar) {
        api.on(.post, "/customers/{id}/channel-links",
               "Links that open a chat with the shop on each messaging inbox that has them (Telegram) and tie it to this customer",
               tag: "channels", role: .agent) { request, context in
            let customer = try await services.load("Customer", request, context) { ws, id, sql in
                try await CustomerRepository.find(workspaceID: ws, id: id, in: sql)
            }
            let ws = context.workspaceID
            let inboxes = try await services.database.read { try await InboxRepository.list(workspaceID: ws, in: $0) }
            var items: [Link] = []
            for inbox in inboxes where inbox.kind == .telegram {
                guard let adapter = services.channels.adapter(for: inbox.kind) else { continue }
                let start = try payload(customer: customer.id, inbox: inbox)
                let link = try? await adapter.deepLink(payload: start, settings: try ChannelSetup(services: services).config(inbox), http: services.channelHTTP)
                items.append(Link(inboxId: inbox.id.rawValue, kind: inbox.kind, start: start, link: link ?? nil))
            }
            return Links(items: items)
        }
    }

    /// "c<customer id in base 36>_<signature>": 64 characters at most, letters, digits, _ and -.
    func payload(customer: CustomerID, inbox: Inbox) throws -> String {
        let id = String(customer.rawValue, radix: 36)
        return "c\(id)_\(try signature(id, inbox: inbox))"
    }

    /// The customer a payload names, if it was signed for this inbox.
    func customer(from payload: String, inbox: Inbox) throws -> CustomerID? {
        guard payload.hasPrefix("c"), let separator = payload.firstIndex(of: "_") else { return nil }
        let id = String(payload[payload.index(after: payload.startIndex)..<separator])
        guard let number = Int64(id, radix: 36), number > 0 else { return nil }
        let given = String(payload[payload.index(after: separator)...])
        return Secrets.constantTimeEquals(given, try signature(id, inbox: inbox)) ? CustomerID(number) : nil
    }

    private func signature(_ id: String, inbox: Inbox) throws -> String {
        String(try services.secretBox().sign("\(inbox.workspaceID.rawValue):\(inbox.id.rawValue):\(id)", purpose: Self.purpose).prefix(24))
    }
}
