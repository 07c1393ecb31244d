import Hummingbird
import NIOCore

/// `shopdesk demo` serves a sample shop page at `/demo/shop` with the demo chat inbox's widget,
/// installed exactly as a shop installs it, so the chat can be tried from a second window.
enum DemoShopPage {
    static func register(on router: Router<AppRequestContext>, widgetKey: String?) {
        guard let widgetKey else { return }
        router.get("demo/shop") { _, _ -> Response in
            let html = """
                <!doctype html>
                <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
                <title>Demo Shop · running shoes</title><link rel="stylesheet" href="/demo-shop.css"></head>
                <body><header><strong>Demo Shop</strong><nav><a href="#shoes">Shoes</a> <a href="#returns">Returns</a></nav></header>
                <main><h1>Trail runner 2</h1><p>Light, grippy and made for mud. Sizes 36–47.</p>
                <p>Questions about an order, a return or a size? Use the chat button in the corner: it reaches the agents
                signed in to this Shopdesk demo.</p></main>
                <script src="/widget.js" data-inbox="\(widgetKey)" async></script></body></html>
                """
            return Response(status: .ok, headers: [.contentType: "text/html; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: html)))
        }
    }
}
