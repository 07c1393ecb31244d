import _CryptoExtras
import Crypto
import Foundation
@testable import ShopdeskServer
import Testing

/// The ID token checks, each tried with the forgery it stops.
@Suite("OpenID Connect ID tokens")
struct OpenIDTokenTests {
    static let key = try! _RSA.Signing.PrivateKey(keySize: .bits2048)
    static let issuer = "https://idp.example.com"
    static let now = Date(timeIntervalSince1970: 1_800_000_000)

    static func token(header: [String: Any] = ["alg": "RS256", "kid": "k1"], claims: [String: Any] = [:],
                      signer: _RSA.Signing.PrivateKey = key) throws -> String {
        var body: [String: Any] = ["iss": issuer, "aud": "shopdesk", "sub": "ana", "email": "Ana@Shop.hr", "nonce": "n-1",
                                   "exp": now.timeIntervalSince1970 + 300, "iat": now.timeIntervalSince1970]
        for (name, value) in claims { body[name] = value is NSNull ? nil : value }
        let encode = { (object: [String: Any]) in OpenIDConnect.base64URLEncoded(try JSONSerialization.data(withJSONObject: object)) }
        let signed = try encode(header) + "." + encode(body)
        let signature = try signer.signature(for: SHA256.hash(data: Data(signed.utf8)), padding: .insecurePKCS1v1_5)
        return signed + "." + OpenIDConnect.base64URLEncoded(signature.rawRepresentation)
    }

    static func verify(_ token: String) throws -> OpenIDConnect.Identity {
        try OpenIDConnect.verify(idToken: token, keys: ["k1": key.publicKey], issuer: issuer, clientID: "shopdesk", nonce: "n-1", now: now)
    }

    @Test func aGenuineTokenGivesTheVerifiedEmail() throws {
        #expect(try Self.verify(Self.token()) == .init(subject: "ana", email: "ana@shop.hr", name: nil))
        #expect(try Self.verify(Self.token(claims: ["aud": ["shopdesk", "other"], "azp": "shopdesk"])).email == "ana@shop.hr")
    }

    @Test(arguments: [
        ("another key", #"{"signer":"other"}"#, "signature"),
        ("alg none", #"{"alg":"none"}"#, "not RS256"),
        ("alg HS256", #"{"alg":"HS256"}"#, "not RS256"),
        ("unknown kid", #"{"kid":"k2"}"#, "does not publish"),
        ("another issuer", #"{"iss":"https://evil.example.com"}"#, "another issuer"),
        ("another audience", #"{"aud":"someone-else"}"#, "another application"),
        ("shared audience without azp", #"{"aud":["shopdesk","other"]}"#, "another application"),
        ("expired", #"{"exp":1799999000}"#, "expired"),
        ("another sign-in's nonce", #"{"nonce":"n-2"}"#, "nonce"),
        ("no nonce", #"{"nonce":null}"#, "nonce"),
        ("unverified email", #"{"email_verified":false}"#, "not verified"),
        ("no email", #"{"email":null}"#, "email"),
    ])
    func aForgedOrMisdirectedTokenIsRefused(_ attack: String, _ change: String, _ reason: String) throws {
        let changes = try JSONSerialization.jsonObject(with: Data(change.utf8)) as! [String: Any]
        var header: [String: Any] = ["alg": "RS256", "kid": "k1"]
        var claims: [String: Any] = [:]
        var signer = Self.key
        for (name, value) in changes {
            switch name {
            case "signer": signer = try _RSA.Signing.PrivateKey(keySize: .bits2048)
            case "alg", "kid": header[name] = value
            default: claims[name] = value
            }
        }
        let token = try Self.token(header: header, claims: claims, signer: signer)
        #expect(throws: OpenIDConnect.Failure.self, "\(attack)") { try Self.verify(token) }
        do { _ = try Self.verify(token) } catch { #expect("\(error)".contains(reason), "\(attack): \(error)") }
    }

    @Test func garbageIsRefusedWithoutATrap() {
        for token in ["", "a.b", "a.b.c", "..", String(repeating: "A", count: 20_000), "e30.e30.", "\u{0}.\u{0}.\u{0}"] {
            #expect(throws: OpenIDConnect.Failure.self) { try Self.verify(token) }
        }
    }

    @Test func issuersMustBeHTTPSExceptOnThisMachine() throws {
        #expect(try OpenIDConnect.checkIssuer("https://accounts.google.com/") == "https://accounts.google.com")
        #expect(try OpenIDConnect.checkIssuer("http://127.0.0.1:9400") == "http://127.0.0.1:9400")
        for bad in ["http://idp.example.com", "ftp://x.hr", "https://x.hr/?a=1", "not a url", "javascript:alert(1)"] {
            #expect(throws: OpenIDConnect.Failure.self, "\(bad)") { try OpenIDConnect.checkIssuer(bad) }
        }
    }

    @Test func pkceChallengeIsRFC7636s() {
        // RFC 7636, appendix B.
        #expect(OpenIDConnect.challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk") == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")
    }
}
