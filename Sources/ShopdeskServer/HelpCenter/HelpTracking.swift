import Foundation
import ShopdeskCore
import ShopdeskStore

/// The help center's order-tracking form: the same lookup as the chat widget's (order number and
/// the order's email), rate-limited per address.
struct HelpTracking {
    let services: AppServices

    static func form(language: String, number: String, email: String, message: String?) -> String {
        let escape = HTMLEscaping.escape
        let text = { HelpPageText.text($0, language) }
        return """
            <h1>\(escape(text("track")))</h1>\(message.map { "<p class=\"error\" role=\"alert\">\(escape($0))</p>" } ?? "")
            <form method="post"><label>\(escape(text("orderNumber")))<input name="number" required maxlength="40" value="\(escape(number))" inputmode="numeric"></label>
            <label>\(escape(text("email")))<input name="email" type="email" required maxlength="254" value="\(escape(email))" autocomplete="email"></label>
            <button>\(escape(text("lookUp")))</button></form>
            """
    }

    func answer(_ fields: [String: String], library: HelpLibrary, language: String, address: String) async throws -> String {
        let number = fields["number"] ?? ""
        let email = fields["email"] ?? ""
        if await services.widgetLimiter.attempt("help-track:\(address)", limit: 10, window: 600, now: Date()) != nil {
            return Self.form(language: language, number: number, email: email, message: HelpPageText.text("tooMany", language))
        }
        guard let order = try await services.commerce.track(workspaceID: library.workspaceID, number: number, email: email) else {
            return Self.form(language: language, number: number, email: email, message: HelpPageText.text("notFound", language))
        }
        let escape = HTMLEscaping.escape
        let text = { HelpPageText.text($0, language) }
        let status: String = if order.isCancelled { text("st.cancelled") } else if order.financialStatus == .refunded { text("st.refunded") }
            else if order.financialStatus == .pending { text("st.unpaid") }
            else { text([.fulfilled: "st.shipped", .partial: "st.partial", .onHold: "st.hold"][order.fulfillmentStatus] ?? "st.preparing") }
        var html = "<h1>\(escape(order.number)) · \(escape(status))</h1>"
        html += "<p>\(escape(text("placed"))) \(escape(order.createdAt.formatted(Date.FormatStyle(date: .long, time: .omitted).locale(Locale(identifier: language)))))</p>"
        html += "<ul>" + order.lineItems.map { "<li>\($0.quantity) × \(escape($0.title))\($0.variant.map { " (\(escape($0)))" } ?? "")</li>" }.joined() + "</ul>"
        for shipment in order.fulfillments where shipment.trackingNumber != nil {
            html += "<p>\(escape([shipment.carrier, shipment.trackingNumber].compactMap { $0 }.joined(separator: " ")))"
            if let url = shipment.trackingURL, url.hasPrefix("https://") || url.hasPrefix("http://") {
                html += " · <a href=\"\(escape(url))\" rel=\"noopener nofollow\">\(escape(text("trackParcel")))</a>"
            }
            html += "</p>"
        }
        return html
    }
}
