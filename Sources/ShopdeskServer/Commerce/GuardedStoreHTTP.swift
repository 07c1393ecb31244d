import AsyncHTTPClient
import Foundation
import ShopdeskCore
import NIOCore
import ShopdeskCommerce

/// The HTTP transport for shop connectors: the shop's address is checked against the outbound
/// guard (no private or metadata addresses unless configured) and the request goes to exactly
/// the checked address; redirects are not followed.
struct GuardedStoreHTTP: StoreHTTP {
    let guardrail: OutboundURLGuard

    func send(_ request: StoreHTTPRequest) async throws -> StoreHTTPResponse {
        let target: OutboundURLGuard.Target
        do { target = try await guardrail.check(request.url) } catch let problem as Problem {
            throw CommerceError.rejected("The shop address is not allowed: \(problem.detail)")
        }
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow, timeout: .init(connect: .seconds(5), read: .seconds(20)))
        configuration.dnsOverride = [target.host: target.address]
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        defer { _ = client.shutdown() }
        var outgoing = HTTPClientRequest(url: request.url)
        outgoing.method = .init(rawValue: request.method)
        outgoing.headers.add(name: "User-Agent", value: "Shopdesk/1")
        for (name, value) in request.headers { outgoing.headers.add(name: name, value: value) }
        if let body = request.body { outgoing.body = .bytes(ByteBuffer(data: body)) }
        let response = try await client.execute(outgoing, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 8 * 1024 * 1024)
        var headers: [String: String] = [:]
        for header in response.headers { headers[header.name.lowercased()] = header.value }
        return StoreHTTPResponse(status: Int(response.status.code), headers: headers, body: Data(buffer: body))
    }
}
