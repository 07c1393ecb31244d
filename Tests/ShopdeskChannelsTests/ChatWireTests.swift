import Crypto
import Foundation
import ShopdeskChannels
import Testing

/// The site chat's rules that need no server.
@Suite("Chat wire")
struct ChatWireTests {
    @Test func theShopsSignatureOfItsCustomerIDIsCheckedOverItsFullLength() {
        let secret = "identity-secret"
        let signature = HMAC<SHA256>.authenticationCode(for: Data("customer-42".utf8), using: SymmetricKey(data: Data(secret.utf8)))
            .map { String(format: "%02x", $0) }.joined()
        #expect(ChatWire.verify(identifier: "customer-42", hash: signature, secret: secret))
        #expect(ChatWire.verify(identifier: "customer-42", hash: signature.uppercased(), secret: secret))
        #expect(!ChatWire.verify(identifier: "customer-43", hash: signature, secret: secret))
        #expect(!ChatWire.verify(identifier: "customer-42", hash: String(signature.dropLast()), secret: secret), "a prefix is not the signature")
        #expect(!ChatWire.verify(identifier: "customer-42", hash: signature, secret: ""), "no secret: nothing is verified")
    }

    @Test func aVisitorMessageKeepsTheWidgetsOwnID() {
        let stored = ChatWire.channelMessageID(visitor: 7, clientID: "c-1:x")
        #expect(ChatWire.clientID(stored) == "c-1:x")
        #expect(ChatWire.clientID(nil) == nil)
    }

    @Test func onlyWebAddressesAreKeptForAgentsToClick() {
        #expect(ChatWire.isWebURL("https://shop.example/cart"))
        #expect(!ChatWire.isWebURL("javascript:alert(1)"))
        #expect(!ChatWire.isWebURL("data:text/html,hi"))
        #expect(ChatWire.firstName("Ana Marić") == "Ana")
    }
}
