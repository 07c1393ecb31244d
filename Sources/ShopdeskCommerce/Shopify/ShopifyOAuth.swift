import Crypto
import Foundation
import ShopdeskCore

/// An access token Shopify granted, with what came with it. Non-expiring tokens (a legacy custom
/// app's, or an offline token asked for without expiry) have no `expiresAt`.
public struct ShopifyGrant: Codable, Equatable, Sendable {
    public var accessToken: String
    public var scopes: [String]
    public var expiresAt: Date?
    /// Expiring offline tokens (authorization code grant) come with one; Shopify replaces it at
    /// every use, so only the latest one stored may be used.
    public var refreshToken: String?
    public var refreshExpiresAt: Date?

    public init(accessToken: String, scopes: [String], expiresAt: Date? = nil, refreshToken: String? = nil, refreshExpiresAt: Date? = nil) {
        self.accessToken = accessToken; self.scopes = scopes; self.expiresAt = expiresAt
        self.refreshToken = refreshToken; self.refreshExpiresAt = refreshExpiresAt
    }

    /// Whether the token should be renewed before it is used: expired, or within `margin` of it.
    public func isDue(at now: Date, margin: TimeInterval = 300) -> Bool {
        guard let expiresAt else { return false }
        return expiresAt.timeIntervalSince(now) < margin
    }

    /// The scopes Shopdesk needs that this grant lacks (a `write_` scope includes its `read_`).
    public var missingScopes: [String] { ShopifyOAuth.missing(ShopifyOAuth.neededScopes, granted: scopes) }
}

/// Shopify's OAuth endpoints as documented for the Admin API: the client credentials grant (an app
/// of the shop's own organization, from the Dev Dashboard), the authorization code grant (the
/// install redirect and its signed callback) and the refresh of expiring offline tokens. All go to
/// `<shop>/admin/oauth/access_token` as `application/x-www-form-urlencoded`.
public enum ShopifyOAuth {
    /// What Shopdesk does in a shop: look customers and orders up, act on orders, create
    /// discount codes, open and process returns.
    public static let neededScopes = ["read_customers", "write_orders", "write_discounts", "write_returns"]

