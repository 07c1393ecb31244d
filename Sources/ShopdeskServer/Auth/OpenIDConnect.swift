import _CryptoExtras
import Crypto
import Foundation
import ShopdeskChannels
import ShopdeskCore

/// The relying party's side of OpenID Connect's authorization-code flow (with PKCE): the
/// provider's discovery document and keys, the code exchange, and the ID token's checks.
/// ID tokens may be signed with RS256/384/512, PS256/384/512, ES256 or ES384
/// (`OpenIDSigningKey`); `none` and HMAC never are accepted.
enum OpenIDConnect {
    struct Configuration: Sendable {
        var issuer: String
        var authorizationEndpoint: String
        var tokenEndpoint: String
        var jwksURI: String
    }

    /// What the provider vouches for.
    struct Identity: Sendable, Equatable {
        var subject: String
        var email: String
        var name: String?
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    /// An issuer must be https, except on this machine (a provider under test).
    static func checkIssuer(_ issuer: String) throws -> String {
        let trimmed = issuer.hasSuffix("/") ? String(issuer.dropLast()) : issuer
        guard let url = URL(string: trimmed), let host = url.host, url.query == nil, url.fragment == nil else {
            throw Failure("The issuer is not a URL.")
        }
        let loopback = ["localhost", "127.0.0.1", "::1", "[::1]"].contains(host)
        guard url.scheme == "https" || (url.scheme == "http" && loopback) else {
            throw Failure("The issuer must be an https:// address.")
        }
        return trimmed
    }

    static func discover(issuer: String, http: any ChannelHTTP) async throws -> Configuration {
        let document = try await json(ChannelHTTPRequest(method: "GET", url: issuer + "/.well-known/openid-configuration",
                                                         headers: [("Accept", "application/json")]), http: http)
        // The document must be the issuer's own (OpenID Connect Discovery 1.0, section 4.3).
        guard let named = document["issuer"] as? String, named == issuer || named == issuer + "/" else {
            throw Failure("The provider's discovery document names another issuer (\(document["issuer"] as? String ?? "none")).")
        }
        guard let authorization = document["authorization_endpoint"] as? String, let token = document["token_endpoint"] as? String,
              let jwks = document["jwks_uri"] as? String else {
            throw Failure("The provider's discovery document lacks its authorization, token or key address.")
        }
        // Browsers are sent to the authorization endpoint: a web address only, https unless the
        // issuer itself is a loopback http one.
        let schemes = issuer.hasPrefix("http://") ? ["https://", "http://"] : ["https://"]
        guard schemes.contains(where: authorization.lowercased().hasPrefix) else {
            throw Failure("The provider's authorization address is not an https:// address.")
        }
        return Configuration(issuer: named, authorizationEndpoint: authorization, tokenEndpoint: token, jwksURI: jwks)
    }

    /// The keys the provider signs with, by key id.
    static func keys(_ configuration: Configuration, http: any ChannelHTTP) async throws -> [String: OpenIDSigningKey] {
        try keys(jwks: try await json(ChannelHTTPRequest(method: "GET", url: configuration.jwksURI), http: http))
    }

    /// The signing keys of a JWKS document we accept (see `OpenIDSigningKey`), by key id.
    static func keys(jwks document: [String: Any]) throws -> [String: OpenIDSigningKey] {
        var keys: [String: OpenIDSigningKey] = [:]
        for case let jwk as [String: Any] in document["keys"] as? [Any] ?? [] {
            guard let key = OpenIDSigningKey(jwk: jwk) else { continue }
            keys[jwk["kid"] as? String ?? ""] = key
        }
        guard !keys.isEmpty else {
            throw Failure("The provider publishes no signing key Shopdesk accepts (RSA of 2048 bits or more, or EC on P-256 or P-384).")
        }
        return keys
    }

    /// Trades the code for tokens (client_secret_basic, with the PKCE verifier); returns the ID token.
    static func exchange(code: String, verifier: String, redirectURI: String, clientID: String, secret: String,
                         configuration: Configuration, http: any ChannelHTTP) async throws -> String {
        let credentials = FormURLEncoding.encode(clientID) + ":" + FormURLEncoding.encode(secret)
        let form = ["grant_type": "authorization_code", "code": code, "redirect_uri": redirectURI, "code_verifier": verifier]
            .sorted { $0.key < $1.key }.map { FormURLEncoding.encode($0.key) + "=" + FormURLEncoding.encode($0.value) }.joined(separator: "&")
        let answer = try await json(ChannelHTTPRequest(
            method: "POST", url: configuration.tokenEndpoint,
            headers: [("Content-Type", "application/x-www-form-urlencoded"), ("Accept", "application/json"),
                      ("Authorization", "Basic " + Data(credentials.utf8).base64EncodedString())],
            body: Data(form.utf8)), http: http)
        guard let idToken = answer["id_token"] as? String else {
            throw Failure("The provider gave no ID token: \(answer["error_description"] as? String ?? answer["error"] as? String ?? "no reason given").")
        }
        return idToken
    }

