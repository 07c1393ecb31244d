import Foundation
@testable import ShopdeskCommerce
import ShopdeskCore
import Testing

/// Recorded answers in the platforms' documented shapes, read into `StoreOrder`.
@Suite("Shop payloads")
struct DecodingTests {
    static func fixture(_ name: String) throws -> JSONValue {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Fixtures"))
        return try JSONValue.parse(Data(contentsOf: url))
    }

    @Test func shopifyOrderFieldsBecomeAStoreOrder() throws {
        let node = try Self.fixture("shopify-customer-orders")["data"]["orders"]["nodes"].array[0]
        let order = try ShopifyConnector.decodeOrder(node, adminBase: "https://ana-shop.myshopify.com/admin")
        #expect(order.number == "#1043" && order.plainNumber == "1043")
        #expect(order.total == Amount(minor: 13_370, currency: "EUR"), "\"133.7\" is read exactly, without floating point")
        #expect(order.refunded.minor == 3_990 && order.refundable.minor == 9_380)
        #expect(order.financialStatus == .partiallyRefunded && order.fulfillmentStatus == .fulfilled)
        #expect(order.lineItems.map(\.refundableQuantity) == [1, 0])
        #expect(order.lineItems[0].unitPrice.minor == 8_890 && order.lineItems[0].variant == "S / Charcoal")
        #expect(order.fulfillments.first?.trackingNumber == "HR6630017745" && order.fulfillments.first?.carrier == "GLS")
        #expect(order.shippingAddress?.oneLine == "Vukovarska 58, 3. kat, 21000 Split, HR")
        #expect(order.refunds.first?.note == "Scarf returned")
        #expect(order.customerRef == "gid://shopify/Customer/7765432100123")
        #expect(order.adminURL == "https://ana-shop.myshopify.com/admin/orders/5912345678901")
        #expect(order.tags == ["gift", "repeat-buyer"])
    }

    @Test func wooCommerceOrderBecomesAStoreOrder() throws {
        let order = try WooCommerceConnector.decodeOrder(try Self.fixture("woocommerce-order"), siteURL: "https://loja.example.com.br")
        #expect(order.id == "4127" && order.number == "#4127")
        #expect(order.email == "Joao.Silva@example.com.br")
        #expect(order.total == Amount(minor: 26_970, currency: "BRL"))
        #expect(order.refunded.minor == 5_000 && order.financialStatus == .partiallyRefunded)
        #expect(order.fulfillmentStatus == .unfulfilled)
        #expect(order.lineItems.map(\.unitPrice.minor) == [9_990, 5_000], "unit prices from the exact subtotals")
        #expect(order.fulfillments.first?.trackingNumber == "NX123456789BR" && order.fulfillments.first?.carrier == "Correios")
        #expect(order.shippingAddress?.city == "São Paulo" && order.shippingAddress?.name == "João Silva")
        #expect(order.createdAt == Date(timeIntervalSince1970: 1_795_383_611), "the _gmt time is UTC")
    }

    @Test func throttleWaitFollowsTheBucket() {
        let json: JSONValue = .object(["extensions": .object(["cost": .object([
            "requestedQueryCost": .number(250), "throttleStatus": .object(["currentlyAvailable": .number(50), "restoreRate": .number(100)]),
        ])])])
        #expect(ShopifyConnector.throttleDelay(json: json, retryAfter: nil) == 2)
        #expect(ShopifyConnector.throttleDelay(json: nil, retryAfter: "1.5") == 1.5)
    }

    @Test func webhookSignaturesAreCheckedOverTheRawBody() throws {
        let body = Data(#"{"id":820982911946154508,"admin_graphql_api_id":"gid://shopify/Order/820982911946154508"}"#.utf8)
        let signature = StoreWebhooks.sign(body: body, secret: "shpss_secret")
        let headers = ["x-shopify-hmac-sha256": signature, "x-shopify-topic": "orders/updated", "x-shopify-event-id": "e-1"]
        #expect(StoreWebhooks.verify(platform: .shopify, secret: "shpss_secret", body: body, headers: headers))
        #expect(!StoreWebhooks.verify(platform: .shopify, secret: "other", body: body, headers: headers))
        var tampered = body
        tampered[5] = UInt8(ascii: "9")
        #expect(!StoreWebhooks.verify(platform: .shopify, secret: "shpss_secret", body: tampered, headers: headers))
        #expect(!StoreWebhooks.verify(platform: .shopify, secret: "shpss_secret", body: body, headers: [:]), "no signature, no entry")
        #expect(!StoreWebhooks.verify(platform: .woocommerce, secret: "shpss_secret", body: body, headers: headers), "the platform's own header")
        let notice = try #require(try StoreWebhooks.notice(platform: .shopify, body: body, headers: headers, siteURL: ""))
        #expect(notice.orderID == "gid://shopify/Order/820982911946154508" && notice.eventID == "e-1")

        let woo = Data(try JSONEncoder().encode(try Self.fixture("woocommerce-order")))
        let wooHeaders = ["x-wc-webhook-signature": StoreWebhooks.sign(body: woo, secret: "wc-secret"), "x-wc-webhook-topic": "order.updated",
                          "x-wc-webhook-id": "12", "x-wc-webhook-delivery-id": "a1b2"]
        #expect(StoreWebhooks.verify(platform: .woocommerce, secret: "wc-secret", body: woo, headers: wooHeaders))
        let wooNotice = try #require(try StoreWebhooks.notice(platform: .woocommerce, body: woo, headers: wooHeaders, siteURL: "https://loja.example"))
        #expect(wooNotice.order?.number == "#4127" && wooNotice.eventID == "12-a1b2")
    }

    @Test func csvImportReportsRejectedRowsAndKeepsTheRest() throws {
        let csv = """
            order_number,email,created_at,total,currency,financial_status,fulfillment_status,item_title,item_quantity,item_price,tracking_number,carrier
            1001,Marta@Example.com,2026-11-01,59.80,EUR,paid,fulfilled,Linen shirt,1,49.00,JJD001,DHL
            1001,marta@example.com,2026-11-01,59.80,EUR,paid,fulfilled,"Socks, 3 pack",1,10.80,,
            1002,ivan@example.com,yesterday,10.00,EUR,,,,,,,
            1003,ivan@example.com,2026-11-03,12.345,EUR,,,,,,,
            1004,olga@example.ru,2026-11-04T10:00:00Z,1500,RUB,pending,,Шарф,two,100,,
            """
        let (orders, rejected) = try CSVImport.orders(csv)
        // A row with a bad item is refused whole; an order made only of refused rows is not created.
        #expect(orders.map(\.number) == ["#1001"])
        #expect(orders[0].lineItems.map(\.title) == ["Linen shirt", "Socks, 3 pack"] && orders[0].email == "marta@example.com")
        #expect(orders[0].fulfillments.first?.trackingNumber == "JJD001")
        #expect(rejected.map(\.line) == [4, 5, 6], "\(rejected)")
        #expect(throws: CSVImport.ImportError.self) { try CSVImport.orders("number,email\n1,a@b.c") }
        let (customers, refused) = try CSVImport.customers("email,name,tags,vip\nana@example.hr,Ana,vip;wholesale,yes\nnobody,,,\n")
        #expect(customers.first?.tags == ["vip", "wholesale"] && customers.first?.vip == true)
        #expect(refused.map(\.line) == [3])
    }
}