    /// Shopify's rule for a shop's address in OAuth: `<name>.myshopify.com`, the name letters,
    /// digits and hyphens, not starting with a hyphen. Checked byte by byte (no pattern engine).
    public static func isShopDomain(_ text: String) -> Bool {
        let suffix = ".myshopify.com"
        let lowered = text.lowercased()
        guard lowered.hasSuffix(suffix), lowered.utf8.count <= 255 else { return false }
        let name = lowered.utf8.dropLast(suffix.utf8.count)
        guard let first = name.first, first != UInt8(ascii: "-") else { return false }
        return name.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == UInt8(ascii: "-") }
    }

    /// Where the shop's admin asks the merchant to approve the app.
    public static func authorizeURL(adminBase: String, clientID: String, scopes: [String], redirectURI: String, state: String) -> String {
        let query = [("client_id", clientID), ("scope", scopes.joined(separator: ",")), ("redirect_uri", redirectURI), ("state", state)]
            .map { "\($0.0)=\(FormURLEncoding.encode($0.1))" }.joined(separator: "&")
        return "\(adminBase)/oauth/authorize?\(query)"
    }

    /// Whether a request from Shopify (the install callback) carries a valid `hmac`: the hex
    /// HMAC-SHA256, under the app's client secret, of the other parameters as Shopify writes them
    /// (`%` and `=` escaped in names, `%` in values, `&` in each pair; pairs sorted, joined by `&`).
    public static func verify(_ parameters: [(name: String, value: String)], secret: String) -> Bool {
        guard let given = parameters.first(where: { $0.name == "hmac" })?.value, let bytes = hexBytes(given) else { return false }
        let message = signedMessage(parameters)
        return HMAC<SHA256>.isValidAuthenticationCode(bytes, authenticating: Data(message.utf8), using: SymmetricKey(data: Data(secret.utf8)))
    }

    /// The hex signature Shopify would put in `hmac` for these parameters.
    public static func sign(_ parameters: [(name: String, value: String)], secret: String) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: Data(signedMessage(parameters).utf8), using: SymmetricKey(data: Data(secret.utf8)))
        return code.map { String(format: "%02x", $0) }.joined()
    }

    static func signedMessage(_ parameters: [(name: String, value: String)]) -> String {
        parameters.filter { $0.name != "hmac" && $0.name != "signature" }.map { parameter in
            let name = parameter.name.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "=", with: "%3D")
            let value = parameter.value.replacingOccurrences(of: "%", with: "%25")
            return "\(name)=\(value)".replacingOccurrences(of: "&", with: "%26")
        }.sorted().joined(separator: "&")
    }

    static func hexBytes(_ text: String) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard digits.count == 64 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32)
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let high = FormURLEncoding.hexValue(digits[index]), let low = FormURLEncoding.hexValue(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
        }
        return bytes
    }

    /// The scopes of `needed` that `granted` does not cover.
    public static func missing(_ needed: [String], granted: [String]) -> [String] {
        let have = Set(granted.map { $0.trimmingCharacters(in: .whitespaces).lowercased() })
        return needed.filter { scope in
            have.contains(scope) || (scope.hasPrefix("read_") && have.contains("write_" + scope.dropFirst(5))) ? false : true
        }
    }

    /// Client credentials grant: the shop's own app trades its id and secret for a token that
    /// lasts about a day.
    public static func clientCredentials(adminBase: String, clientID: String, clientSecret: String, http: any StoreHTTP,
                                         now: Date = Date()) async throws -> ShopifyGrant {
        try await token(adminBase: adminBase, [("grant_type", "client_credentials"), ("client_id", clientID), ("client_secret", clientSecret)],
                        http: http, now: now)
    }

    /// Authorization code grant: the code from the callback for an offline token that expires
    /// and comes with a refresh token (`expiring=1`), as Shopify requires of apps from 2027.
    public static func exchange(code: String, adminBase: String, clientID: String, clientSecret: String, http: any StoreHTTP,
                                now: Date = Date()) async throws -> ShopifyGrant {
        try await token(adminBase: adminBase, [("client_id", clientID), ("client_secret", clientSecret), ("code", code), ("expiring", "1")],
                        http: http, now: now)
    }

    /// A new expiring offline token for the latest refresh token (which Shopify then replaces).
    public static func refresh(_ refreshToken: String, adminBase: String, clientID: String, clientSecret: String, http: any StoreHTTP,
                               now: Date = Date()) async throws -> ShopifyGrant {
        try await token(adminBase: adminBase, [("client_id", clientID), ("client_secret", clientSecret), ("grant_type", "refresh_token"),
                                               ("refresh_token", refreshToken)], http: http, now: now)
    }

    static func token(adminBase: String, _ form: [(String, String)], http: any StoreHTTP, now: Date) async throws -> ShopifyGrant {
        let body = form.map { "\($0.0)=\(FormURLEncoding.encode($0.1))" }.joined(separator: "&")
        let response: StoreHTTPResponse
        do {
            response = try await http.send(StoreHTTPRequest(method: "POST", url: "\(adminBase)/oauth/access_token", headers: [
                ("Content-Type", "application/x-www-form-urlencoded"), ("Accept", "application/json"),
            ], body: Data(body.utf8)))
        } catch let error as CommerceError {
            throw error
        } catch {
            throw CommerceError.unavailable("Shopify's token endpoint could not be reached: \(error)")
        }
        let json = try? JSONValue.parse(response.body)
        guard (200..<300).contains(response.status) else {
            // OAuth errors: {"error": "invalid_client", "error_description": "…"}; some are plain text.
            let reason = [json?["error"].string, json?["error_description"].string ?? json?["errors"].string].compactMap { $0 }.joined(separator: ": ")
            let text = reason.isEmpty ? String(decoding: response.body.prefix(200), as: UTF8.self) : reason
            if response.status >= 500 { throw CommerceError.unavailable("Shopify's token endpoint answered HTTP \(response.status).") }
            throw CommerceError.rejected("Shopify refused to give an access token (HTTP \(response.status)): \(text)")
        }
        guard let json, let token = json["access_token"].string, !token.isEmpty else {
            throw CommerceError.unavailable("Shopify's token endpoint answered without an access token.")
        }
        let scopes = (json["scope"].string ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return ShopifyGrant(accessToken: token, scopes: scopes, expiresAt: json["expires_in"].double.map { now.addingTimeInterval($0) },
                            refreshToken: json["refresh_token"].string,
                            refreshExpiresAt: json["refresh_token_expires_in"].double.map { now.addingTimeInterval($0) })
    }
}
