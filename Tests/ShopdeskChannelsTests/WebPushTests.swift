import Crypto
import Foundation
@testable import ShopdeskChannels
import Testing

@Suite("Web Push: message encryption and VAPID")
struct WebPushTests {
    /// RFC 8291, Appendix A: the worked example's keys, salt and secret give its exact message.
    @Test func theRFCsExampleMessageComesOutByteForByte() throws {
        let senderKey = try P256.KeyAgreement.PrivateKey(rawRepresentation: Base64URL.decode("yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw")!)
        let subscription = try WebPush.Subscription.validated(
            endpoint: "https://push.example.net/push/JzLQ3raZJfFBR0aqvOMsLrt54w4rJUsV",
            p256dh: "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4",
            auth: "BTBZMqHH6r4Tts7J_aSIgg").get()
        let body = try WebPush.encrypt(Data("When I grow up, I want to be a watermelon".utf8), for: subscription,
                                       senderKey: senderKey, salt: Base64URL.decode("DGv6ra1nlYgDCS1FRnbzlw"))
        #expect(Base64URL.encode(body) == "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN")
    }

    /// Too long a message is an error to handle, never a trap.
    @Test func aPayloadOverOneMessageIsRefusedWithAnError() throws {
        let subscription = try WebPush.Subscription.validated(
            endpoint: "https://push.example.net/x",
            p256dh: "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4", auth: "BTBZMqHH6r4Tts7J_aSIgg").get()
        #expect(throws: WebPushError.self) { try WebPush.encrypt(Data(count: WebPush.maxPayload + 1), for: subscription) }
        #expect(try WebPush.encrypt(Data(count: WebPush.maxPayload), for: subscription).count == 86 + WebPush.maxPayload + 1 + 16)
    }

    @Test func keysABrowserCouldNotHaveSentAreRefused() {
        let good = "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4"
        // Not on the curve: a byte of y changed.
        let offCurve = String(good.dropLast(2)) + "Aw"
        for (key, auth) in [(offCurve, "BTBZMqHH6r4Tts7J_aSIgg"), ("BCVx", "BTBZMqHH6r4Tts7J_aSIgg"), (good, "BTBZ"), ("!!!", "BTBZMqHH6r4Tts7J_aSIgg")] {
            if case .success = WebPush.Subscription.validated(endpoint: "https://push.example.net/x", p256dh: key, auth: auth) {
                Issue.record("accepted \(key) / \(auth)")
            }
        }
    }

    /// The token is an ES256 JWT for the push service's origin that the public key in `k` verifies.
    @Test func theVAPIDTokenIsSignedForThePushServicesOrigin() throws {
        let vapid = VAPID(key: VAPID.derivedKey(from: SymmetricKey(size: .bits256)), subject: "mailto:ops@shop.example")
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let header = try vapid.authorization(for: "https://fcm.googleapis.com:443/fcm/send/abc?x=1", now: now)
        let parts = header.split(separator: " ")
        #expect(parts.first == "vapid")
        let token = try #require(header.firstMatch(of: /t=([^,]+)/)?.1)
        let k = try #require(header.firstMatch(of: /k=(\S+)/)?.1)
        #expect(String(k) == vapid.publicKey)
        let pieces = token.split(separator: ".").map(String.init)
        #expect(pieces.count == 3)
        let claims = try #require(try JSONSerialization.jsonObject(with: Base64URL.decode(pieces[1])!) as? [String: Any])
        #expect(claims["aud"] as? String == "https://fcm.googleapis.com:443")
        #expect(claims["sub"] as? String == "mailto:ops@shop.example")
        #expect(claims["exp"] as? Int == 1_800_000_000 + 12 * 3600)
        let publicKey = try P256.Signing.PublicKey(x963Representation: Base64URL.decode(String(k))!)
        let signature = try P256.Signing.ECDSASignature(rawRepresentation: Base64URL.decode(pieces[2])!)
        #expect(publicKey.isValidSignature(signature, for: Data("\(pieces[0]).\(pieces[1])".utf8)))
        // The same secret gives the same key on every node.
        let secret = SymmetricKey(size: .bits256)
        #expect(VAPID.derivedKey(from: secret).rawRepresentation == VAPID.derivedKey(from: secret).rawRepresentation)
    }
}
