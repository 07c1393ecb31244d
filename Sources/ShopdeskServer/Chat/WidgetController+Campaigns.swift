import Foundation
import Hummingbird
import NIOCore
import ShopdeskCore
import ShopdeskStore

/// The widget's side of proactive campaigns: one small document of the inbox's active campaigns,
/// which the widget caches and evaluates itself, and the calls it makes when it shows one (the
/// display is recorded and its code made), when the visitor clicks, and when they close it.
extension WidgetController {
    struct ShownBody: Decodable { var variant: String }
    struct ShownAnswer: ResponseEncodable { var showId: Int64; var code: String?; var expiresAt: Date? }

    func registerCampaigns(_ api: APIRegistrar) {
        api.onPublic(.get, "/widget/{key}/campaigns", "The chat inbox's active campaigns, for the widget to match visitors against (kept a minute)",
                     tag: "widget") { request, context in
            let inbox = try await chatInbox(request, context)
            let (campaigns, connections) = try await services.database.read { sql in
                (try await CampaignRepository.active(workspaceID: inbox.workspaceID, inboxID: inbox.id, in: sql),
                 try await StoreConnectionRepository.list(workspaceID: inbox.workspaceID, in: sql))
            }
            let (open, _) = try await services.chat.availability(of: inbox)
            let document = try CampaignDocument.encode(campaigns, hoursOpen: open, currency: connections.first?.settings.currency)
            return Response(status: .ok, headers: [.contentType: "application/json", .cacheControl: "public, max-age=60"],
                            body: .init(byteBuffer: ByteBuffer(bytes: document)))
        }
        api.onPublic(.post, "/widget/campaigns/{id}/shown",
                     "The widget shows a campaign's variant to the visitor: the display is recorded and, when the variant offers one, a single-use code made",
                     tag: "widget", body: "ShownBody", status: 201) { request, context in
            let visitor = try await visitor(request)
            try await limit("campaign:\(visitor.id)", 20, 600, "Too many campaigns at once.")
            try await limit("campaign-ip:\(context.remoteAddress?.ipAddress ?? "unknown")", 60, 600, "Too many campaigns at once.")
            guard let id = context.parameters.get("id").flatMap(Int64.init) else { throw Problem(.notFound, "No such campaign.") }
            let body = try await request.decode(as: ShownBody.self, context: context)
            let display = try await services.commerce.showCampaign(workspaceID: visitor.workspaceID, inboxID: visitor.inboxID, campaignID: id,
                                                                   variant: body.variant, visitorID: visitor.id)
            return Created(body: ShownAnswer(showId: display.showID, code: display.code, expiresAt: display.expiresAt))
        }
        for what in ["engaged", "dismissed"] {
            api.onPublic(.post, "/widget/campaigns/shows/{id}/\(what)",
                         what == "engaged" ? "The visitor clicked the campaign's button or opened the chat from it" : "The visitor closed the campaign",
                         tag: "widget", status: 204) { request, context in
                let visitor = try await visitor(request)
                guard let id = context.parameters.get("id").flatMap(Int64.init) else { throw Problem(.notFound, "No such display.") }
                try await services.commerce.markCampaign(what, workspaceID: visitor.workspaceID, showID: id, visitorID: visitor.id)
                return Response(status: .noContent)
            }
        }
    }
}

/// The document the widget reads: the inbox's active campaigns with their rules and variants
/// (never the admins' names for them), and whether the team is in. Also what
/// `shopdesk bench campaigns` measures.
public enum CampaignDocument {
    struct Body: Encodable {
        struct Item: Encodable { var id: Int64; var priority: Int; var definition: CampaignDefinition }
        /// Whether the team is in now (the document is kept a minute).
        var hoursOpen: Bool
        var currency: String?
        var campaigns: [Item]
    }

    public static func encode(_ campaigns: [CampaignRecord], hoursOpen: Bool, currency: String?) throws -> Data {
        try APIJSON.encoder().encode(Body(hoursOpen: hoursOpen, currency: currency,
                                          campaigns: campaigns.map { .init(id: $0.id, priority: $0.priority, definition: $0.definition) }))
    }
}
