import Crypto
import Foundation
import Hummingbird
import ShopdeskCommerce
import ShopdeskCore
import ShopdeskStore

/// Installing Shopdesk on a Shopify shop with the authorization code grant: an admin starts it
/// (the answer is Shopify's approval page, with a one-time `state`), the merchant approves in
/// Shopify, and Shopify's browser redirect comes back to the callback, which checks everything
/// before it trades the code for a token: the `hmac` under the app's secret, the `shop` (a
/// `*.myshopify.com` name, and this connection's), the request's age, and the state (once only).
struct ShopifyInstallRoutes {
    let services: AppServices
    static let callbackPath = "/api/v1/shopify/callback"
    /// How long an admin has to approve in Shopify.
    static let installWindow: TimeInterval = 15 * 60

    struct InstallAnswer: ResponseEncodable {
        var authorizeUrl: String
        var callbackUrl: String
    }

    func register(_ api: APIRegistrar) {
        let database = services.database
        api.on(.post, "/stores/{id}/shopify/install", "Start installing Shopdesk on a Shopify shop: Shopify's approval page to open",
               tag: "commerce", role: .admin) { request, context in
            let connection = try await services.load("Store connection", request, context) {
                try await StoreConnectionRepository.find(workspaceID: $0, id: $1, in: $2)
            }
            let credentials = try StoreConnections.credentials(of: connection, configuration: services.config)
            guard connection.platform == .shopify, credentials.auth == .authorizationCode, let clientID = credentials.clientID else {
                throw Problem(.unprocessableContent, "Only a Shopify shop connected with \"install from the shop\" is installed this way.")
            }
            let nonce = Secrets.hex(Array(SymmetricKey(size: .bits128).withUnsafeBytes { Data($0) }))
            let ws = connection.workspaceID, id = connection.id
            try await database.write { try await StoreTokenRepository.startInstall(workspaceID: ws, connectionID: id, nonce: nonce,
                                                                                   until: Date().addingTimeInterval(Self.installWindow), in: $0) }
            let callback = Self.callbackURL(services.config, request)
            let url = ShopifyOAuth.authorizeURL(adminBase: ShopifyConnector.adminBase(connection.shopURL), clientID: clientID,
                                                scopes: ShopifyOAuth.neededScopes, redirectURI: callback, state: "\(id.rawValue)-\(nonce)")
            return InstallAnswer(authorizeUrl: url, callbackUrl: callback)
        }
        api.onPublic(.get, "/shopify/callback", "Shopify's redirect after a merchant approved Shopdesk (hmac, shop, state and code checked)",
                     tag: "commerce") { request, _ in
            do {
                _ = try await callback(request)
                return Self.redirect(to: "/#/admin/commerce")
            } catch let problem as Problem {
                return Self.page(status: problem.status, problem.detail)
            } catch let error as CommerceError {
                return Self.page(status: .badGateway, "\(error)")
            }
        }
    }

    /// Checks Shopify's callback and stores the token; the connection it was for.
    private func callback(_ request: Request) async throws -> StoreConnectionID {
        let parameters = FormURLEncoding.pairs(request.uri.query ?? "")
        let value = { (name: String) in parameters.first { $0.name == name }?.value }
        // One answer for every forgery: the caller learns nothing about which check failed first.
        let refused = Problem(.forbidden, "This is not a valid answer from Shopify for a Shopdesk install. Start the install again from Settings → Shops.")
        guard let state = value("state"), let dash = state.firstIndex(of: "-"), let rawID = Int64(state[..<dash]),
              let connection = try await services.database.read({ try await StoreConnectionRepository.find(id: StoreConnectionID(rawID), in: $0) }),
              connection.platform == .shopify,
              let credentials = try? StoreConnections.credentials(of: connection, configuration: services.config),
              credentials.auth == .authorizationCode, let clientID = credentials.clientID, let secret = credentials.clientSecret,
              ShopifyOAuth.verify(parameters, secret: secret) else { throw refused }
        // Signed by Shopify: now the shop must be a shop address, and this connection's.
        guard let shop = value("shop")?.lowercased(), ShopifyOAuth.isShopDomain(shop), shop == connection.settings.shopDomain?.lowercased() else {
            throw refused
        }
        // Shopify always signs the time it sent the merchant back; a day later the answer is stale.
        guard let timestamp = value("timestamp").flatMap(Double.init), Date().timeIntervalSince1970 - timestamp <= 24 * 3600 else { throw refused }
        let nonce = String(state[state.index(after: dash)...])
        let ws = connection.workspaceID, id = connection.id
        guard try await services.database.write({ try await StoreTokenRepository.finishInstall(workspaceID: ws, connectionID: id, nonce: nonce,
                                                                                              now: Date(), in: $0) }) else { throw refused }
        if let denied = value("error") { throw Problem(.forbidden, "Shopify did not install Shopdesk: \(denied).") }
        guard let code = value("code"), !code.isEmpty else { throw refused }
        let grant = try await ShopifyOAuth.exchange(code: code, adminBase: ShopifyConnector.adminBase(connection.shopURL), clientID: clientID,
                                                    clientSecret: secret, http: GuardedStoreHTTP(guardrail: services.outboundGuard))
        try await services.shopifyTokens.store(grant, for: connection)
        let missing = grant.missingScopes
        var note = missing.isEmpty ? nil : "Shopify granted fewer permissions than Shopdesk needs (missing: \(missing.joined(separator: ", "))); "
            + "add them to the app's access scopes and install again."
        // Installed: the shop's webhooks are subscribed now, not pasted by hand.
        do {
            _ = try await StoreConnectionRoutes.subscribeWebhooks(connection, services: services, request: request)
        } catch {
            note = [note, "Subscribing the shop's webhooks failed: \(error)"].compactMap { $0 }.joined(separator: " ")
        }
        let problem = note
        try await services.database.write { try await StoreConnectionRepository.setLastError(workspaceID: ws, id: id, problem, in: $0) }
        // Then the shop's customers and recent orders are read, in the background.
        try await StoreSync(commerce: services.commerce, database: services.database).start(connection)
        return id
    }

    /// Where Shopify sends the merchant back: the server's public address, else the address the
    /// admin reached it at. The app's settings in Shopify must list it as an allowed redirect.
    static func callbackURL(_ config: ServerConfiguration, _ request: Request) -> String {
        publicBase(config, request) + callbackPath
    }

    /// The address shops reach this server at: the configured public URL, else the one the admin used.
    static func publicBase(_ config: ServerConfiguration, _ request: Request) -> String {
        var base = config.publicURL ?? "http://\(request.head.authority ?? "\(config.host):\(config.port)")"
        while base.hasSuffix("/") { base.removeLast() }
        return base
    }

    static func redirect(to location: String) -> Response {
        Response(status: .found, headers: [.location: location, .cacheControl: "no-store"])
    }

    static func page(status: HTTPResponse.Status, _ message: String) -> Response {
        let escape = HTMLEscaping.escape
        let html = """
            <!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Shopify install</title></head><body><main><h1>Shopify install</h1><p role="alert">\(escape(message))</p>
            <p><a href="/#/admin/commerce">Back to Settings → Shops</a></p></main></body></html>
            """
        return Response(status: status, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                        body: .init(byteBuffer: ByteBuffer(string: html)))
    }
}
