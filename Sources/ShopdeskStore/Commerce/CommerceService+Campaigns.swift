import Foundation
import ShopdeskCommerce
import ShopdeskCore
import SQLKit

/// What happens when the widget shows a campaign: the display is recorded (within the campaign's
/// limit per visitor, which the server keeps too, so codes cannot be farmed by replaying the
/// call), a single-use expiring code is made in the shop when the variant offers one, and a
/// visitor who answers starts a conversation that says which campaign it came from.
extension CommerceService {
    public struct CampaignDisplay: Sendable {
        public var showID: Int64
        public var code: String?
        public var expiresAt: Date?
    }

    public func showCampaign(workspaceID: WorkspaceID, inboxID: InboxID, campaignID: Int64, variant key: String, visitorID: Int64) async throws -> CampaignDisplay {
        let time = now()
        guard let campaign = try await database.read({ try await CampaignRepository.find(workspaceID: workspaceID, id: campaignID, in: $0) }),
              campaign.inboxID == inboxID, campaign.status == .active,
              let variant = campaign.definition.variants.first(where: { $0.key == key }) else {
            throw ShopdeskError.notFound("Campaign")
        }
        let (count, last) = try await database.read {
            try await CampaignRepository.shows(workspaceID: workspaceID, campaignID: campaignID, visitorID: visitorID, in: $0)
        }
        let definition = campaign.definition
        if definition.maxShows > 0, count >= definition.maxShows {
            throw ShopdeskError(.conflict, "This visitor has seen the campaign as often as it may be shown.").because("campaign_shown_enough")
        }
        if let last, time.timeIntervalSince(last) < Double(definition.hoursBetween) * 3_600 {
            throw ShopdeskError(.conflict, "This visitor saw the campaign a short while ago.").because("campaign_shown_recently")
        }
        var code: String?
        var expiresAt: Date?
        if let offer = variant.offer {
            let made = try await makeCode(workspaceID: workspaceID, offer: offer, at: time)
            code = made.code
            expiresAt = made.expiresAt
        }
        let issued = code, kind = database.kind
        let showID = try await database.write { sql in
            // Counted again while holding the visitor: two calls at once cannot both show (the
            // code made for the one refused is never handed out).
            if kind == .postgres {
                _ = try await sql.raw("""
                    SELECT id FROM chat_visitors WHERE workspace_id = \(bind: workspaceID.rawValue) AND id = \(bind: visitorID) FOR UPDATE
                    """).all()
            }
            let (shown, _) = try await CampaignRepository.shows(workspaceID: workspaceID, campaignID: campaignID, visitorID: visitorID, in: sql)
            if definition.maxShows > 0, shown >= definition.maxShows {
                throw ShopdeskError(.conflict, "This visitor has seen the campaign as often as it may be shown.").because("campaign_shown_enough")
            }
            return try await CampaignRepository.insertShow(workspaceID: workspaceID, campaignID: campaignID, variant: key, visitorID: visitorID,
                                                           code: issued, at: time, in: sql)
        }
        return CampaignDisplay(showID: showID, code: code, expiresAt: expiresAt)
    }

    /// A code made in the first shop that can make one (the demo's sandbox records it as made).
    private func makeCode(workspaceID: WorkspaceID, offer: CampaignVariant.Offer, at time: Date) async throws -> (code: String, expiresAt: Date) {
        let connections = try await database.read { try await StoreConnectionRepository.list(workspaceID: workspaceID, in: $0) }
        guard let connection = connections.first(where: { $0.platform != .csv }) else {
            throw ShopdeskError(.unavailable, "No connected shop can make discount codes.")
        }
        let alphabet = Array("ABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        let code = offer.prefix.uppercased() + "-" + String((0..<6).map { _ in alphabet[Int.random(in: 0..<alphabet.count)] })
        let expires = time.addingTimeInterval(Double(offer.validHours) * 3_600)
        let discount = DiscountRequest(code: code, percent: offer.percent, fixedAmount: offer.fixedMinor.map { Amount(minor: $0, currency: connection.settings.currency) },
                                       endsAt: expires)
        if let live = try connector(connection) {
            do { _ = try await live.createDiscountCode(discount, customerRef: nil, email: nil) } catch let error as CommerceError {
                throw ShopdeskError(.unavailable, "The shop could not make the campaign's code: \(error)")
            }
        }
        return (code, expires)
    }

    /// The visitor clicked the button or opened the chat from the display, or closed it.
    public func markCampaign(_ what: String, workspaceID: WorkspaceID, showID: Int64, visitorID: Int64) async throws {
        let time = now()
        try await database.write { try await CampaignRepository.mark(what, workspaceID: workspaceID, id: showID, visitorID: visitorID, at: time, in: $0) }
    }

    /// The visitor's first message answered the display: the conversation is linked to it and its
    /// timeline says which campaign, variant and code brought it.
    public func campaignConversation(workspaceID: WorkspaceID, showID: Int64, visitorID: Int64, conversationID: ConversationID) async throws {
        let time = now()
        let events = try await database.write { sql -> [DomainEvent] in
            guard let show = try await CampaignRepository.show(workspaceID: workspaceID, id: showID, visitorID: visitorID, in: sql), show.conversationID == nil,
                  let campaign = try await CampaignRepository.find(workspaceID: workspaceID, id: show.campaignID, in: sql) else { return [] }
            try await CampaignRepository.linkConversation(workspaceID: workspaceID, id: showID, visitorID: visitorID, conversationID: conversationID, at: time, in: sql)
            var payload: [String: JSONValue] = ["campaign_id": .number(Double(campaign.id)), "name": .string(campaign.name), "variant": .string(show.variant)]
            if let code = show.code { payload["code"] = .string(code) }
            if let message = campaign.definition.variants.first(where: { $0.key == show.variant })?.message { payload["message"] = .string(message) }
            return try await EventLog.record([DomainEvent(workspaceID: workspaceID, conversationID: conversationID, kind: .campaignConversation,
                                                          actor: .system, payload: payload, occurredAt: time)], in: sql)
        }
        await publisher?.publish(events)
    }
}
