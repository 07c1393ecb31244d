import Foundation
import ShopdeskCore

/// Reading a WooCommerce shop page by page through the REST API's numbered pages: registered
/// customers (guests are known from their orders), then the orders modified since a time, the
/// oldest change first. The totals come from the `X-WP-Total` header.
extension WooCommerceConnector: StoreBackfilling {
    static let customersPerPage = 100
    static let ordersPerPage = 50

    public func counts(ordersUpdatedSince since: Date) async throws -> (customers: Int?, orders: Int?) {
        let customers = try await exchange("GET", "/customers?per_page=1&role=all").headers["x-wp-total"].flatMap { Int($0) }
        let orders = try await exchange("GET", "/orders?per_page=1&modified_after=\(Self.encode(Self.wooTime(since)))").headers["x-wp-total"].flatMap { Int($0) }
        return (customers, orders)
    }

    public func customers(after cursor: String?) async throws -> StorePage<CSVImport.CustomerRow> {
        let page = cursor.flatMap { Int($0) } ?? 1
        let items = try await call("GET", "/customers?per_page=\(Self.customersPerPage)&page=\(page)&orderby=id&order=asc&role=all").array
        let rows = items.map { item in
            let name = [item["first_name"].string, item["last_name"].string].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
            return CSVImport.CustomerRow(email: item["email"].string?.nilIfBlank, name: name.isEmpty ? nil : name,
                                         phone: item["billing"]["phone"].string?.nilIfBlank)
        }
        return StorePage(items: rows, next: items.count == Self.customersPerPage ? String(page + 1) : nil)
    }

    public func orders(updatedSince since: Date, after cursor: String?) async throws -> StorePage<StoreOrder> {
        let page = cursor.flatMap { Int($0) } ?? 1
        let items = try await call("GET", "/orders?per_page=\(Self.ordersPerPage)&page=\(page)&orderby=modified&order=asc"
                                       + "&modified_after=\(Self.encode(Self.wooTime(since)))").array
        return StorePage(items: try items.map { try Self.decodeOrder($0, siteURL: siteURL) },
                         next: items.count == Self.ordersPerPage ? String(page + 1) : nil)
    }

    /// WooCommerce reads a query time without a zone as the site's local time: asking from a day
    /// earlier covers every site's time zone, and reading a few orders twice costs nothing.
    static func wooTime(_ date: Date) -> String {
        String(date.addingTimeInterval(-86_400).formatted(.iso8601).prefix(19))
    }
}

extension String {
    var nilIfBlank: String? { trimmingCharacters(in: .whitespaces).isEmpty ? nil : self }
}
