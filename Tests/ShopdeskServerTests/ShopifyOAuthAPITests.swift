import Foundation
import HTTPTypes
import ShopdeskCommerce
import ShopdeskCore
@testable import ShopdeskServer
import ShopdeskStore
import ShopdeskTestSupport
import Testing

/// Shopify as a shop connects in 2026: an app of the shop's own (client credentials) and Shopdesk
/// installed from the shop (authorization code, expiring offline tokens), against the fake
/// Shopify's OAuth endpoints. Callbacks are signed by Shopify's own Python library where the
/// test Python has it.
@Suite("Commerce: Shopify sign-in by OAuth")
struct ShopifyOAuthAPITests {
    static let app = #""client_id":"\#(FakeShopifyOAuth.clientID)","client_secret":"\#(FakeShopifyOAuth.clientSecret)""#

    static func withShop(_ kind: DatabaseKind, auth: String, _ body: @Sendable (Harness, FakeShopify, _ connection: Int64) async throws -> Void) async throws {
        try await FakeShopify.run { shop, url in
            try await Harness.run(kind, mode: .live, configure: { $0.allowPrivateWebhookTargets = true }) { harness in
                let created = try await harness.client.json(.post, "/api/v1/stores", token: harness.ownerToken, body: """
                    {"platform":"shopify","name":"Fake Outfitters","shop_url":"\(url)","shop_domain":"\(FakeShopifyOAuth.shopDomain)",\
                    "auth":"\(auth)",\(app),"currency":"EUR"}
                    """)
                #expect(created.status == .created, "\(created.text)")
                #expect(!created.text.contains(FakeShopifyOAuth.clientSecret), "the secret never leaves the server")
                try await body(harness, shop, try created.int("id"))
            }
        }
    }

    static func shopState(_ harness: Harness, _ connection: Int64) async throws -> [String: Any] {
        let listed = try await harness.client.json(.get, "/api/v1/stores", token: harness.ownerToken)
        #expect(!listed.text.contains(FakeShopifyOAuth.clientSecret) && !listed.text.contains("shpat_granted"), "no secret or token in \(listed.text)")
        return try #require(listed.items.first { $0["id"] as? Int64 == connection || $0["id"] as? Int == Int(connection) })
    }

