import Foundation
import ShopdeskCore
import ShopdeskStore

/// The demo's proactive campaign: on the sample shop page after eight seconds, half the visitors
/// get a 10 % code and half an offer of help with sizes, so the A/B results fill in as it is tried.
enum DemoCampaign {
    static func install(workspaceID: WorkspaceID, chatInbox: InboxID, database: Database, now: Date) async throws {
        let definition = CampaignDefinition(
            targeting: CampaignTargeting(urlIncludes: ["*/demo/shop*"], secondsOnPage: 8),
            variants: [
                CampaignVariant(key: "A", weight: 50, message: "Welcome! Here is 10 % off your first order, for the next two days.",
                                offer: .init(percent: 10, validHours: 48, prefix: "WELCOME")),
                CampaignVariant(key: "B", weight: 50, message: "Not sure which size fits? Ask us here, or read the size guide.",
                                button: .init(label: "Size guide", url: "/demo/shop#sizes")),
            ],
            maxShows: 3, hoursBetween: 0, hours: "any", attributionDays: 7)
        let record = CampaignRecord(id: 0, workspaceID: workspaceID, inboxID: chatInbox, name: "Welcome offer", status: .active, priority: 10,
                                    definition: try definition.validated(), createdAt: now, updatedAt: now)
        _ = try await database.write { try await CampaignRepository.save(record, in: $0) }
    }
}
