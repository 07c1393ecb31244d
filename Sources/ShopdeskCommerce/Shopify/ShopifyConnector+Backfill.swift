import Foundation
import ShopdeskCore

/// Reading a whole shop page by page, within its cost bucket (each call waits out throttling).
extension ShopifyConnector: StoreBackfilling {
    static let customersPerPage = 100
    static let ordersPerPage = 50

    public func counts(ordersUpdatedSince since: Date) async throws -> (customers: Int?, orders: Int?) {
        let data = try await call(ShopifyQueries.backfillCounts, operation: "BackfillCounts", variables: ["query": .string(Self.updatedSince(since))])
        return (data["customersCount"]["count"].double.map { Int($0) }, data["ordersCount"]["count"].double.map { Int($0) })
    }

    public func customers(after cursor: String?) async throws -> StorePage<CSVImport.CustomerRow> {
        let data = try await call(ShopifyQueries.backfillCustomers, operation: "BackfillCustomers", variables: [
            "first": .number(Double(Self.customersPerPage)), "after": cursor.json,
        ])["customers"]
        let rows = data["nodes"].array.map { node in
            let name = [node["firstName"].string, node["lastName"].string].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
            return CSVImport.CustomerRow(email: node["defaultEmailAddress"]["emailAddress"].string, name: name.isEmpty ? nil : name,
                                         phone: node["defaultPhoneNumber"]["phoneNumber"].string, tags: node["tags"].array.compactMap(\.string))
        }
        return StorePage(items: rows, next: Self.next(data["pageInfo"]))
    }

    public func orders(updatedSince since: Date, after cursor: String?) async throws -> StorePage<StoreOrder> {
        let data = try await call(ShopifyQueries.backfillOrders, operation: "BackfillOrders", variables: [
            "first": .number(Double(Self.ordersPerPage)), "after": cursor.json, "query": .string(Self.updatedSince(since)),
        ])["orders"]
        return StorePage(items: try data["nodes"].array.map(decodeOrder), next: Self.next(data["pageInfo"]))
    }

    static func updatedSince(_ date: Date) -> String {
        "updated_at:>='\(date.formatted(.iso8601))'"
    }

    static func next(_ pageInfo: JSONValue) -> String? {
        pageInfo["hasNextPage"].bool == true ? pageInfo["endCursor"].string : nil
    }
}
