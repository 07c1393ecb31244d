import Foundation
import Hummingbird
import ShopdeskCommerce
import ShopdeskCore
import ShopdeskStore

/// Takes a shop's webhook: the signature is checked over the raw bytes in constant time before
/// anything is parsed; a delivery seen before answers 200 without doing anything again.
struct StoreWebhookReceiver {
    let services: AppServices

    struct Answer: ResponseEncodable {
        var received: String
    }

    func receive(_ request: Request, connectionID: StoreConnectionID) async throws -> Answer {
        let database = services.database
        // Unknown connection and bad signature answer alike: the caller learns nothing about ids.
        let refused = Problem(.unauthorized, "The webhook signature does not match this shop connection.")
        guard let connection = try await database.read({ try await StoreConnectionRepository.find(id: connectionID, in: $0) }),
              let sealed = connection.sealedWebhookSecret else { throw refused }
        let buffer: ByteBuffer
        do { buffer = try await request.body.collect(upTo: 5 * 1024 * 1024) } catch {
            throw Problem(.contentTooLarge, "A shop webhook can be at most 5 MB.")
        }
        let body = Data(buffer.readableBytesView)
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName] = field.value }
        let secret = try services.secretBox().open(sealed)
        guard StoreWebhooks.verify(platform: connection.platform, secret: secret, body: body, headers: headers) else { throw refused }
        let notice: StoreWebhookNotice?
        do {
            notice = try StoreWebhooks.notice(platform: connection.platform, body: body, headers: headers, siteURL: connection.shopURL)
        } catch {
            throw Problem(.badRequest, "The webhook body is not the JSON the shop sends.")
        }
        guard let notice else { return Answer(received: "ignored") }
        let receipt = try await services.commerce.receiveWebhook(connection: connection, notice: notice)
        if notice.topic == "app/uninstalled" { await services.shopifyTokens.forget(connection.id) }
        return Answer(received: receipt.rawValue)
    }
}
