import Foundation
import ShopdeskCore
import ShopdeskStore

/// Shopify's mandatory compliance webhooks, carried out by the `shop.privacy` job once the
/// signed delivery was stored: `customers/redact` erases the customers it names (by email, phone
/// and the orders it lists), `customers/data_request` lists them for the merchant, whose admins
/// export each one's data from Settings → Shops, and `shop/redact` removes the shop's connection
/// with its order snapshots. Each request is written to the workspace's audit log.
struct ShopPrivacy {
    let services: AppServices

    func run(_ job: Job, workspaceID: WorkspaceID) async throws {
        guard let topic = job.payload["topic"]?.stringValue, let raw = job.payload["connection_id"]?.int64Value else {
            throw JobFailure(description: "The privacy job names no topic or connection.", permanent: true)
        }
        let connectionID = StoreConnectionID(raw)
        let shop = job.payload["shop_domain"]?.stringValue ?? "the shop"
        let orderIDs: [String] = if case .array(let items)? = job.payload["order_ids"] { items.compactMap(\.stringValue) } else { [] }
        let found = try await PrivacyRequests.customers(workspaceID: workspaceID, connectionID: connectionID, email: job.payload["email"]?.stringValue,
                                                        phone: job.payload["phone"]?.stringValue, orderIDs: orderIDs, in: services.database)
        let outcome: String
        switch topic {
        case "customers/redact":
            for customer in found {
                _ = try await CustomersController.erase(customer, workspaceID: workspaceID, actor: .system,
                                                        reason: "Shopify \(topic) from \(shop)", services: services)
            }
            outcome = found.isEmpty ? "no customer found" : "erased"
        case "customers/data_request":
            outcome = found.isEmpty ? "no customer found" : "ready to export"
        case "shop/redact":
            _ = try await services.database.write { try await StoreConnectionRepository.delete(workspaceID: workspaceID, id: connectionID, in: $0) }
            await services.shopifyTokens.forget(connectionID)
            outcome = "shop disconnected and its orders removed"
        default:
            throw JobFailure(description: "Unknown privacy topic \(topic).", permanent: true)
        }
        try await PrivacyRequests.record(workspaceID: workspaceID, topic: topic, shop: shop, customers: found, outcome: outcome, in: services.database)
    }
}
