import Foundation
import Hummingbird
import ShopdeskCommerce
import ShopdeskCore
import ShopdeskStore

/// Admin pages' API for shops: connect, test, change, import CSV, disconnect. Credentials are
/// sealed with the server's secret key and never returned.
struct StoreConnectionRoutes {
    let services: AppServices

    struct Body: Decodable {
        var platform: String?
        var name: String?
        var shopUrl: String?
        /// Shopify: Admin API access token. WooCommerce: consumer key.
        var token: String?
        /// WooCommerce: consumer secret.
        var secret: String?
        /// The secret webhooks are signed with (Shopify: the app's client secret; WooCommerce: the webhook's secret).
        var webhookSecret: String?
        /// Decimal in the shop's currency; empty string removes the threshold.
        var approvalThreshold: String?
        var attributionDays: Int?
        var currency: String?
        /// Percentage discount codes above this (1–100) wait for an admin when a threshold is set.
        var discountPercentLimit: Int?
    }

    struct TestAnswer: ResponseEncodable {
        var ok: Bool
        var shopName: String?
        var currency: String?
        var error: String?
    }

    struct ImportAnswer: ResponseEncodable {
        struct Rejected: Encodable { var line: Int; var reason: String }
        var imported: Int
        var updated: Int
        var rejected: [Rejected]
    }

