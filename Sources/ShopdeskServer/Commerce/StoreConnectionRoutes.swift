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
        /// Shopify: how Shopdesk gets its token — `token` (a legacy custom app's Admin API token),
        /// `client_credentials` (an app of the shop's own organization) or `authorization_code`
        /// (installed from the shop, approved by the merchant).
        var auth: String?
        /// Shopify, for the grants: the app's client id and secret (Dev Dashboard → Settings).
        var clientId: String?
        var clientSecret: String?
        /// Shopify: the shop's `<name>.myshopify.com` address when `shop_url` is another (a proxy).
        var shopDomain: String?
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
        /// Shopify: the topics the shop sends to Shopdesk (all of them after the test), and those
        /// subscribed by this test.
        var webhooks: [String]?
        var webhooksCreated: [String]?
        var webhooksError: String?
    }

    struct PrivacyRequestDTO: ResponseEncodable {
        var topic: String
        var shopDomain: String
        var customerIds: [Int64]
        var outcome: String
        var at: Date
    }

    struct ImportAnswer: ResponseEncodable {
        struct Rejected: Encodable { var line: Int; var reason: String }
        var imported: Int
        var updated: Int
        var rejected: [Rejected]
    }

    func register(_ api: APIRegistrar) {
        let database = services.database
        api.on(.get, "/stores", "Connected shops (credentials are never shown)", tag: "commerce", role: .admin) { request, context in
            let ws = context.workspaceID
            var items: [StoreConnectionDTO] = []
            for connection in try await database.read({ try await StoreConnectionRepository.list(workspaceID: ws, in: $0) }) {
                items.append(try await dto(connection, request))
            }
            return Page(items: items, nextCursor: nil)
        }
        api.on(.get, "/stores/privacy-requests", "Shops' privacy requests (data requests, erasures, shop removals), newest first",
               tag: "commerce", role: .admin) { _, context in
            let records = try await PrivacyRequests.recent(workspaceID: context.workspaceID, in: database)
            return Page(items: records.map { PrivacyRequestDTO(topic: $0.topic, shopDomain: $0.shopDomain, customerIds: $0.customerIDs.map(\.rawValue),
                                                               outcome: $0.outcome, at: $0.at) }, nextCursor: nil)
        }
        api.on(.post, "/stores", "Connect a shop: shopify (shop_url, token), woocommerce (shop_url, token = consumer key, secret), csv or sandbox",
               tag: "commerce", role: .admin, body: "Body", status: 201) { request, context in
            let body = try await request.decode(as: Body.self, context: context)
            guard let platform = body.platform.flatMap(StorePlatform.init(rawValue:)) else {
                throw Problem(.unprocessableContent, "platform is one of shopify, woocommerce, csv, sandbox.", field: "platform")
            }
            let shopURL = (body.shopUrl ?? "").trimmingCharacters(in: .whitespaces)
            let auth = try Self.auth(body, platform: platform)
            if platform.isLive {
                guard !shopURL.isEmpty else { throw Problem(.unprocessableContent, "Give the shop's address.", field: "shop_url") }
                try await services.outboundGuard.check(shopURL.hasPrefix("http") ? shopURL : "https://" + shopURL)
                if auth == .token, body.token?.isEmpty != false { throw Problem(.unprocessableContent, "Give the API token (token).", field: "token") }
                if platform == .woocommerce, body.secret?.isEmpty != false {
                    throw Problem(.unprocessableContent, "WooCommerce needs the consumer secret (secret).", field: "secret")
                }
            }
            let shopDomain = try Self.shopDomain(body, shopURL: shopURL, auth: auth)
            let box = try services.secretBox()
            let stored: StoreCredentials? = switch auth {
            case .token: body.token.map { StoreCredentials(token: $0, secret: body.secret) }
            case .clientCredentials, .authorizationCode: try Self.grantCredentials(body, auth: auth)
            }
            let credentials = try stored.map { try box.seal(String(decoding: try JSONEncoder().encode($0), as: UTF8.self)) }
            let currency = (body.currency ?? "USD").uppercased()
            var settings = CommerceSettings(approvalThresholdMinor: try threshold(body.approvalThreshold, currency: currency) ?? nil,
                                            attributionDays: try attribution(body.attributionDays) ?? RevenueAttribution.defaultWindowDays, currency: currency)
            settings.discountPercentLimit = try percentLimit(body.discountPercentLimit)
            settings.shopDomain = shopDomain
            let chosen = settings
            let name = body.name?.trimmingCharacters(in: .whitespaces).nilIfEmpty ?? (URL(string: shopURL)?.host ?? platform.rawValue.capitalized)
            // A Dev Dashboard app signs its webhooks with its client secret.
            let webhookSecret = body.webhookSecret?.nilIfEmpty ?? (auth == .token ? nil : body.clientSecret)
            let sealedWebhook = try webhookSecret.map { try box.seal($0) }
            let ws = context.workspaceID
            let connection = try await database.write { sql in
                try await StoreConnectionRepository.create(workspaceID: ws, platform: platform, name: name, shopURL: shopURL, sealedCredentials: credentials,
                                                           sealedWebhookSecret: sealedWebhook, settings: chosen, now: Date(), in: sql)
            }
            return Created(body: try await dto(connection, request))
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
            let existing = try? StoreConnections.credentials(of: connection, configuration: services.config)
            let auth = body.auth == nil ? existing?.auth ?? .token : try Self.auth(body, platform: connection.platform)
            if auth == .token, let token = body.token?.nilIfEmpty {
                connection.sealedCredentials = try box.seal(String(decoding: try JSONEncoder().encode(StoreCredentials(token: token, secret: body.secret)), as: UTF8.self))
            } else if auth != .token, body.auth != nil || body.clientId != nil || body.clientSecret != nil {
                var merged = body
                merged.clientId = body.clientId ?? existing?.clientID
                merged.clientSecret = body.clientSecret ?? existing?.clientSecret
                connection.sealedCredentials = try box.seal(String(decoding: try JSONEncoder().encode(try Self.grantCredentials(merged, auth: auth)), as: UTF8.self))
                await services.shopifyTokens.forget(connection.id)
            }
            if body.shopDomain != nil || body.auth != nil {
                connection.settings.shopDomain = try Self.shopDomain(body, shopURL: body.shopUrl ?? connection.shopURL, auth: auth)
            }
            if let secret = body.webhookSecret { connection.sealedWebhookSecret = secret.isEmpty ? nil : try box.seal(secret) }
            if let currency = body.currency?.uppercased(), currency.count == 3 { connection.settings.currency = currency }
            if let text = body.approvalThreshold { connection.settings.approvalThresholdMinor = try threshold(text, currency: connection.settings.currency) ?? nil }
            if let days = try attribution(body.attributionDays) { connection.settings.attributionDays = days }
            if let limit = try percentLimit(body.discountPercentLimit) { connection.settings.discountPercentLimit = limit }
            let saved = connection
            try await database.write { try await StoreConnectionRepository.update(saved, now: Date(), in: $0) }
            return try await dto(saved, request)
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
                if let live = try StoreConnections.connector(for: connection, configuration: services.config, guardrail: services.outboundGuard,
                                                             tokens: services.shopifyTokens) {
                    let info = try await live.shopInfo()
                    answer = TestAnswer(ok: true, shopName: info.name, currency: info.currency)
                    connection.settings.currency = info.currency
                    if connection.settings.shopDomain == nil, let domain = info.domain, ShopifyOAuth.isShopDomain(domain) {
                        connection.settings.shopDomain = domain.lowercased()
                    }
                    // The shop answered: a webhook problem is reported beside that, not instead of it.
                    do {
                        if let subscribed = try await Self.subscribeWebhooks(connection, services: services, request: request) {
                            answer.webhooks = subscribed.present + subscribed.created
                            answer.webhooksCreated = subscribed.created
                        }
                    } catch {
                        answer.webhooksError = "\(error)"
                    }
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
        api.on(.post, "/stores/{id}/sync", "Read the shop's customers and recent orders (again), a few pages at a time; its progress is in the shop's sync",
               tag: "commerce", role: .admin) { request, context in
            let connection = try await connection(request, context)
            guard try StoreConnections.connector(for: connection, configuration: services.config, guardrail: services.outboundGuard,
                                                 tokens: services.shopifyTokens) is any StoreBackfilling else {
                throw Problem(.unprocessableContent, "A \(connection.platform.rawValue) shop's orders come from its files; Shopify and WooCommerce shops are read whole.")
            }
            try await StoreSync(commerce: services.commerce, database: database).start(connection)
            return try await dto(connection, request)
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

    /// How a Shopify connection signs in (`token` for every other platform).
    static func auth(_ body: Body, platform: StorePlatform) throws -> ShopifyAuth {
        guard platform == .shopify, let text = body.auth else { return .token }
        guard let auth = ShopifyAuth(rawValue: text) else {
            throw Problem(.unprocessableContent, "auth is one of token, client_credentials, authorization_code.", field: "auth")
        }
        return auth
    }

    static func grantCredentials(_ body: Body, auth: ShopifyAuth) throws -> StoreCredentials {
        guard let id = body.clientId?.trimmingCharacters(in: .whitespaces).nilIfEmpty else {
            throw Problem(.unprocessableContent, "Give the app's client id (Dev Dashboard → your app → Settings).", field: "client_id")
        }
        guard let secret = body.clientSecret?.trimmingCharacters(in: .whitespaces).nilIfEmpty else {
            throw Problem(.unprocessableContent, "Give the app's client secret (Dev Dashboard → your app → Settings).", field: "client_secret")
        }
        return StoreCredentials(auth: auth, clientID: id, clientSecret: secret)
    }

    /// The shop's myshopify.com address: given, or the shop address's host. Installing from the
    /// shop needs it (Shopify's callback names the shop by it).
    static func shopDomain(_ body: Body, shopURL: String, auth: ShopifyAuth) throws -> String? {
        if let given = body.shopDomain?.trimmingCharacters(in: .whitespaces).lowercased().nilIfEmpty {
            guard ShopifyOAuth.isShopDomain(given) else {
                throw Problem(.unprocessableContent, "The shop's domain is its <name>.myshopify.com address.", field: "shop_domain")
            }
            return given
        }
        let host = URL(string: shopURL.hasPrefix("http") ? shopURL : "https://" + shopURL)?.host?.lowercased()
        if let host, ShopifyOAuth.isShopDomain(host) { return host }
        if auth == .authorizationCode {
            throw Problem(.unprocessableContent, "Installing from the shop needs its <name>.myshopify.com address.", field: "shop_url")
        }
        return nil
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

    /// Subscribes a Shopify shop's webhooks (orders, fulfillments, refunds, the app's removal) to
    /// this connection's address; nil for other platforms. Without a webhook secret Shopdesk could
    /// not check what the shop sends, so it asks for one instead.
    static func subscribeWebhooks(_ connection: StoreConnection, services: AppServices,
                                  request: Request) async throws -> (present: [String], created: [String])? {
        guard connection.platform == .shopify,
              let shopify = try StoreConnections.connector(for: connection, configuration: services.config, guardrail: services.outboundGuard,
                                                           tokens: services.shopifyTokens) as? ShopifyConnector else { return nil }
        guard connection.sealedWebhookSecret != nil else {
            throw CommerceError.rejected("Add the webhook secret (the app's client secret) so that Shopdesk can check what the shop sends; then test again.")
        }
        let uri = ShopifyInstallRoutes.publicBase(services.config, request) + "/api/v1/stores/\(connection.id.rawValue)/webhooks"
        return try await shopify.ensureWebhooks(uri: uri)
    }

    /// The connection as the admin sees it; for Shopify's grants, how it signs in and its token's state.
    func dto(_ connection: StoreConnection, _ request: Request) async throws -> StoreConnectionDTO {
        var dto = StoreConnectionDTO(connection)
        if let sync = try await services.database.read({ try await StoreSync.state(workspaceID: connection.workspaceID, connectionID: connection.id, in: $0) }) {
            dto.sync = StoreConnectionDTO.SyncState(phase: sync.phase.rawValue, customers: sync.customers, orders: sync.orders,
                                                    customersTotal: sync.customersTotal, ordersTotal: sync.ordersTotal, startedAt: sync.startedAt,
                                                    finishedAt: sync.finishedAt, error: sync.error)
        }
        guard connection.platform == .shopify, let credentials = try? StoreConnections.credentials(of: connection, configuration: services.config) else {
            return dto
        }
        let auth = credentials.auth ?? .token
        dto.auth = auth.rawValue
        guard auth != .token else { return dto }
        dto.callbackUrl = ShopifyInstallRoutes.callbackURL(services.config, request)
        let stored = try await services.database.read { try await StoreTokenRepository.find(workspaceID: connection.workspaceID, connectionID: connection.id, in: $0) }
        let grant = try? await services.shopifyTokens.stored(connection)
        dto.token = StoreConnectionDTO.TokenState(present: grant != nil, expiresAt: grant?.expiresAt, scopes: grant?.scopes ?? [],
                                                  missingScopes: grant?.missingScopes ?? [], renewals: stored?.renewals ?? 0, renewedAt: stored?.renewedAt)
        return dto
    }

    private func connection(_ request: Request, _ context: AuthenticatedContext) async throws -> StoreConnection {
        try await services.load("Store connection", request, context) { try await StoreConnectionRepository.find(workspaceID: $0, id: $1, in: $2) }
    }
}

extension String {
    var nilIfEmpty: String? { isEmpty ? nil : self }
}
