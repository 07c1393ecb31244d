import Foundation
import ShopdeskCore

/// Orders and customers from CSV files, for shops on platforms without a connector. One row per
/// line item; rows with the same `order_number` make one order. Every rejected row is reported
/// with its line and the reason; the good rows are imported.
public enum CSVImport {
    public struct Rejected: Equatable, Sendable {
        public var line: Int
        public var reason: String
    }

    public struct CustomerRow: Equatable, Sendable {
        public var email: String?
        public var name: String?
        public var phone: String?
        public var tags: [String]
        public var vip: Bool

        public init(email: String?, name: String?, phone: String?, tags: [String] = [], vip: Bool = false) {
            self.email = email; self.name = name; self.phone = phone; self.tags = tags; self.vip = vip
        }
    }

    public static let orderColumns = ["order_number", "email", "created_at", "total", "currency"]

    public static func orders(_ text: String) throws -> (orders: [StoreOrder], rejected: [Rejected]) {
        let (rows, column) = try table(text, required: orderColumns)
        var orders: [String: StoreOrder] = [:]
        var order: [String] = []
        var rejected: [Rejected] = []
        for row in rows {
            let value = { (name: String) -> String? in column(row, name) }
            guard let number = value("order_number"), let created = Date.fromShop(value("created_at")) ?? Self.day(value("created_at")),
                  let currency = value("currency")?.uppercased(), currency.count == 3 else {
                rejected.append(Rejected(line: row.line, reason: "order_number, created_at (ISO 8601 or YYYY-MM-DD) and a 3-letter currency are needed."))
                continue
            }
            guard let total = value("total").flatMap({ Amount(decimal: $0, currency: currency) }) else {
                rejected.append(Rejected(line: row.line, reason: "total \"\(value("total") ?? "")\" is not a decimal amount in \(currency)."))
                continue
            }
            let financial = value("financial_status").map { FinancialStatus(rawValue: $0.lowercased()) ?? .unknown } ?? .paid
            let fulfillment = value("fulfillment_status").map { FulfillmentStatus(rawValue: $0.lowercased()) ?? .unknown } ?? .unfulfilled
            let key = OrderNumber.plain(number)
            var current = orders[key] ?? StoreOrder(
                id: "csv-\(key)", number: number.hasPrefix("#") ? number : "#\(number)", email: value("email")?.lowercased(), phone: value("phone"),
                createdAt: created, cancelledAt: Date.fromShop(value("cancelled_at")), financialStatus: financial, fulfillmentStatus: fulfillment,
                total: total, shipping: value("shipping").flatMap { Amount(decimal: $0, currency: currency) })
            if orders[key] == nil { order.append(key) }
            if let title = value("item_title") {
                guard let quantity = Int(value("item_quantity") ?? "1"), quantity > 0,
                      let price = Amount(decimal: value("item_price") ?? "0", currency: currency) else {
                    rejected.append(Rejected(line: row.line, reason: "item_quantity must be a whole number above 0 and item_price a decimal."))
                    continue
                }
                current.lineItems.append(OrderLineItem(id: "\(current.id)-\(current.lineItems.count + 1)", title: title, sku: value("sku"),
                                                       quantity: quantity, unitPrice: price))
            }
            if let tracking = value("tracking_number"), current.fulfillments.isEmpty {
                current.fulfillments.append(OrderFulfillment(status: "success", carrier: value("carrier"), trackingNumber: tracking,
                                                             trackingURL: value("tracking_url")))
            }
            orders[key] = current
        }
        return (order.compactMap { orders[$0] }, rejected)
    }

    public static func customers(_ text: String) throws -> (customers: [CustomerRow], rejected: [Rejected]) {
        let (rows, column) = try table(text, required: ["email"])
        var customers: [CustomerRow] = []
        var rejected: [Rejected] = []
        for row in rows {
            let email = column(row, "email")?.lowercased()
            let phone = column(row, "phone")
            guard email?.contains("@") == true || phone != nil else {
                rejected.append(Rejected(line: row.line, reason: "A customer needs an email address or a phone number."))
                continue
            }
            let tags = (column(row, "tags") ?? "").split(whereSeparator: { $0 == ";" || $0 == "|" }).map { $0.trimmingCharacters(in: .whitespaces) }
            customers.append(CustomerRow(email: email?.contains("@") == true ? email : nil, name: column(row, "name"), phone: phone,
                                         tags: tags.filter { !$0.isEmpty }, vip: ["1", "true", "yes"].contains(column(row, "vip")?.lowercased() ?? "")))
        }
        return (customers, rejected)
    }

    public enum ImportError: Error, CustomStringConvertible {
        case missingColumns([String])
        case unreadable(String)
        public var description: String {
            switch self {
            case .missingColumns(let names): "The header must name the columns \(names.joined(separator: ", "))."
            case .unreadable(let reason): reason
            }
        }
    }

    private static func table(_ text: String, required: [String]) throws -> ([CSVTable.Row], (CSVTable.Row, String) -> String?) {
        let rows: [CSVTable.Row]
        do { rows = try CSVTable.parse(text) } catch CSVTable.ParseError.unterminatedQuote(let line) {
            throw ImportError.unreadable("The quoted field that starts on line \(line) never ends.")
        }
        guard let header = rows.first else { throw ImportError.missingColumns(required) }
        let names = header.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        let missing = required.filter { !names.contains($0) }
        guard missing.isEmpty else { throw ImportError.missingColumns(missing) }
        let index = Dictionary(names.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        let column = { (row: CSVTable.Row, name: String) -> String? in
            guard let position = index[name], position < row.fields.count else { return nil }
            let value = row.fields[position].trimmingCharacters(in: .whitespaces)
            return value.isEmpty ? nil : value
        }
        return (Array(rows.dropFirst()), column)
    }

    private static func day(_ text: String?) -> Date? {
        guard let text, text.count == 10 else { return nil }
        return Date.fromShop(text + "T00:00:00Z")
    }
}
