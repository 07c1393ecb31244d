import Foundation
import ShopdeskCommerce
import Testing

/// Shopify's OAuth rules that need no server: the callback's signature and the shop's address.
@Suite("Shopify OAuth: signatures and shop addresses")
struct ShopifyOAuthTests {
    /// The example in Shopify's OAuth documentation (secret "hush"), and a value with the
    /// characters Shopify escapes; both hex digests as the official Python library computes them.
    @Test func callbackSignaturesAreShopifys() {
        let documented: [(name: String, value: String)] = [("code", "0907a61c0c8d55e99db179b68161bc00"), ("shop", "some-shop.myshopify.com"),
                                                           ("state", "0.6784241404160823"), ("timestamp", "1337178173")]
        let expected = "700e2dadb827fcc8609e9d5ce208b2e9cdaab9df07390d2cbca10d7c328fc4bf"
        #expect(ShopifyOAuth.sign(documented, secret: "hush") == expected)
        #expect(ShopifyOAuth.verify(documented + [("hmac", expected)], secret: "hush"))
        #expect(!ShopifyOAuth.verify(documented + [("hmac", expected)], secret: "hush2"))
        #expect(!ShopifyOAuth.verify(documented.dropLast() + [("timestamp", "1337178174"), ("hmac", expected)], secret: "hush"))
        #expect(!ShopifyOAuth.verify(documented + [("hmac", "not-hex")], secret: "hush"))
        #expect(!ShopifyOAuth.verify(documented, secret: "hush"), "no hmac at all")
        let escaped: [(name: String, value: String)] = [("a", "1%2"), ("b=c", "x&y"), ("host", "YWRtaW4uc2hvcGlmeS5jb20vc3RvcmUvZmFrZQ==")]
        #expect(ShopifyOAuth.sign(escaped, secret: "hush") == "7c837885e4fe80ed97f1244526429b1484b4d8f75799bb39b19a6dc892b20117")
    }

    @Test func onlyMyshopifyAddressesAreShops() {
        for good in ["fake-outfitters.myshopify.com", "Shop9.MYSHOPIFY.com", "a.myshopify.com"] { #expect(ShopifyOAuth.isShopDomain(good), "\(good)") }
        for bad in ["-shop.myshopify.com", ".myshopify.com", "shop.myshopify.com.evil.com", "evil.com/shop.myshopify.com", "shop_1.myshopify.com",
                    "shop.myshopify.co", "sub.shop.myshopify.com", "shop.myshopify.com:443", "myshopify.com", ""] {
            #expect(!ShopifyOAuth.isShopDomain(bad), "\(bad)")
        }
        #expect(!ShopifyOAuth.isShopDomain(String(repeating: "a", count: 100_000) + ".myshopify.com"))
    }

    @Test func writeScopesCoverTheirReads() {
        #expect(ShopifyOAuth.missing(["read_orders", "write_orders", "read_customers"], granted: ["write_orders"]) == ["read_customers"])
        #expect(ShopifyGrant(accessToken: "t", scopes: ["read_customers", "write_orders", "write_discounts", "write_returns"]).missingScopes.isEmpty)
    }
}
