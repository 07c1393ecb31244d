import Foundation
import HTTPTypes

/// Shopify's token endpoint (`POST /admin/oauth/access_token`, form-encoded) for one app installed
/// on the fake shop, as documented: the client credentials grant (a token for about a day), the
/// authorization code (an expiring offline token with a refresh token when `expiring=1`), and the
/// refresh grant, which replaces the refresh token so that an old one is refused
/// (`invalid_grant`). A wrong client id or secret is `invalid_client`. Each answer can be held
/// back a little (`delay`) so that requests overlap as they do in production.
actor FakeShopifyOAuth {
    static let clientID = "4f1c0a2b9d7e6f5a3c2b1a0f9e8d7c6b"
    static let clientSecret = "shpss_fake_client_secret_0123456789"
    static let shopDomain = "fake-outfitters.myshopify.com"

    private(set) var requests: [String] = []
    private var tokens: [String: Date] = [:]
    private var codes: Set<String> = []
    private var refreshToken: String?
    private var counter = 0
    var lifetime: TimeInterval = 86_399
    var grantedScopes = "read_customers,write_orders,write_discounts,write_returns"
    var delay: Duration = .zero
    private(set) var staticRevoked = false
    /// Admin API calls refused for their token (401).
    private(set) var refused = 0
    func countRefusal() { refused += 1 }

    func isValid(_ token: String) -> Bool { tokens[token].map { $0 > Date() } ?? false }
    /// Every token stops working at once, as when Shopify revokes them early.
    func revokeAll() { tokens.removeAll(); staticRevoked = true }
    func setLifetime(_ seconds: TimeInterval) { lifetime = seconds }
    func setDelay(_ delay: Duration) { self.delay = delay }
    func grant(scopes: String) { grantedScopes = scopes }
    func tokenRequests(_ grant: String) -> Int { requests.filter { $0 == grant }.count }

    /// The code Shopify's approval page hands to the app's redirect.
    func issueCode() -> String {
        counter += 1
        let code = "code\(counter)"
        codes.insert(code)
        return code
    }

    func token(_ form: [String: String]) async -> (HTTPResponse.Status, String) {
        let grant = form["grant_type"] ?? (form["code"] != nil ? "authorization_code" : "none")
        requests.append(grant)
        if delay > .zero { try? await Task.sleep(for: delay) }
        guard form["client_id"] == Self.clientID, form["client_secret"] == Self.clientSecret else {
            return (.badRequest, #"{"error":"invalid_client","error_description":"Client authentication failed."}"#)
        }
        switch grant {
        case "client_credentials":
            return issue(expiring: true, refresh: false)
        case "authorization_code":
            guard let code = form["code"], codes.remove(code) != nil else {
                return (.badRequest, #"{"error":"invalid_grant","error_description":"The authorization code was not found or was already used."}"#)
            }
            return issue(expiring: form["expiring"] == "1", refresh: form["expiring"] == "1")
        case "refresh_token":
            guard let given = form["refresh_token"], given == refreshToken else {
                return (.badRequest, #"{"error":"invalid_grant","error_description":"Token has been expired or revoked."}"#)
            }
            return issue(expiring: true, refresh: true)
        default:
            return (.badRequest, #"{"error":"unsupported_grant_type"}"#)
        }
    }

    private func issue(expiring: Bool, refresh: Bool) -> (HTTPResponse.Status, String) {
        counter += 1
        let token = "shpat_granted_\(counter)"
        let seconds = refresh ? min(lifetime, 3600) : lifetime
        tokens[token] = expiring ? Date().addingTimeInterval(seconds) : .distantFuture
        var answer: [String: Any] = ["access_token": token, "scope": grantedScopes]
        if expiring { answer["expires_in"] = Int(seconds) }
        if refresh {
            counter += 1
            refreshToken = "shprt_\(counter)"
            answer["refresh_token"] = refreshToken
            answer["refresh_token_expires_in"] = 7_776_000
        }
        let data = (try? JSONSerialization.data(withJSONObject: answer)) ?? Data("{}".utf8)
        return (.ok, String(decoding: data, as: UTF8.self))
    }
}
