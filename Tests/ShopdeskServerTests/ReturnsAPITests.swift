import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import ShopdeskCommerce
import ShopdeskCore
@testable import ShopdeskServer
import ShopdeskStore
import ShopdeskTestSupport
import Testing

/// Returns against the fake Shopify's returns API: an agent's return approved at once and
/// refunded on arrival (once, within the approval limits), and a customer's self-service return
/// in the help center in Portuguese, with a photo, arriving as their message.
@Suite("Returns: Shopify's returns API, approval limits, the help center's returns page")
struct ReturnsAPITests {
    /// Order #1001 (2 × Linen shirt at 49 EUR) shipped three days ago.
    static func ship(_ shop: FakeShopify, _ harness: Harness, customer: Int64) async throws -> Int {
        await shop.change("gid://shopify/Order/1001") {
            $0.fulfillmentStatus = .fulfilled
            $0.fulfillments = [OrderFulfillment(status: "success", createdAt: Date().addingTimeInterval(-3 * 86_400), carrier: "CTT", trackingNumber: "RR1")]
        }
        let orders = try await harness.client.json(.get, "/api/v1/customers/\(customer)/orders?refresh=true", token: harness.ownerToken)
        return try #require(orders.items.first { ($0["order"] as? [String: Any])?["number"] as? String == "#1001" }?["id"] as? Int)
    }