    func register(_ api: APIRegistrar) {
        let database = services.database
        api.on(.get, "/stores", "Connected shops (credentials are never shown)", tag: "commerce", role: .admin) { _, context in
            let ws = context.workspaceID
            return Page(items: try await database.read { try await StoreConnectionRepository.list(workspaceID: ws, in: $0) }.map(StoreConnectionDTO.init),
                        nextCursor: nil)
        }
        api.on(.post, "/stores", "Connect a shop: shopify (shop_url, token), woocommerce (shop_url, token = consumer key, secret), csv or sandbox",
               tag: "commerce", role: .admin, body: "Body", status: 201) { request, context in
            let body = try await request.decode(as: Body.self, context: context)
            guard let platform = body.platform.flatMap(StorePlatform.init(rawValue:)) else {
                throw Problem(.unprocessableContent, "platform is one of shopify, woocommerce, csv, sandbox.", field: "platform")
            }
            let shopURL = (body.shopUrl ?? "").trimmingCharacters(in: .whitespaces)
            if platform.isLive {
                guard !shopURL.isEmpty else { throw Problem(.unprocessableContent, "Give the shop's address.", field: "shop_url") }
                try await services.outboundGuard.check(shopURL.hasPrefix("http") ? shopURL : "https://" + shopURL)
                guard body.token?.isEmpty == false else { throw Problem(.unprocessableContent, "Give the API token (token).", field: "token") }
                if platform == .woocommerce, body.secret?.isEmpty != false {
                    throw Problem(.unprocessableContent, "WooCommerce needs the consumer secret (secret).", field: "secret")
                }
            }
            let box = try services.secretBox()
            let credentials = try body.token.map { token in
                try box.seal(String(decoding: try JSONEncoder().encode(StoreCredentials(token: token, secret: body.secret)), as: UTF8.self))
            }
            let currency = (body.currency ?? "USD").uppercased()
            var settings = CommerceSettings(approvalThresholdMinor: try threshold(body.approvalThreshold, currency: currency) ?? nil,
                                            attributionDays: try attribution(body.attributionDays) ?? RevenueAttribution.defaultWindowDays, currency: currency)
            settings.discountPercentLimit = try percentLimit(body.discountPercentLimit)
            let chosen = settings
            let name = body.name?.trimmingCharacters(in: .whitespaces).nilIfEmpty ?? (URL(string: shopURL)?.host ?? platform.rawValue.capitalized)
            let sealedWebhook = try body.webhookSecret.flatMap { $0.isEmpty ? nil : try box.seal($0) }
            let ws = context.workspaceID
            let connection = try await database.write { sql in
                try await StoreConnectionRepository.create(workspaceID: ws, platform: platform, name: name, shopURL: shopURL, sealedCredentials: credentials,
                                                           sealedWebhookSecret: sealedWebhook, settings: chosen, now: Date(), in: sql)
            }
            return Created(body: StoreConnectionDTO(connection))
        }
        api.on(.patch, "/stores/{id}", "Change a shop's name, address, credentials, webhook secret, approval threshold or attribution window",
               tag: "commerce", role: .admin, body: "Body") { request, context in
            var connection = try await connection(request, context)
            let body = try await request.decode(as: Body.self, context: context)
            let box = try services.secretBox()
            if let name = body.name?.trimmingCharacters(in: .whitespaces).nilIfEmpty { connection.name = name }
            if let url = body.shopUrl?.trimmingCharacters(in: .whitespaces).nilIfEmpty {
                try await services.outboundGuard.check(url.hasPrefix("http") ? url : "https://" + url)
                connection.shopURL = url
            }
            if let token = body.token?.nilIfEmpty {
                connection.sealedCredentials = try box.seal(String(decoding: try JSONEncoder().encode(StoreCredentials(token: token, secret: body.secret)), as: UTF8.self))
            }
            if let secret = body.webhookSecret { connection.sealedWebhookSecret = secret.isEmpty ? nil : try box.seal(secret) }
            if let currency = body.currency?.uppercased(), currency.count == 3 { connection.settings.currency = currency }
            if let text = body.approvalThreshold { connection.settings.approvalThresholdMinor = try threshold(text, currency: connection.settings.currency) ?? nil }
            if let days = try attribution(body.attributionDays) { connection.settings.attributionDays = days }
            if let limit = try percentLimit(body.discountPercentLimit) { connection.settings.discountPercentLimit = limit }
            let saved = connection
            try await database.write { try await StoreConnectionRepository.update(saved, now: Date(), in: $0) }
            return StoreConnectionDTO(saved)
        }
        api.on(.delete, "/stores/{id}", "Disconnect a shop and forget its order snapshots", tag: "commerce", role: .admin) { request, context in
            let connection = try await connection(request, context)
            guard try await database.write({ try await StoreConnectionRepository.delete(workspaceID: connection.workspaceID, id: connection.id, in: $0) }) else {
                throw Problem(.notFound, "Store connection \(connection.id) was not found.")
            }
            return Response(status: .noContent)
        }
        api.on(.post, "/stores/{id}/test", "Ask the shop who it is with the stored credentials; the answer or the shop's error",
               tag: "commerce", role: .admin) { request, context in
            var connection = try await connection(request, context)
            var answer = TestAnswer(ok: true, shopName: connection.name, currency: connection.settings.currency)
            do {
                if let live = try StoreConnections.connector(for: connection, configuration: services.config, guardrail: services.outboundGuard) {
                    let info = try await live.shopInfo()
                    answer = TestAnswer(ok: true, shopName: info.name, currency: info.currency)
                    connection.settings.currency = info.currency
                }
                connection.lastError = nil
            } catch {
                answer = TestAnswer(ok: false, error: "\(error)")
                connection.lastError = "\(error)"
            }
            let saved = connection
            try await database.write { try await StoreConnectionRepository.update(saved, now: Date(), in: $0) }
            return answer
        }
        api.on(.post, "/stores/{id}/import", "Import a CSV file (text/csv body) of orders (kind=orders) or customers (kind=customers); rejected rows are listed",
               tag: "commerce", role: .admin, body: "binary", query: ["kind"]) { request, context in
            let connection = try await connection(request, context)
            let buffer = try await request.body.collect(upTo: 20 * 1024 * 1024)
            guard let text = String(data: Data(buffer.readableBytesView), encoding: .utf8) else {
                throw Problem(.unprocessableContent, "The file is not UTF-8 text; save the CSV as UTF-8 and try again.")
            }
            do {
                if request.queryString("kind") == "customers" {
                    let (rows, rejected) = try CSVImport.customers(text)
                    let (created, updated) = try await services.commerce.importCustomers(rows, workspaceID: context.workspaceID)
                    return ImportAnswer(imported: created, updated: updated, rejected: rejected.map { .init(line: $0.line, reason: $0.reason) })
                }
                guard connection.platform == .csv || connection.platform == .sandbox else {
                    throw Problem(.unprocessableContent, "Orders of a \(connection.platform.rawValue) shop come from the shop; import orders into a CSV connection.")
                }
                let (orders, rejected) = try CSVImport.orders(text)
                try await services.commerce.importOrders(orders, connection: connection)
                return ImportAnswer(imported: orders.count, updated: 0, rejected: rejected.map { .init(line: $0.line, reason: $0.reason) })
            } catch let error as CSVImport.ImportError {
                throw Problem(.unprocessableContent, error.description)
            }
        }
    }

    private func threshold(_ text: String?, currency: String) throws -> Int64?? {
        guard let text else { return .none }
        if text.isEmpty { return .some(nil) }
        guard let minor = Money.minorUnits(text, currency: currency), minor >= 0 else {
            throw Problem(.unprocessableContent, "The amount above which refunds need an admin's approval is a decimal amount in \(currency), like \"100.00\".", field: "approval_threshold")
        }
        return .some(minor)
    }

    private func attribution(_ days: Int?) throws -> Int? {
        guard let days else { return nil }
        guard (0...90).contains(days) else { throw Problem(.unprocessableContent, "The days a sale counts as brought by support are between 0 and 90.", field: "attribution_days") }
        return days
    }

    private func percentLimit(_ percent: Int?) throws -> Int? {
        guard let percent else { return nil }
        guard (0...100).contains(percent) else {
            throw Problem(.unprocessableContent, "The largest discount an agent may give is a whole percentage from 0 to 100.", field: "discount_percent_limit")
        }
        return percent
    }

    private func connection(_ request: Request, _ context: AuthenticatedContext) async throws -> StoreConnection {
        try await services.load("Store connection", request, context) { try await StoreConnectionRepository.find(workspaceID: $0, id: $1, in: $2) }
    }
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
