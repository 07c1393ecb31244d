import Foundation
import Hummingbird
import ShopdeskChannels
import ShopdeskCore
import ShopdeskStore
import Synchronization

/// A messaging inbox's approved templates (WhatsApp's), read from the provider and kept for five
/// minutes per inbox, for the composer and for checking a reply sent as one.
final class ChannelTemplateCache: Sendable {
    static let lifetime: TimeInterval = 300
    private let kept = Mutex<[InboxID: (at: Date, templates: [ChannelTemplate])]>([:])

    func templates(_ inbox: Inbox, adapter: any ChannelAdapter, services: AppServices, refresh: Bool = false) async throws -> [ChannelTemplate] {
        if !refresh, let entry = kept.withLock({ $0[inbox.id] }), Date().timeIntervalSince(entry.at) < Self.lifetime { return entry.templates }
        let templates: [ChannelTemplate]
        do {
            templates = try await adapter.templates(settings: try ChannelSetup(services: services).config(inbox), http: services.channelHTTP)
        } catch let error as ChannelError {
            throw Problem(.badGateway, error.message)
        }
        kept.withLock { $0[inbox.id] = (Date(), templates) }
        return templates
    }
}

struct ChannelTemplates {
    let services: AppServices

    struct TemplateList: ResponseEncodable { var items: [ChannelTemplate] }

    func register(_ api: APIRegistrar) {
        api.on(.get, "/inboxes/{id}/channel/templates",
               "The messaging inbox's approved templates (WhatsApp), which may be sent after its reply window closed; refresh=true reads them again",
               tag: "channels", query: ["refresh"]) { request, context in
            let inbox = try await services.load("Inbox", request, context) { ws, id, sql in try await InboxRepository.find(workspaceID: ws, id: id, in: sql) }
            if let visible = try await services.visibleInboxes(context), !visible.contains(inbox.id) {
                throw Problem(.notFound, "Inbox \(inbox.id.rawValue) does not exist.")
            }
            guard let adapter = services.channels.adapter(for: inbox.kind), adapter.capabilities.templates else {
                return TemplateList(items: [])
            }
            return TemplateList(items: try await services.templateCache.templates(inbox, adapter: adapter, services: services,
                                                                                 refresh: request.queryString("refresh") == "true"))
        }
    }

    /// The template a reply names, checked against the inbox's approved ones, and the text the
    /// customer will read; a problem in words when it does not fit.
    func resolve(_ use: ChannelTemplateUse, conversation: Conversation) async throws -> String {
        let ws = conversation.workspaceID, inboxID = conversation.inboxID
        guard let inbox = try await services.database.read({ try await InboxRepository.find(workspaceID: ws, id: inboxID, in: $0) }),
              let adapter = services.channels.adapter(for: inbox.kind), adapter.capabilities.templates else {
            throw Problem(.unprocessableContent, "Only WhatsApp conversations take message templates.", field: "template")
        }
        let approved = try await services.templateCache.templates(inbox, adapter: adapter, services: services)
        guard let template = approved.first(where: { $0.name == use.name && $0.language == use.language }) else {
            throw Problem(.unprocessableContent, "\(adapter.displayName) has no approved template \(use.name) in \(use.language).", field: "template.name")
        }
        guard use.parameters.count == template.parameterCount else {
            throw Problem(.unprocessableContent, "The template \(use.name) takes \(template.parameterCount) values; \(use.parameters.count) were given.",
                          field: "template.parameters")
        }
        for value in use.parameters where value.trimmingCharacters(in: .whitespaces).isEmpty || value.count > 1000 || value.contains(where: \.isNewline) {
            throw Problem(.unprocessableContent, "Each template value is one line of 1 to 1,000 characters.", field: "template.parameters")
        }
        return template.filled(with: use.parameters)
    }
}