    @Test(arguments: TestDatabase.kinds)
    func agentReturnIsRefundedOnArrivalOnce(kind: DatabaseKind) async throws {
        try await CommerceAPITests.withShop(kind) { harness, shop, _, customer, conversation in
            let orderID = try await Self.ship(shop, harness, customer: customer)
            let options = try await harness.client.json(.get, "/api/v1/orders/\(orderID)/returns", token: harness.ownerToken)
            let line = try #require((options.fields["lines"] as? [[String: Any]])?.first)
            #expect(line["returnable"] as? Int == 2 && options.fields["refusal"] == nil, "\(options.text)")

            let tooMany = try await harness.client.json(.post, "/api/v1/orders/\(orderID)/returns", token: harness.ownerToken, body: """
                {"lines":[{"line_item_id":"gid://shopify/LineItem/10011","quantity":3,"reason":"size_too_small"}]}
                """)
            #expect(tooMany.status == .unprocessableContent && tooMany.detail.contains("2 can still be returned"), "\(tooMany.text)")
            let opened = try await harness.client.json(.post, "/api/v1/orders/\(orderID)/returns", token: harness.ownerToken, body: """
                {"lines":[{"line_item_id":"gid://shopify/LineItem/10011","quantity":1,"reason":"size_too_small","note":"Needs an L"}],"conversation_id":\(conversation)}
                """)
            #expect(opened.status == .created, "\(opened.text)")
            #expect(try opened.string("state") == "approved" && (try opened.string("shop_return_id")).hasPrefix("gid://shopify/Return/"))
            let returnID = try opened.int("id")
            #expect(await shop.shopReturn(try opened.string("shop_return_id"))?.status == "OPEN", "an agent's return is approved in Shopify too")
            let after = try await harness.client.json(.get, "/api/v1/orders/\(orderID)/returns", token: harness.ownerToken)
            #expect((after.fields["lines"] as? [[String: Any]])?.first?["returnable"] as? Int == 1, "one shirt is now held by the return")

            let key = UUID().uuidString
            let refunded = try await harness.client.json(.post, "/api/v1/returns/\(returnID)/refund", token: harness.ownerToken,
                                                         headers: ["Idempotency-Key": key], body: "{}")
            #expect(refunded.status == .ok, "\(refunded.text)")
            let returned = try #require(refunded.fields["return"] as? [String: Any]), action = try #require(refunded.fields["action"] as? [String: Any])
            #expect(returned["state"] as? String == "refunded" && action["state"] as? String == "done", "\(refunded.text)")
            let again = try await harness.client.json(.post, "/api/v1/returns/\(returnID)/refund", token: harness.ownerToken,
                                                      headers: ["Idempotency-Key": key], body: "{}")
            #expect((again.fields["action"] as? [String: Any])?["id"] as? Int == action["id"] as? Int, "the same key is the same refund")
            #expect(await shop.mutations.filter { $0 == "ReturnProcess" }.count == 1, "money moved once")
            #expect(await shop.order("gid://shopify/Order/1001")?.refunded.minor == 4_900)
            #expect(await shop.shopReturn(try opened.string("shop_return_id"))?.status == "CLOSED")

            let timeline = try await harness.client.json(.get, "/api/v1/conversations/\(conversation)/timeline", token: harness.ownerToken)
            let kinds = timeline.items.compactMap { $0["kind"] as? String }
            #expect(kinds.contains("return.requested") && kinds.contains("return.updated") && kinds.contains("order.action_succeeded"), "\(kinds)")
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func refundAboveTheLimitWaitsAndClosesTheReturnWhenApproved(kind: DatabaseKind) async throws {
        try await CommerceAPITests.withShop(kind, threshold: "20.00") { harness, shop, _, customer, _ in
            let orderID = try await Self.ship(shop, harness, customer: customer)
            let agent = try await harness.agent(role: .agent)
            let opened = try await harness.client.json(.post, "/api/v1/orders/\(orderID)/returns", token: agent.token, body: """
                {"lines":[{"line_item_id":"gid://shopify/LineItem/10011","quantity":1,"reason":"defective"}]}
                """)
            let returnID = try opened.int("id")
            let received = try await harness.client.json(.post, "/api/v1/returns/\(returnID)/receive", token: agent.token)
            #expect(try received.string("state") == "received", "\(received.text)")
            let asked = try await harness.client.json(.post, "/api/v1/returns/\(returnID)/refund", token: agent.token,
                                                      headers: ["Idempotency-Key": UUID().uuidString], body: "{}")
            let action = try #require(asked.fields["action"] as? [String: Any])
            #expect(action["state"] as? String == "awaiting_approval" && (asked.fields["return"] as? [String: Any])?["state"] as? String == "received",
                    "\(asked.text)")
            #expect(await !shop.mutations.contains("ReturnProcess"), "nothing moves before an admin approves")
            let approved = try await harness.client.json(.post, "/api/v1/order-actions/\(try #require(action["id"] as? Int))/approve", token: harness.ownerToken)
            #expect(try approved.string("state") == "done", "\(approved.text)")
            let closed = try await harness.client.json(.get, "/api/v1/returns/\(returnID)", token: agent.token)
            #expect(try closed.string("state") == "refunded")
            let moveAgain = try await harness.client.json(.post, "/api/v1/returns/\(returnID)/cancel", token: agent.token)
            #expect(moveAgain.status == .conflict, "a refunded return cannot be cancelled")
            let list = try await harness.client.json(.get, "/api/v1/returns?state=refunded", token: agent.token)
            #expect(list.items.count == 1)
        }
    }

    /// A size swapped: the agent's exchange is Shopify's own (returnCreate with an exchange line),
    /// and on arrival it is processed, releasing the new size; no money moves.
    @Test(arguments: TestDatabase.kinds)
    func anExchangeSwapsASizeOnArrival(kind: DatabaseKind) async throws {
        try await CommerceAPITests.withShop(kind) { harness, shop, _, customer, conversation in
            let orderID = try await Self.ship(shop, harness, customer: customer)
            let mixed = try await harness.client.json(.post, "/api/v1/orders/\(orderID)/returns", token: harness.ownerToken, body: """
                {"lines":[{"line_item_id":"gid://shopify/LineItem/10011","quantity":1,"reason":"size_too_small","exchange":{"variant_id":"gid://shopify/ProductVariant/71","title":"Linen shirt - L"}},
                          {"line_item_id":"gid://shopify/LineItem/10011","quantity":1,"reason":"unwanted"}]}
                """)
            #expect(mixed.status == .unprocessableContent, "\(mixed.text)")
            let opened = try await harness.client.json(.post, "/api/v1/orders/\(orderID)/returns", token: harness.ownerToken, body: """
                {"lines":[{"line_item_id":"gid://shopify/LineItem/10011","quantity":1,"reason":"size_too_small","exchange":{"variant_id":"gid://shopify/ProductVariant/71","title":"Linen shirt - L"}}],
                 "conversation_id":\(conversation)}
                """)
            #expect(opened.status == .created, "\(opened.text)")
            let shopReturn = try opened.string("shop_return_id")
            let created = await shop.mutations.contains("ReturnCreate")
            #expect(await shop.shopReturn(shopReturn)?.status == "OPEN" && created)
            let id = try opened.int("id")
            let refund = try await harness.client.json(.post, "/api/v1/returns/\(id)/refund", token: harness.ownerToken,
                                                       headers: ["Idempotency-Key": UUID().uuidString], body: "{}")
            #expect(refund.status == .conflict, "an exchange is not refunded: \(refund.text)")
            let sent = try await harness.client.json(.post, "/api/v1/returns/\(id)/exchange", token: harness.ownerToken)
            let state = try sent.string("state"), reference = try sent.string("exchange_ref")
            #expect(state == "exchanged" && reference == "Shopify CLOSED", "\(sent.text)")
            #expect(await shop.shopReturn(shopReturn)?.status == "CLOSED")
            #expect(await shop.order("gid://shopify/Order/1001")?.refunded.minor == 0, "no money moved")
        }
    }

    /// A CSV shop's orders are read-only: its returns are Shopdesk's own records, refunded in the
    /// shop by hand and marked so.
    @Test func aCSVShopsReturnIsRefundedInTheShopAndMarked() async throws {
        try await Harness.run(.sqlite) { harness in
            _ = try await OrderTrackingTests.setUp(harness)
            let order = try await harness.client.json(.get, "/api/v1/orders?number=55001", token: harness.ownerToken)
            let orderID = try order.int("id")
            let options = try await harness.client.json(.get, "/api/v1/orders/\(orderID)/returns", token: harness.ownerToken)
            #expect(try options.bool("refund_in_shop"))
            let line = try #require((options.fields["lines"] as? [[String: Any]])?.first?["line_item_id"] as? String)
            let opened = try await harness.client.json(.post, "/api/v1/orders/\(orderID)/returns", token: harness.ownerToken,
                                                       body: #"{"lines":[{"line_item_id":"\#(line)","quantity":1,"reason":"unwanted"}]}"#)
            #expect(opened.status == .created, "\(opened.text)")
            let id = try opened.int("id")
            let refund = try await harness.client.json(.post, "/api/v1/returns/\(id)/refund", token: harness.ownerToken,
                                                       headers: ["Idempotency-Key": UUID().uuidString], body: "{}")
            #expect(refund.status == .unprocessableContent && refund.detail.contains("refund #55001 in your shop"), "\(refund.text)")
            let marked = try await harness.client.json(.post, "/api/v1/returns/\(id)/mark-refunded", token: harness.ownerToken)
            #expect(try marked.string("state") == "refunded", "\(marked.text)")
        }
    }

    /// Rules see returns: a damaged item's return is tagged and raised the moment it is opened.
    @Test func rulesActOnReturnsByReason() async throws {
        try await CommerceAPITests.withShop(.sqlite) { harness, shop, _, customer, conversation in
            let orderID = try await Self.ship(shop, harness, customer: customer)
            let rule = try await harness.client.json(.post, "/api/v1/rules", token: harness.ownerToken, body: """
                {"name":"Damaged returns","triggers":["return.requested"],"conditions":{"all":[{"field":"return.reasons","op":"includes","value":"defective"}]},
                 "actions":[{"type":"add_tags","tags":["damaged"]},{"type":"set_priority","priority":"high"}]}
                """)
            #expect(rule.status == .created, "\(rule.text)")
            let sizes = try await harness.client.json(.post, "/api/v1/orders/\(orderID)/returns", token: harness.ownerToken, body: """
                {"lines":[{"line_item_id":"gid://shopify/LineItem/10011","quantity":1,"reason":"size_too_small"}],"conversation_id":\(conversation)}
                """)
            #expect(sizes.status == .created)
            let before = try await harness.client.json(.get, "/api/v1/conversations/\(conversation)", token: harness.ownerToken)
            #expect((before.body as? [String: Any])?["tags"] as? [String] == [], "\(before.text)")
            _ = try await harness.client.json(.post, "/api/v1/orders/\(orderID)/returns", token: harness.ownerToken, body: """
                {"lines":[{"line_item_id":"gid://shopify/LineItem/10011","quantity":1,"reason":"defective"}],"conversation_id":\(conversation)}
                """)
            let after = try await harness.client.json(.get, "/api/v1/conversations/\(conversation)", token: harness.ownerToken)
            #expect((after.body as? [String: Any])?["tags"] as? [String] == ["damaged"] && (after.body as? [String: Any])?["priority"] as? String == "high",
                    "\(after.text)")
            // Macros see returns too.
            let macro = try await harness.client.json(.post, "/api/v1/macros", token: harness.ownerToken, body: #"""
                {"name":"Return received","body":"Your return {{returns.last.number}} is {{returns.last.state}}: {{#each item in returns.last.items}}{{item.quantity}} × {{item.title}}{{/each}}."}
                """#)
            let preview = try await harness.client.json(.post, "/api/v1/conversations/\(conversation)/macros/\(try macro.int("id"))/preview",
                                                        token: harness.ownerToken, body: "{}")
            #expect(preview.text.contains("Your return #1001-R2 is approved: 1 × Linen shirt (M)."), "\(preview.text)")
            // A data request lists them too.
            let export = try await harness.client.json(.get, "/api/v1/customers/\(customer)/export", token: harness.ownerToken)
            let returns = (export.fields["returns"] as? [[String: Any]]) ?? []
            #expect(returns.compactMap { $0["number"] as? String } == ["#1001-R1", "#1001-R2"], "\(export.text.suffix(600))")
        }
    }

    @Test func customerReturnsInTheHelpCenterInPortuguese() async throws {
        try await CommerceAPITests.withShop(.sqlite) { harness, shop, connection, customer, _ in
            let orderID = try await Self.ship(shop, harness, customer: customer)
            _ = orderID
            _ = try await harness.client.json(.put, "/api/v1/help/settings", token: harness.ownerToken, body: #"{"slug":"fake-help","default_language":"en"}"#)
            let policy = try await harness.client.json(.put, "/api/v1/stores/\(connection)/return-policy", token: harness.ownerToken, body: """
                {"window_days":30,"reasons":["size_too_small","defective","other"],"photo_reasons":["defective"],"non_returnable_tags":["final-sale"],
                 "instructions":{},"address":"Fake Outfitters, Rua do Ouro 1, 1100-060 Lisboa"}
                """)
            #expect(policy.status == .ok, "\(policy.text)")
            let home = try await harness.client.json(.get, "/help/fake-help?lang=pt")
            #expect(home.text.contains("/help/fake-help/returns?lang=pt"))
            let form = [("Content-Type", "application/x-www-form-urlencoded")]
            let wrong = try await harness.client.json(.post, "/help/fake-help/returns?lang=pt", headers: Dictionary(uniqueKeysWithValues: form),
                                                      body: "number=%231001&email=eve%40example.com")
            #expect(wrong.text.contains("Nenhum pedido") && !wrong.text.contains("Linen shirt"))
            let unshipped = try await harness.client.json(.post, "/help/fake-help/returns?lang=pt", headers: Dictionary(uniqueKeysWithValues: form),
                                                          body: "number=1002&email=marta%40example.com")
            #expect(unshipped.text.contains("ainda não foi enviado"), "\(unshipped.text)")
            let choose = try await harness.client.json(.post, "/help/fake-help/returns?lang=pt", headers: Dictionary(uniqueKeysWithValues: form),
                                                       body: "number=%231001&email=marta%40example.com")
            #expect(choose.text.contains("Linen shirt") && choose.text.contains("Danificado ou com defeito") && choose.text.contains("multipart/form-data"),
                    "\(choose.text)")
            #expect(choose.headers[.cacheControl] == "no-store")

            let token = UUID().uuidString
            let fields = ["number": "#1001", "email": "marta@example.com", "token": token, "line0": "gid://shopify/LineItem/10011",
                          "quantity0": "1", "reason0": "defective", "note0": "A costura abriu"]
            let noPhoto = try await Self.multipart(harness, fields: fields, photo: nil)
            #expect(noPhoto.contains("Adicione uma foto"), "a defect needs a photo: \(noPhoto)")
            let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array(repeating: 7, count: 64)
            let done = try await Self.multipart(harness, fields: fields, photo: png)
            #expect(done.contains("O seu pedido de devolução foi registado") && done.contains("Rua do Ouro 1") && done.contains("marta@example.com"), "\(done)")
            let twice = try await Self.multipart(harness, fields: fields, photo: png)
            #expect(twice.contains("O seu pedido de devolução foi registado"), "the same form sent twice is one return: \(twice)")

            let list = try await harness.client.json(.get, "/api/v1/returns?state=requested", token: harness.ownerToken)
            #expect(list.items.count == 1, "\(list.text)")
            let request = try #require(list.items.first)
            #expect((request["photo_ids"] as? [Int])?.count == 1 && request["origin"] as? String == "customer")
            let shopReturn = try #require(request["shop_return_id"] as? String)
            #expect(await shop.shopReturn(shopReturn)?.status == "REQUESTED")
            let conversationID = try #require(request["conversation_id"] as? Int)
            let messages = try await harness.client.json(.get, "/api/v1/conversations/\(conversationID)/messages", token: harness.ownerToken)
            // Marta's open conversation takes the request (the agent sees it beside her question).
            let message = try #require(messages.items.last)
            #expect((message["text"] as? String)?.contains("A costura abriu") == true && (message["attachment_ids"] as? [Any])?.count == 1,
                    "\(messages.text.prefix(2000))")

            let declined = try await harness.client.json(.post, "/api/v1/returns/\(try #require(request["id"] as? Int))/decline", token: harness.ownerToken,
                                                         body: #"{"reason":"Worn item"}"#)
            #expect(try declined.string("state") == "declined" && (try declined.string("decline_reason")) == "Worn item")
            #expect(await shop.shopReturn(shopReturn)?.status == "DECLINED")
        }
    }

    static func multipart(_ harness: Harness, fields: [String: String], photo: [UInt8]?) async throws -> String {
        let boundary = "----shopdesk\(UUID().uuidString.prefix(8))"
        var body: [UInt8] = []
        for (name, value) in fields.sorted(by: { $0.key < $1.key }) {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
        }
        body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"\(photo == nil ? "" : "costura.png")\"\r\nContent-Type: \(photo == nil ? "application/octet-stream" : "image/png")\r\n\r\n".utf8)
        body += (photo ?? []) + Array("\r\n--\(boundary)--\r\n".utf8)
        return try await harness.client.execute(uri: "/help/fake-help/returns?lang=pt", method: .post,
                                                headers: [.contentType: "multipart/form-data; boundary=\(boundary)"],
                                                body: ByteBuffer(bytes: body)) { String(buffer: $0.body) }
    }
}

extension JSONResponse {
    /// The body's top-level object (empty when the body is not one).
    var fields: [String: Any] { body as? [String: Any] ?? [:] }
}

/// The returns form's multipart reader on what a broken or hostile client sends.
@Suite("Returns: the multipart form reader")
struct MultipartFormTests {
    @Test func fieldsFilesAndBrokenBodies() {
        let body = Array("--b\r\nContent-Disposition: form-data; name=\"number\"\r\n\r\n#1001\r\n--b\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"a.png\"\r\n\r\nPNG\r\n--b--\r\n".utf8)
        let form = MultipartForm(contentType: "multipart/form-data; boundary=b", body: body)
        #expect(form.fields["number"] == "#1001" && form.files.count == 1 && form.files.first?.data == Data("PNG".utf8))
        // No boundary, a boundary that never comes, no closing line, a huge line: nothing, or what is there.
        #expect(MultipartForm(contentType: "multipart/form-data", body: body).fields.isEmpty)
        #expect(MultipartForm(contentType: "multipart/form-data; boundary=zz", body: body).fields.isEmpty)
        let unterminated = MultipartForm(contentType: "multipart/form-data; boundary=b", body: Array(body.dropLast(7)))
        #expect(unterminated.fields["number"] == "#1001")
        let flood = MultipartForm(contentType: "multipart/form-data; boundary=b", body: Array(repeating: 0x2D, count: 2_000_000))
        #expect(flood.fields.isEmpty && flood.files.isEmpty)
        // Line fields past the hundredth are not read; quantities must be numbers above zero.
        let lines = MultipartForm(fields: ["line0": "a", "quantity0": "x", "line1": "b", "quantity1": "2", "reason1": "nonsense", "line150": "c", "quantity150": "1"]).lines()
        #expect(lines == [ReturnLine(lineItemID: "b", quantity: 2, reason: .other)])
        // The demo's Telegram reads the adapter's uploads with it.
        let upload = Array("--x\r\nContent-Disposition: form-data; name=\"chat_id\"\r\n\r\n42\r\n--x\r\nContent-Disposition: form-data; name=\"document\"; filename=\"Račun.pdf\"\r\n\r\n%PDF\r\n--x--\r\n".utf8)
        let (fields, fileName) = DemoTelegram.fields(Data(upload), contentType: "multipart/form-data; boundary=x")
        #expect(fields == ["chat_id": "42"] && fileName == "Račun.pdf")
    }
}