    @Test(arguments: TestDatabase.kinds)
    func clientCredentialsAreRenewedOnceForEveryoneWaiting(kind: DatabaseKind) async throws {
        try await Self.withShop(kind, auth: "client_credentials") { harness, shop, connection in
            let tested = try await harness.client.json(.post, "/api/v1/stores/\(connection)/test", token: harness.ownerToken)
            #expect(try tested.string("shop_name") == "Fake Outfitters", "\(tested.text)")
            #expect(await shop.oauth.tokenRequests("client_credentials") == 1)
            let state = try await Self.shopState(harness, connection)
            #expect(state["auth"] as? String == "client_credentials")
            let token = try #require(state["token"] as? [String: Any])
            #expect(token["present"] as? Bool == true && (token["missing_scopes"] as? [String])?.isEmpty == true, "\(token)")
            // Shopify revokes the token early; eight calls at once find out together, and one renewal
            // serves them all. (Made on the server's own connector: the test client's fixed 20 s
            // timeout is not what is tested, and a loaded machine reached it.)
            await shop.oauth.revokeAll()
            await shop.oauth.setDelay(.milliseconds(300))
            let stored = try #require(try await harness.services.database.read {
                try await StoreConnectionRepository.find(workspaceID: harness.workspaceID, id: StoreConnectionID(connection), in: $0)
            })
            let live = try #require(try StoreConnections.connector(for: stored, configuration: harness.services.config,
                                                                   guardrail: harness.services.outboundGuard, tokens: harness.services.shopifyTokens))
            try await withThrowingTaskGroup(of: ShopInfo.self) { group in
                for _ in 0..<8 { group.addTask { try await live.shopInfo() } }
                for try await info in group { #expect(info.name == "Fake Outfitters") }
            }
            #expect(await shop.oauth.tokenRequests("client_credentials") == 2, "one renewal, not one per request")
        }
    }

    /// The connection test subscribes the shop's webhooks through the API (once: a second test
    /// finds them); the app's removal, signed with the client secret, drops the token and says so.
    @Test func webhooksAreSubscribedByTheTestAndUninstallingDisconnects() async throws {
        try await Self.withShop(.sqlite, auth: "client_credentials") { harness, shop, connection in
            let first = try await harness.client.json(.post, "/api/v1/stores/\(connection)/test", token: harness.ownerToken)
            let topics = ShopifyConnector.webhookTopics
            #expect((first.body as? [String: Any])?["webhooks_created"] as? [String] == topics, "\(first.text)")
            let subscribed = await shop.webhooks
            #expect(subscribed.count == topics.count && subscribed.allSatisfy { $0.uri.hasSuffix("/api/v1/stores/\(connection)/webhooks") })
            let second = try await harness.client.json(.post, "/api/v1/stores/\(connection)/test", token: harness.ownerToken)
            #expect((second.body as? [String: Any])?["webhooks_created"] as? [String] == [], "\(second.text)")
            #expect((second.body as? [String: Any])?["webhooks"] as? [String] == topics)
            #expect(await shop.webhooks.count == topics.count)

            let body = Data(#"{"id":1,"name":"Shopdesk","api_key":"\#(FakeShopifyOAuth.clientID)"}"#.utf8)
            let headers = ["X-Shopify-Topic": "app/uninstalled", "X-Shopify-Event-Id": "evt-uninstall",
                           "X-Shopify-Shop-Domain": FakeShopifyOAuth.shopDomain,
                           "X-Shopify-Hmac-Sha256": StoreWebhooks.sign(body: body, secret: FakeShopifyOAuth.clientSecret)]
            let received = try await harness.client.json(.post, "/api/v1/stores/\(connection)/webhooks", headers: headers,
                                                         body: String(decoding: body, as: UTF8.self))
            #expect(try received.string("received") == "accepted", "\(received.text)")
            let state = try await Self.shopState(harness, connection)
            #expect((state["token"] as? [String: Any])?["present"] as? Bool == false, "\(state)")
            #expect((state["last_error"] as? String)?.contains("uninstalled") == true, "\(state)")
        }
    }

    @Test func aTokenAboutToExpireIsRenewedBeforeShopifyRefusesIt() async throws {
        try await Self.withShop(.sqlite, auth: "client_credentials") { harness, shop, connection in
            _ = try await harness.client.json(.post, "/api/v1/stores/\(connection)/test", token: harness.ownerToken)
            #expect(await shop.oauth.tokenRequests("client_credentials") == 1)
            // A day later, the token's last minutes (Shopify's tokens last 86,399 s; the margin is five minutes).
            await harness.services.shopifyTokens.setClock { Date().addingTimeInterval(86_399 - 200) }
            let tested = try await harness.client.json(.post, "/api/v1/stores/\(connection)/test", token: harness.ownerToken)
            #expect(try tested.bool("ok") == true, "\(tested.text)")
            #expect(await shop.oauth.tokenRequests("client_credentials") == 2, "renewed before use, once")
            #expect(await shop.oauth.refused == 0, "Shopify never had to refuse it")
        }
    }

    @Test func aShopThatRefusesEvenTheNewTokenSaysSoInSettings() async throws {
        try await Self.withShop(.sqlite, auth: "client_credentials") { harness, shop, connection in
            _ = try await harness.client.json(.post, "/api/v1/stores/\(connection)/test", token: harness.ownerToken)
            // The app is uninstalled: tokens are still handed out by the endpoint the fake keeps, but refused.
            await shop.oauth.revokeAll()
            await shop.oauth.setLifetime(-10)
            let tested = try await harness.client.json(.post, "/api/v1/stores/\(connection)/test", token: harness.ownerToken)
            #expect(try tested.bool("ok") == false)
            #expect(try tested.string("error").contains("just renewed"), "\(tested.text)")
            #expect(await shop.oauth.tokenRequests("client_credentials") == 2, "renewed once, not again and again")
            #expect((try await Self.shopState(harness, connection)["last_error"] as? String)?.contains("just renewed") == true)
        }
    }

    @Test func aWrongClientSecretIsShopifysWordsInSettings() async throws {
        try await FakeShopify.run { _, url in
            try await Harness.run(.sqlite, mode: .live, configure: { $0.allowPrivateWebhookTargets = true }) { harness in
                let created = try await harness.client.json(.post, "/api/v1/stores", token: harness.ownerToken, body: """
                    {"platform":"shopify","shop_url":"\(url)","auth":"client_credentials","client_id":"\(FakeShopifyOAuth.clientID)","client_secret":"wrong"}
                    """)
                let tested = try await harness.client.json(.post, "/api/v1/stores/\(try created.int("id"))/test", token: harness.ownerToken)
                #expect(try tested.string("error").contains("invalid_client"), "\(tested.text)")
                let missing = try await harness.client.json(.post, "/api/v1/stores", token: harness.ownerToken, body: """
                    {"platform":"shopify","shop_url":"\(url)","auth":"client_credentials","client_id":"x"}
                    """)
                #expect(missing.status == .unprocessableContent && missing.text.contains("client_secret"), "\(missing.text)")
            }
        }
    }

    /// Installing from the shop: Shopify's approval URL, its signed callback, the code traded once
    /// for an expiring token, and the refresh token rotated by exactly one node at a time.
    @Test(arguments: TestDatabase.kinds)
    func installFromTheShopAndRefreshOnOneNodeAtATime(kind: DatabaseKind) async throws {
        try await Self.withShop(kind, auth: "authorization_code") { harness, shop, connection in
            let callback = try await Self.install(harness, shop, connection)
            let done = try await harness.client.json(.get, callback)
            #expect(done.status == .found, "\(done.text)")
            #expect(done.headers[.location] == "/#/admin/commerce")
            #expect(await shop.oauth.tokenRequests("authorization_code") == 1)
            let state = try await Self.shopState(harness, connection)
            let token = try #require(state["token"] as? [String: Any])
            #expect(token["present"] as? Bool == true && token["expires_at"] != nil, "an expiring offline token: \(token)")
            // The same callback again (a replay) is refused: the state was used.
            #expect(try await harness.client.json(.get, callback).status == .forbidden)
            let tested = try await harness.client.json(.post, "/api/v1/stores/\(connection)/test", token: harness.ownerToken)
            #expect(try tested.bool("ok") == true, "\(tested.text)")

            // Two nodes find the token refused at the same moment: one refreshes, the other waits for
            // its token. Were both to refresh, Shopify would refuse the second's used refresh token.
            await shop.oauth.revokeAll()
            await shop.oauth.setDelay(.milliseconds(400))
            let stored = try #require(try await harness.services.database.read {
                try await StoreConnectionRepository.find(workspaceID: harness.workspaceID, id: StoreConnectionID(connection), in: $0)
            })
            let credentials = try StoreConnections.credentials(of: stored, configuration: harness.services.config)
            let nodes = (0..<2).map { _ in
                ShopifyTokenBroker(database: harness.services.database, http: GuardedStoreHTTP(guardrail: harness.services.outboundGuard)) {
                    try harness.services.secretBox()
                }
            }
            let current = try #require(try await nodes[0].stored(stored)).accessToken
            let tokens = try await withThrowingTaskGroup(of: String.self) { group in
                for node in nodes { group.addTask { try await node.renew(stored, credentials, refused: current) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(Set(tokens).count == 1 && tokens[0] != current, "\(tokens)")
            #expect(await shop.oauth.tokenRequests("refresh_token") == 1)
            #expect(await shop.oauth.isValid(tokens[0]))
        }
    }

    @Test func forgedInstallCallbacksAreRefusedBeforeAnyCodeIsUsed() async throws {
        try await Self.withShop(.sqlite, auth: "authorization_code") { harness, shop, connection in
            let authorize = try await harness.client.json(.post, "/api/v1/stores/\(connection)/shopify/install", token: harness.ownerToken)
            let state = try #require(Self.query(try authorize.string("authorize_url"))["state"])
            let code = await shop.oauth.issueCode()
            let now = "\(Int(Date().timeIntervalSince1970))"
            let good: [(String, String)] = [("code", code), ("host", "YWRtaW4uc2hvcGlmeS5jb20vc3RvcmUvZmFrZQ"), ("shop", FakeShopifyOAuth.shopDomain),
                                            ("state", state), ("timestamp", now)]
            func attempt(_ parameters: [(String, String)], secret: String = FakeShopifyOAuth.clientSecret, hmac: String? = nil) async throws -> JSONResponse {
                let signature: String
                if let hmac { signature = hmac } else { signature = try await Self.signature(parameters, secret: secret) }
                let query = (parameters + [("hmac", signature)]).map { "\($0.0)=\(FormURLEncoding.encode($0.1))" }.joined(separator: "&")
                return try await harness.client.json(.get, "/api/v1/shopify/callback?\(query)")
            }
            // Signed with another secret, not signed, a foreign shop, a look-alike shop, an old request, another state.
            #expect(try await attempt(good, secret: "an attacker's secret").status == .forbidden)
            #expect(try await attempt(good, hmac: "0").status == .forbidden)
            for shopName in ["evil-shop.myshopify.com", "\(FakeShopifyOAuth.shopDomain).evil.com"] {
                #expect(try await attempt(good.map { $0.0 == "shop" ? ($0.0, shopName) : $0 }).status == .forbidden, "\(shopName)")
            }
            #expect(try await attempt(good.map { $0.0 == "timestamp" ? ($0.0, "1337178173") : $0 }).status == .forbidden)
            #expect(try await attempt(good.filter { $0.0 != "timestamp" }).status == .forbidden, "signed, but without its time")
            #expect(try await attempt(good.map { $0.0 == "state" ? ($0.0, "\(connection)-0123") : $0 }).status == .forbidden)
            #expect(try await attempt(good.map { $0.0 == "state" ? ($0.0, "%%%") : $0 }).status == .forbidden)
            #expect(await shop.oauth.tokenRequests("authorization_code") == 0, "no forged callback reached Shopify")
            // The genuine one still works after all that.
            let done = try await attempt(good)
            #expect(done.status == .found, "\(done.text)")
        }
    }

    /// Starts an install and answers as Shopify's approval page does; the callback path to open.
    static func install(_ harness: Harness, _ shop: FakeShopify, _ connection: Int64) async throws -> String {
        let answer = try await harness.client.json(.post, "/api/v1/stores/\(connection)/shopify/install", token: harness.ownerToken)
        let url = try answer.string("authorize_url")
        let query = Self.query(url)
        #expect(url.contains("/admin/oauth/authorize?"), "\(url)")
        #expect(query["client_id"] == FakeShopifyOAuth.clientID)
        #expect(query["scope"]?.split(separator: ",").contains("write_orders") == true)
        let redirect = try #require(query["redirect_uri"])
        let callbackURL = try answer.string("callback_url")
        #expect(redirect.hasSuffix("/api/v1/shopify/callback") && redirect == callbackURL)
        let parameters: [(String, String)] = [("code", await shop.oauth.issueCode()), ("host", "YWRtaW4uc2hvcGlmeS5jb20vc3RvcmUvZmFrZQ"),
                                              ("shop", FakeShopifyOAuth.shopDomain), ("state", try #require(query["state"])),
                                              ("timestamp", "\(Int(Date().timeIntervalSince1970))")]
        let signature = try await signature(parameters, secret: FakeShopifyOAuth.clientSecret)
        return "/api/v1/shopify/callback?" + (parameters + [("hmac", signature)]).map { "\($0.0)=\(FormURLEncoding.encode($0.1))" }.joined(separator: "&")
    }

    static func query(_ url: String) -> [String: String] {
        FormURLEncoding.fields(url.split(separator: "?", maxSplits: 1).last.map(String.init) ?? "")
    }

    /// The `hmac` Shopify puts on its redirect, computed by Shopify's own Python library
    /// (`ShopifyAPI` on PyPI); our own code only where the test Python lacks it (outside CI).
    static func signature(_ parameters: [(String, String)], secret: String) async throws -> String {
        if Python.available {
            let input = try JSONSerialization.data(withJSONObject: ["secret": secret, "params": parameters.map { [$0.0, $0.1] }])
            let signed = try await Python.run("""
                import json, sys
                import shopify
                data = json.load(sys.stdin)
                shopify.Session.secret = data['secret']
                print(shopify.Session.calculate_hmac(dict(data['params'])))
                """, input: String(decoding: input, as: UTF8.self)).trimmingCharacters(in: .whitespacesAndNewlines)
            if signed.count == 64 { return signed }
            if ProcessInfo.processInfo.environment["CI"] == "true" { Issue.record("The ShopifyAPI package is missing from the test Python.") }
        }
        return ShopifyOAuth.sign(parameters.map { (name: $0.0, value: $0.1) }, secret: secret)
    }
}
