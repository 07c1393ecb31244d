import Foundation
import Hummingbird
import ShopdeskCore

/// What a customer sees of their own order without an agent: status, items and tracking; no
/// address, no notes, no internal tags.
struct TrackedOrder: ResponseEncodable {
    struct Item: Encodable { var title: String; var variant: String?; var quantity: Int }
    struct Shipment: Encodable { var carrier: String?; var number: String?; var url: String?; var shippedAt: Date? }
    var number: String
    var placedAt: Date
    var cancelled: Bool
    var financialStatus: String
    var fulfillmentStatus: String
    var total: Amount
    var items: [Item]
    var shipments: [Shipment]
    /// The help center's returns page for this order, when it has shipped and the workspace has a help center.
    var returnsPath: String?

    init(_ order: StoreOrder, helpCenter slug: String? = nil) {
        number = order.number
        placedAt = order.createdAt
        cancelled = order.isCancelled
        financialStatus = order.financialStatus.rawValue
        fulfillmentStatus = order.fulfillmentStatus.rawValue
        total = order.total
        items = order.lineItems.map { Item(title: $0.title, variant: $0.variant, quantity: $0.quantity) }
        shipments = order.fulfillments.map {
            Shipment(carrier: $0.carrier, number: $0.trackingNumber,
                     url: $0.trackingURL.flatMap { $0.hasPrefix("https://") || $0.hasPrefix("http://") ? $0 : nil }, shippedAt: $0.createdAt)
        }
        if let slug, !order.isCancelled, !order.fulfillments.isEmpty || order.fulfillmentStatus == .fulfilled {
            returnsPath = "/help/\(slug)/returns?number=" + (order.plainNumber.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
        }
    }
}
