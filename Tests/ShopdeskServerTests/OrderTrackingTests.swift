import Foundation
import ShopdeskCore
@testable import ShopdeskServer
import ShopdeskTestSupport
import Testing

/// Self-service order tracking in the chat widget: the order number and its email, nothing more.
@Suite("Order tracking without an agent")
struct OrderTrackingTests {
    static let orders = """
        order_number,email,created_at,total,currency,fulfillment_status,item_title,item_quantity,item_price,tracking_number,tracking_url,carrier
        55001,marta@example.com,2026-11-20,59.00,EUR,fulfilled,Linen shirt,1,59.00,JJD0099,https://www.dhl.com/track?id=JJD0099,DHL
        """

    /// A chat inbox and a CSV shop with Marta's order; returns the widget key.
    static func setUp(_ harness: Harness) async throws -> String {
        let store = try await harness.client.json(.post, "/api/v1/stores", token: harness.ownerToken, body: #"{"platform":"csv"}"#)
        _ = try await harness.client.json(.post, "/api/v1/stores/\(try store.int("id"))/import?kind=orders", token: harness.ownerToken,
                                          headers: ["Content-Type": "text/csv"], body: orders)
        let chat = try await harness.client.json(.post, "/api/v1/inboxes", token: harness.ownerToken, body: #"{"name":"Chat","kind":"chat"}"#)
        return try chat.object("inbox").string("widget_key")
    }

    @Test func theRightNumberAndEmailShowStatusAndTrackingOnly() async throws {
        try await Harness.run(.sqlite, mode: .live) { harness in
            let key = try await Self.setUp(harness)
            let session = try await harness.client.json(.post, "/api/v1/widget/\(key)/sessions", body: "{}")
            let visitor = try session.string("token")
            let lookup = { (number: String, email: String) in
                try await harness.client.json(.post, "/api/v1/widget/orders/lookup", headers: ["X-Visitor-Token": visitor],
                                              body: #"{"number":"\#(number)","email":"\#(email)"}"#)
            }
            let found = try await lookup("#55001", "Marta@Example.com ")
            #expect(found.status == .ok, "\(found.text)")
            #expect(found.text.contains("JJD0099") && found.text.contains("fulfilled") && !found.text.contains("address"), "\(found.text)")
            #expect((found.body as? [String: Any])?["returns_path"] == nil, "no help center, no returns page")
            _ = try await harness.client.json(.put, "/api/v1/help/settings", token: harness.ownerToken, body: #"{"slug":"marta-shop"}"#)
            let shipped = try await lookup("55001", "marta@example.com")
            #expect((shipped.body as? [String: Any])?["returns_path"] as? String == "/help/marta-shop/returns?number=55001", "\(shipped.text)")
            let config = try await harness.client.json(.post, "/api/v1/widget/\(key)/sessions", body: #"{"token":"\#(visitor)"}"#)
            #expect(((config.body as? [String: Any])?["config"] as? [String: Any])?["returns_path"] as? String == "/help/marta-shop/returns",
                    "the widget's tracking form links the returns page: \(config.text)")
            let wrongEmail = try await lookup("55001", "someone@example.com")
            let wrongNumber = try await lookup("55002", "marta@example.com")
            #expect(wrongEmail.status == .notFound && wrongNumber.status == .notFound && wrongEmail.detail == wrongNumber.detail,
                    "a wrong email and a wrong number look the same")
            var last = wrongNumber
            for _ in 0..<10 { last = try await lookup("55003", "marta@example.com") }
            #expect(last.status == .tooManyRequests, "guessing is slowed down")
            let anonymous = try await harness.client.json(.post, "/api/v1/widget/orders/lookup", body: #"{"number":"55001","email":"marta@example.com"}"#)
            #expect(anonymous.status == .unauthorized)
        }
    }

    @Test(.enabled(if: Browser.shouldRun), .timeLimit(.minutes(10)))
    func theWidgetLooksAnOrderUp() async throws {
        try await Harness.run(.sqlite, mode: .live) { harness in
            let key = try await Self.setUp(harness)
            let port = try #require(harness.client.port)
            let widget = WidgetPage.root
            try await Browser.with { page in
                try await WidgetPage.open(page, port: port, key: key)
                try await page.waitFor("\(widget).querySelector('.track-open')", "the tracking button")
                _ = try await page.evaluate("\(widget).querySelector('.track-open').click()")
                try await page.waitFor("!\(widget).querySelector('form.track').hidden && \(widget).querySelector('.log').hidden", "the tracking form")
                _ = try await page.evaluate("""
                    (() => { const form = \(widget).querySelector('form.track'); const inputs = form.querySelectorAll('input');
                      inputs[0].value = '55001'; inputs[1].value = 'marta@example.com'; form.requestSubmit(); return true })()
                    """)
                try await page.waitFor("\(widget).querySelector('.tracked').textContent.includes('Shipped')", "the order's status")
                let link = try await page.evaluate("\(widget).querySelector('.tracked a').href") as? String
                #expect(link == "https://www.dhl.com/track?id=JJD0099")
                _ = try await page.evaluate("\(widget).querySelector('form.track .back').click()")
                try await page.waitFor("!\(widget).querySelector('.log').hidden && \(widget).querySelector('form.track').hidden", "back to the chat")
            }
        }
    }
}
