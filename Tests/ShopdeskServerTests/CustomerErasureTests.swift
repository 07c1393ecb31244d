import Crypto
import Foundation
import HTTPTypes
import NIOCore
import ShopdeskCommerce
import ShopdeskCore
@testable import ShopdeskServer
import ShopdeskStore
import ShopdeskTestSupport
import Testing

/// A customer's right to be forgotten, from an admin and from Shopify's compliance webhooks:
/// what they wrote, their files, names and addresses are gone; what support did still counts.
@Suite("Customers: erasure and data requests")
struct CustomerErasureTests {
    @Test(arguments: TestDatabase.kinds)
    func anErasedCustomerLeavesNoTraceButTheWorkStillCounts(kind: DatabaseKind) async throws {
        try await Harness.run(kind) { harness in
            let first = try await harness.inbound(email: "marta@example.com", text: "Please send it to Ilica 1, Zagreb", subject: "Adresa Ilica")
            let customer = try first.int("customer_id"), conversation = try first.int("conversation_id")
            let bytes = Array("%PDF-1.4 Marta's invoice".utf8)
            let uploaded = try await harness.client.execute(
                uri: "/api/v1/attachments", method: .post,
                headers: [.authorization: "Bearer \(harness.ownerToken)", .contentType: "application/pdf", HTTPField.Name("X-File-Name")!: "marta-invoice.pdf"],
                body: ByteBuffer(bytes: bytes)) { try JSONSerialization.jsonObject(with: Data(String(buffer: $0.body).utf8)) as? [String: Any] }
            let file = try #require(uploaded?["id"] as? Int)
            let reply = try await harness.client.json(.post, "/api/v1/conversations/\(conversation)/messages", token: harness.ownerToken,
                                                      body: #"{"text":"Sent to Ilica 1, Marta.","attachment_ids":[\#(file)]}"#)
            #expect(reply.status == .created, "\(reply.text)")
            // The reports know the words of her first message ("ilica", "zagreb")…
            try await ReportFactsStore.rebuild(workspaceID: harness.workspaceID, now: Date(), in: harness.database)
            let termsOf = { () async throws -> [String] in
                try await harness.database.read { sql in
                    try await sql.raw("SELECT terms FROM report_facts WHERE conversation_id = \(bind: conversation)").all()
                        .compactMap { try $0.decode(column: "terms", as: String?.self) }
                }
            }
            #expect(try await termsOf().first?.contains("ilica") == true)
            // What a data request gets before anything is erased.
            let export = try await harness.client.json(.get, "/api/v1/customers/\(customer)/export", token: harness.ownerToken)
            #expect(export.text.contains("Ilica 1, Zagreb") && export.text.contains("marta-invoice.pdf") && export.text.contains("marta@example.com"))

            #expect(try await harness.services.files.store.exists(sha256: Self.sha256(bytes)), "the file is stored by its hash")
            let unconfirmed = try await harness.client.json(.post, "/api/v1/customers/\(customer)/erase", token: harness.ownerToken, body: "{}")
            #expect(unconfirmed.status == .unprocessableContent)
            let agent = try await harness.agent(role: .agent, email: "ivo@example.com")
            let refused = try await harness.client.json(.post, "/api/v1/customers/\(customer)/erase", token: agent.token, body: #"{"confirm":true}"#)
            #expect(refused.status == .forbidden, "only admins erase")
            let erased = try await harness.client.json(.post, "/api/v1/customers/\(customer)/erase", token: harness.ownerToken,
                                                       body: #"{"confirm":true,"reason":"Asked by email"}"#)
            #expect(erased.status == .ok, "\(erased.text)")
            #expect(try erased.int("messages") == 2 && erased.int("attachments") == 1 && erased.int("conversations") == 1)

            let person = try await harness.client.json(.get, "/api/v1/customers/\(customer)", token: harness.ownerToken)
            #expect(!person.text.contains("marta") && !person.text.contains("Marta"), "\(person.text)")
            let messages = try await harness.client.json(.get, "/api/v1/conversations/\(conversation)/messages", token: harness.ownerToken)
            #expect(!messages.text.contains("Ilica") && messages.items.count == 2, "the messages stay, without their words: \(messages.text)")
            let thread = try await harness.client.json(.get, "/api/v1/conversations/\(conversation)", token: harness.ownerToken)
            #expect(!thread.text.contains("Ilica") && thread.text.contains("resolved") == false)
            // …and no more once she is erased, nor after the days are counted again.
            #expect(try await termsOf().isEmpty)
            _ = try await ReportFactsStore.catchUp(workspaceID: harness.workspaceID, now: Date(), budget: 60, in: harness.database)
            let counted = try await harness.database.read { sql in
                try await sql.raw("SELECT term FROM report_terms WHERE workspace_id = \(bind: harness.workspaceID.rawValue) AND term LIKE '%ilica%'").all().count
            }
            #expect(counted == 0)
            #expect(try await harness.client.json(.get, "/api/v1/attachments/\(file)", token: harness.ownerToken).status == .notFound)
            for query in ["Ilica", "marta", "Adresa"] {
                let found = try await harness.client.json(.get, "/api/v1/search?q=\(query)", token: harness.ownerToken)
                #expect(found.items.isEmpty, "\(query): \(found.text)")
            }
            let timeline = try await harness.client.json(.get, "/api/v1/conversations/\(conversation)/timeline", token: harness.ownerToken)
            #expect(timeline.text.contains("customer.erased") && timeline.text.contains("Asked by email") && !timeline.text.contains("Ilica"))
            // The bytes are gone from the store too.
            let stored = try await harness.services.files.store.exists(sha256: Self.sha256(bytes))
            #expect(!stored)
            // The conversation still counts in the workspace's lists; the same address is a new customer.
            let all = try await harness.client.json(.get, "/api/v1/conversations?view=all", token: harness.ownerToken)
            #expect(all.items.count == 1)
            let again = try await harness.inbound(email: "marta@example.com", text: "Hello again")
            #expect(try again.int("customer_id") != customer)
        }
    }

    /// Shopify's mandatory compliance webhooks, signed with the app's client secret: a data
    /// request lists the customer for export, a redact request erases them, a shop redact
    /// removes the shop. Each is stored before it is acknowledged and carried out by a job.
    @Test(arguments: TestDatabase.kinds)
    func shopifysPrivacyWebhooksAreCarriedOut(kind: DatabaseKind) async throws {
        try await ShopifyOAuthAPITests.withShop(kind, auth: "client_credentials") { harness, _, connection in
            let customer = try await harness.inbound(email: "marta@example.com", text: "Where is my parcel?").int("customer_id")
            let person = #""customer":{"id":7,"email":"Marta@Example.com","phone":"+385911234567"}"#
            func deliver(_ topic: String, _ body: String, event: String) async throws -> JSONResponse {
                let data = Data(body.utf8)
                return try await harness.client.json(.post, "/api/v1/stores/\(connection)/webhooks", headers: [
                    "X-Shopify-Topic": topic, "X-Shopify-Event-Id": event, "X-Shopify-Shop-Domain": FakeShopifyOAuth.shopDomain,
                    "X-Shopify-Hmac-Sha256": StoreWebhooks.sign(body: data, secret: FakeShopifyOAuth.clientSecret),
                ], body: body)
            }
            let shop = #""shop_id":954889,"shop_domain":"\#(FakeShopifyOAuth.shopDomain)""#
            let request = try await deliver("customers/data_request", "{\(shop),\(person),\"orders_requested\":[299938],\"data_request\":{\"id\":9999}}",
                                            event: "evt-data")
            #expect(try request.string("received") == "accepted", "\(request.text)")
            #expect(try await deliver("customers/data_request", "{\(shop),\(person),\"orders_requested\":[]}", event: "evt-data").string("received") == "duplicate")
            try await harness.runJobs()
            let listed = try await harness.client.json(.get, "/api/v1/stores/privacy-requests", token: harness.ownerToken)
            let first = try #require(listed.items.first)
            #expect(first["topic"] as? String == "customers/data_request" && first["outcome"] as? String == "ready to export", "\(listed.text)")
            #expect((first["customer_ids"] as? [Int])?.map(Int64.init) == [customer])

            _ = try await deliver("customers/redact", "{\(shop),\(person),\"orders_to_redact\":[299938]}", event: "evt-redact")
            try await harness.runJobs()
            let erased = try await harness.client.json(.get, "/api/v1/customers/\(customer)", token: harness.ownerToken)
            #expect(!erased.text.contains("marta"), "\(erased.text)")
            let redacted = try await harness.client.json(.get, "/api/v1/stores/privacy-requests", token: harness.ownerToken)
            #expect(redacted.items.first?["outcome"] as? String == "erased")

            _ = try await deliver("shop/redact", "{\(shop)}", event: "evt-shop")
            try await harness.runJobs()
            let shops = try await harness.client.json(.get, "/api/v1/stores", token: harness.ownerToken)
            #expect(shops.items.isEmpty, "\(shops.text)")
        }
    }

    /// An agent changed the order's address from the conversation; after erasing, neither the
    /// timeline nor the order action says where it went.
    @Test func anAddressChangeIsErasedFromTheTimelineAndTheOrderAction() async throws {
        try await CommerceAPITests.withShop(.sqlite) { harness, _, _, customer, conversation in
            let orders = try await harness.client.json(.get, "/api/v1/customers/\(customer)/orders", token: harness.ownerToken)
            let orderID = try #require(orders.items.first?["id"] as? Int)
            let moved = try await harness.client.json(.post, "/api/v1/orders/\(orderID)/actions", token: harness.ownerToken,
                                                      headers: ["Idempotency-Key": UUID().uuidString],
                                                      body: #"{"kind":"update_address","conversation_id":\#(conversation),"address":{"name":"Marta Kovač","address1":"Vukovarska 7","city":"Split","zip":"21000","country_code":"HR"}}"#)
            #expect(try moved.string("state") == "done", "\(moved.text)")
            _ = try await harness.client.json(.post, "/api/v1/customers/\(customer)/erase", token: harness.ownerToken, body: #"{"confirm":true}"#)
            let timeline = try await harness.client.json(.get, "/api/v1/conversations/\(conversation)/timeline", token: harness.ownerToken)
            #expect(!timeline.text.contains("Vukovarska") && timeline.text.contains("order.action_succeeded"), "\(timeline.text)")
            let actions = try await harness.client.json(.get, "/api/v1/orders/\(orderID)", token: harness.ownerToken)
            #expect(!actions.text.contains("Vukovarska"), "\(actions.text)")
        }
    }

    /// File bytes are kept once by their hash, whichever workspace sent them: erasing one
    /// workspace's customer must not take another workspace's copy of the same file.
    @Test(arguments: TestDatabase.kinds)
    func anotherWorkspacesCopyOfTheSameFileSurvivesAnErasure(kind: DatabaseKind) async throws {
        try await Harness.run(kind, configure: { $0.fileStore = .database }) { harness in
            let bytes = Array("%PDF-1.4 the same price list".utf8)
            let upload = { (token: String) async throws -> Int in
                let answer = try await harness.client.execute(
                    uri: "/api/v1/attachments", method: .post,
                    headers: [.authorization: "Bearer \(token)", .contentType: "application/pdf", HTTPField.Name("X-File-Name")!: "prices.pdf"],
                    body: ByteBuffer(bytes: bytes)) { try JSONSerialization.jsonObject(with: Data(String(buffer: $0.body).utf8)) as? [String: Any] }
                return try #require(answer?["id"] as? Int)
            }
            let first = try await harness.inbound(email: "marta@example.com", text: "The price list, please")
            let mine = try await upload(harness.ownerToken)
            let reply = try await harness.client.json(.post, "/api/v1/conversations/\(try first.int("conversation_id"))/messages",
                                                      token: harness.ownerToken, body: #"{"text":"Here it is.","attachment_ids":[\#(mine)]}"#)
            #expect(reply.status == .created, "\(reply.text)")
            let other = try await harness.stranger()
            let theirs = try await upload(other.token)

            let erased = try await harness.client.json(.post, "/api/v1/customers/\(try first.int("customer_id"))/erase", token: harness.ownerToken,
                                                       body: #"{"confirm":true}"#)
            #expect(erased.status == .ok, "\(erased.text)")
            #expect(try erased.int("attachments") == 1)
            #expect(try await harness.client.json(.get, "/api/v1/attachments/\(mine)", token: harness.ownerToken).status == .notFound)
            let kept = try await harness.client.execute(uri: "/api/v1/attachments/\(theirs)/download", method: .get,
                                                        headers: [.authorization: "Bearer \(other.token)"]) { ($0.status, Array(buffer: $0.body)) }
            #expect(kept.0 == .ok && kept.1 == bytes, "the other workspace's file is intact")
            #expect(try await harness.services.files.store.exists(sha256: Self.sha256(bytes)))
        }
    }

    static func sha256(_ bytes: [UInt8]) -> String {
        SHA256.hash(data: Data(bytes)).map { String(format: "%02x", $0) }.joined()
    }
}

/// The admin's side in a browser: the customer panel's export and erase.
@Suite("Customers: erasure in a browser", .enabled(if: Browser.shouldRun), .serialized, .timeLimit(.minutes(10)))
struct CustomerErasureBrowserTests {
    @Test func anAdminExportsThenErasesACustomerFromTheCustomerPanel() async throws {
        try await Harness.run(.sqlite, mode: .live) { harness in
            let port = try #require(harness.client.port)
            let conversation = try await harness.inbound(email: "marta@example.com", text: "My address is Ilica 1").int("conversation_id")
            try await Browser.with { page in
                try await WebAppTests.signIn(page, harness, "http://127.0.0.1:\(port)/#/open/\(conversation)")
                try await page.waitFor("document.querySelector('#thread')?.innerText.includes('Ilica 1')", "Marta's message")
                try await page.waitFor("document.querySelector('#customer-erase')", "the erase button (admins)")
                // Export first: the button downloads the archive (its link is caught and fetched here).
                _ = try await page.evaluate("""
                    (() => { HTMLAnchorElement.prototype.click = function () {
                      window.exported = this.getAttribute('href');
                      fetch(this.href).then((r) => r.arrayBuffer()).then((b) => {
                        const text = new TextDecoder('latin1').decode(new Uint8Array(b));
                        window.archive = text.startsWith('PK') && text.includes('customer.json') ? 'zip' : 'not a zip';
                      });
                    }; document.querySelector('#customer-export').click(); return true })()
                    """)
                try await page.waitFor("window.archive === 'zip' && window.exported.endsWith('/export.zip')", "the customer's archive")
                _ = try await page.evaluate("(() => { window.confirm = () => true; document.querySelector('#customer-erase').click(); return true })()")
                try await page.waitFor("!document.querySelector('#thread')?.innerText.includes('Ilica 1')", "the message without its words")
                try await page.waitFor("!document.querySelector('#sidebar-customer')?.innerText.includes('marta@example.com')", "the customer without an address")
            }
        }
    }
}
