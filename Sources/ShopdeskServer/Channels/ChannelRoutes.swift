import Foundation
import Hummingbird
import ShopdeskChannels
import ShopdeskCore
import ShopdeskStore

/// The messaging channels this server speaks (for the settings forms), a channel inbox's
/// connection test, and connecting an inbox to its provider.
struct ChannelRoutes {
    let services: AppServices

    struct ChannelDTO: ResponseEncodable {
        var kind: InboxKind
        var name: String
        var fields: [ChannelField]
        var capabilities: ChannelCapabilities
    }
    struct TestAnswer: ResponseEncodable { var ok: Bool; var message: String; var webhook: String }

    func register(_ api: APIRegistrar) {
        api.on(.get, "/channels", "The messaging channels this server speaks, with their settings and limits", tag: "channels") { _, _ in
            Page(items: services.channels.all.map {
                ChannelDTO(kind: $0.kind, name: $0.displayName, fields: $0.fields, capabilities: $0.capabilities)
            }, nextCursor: nil)
        }
        api.on(.post, "/inboxes/{id}/channel/test", "Call the inbox's messaging provider with its settings and say what it answered",
               tag: "channels", role: .admin) { request, context in
            let inbox = try await services.load("Inbox", request, context) { ws, id, sql in try await InboxRepository.find(workspaceID: ws, id: id, in: sql) }
            guard let adapter = services.channels.adapter(for: inbox.kind) else {
                throw Problem(.unprocessableContent, "Only messaging inboxes have a provider to test.")
            }
            let connected = try await connect(inbox, adapter)
            let webhook = connected.channel?.values["status"] ?? ""
            do {
                let message = try await adapter.test(settings: try ChannelSetup(services: services).config(inbox), http: services.channelHTTP)
                return TestAnswer(ok: true, message: message, webhook: webhook)
            } catch {
                return TestAnswer(ok: false, message: "\(error)", webhook: webhook)
            }
        }
    }

    /// Points the provider at this inbox's webhook and keeps how that went in the inbox's
    /// settings (`status`), where Settings shows it.
    func connect(_ inbox: Inbox, _ adapter: any ChannelAdapter) async throws -> Inbox {
        var updated = inbox
        let status = await ChannelSetup(services: services).connect(inbox, adapter: adapter)
        updated.channel?.values["status"] = status
        let stored = updated
        try await services.database.write { try await InboxRepository.update(stored, in: $0) }
        return updated
    }
}