    /// Checks an ID token's signature and claims (OpenID Connect Core 1.0, section 3.1.3.7).
    static func verify(idToken: String, keys: [String: OpenIDSigningKey], issuer: String, clientID: String, nonce: String,
                       now: Date) throws -> Identity {
        let parts = idToken.split(separator: ".", omittingEmptySubsequences: false)
        guard idToken.utf8.count <= 16_384, parts.count == 3,
              let headerData = base64URL(String(parts[0])), let payloadData = base64URL(String(parts[1])),
              let signature = base64URL(String(parts[2])),
              let header = try? JSONSerialization.jsonObject(with: headerData) as? [String: Any],
              let claims = try? JSONSerialization.jsonObject(with: payloadData) as? [String: Any] else {
            throw Failure("The ID token is not a signed JWT.")
        }
        guard let algorithm = header["alg"] as? String, OpenIDSigningKey.algorithms.contains(algorithm) else {
            throw Failure("The ID token is signed with \(header["alg"] ?? "nothing"), not one of \(OpenIDSigningKey.algorithms.joined(separator: ", ")).")
        }
        let kid = header["kid"] as? String
        // A token that names its key gets exactly that key; one that names none, the only key.
        guard let key = kid.map({ keys[$0] }) ?? (keys.count == 1 ? keys.values.first : nil) else {
            throw Failure("The ID token is signed with a key the provider does not publish.")
        }
        guard key.isValid(signature: signature, of: Data((parts[0] + "." + parts[1]).utf8), algorithm: algorithm) else {
            throw Failure("The ID token's signature is not valid.")
        }
        guard claims["iss"] as? String == issuer else { throw Failure("The ID token is from another issuer.") }
        let audience = (claims["aud"] as? [String]) ?? (claims["aud"] as? String).map { [$0] } ?? []
        guard audience.contains(clientID), audience.count == 1 || claims["azp"] as? String == clientID else {
            throw Failure("The ID token was issued for another application.")
        }
        let time = now.timeIntervalSince1970
        guard let expires = claims["exp"] as? Double, expires > time - 60 else { throw Failure("The ID token has expired.") }
        if let issued = claims["iat"] as? Double, issued > time + 300 { throw Failure("The ID token was issued in the future.") }
        guard let tokenNonce = claims["nonce"] as? String, Secrets.constantTimeEquals(tokenNonce, nonce) else {
            throw Failure("The ID token does not answer this sign-in (its nonce differs).")
        }
        guard let subject = claims["sub"] as? String, !subject.isEmpty else { throw Failure("The ID token names no subject.") }
        guard let email = (claims["email"] as? String)?.lowercased(), email.contains("@") else {
            throw Failure("The provider did not share an email address (ask for the email scope).")
        }
        if claims["email_verified"] as? Bool == false { throw Failure("The provider has not verified \(email).") }
        return Identity(subject: subject, email: email, name: claims["name"] as? String)
    }

    /// The key id a JWT's header names, to pick (or fetch) the key before checking it.
    static func keyID(of token: String) -> String? {
        guard let header = token.split(separator: ".", maxSplits: 1).first, let data = base64URL(String(header)),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        return object["kid"] as? String
    }

    /// PKCE (RFC 7636): the S256 challenge of a verifier.
    static func challenge(_ verifier: String) -> String {
        base64URLEncoded(Data(SHA256.hash(data: Data(verifier.utf8))))
    }

    /// A JWT part or JWK number (an ID token is at most 16 KB).
    static func base64URL(_ text: String) -> Data? { Base64URL.decode(text, maxLength: 16_384) }

    static func base64URLEncoded(_ data: Data) -> String { Base64URL.encode(data) }

    private static func json(_ request: ChannelHTTPRequest, http: any ChannelHTTP) async throws -> [String: Any] {
        var request = request
        request.maxResponseBytes = 256 * 1024
        let response: ChannelHTTPResponse
        do { response = try await http.send(request) } catch { throw Failure("The provider did not answer: \(error)") }
        guard let object = try? JSONSerialization.jsonObject(with: response.body) as? [String: Any] else {
            throw Failure("The provider answered \(response.status) without JSON.")
        }
        guard (200..<300).contains(response.status) || object["error"] != nil else { throw Failure("The provider answered \(response.status).") }
        return object
    }
}
