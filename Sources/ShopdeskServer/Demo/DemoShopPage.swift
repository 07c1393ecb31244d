import Foundation
import Hummingbird
import NIOCore
import ShopdeskCore
import ShopdeskStore

/// `shopdesk demo` serves a sample shop page at `/demo/shop` with the demo chat inbox's widget,
/// installed exactly as a shop installs it, so the chat can be tried from a second window. Its
/// checkout places an order in the demo's sandbox shop, with a discount code if one is given, so a
/// campaign's code can be followed to the order it brings (Settings → Campaigns).
enum DemoShopPage {
    static func register(on router: Router<AppRequestContext>, widgetKey: String?, services: AppServices) {
        guard let widgetKey else { return }
        router.get("demo/shop") { request, _ -> Response in
            page(widgetKey: widgetKey, placed: request.queryField("placed"))
        }
        router.post("demo/shop/checkout") { request, _ -> Response in
            let form = try await request.formFields()
            let email = (form["email"] ?? "").trimmingCharacters(in: .whitespaces).lowercased()
            guard email.contains("@"), email.count <= 254 else { return page(widgetKey: widgetKey, placed: nil, error: "Give an email address.") }
            let code = (form["code"] ?? "").trimmingCharacters(in: .whitespaces).uppercased()
            guard let inbox = try await services.database.read({ try await InboxRepository.find(widgetKey: widgetKey, in: $0) }),
                  let sandbox = try await services.database.read({ try await StoreConnectionRepository.list(workspaceID: inbox.workspaceID, in: $0) })
                    .first(where: { $0.platform == .sandbox }) else { throw Problem(.notFound, "The demo shop is not set up.") }
            let number = Int.random(in: 10_000...99_999)
            let price = Amount(minor: 8_900, currency: "EUR")
            let discount = code.isEmpty ? 0 : price.minor / 10
            let order = StoreOrder(id: "sandbox-checkout-\(number)", number: "#\(number)", email: email, createdAt: Date(), financialStatus: .paid,
                                   fulfillmentStatus: .unfulfilled, total: Amount(minor: price.minor - discount, currency: "EUR"), subtotal: price,
                                   lineItems: [OrderLineItem(id: "sandbox-line-\(number)-0", title: "Trail runner 2", variant: "42", quantity: 1, unitPrice: price)],
                                   discountCodes: code.isEmpty ? nil : [code])
            try await services.commerce.importOrders([order], connection: sandbox)
            var response = Response(status: .seeOther)
            response.headers[.location] = "/demo/shop?placed=\(number)"
            return response
        }
    }

    static func page(widgetKey: String, placed: String?, error: String? = nil) -> Response {
        let escape = HTMLEscaping.escape
        let notice = placed.map { "<p class=\"placed\" role=\"status\">Thank you! Order #\(escape($0)) is placed.</p>" } ?? ""
        let problem = error.map { "<p class=\"placed\" role=\"alert\">\(escape($0))</p>" } ?? ""
        let html = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Demo Shop · running shoes</title><link rel="stylesheet" href="/demo-shop.css"></head>
            <body><header><strong>Demo Shop</strong><nav><a href="#shoes">Shoes</a> <a href="#sizes">Sizes</a> <a href="#returns">Returns</a></nav></header>
            <main><h1>Trail runner 2</h1><p>Light, grippy and made for mud. Sizes 36–47. 89.00 EUR.</p>\(notice)\(problem)
            <form method="post" action="/demo/shop/checkout" class="checkout"><label>Email <input name="email" type="email" required></label>
            <label>Discount code <input name="code" maxlength="40"></label><button>Buy now</button></form>
            <p>Questions about an order, a return or a size? Use the chat button in the corner: it reaches the agents
            signed in to this Shopdesk demo. Stay a few seconds and the shop's campaign says hello.</p>
            <h2 id="sizes">Sizes</h2><p>Between two sizes? Take the larger one: the toe box is snug.</p></main>
            <script src="/widget.js" data-inbox="\(widgetKey)" async></script></body></html>
            """
        return Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                        body: .init(byteBuffer: ByteBuffer(string: html)))
    }
}
