import Foundation

/// Where a Shopify connector gets the access token for its next call. A legacy custom app's token
/// never changes; a token from a grant expires and is renewed by the server, which keeps one
/// renewal at a time per shop across all its nodes.
public protocol ShopifyTokenSource: Sendable {
    /// A token to send now (renewed first when it is about to expire).
    func token() async throws -> String
    /// Shopify refused `refused` (401): a newer token, renewed now unless someone already did.
    func renew(refused: String) async throws -> String
    /// Whether `renew` can give anything new.
    var renewable: Bool { get }
    /// Shopify refused even the token just renewed: the server says so where the admin looks.
    func refusedAfterRenewal(_ problem: String) async
}

extension ShopifyTokenSource {
    public func refusedAfterRenewal(_ problem: String) async {}
}

/// The token of a legacy custom app, pasted from the shop's admin.
public struct StaticShopifyToken: ShopifyTokenSource {
    let value: String
    public init(_ value: String) { self.value = value }
    public func token() async throws -> String { value }
    public func renew(refused: String) async throws -> String { value }
    public var renewable: Bool { false }
}
