import Foundation
import ShopdeskCore
@testable import ShopdeskServer
import ShopdeskStore
import ShopdeskTestSupport
import Testing

/// The help center: articles written by admins, served publicly, searched, suggested to agents.
@Suite("Help center")
struct HelpCenterTests {
    /// A help center at /help/<slug> with a published returns article (en, pt), a draft and a category.
    static func setUp(_ harness: Harness, slug: String) async throws -> (published: Int64, draft: Int64) {
        let settings = try await harness.client.json(.put, "/api/v1/help/settings", token: harness.ownerToken,
                                                     body: #"{"slug":"\#(slug)","title":"Fake Outfitters help","default_language":"en"}"#)
        #expect(settings.status == .ok, "\(settings.text)")
        let category = try await harness.client.json(.post, "/api/v1/help/categories", token: harness.ownerToken,
                                                      body: #"{"names":{"en":"Returns & refunds","pt":"Devoluções e reembolsos"}}"#)
        let published = try await harness.client.json(.post, "/api/v1/help/articles", token: harness.ownerToken, body: """
            {"category_id":\(try category.int("id")),"status":"published","translations":{
              "en":{"title":"How refunds work","body":"Once we receive the parcel we **refund** the payment within 5 days.\\n\\n- Pack the items\\n- Print the label"},
              "pt":{"title":"Como funcionam os reembolsos","body":"Depois de recebermos o pacote, **reembolsamos** o pagamento em até 5 dias."}}}
            """)
        #expect(published.status == .created, "\(published.text)")
        let draft = try await harness.client.json(.post, "/api/v1/help/articles", token: harness.ownerToken,
                                                  body: #"{"translations":{"en":{"title":"Secret sale next week","body":"Not yet."}}}"#)
        return (try published.int("id"), try draft.int("id"))
    }

    @Test(arguments: TestDatabase.kinds)
    func articlesArePublishedSearchedAndSuggested(kind: DatabaseKind) async throws {
        try await Harness.run(kind, mode: .live) { harness in
            let slug = "fake-\(UUID().uuidString.prefix(6).lowercased())"
            let (published, draft) = try await Self.setUp(harness, slug: slug)
            // Search stems and ranks: "refunded" finds the article about refunds; drafts never show.
            let search = try await harness.client.json(.get, "/api/v1/help/search?q=when%20am%20I%20refunded", token: harness.ownerToken)
            #expect(search.items.first?["id"] as? Int == Int(published), "\(search.text)")
            let secret = try await harness.client.json(.get, "/api/v1/help/search?q=secret%20sale", token: harness.ownerToken)
            #expect(secret.items.isEmpty)
            // A Portuguese customer asking about a refund gets the Portuguese text suggested.
            let inbound = try await harness.inbound(email: "ana@example.com.br", text: "Olá, quando vou receber o reembolso da minha devolução?")
            let suggested = try await harness.client.json(.get, "/api/v1/conversations/\(try inbound.int("conversation_id"))/articles", token: harness.ownerToken)
            let first = try #require(suggested.items.first)
            #expect(first["title"] as? String == "Como funcionam os reembolsos", "\(suggested.text)")
            #expect((first["url"] as? String)?.contains("/help/\(slug)/pt/\(published)-como-funcionam-os-reembolsos") == true, "\(suggested.text)")

            // The public pages: home, article with hreflang, search, sitemap; drafts are not there.
            let home = try await harness.client.json(.get, "/help/\(slug)", headers: ["Accept-Language": "pt-BR,pt;q=0.9"])
            #expect(home.text.contains("Devoluções e reembolsos") && home.text.contains("Como funcionam os reembolsos") && !home.text.contains("Secret sale"))
            let article = try await harness.client.json(.get, "/help/\(slug)/en/\(published)-how-refunds-work")
            #expect(article.text.contains("<strong>refund</strong>") && article.text.contains("hreflang=\"pt\"") && article.text.contains("<ul><li>Pack the items"))
            let hidden = try await harness.client.json(.get, "/help/\(slug)/en/\(draft)-secret-sale-next-week")
            #expect(hidden.status == .notFound)
            let results = try await harness.client.json(.get, "/help/\(slug)/search?q=refund&lang=en")
            #expect(results.text.contains("How refunds work"))
            let sitemap = try await harness.client.json(.get, "/help/\(slug)/sitemap.xml")
            #expect(sitemap.text.contains("/help/\(slug)/pt/\(published)-") && !sitemap.text.contains("secret"))
            #expect(try await harness.client.json(.get, "/help/no-such-help").status == .notFound)

            // "Was this helpful?" counts.
            let feedback = try await harness.client.json(.post, "/help/\(slug)/en/\(published)-how-refunds-work",
                                                         headers: ["Content-Type": "application/x-www-form-urlencoded"], body: "helpful=yes")
            #expect(feedback.text.contains("Thank you"))
            let counted = try await harness.client.json(.get, "/api/v1/help/articles/\(published)", token: harness.ownerToken)
            #expect(try counted.int("helpful_yes") == 1)

            // Publishing the draft makes it public at once (the index follows the version).
            _ = try await harness.client.json(.patch, "/api/v1/help/articles/\(draft)", token: harness.ownerToken, body: #"{"status":"published"}"#)
            #expect(try await harness.client.json(.get, "/help/\(slug)/en/\(draft)-secret-sale-next-week").status == .ok)
        }
    }

    @Test func addressesRolesAndOrderTracking() async throws {
        try await Harness.run(.sqlite, mode: .live) { harness in
            let slug = "shop-\(UUID().uuidString.prefix(6).lowercased())"
            _ = try await Self.setUp(harness, slug: slug)
            let bad = try await harness.client.json(.put, "/api/v1/help/settings", token: harness.ownerToken, body: #"{"slug":"Not Valid!"}"#)
            #expect(bad.status == .unprocessableContent)
            let agent = try await harness.agent(role: .agent)
            let refused = try await harness.client.json(.post, "/api/v1/help/articles", token: agent.token,
                                                        body: #"{"translations":{"en":{"title":"x","body":"y"}}}"#)
            #expect(refused.status == .forbidden)
            // Order tracking on the help center, with the CSV shop of the widget tests.
            let store = try await harness.client.json(.post, "/api/v1/stores", token: harness.ownerToken, body: #"{"platform":"csv"}"#)
            _ = try await harness.client.json(.post, "/api/v1/stores/\(try store.int("id"))/import?kind=orders", token: harness.ownerToken,
                                              headers: ["Content-Type": "text/csv"], body: OrderTrackingTests.orders)
            let form = try await harness.client.json(.get, "/help/\(slug)/track?lang=hr")
            #expect(form.text.contains("Broj narudžbe"))
            let found = try await harness.client.json(.post, "/help/\(slug)/track?lang=en", headers: ["Content-Type": "application/x-www-form-urlencoded"],
                                                      body: "number=%2355001&email=marta%40example.com")
            #expect(found.text.contains("#55001 · Shipped") && found.text.contains("https://www.dhl.com/track?id=JJD0099"), "\(found.text)")
            let wrong = try await harness.client.json(.post, "/help/\(slug)/track?lang=en", headers: ["Content-Type": "application/x-www-form-urlencoded"],
                                                      body: "number=55001&email=eve%40example.com")
            #expect(wrong.text.contains("No order matches") && !wrong.text.contains("JJD0099"))
        }
    }
}
