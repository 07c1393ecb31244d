import AsyncHTTPClient
import Foundation
import NIOCore
import NIOPosix
import ShopdeskChannels

/// The HTTP transport for channel adapters: every provider address passes the outbound guard and
/// the request goes to exactly the checked address; redirects are not followed. A failure says
/// whether the request may have left (which decides if a send may be repeated).
struct GuardedChannelHTTP: ChannelHTTP {
    let guardrail: OutboundURLGuard

    func send(_ request: ChannelHTTPRequest) async throws -> ChannelHTTPResponse {
        let target: OutboundURLGuard.Target
        do { target = try await guardrail.check(request.url) } catch let problem as Problem {
            throw ChannelTransportError("The provider's address is not allowed: \(problem.detail)", sent: false)
        }
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow, timeout: .init(connect: .seconds(5), read: .seconds(30)))
        configuration.dnsOverride = [target.host: target.address]
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        defer { _ = client.shutdown() }
        var outgoing = HTTPClientRequest(url: request.url)
        outgoing.method = .init(rawValue: request.method)
        outgoing.headers.add(name: "User-Agent", value: "Shopdesk/1")
        for (name, value) in request.headers { outgoing.headers.add(name: name, value: value) }
        if let body = request.body { outgoing.body = .bytes(ByteBuffer(data: body)) }
        let response: HTTPClientResponse
        do { response = try await client.execute(outgoing, timeout: .seconds(60)) } catch {
            // Once connected, whether the provider acted on the request is unknown.
            throw ChannelTransportError("\(error)", sent: !Self.neverConnected(error))
        }
        let body: ByteBuffer
        do { body = try await response.body.collect(upTo: request.maxResponseBytes) } catch {
            throw ChannelTransportError("The answer was larger than \(request.maxResponseBytes) bytes or broke off: \(error)", sent: true)
        }
        var headers: [String: String] = [:]
        for header in response.headers { headers[header.name.lowercased()] = header.value }
        return ChannelHTTPResponse(status: Int(response.status.code), headers: headers, body: Data(buffer: body))
    }

    /// Connection refused, no route, or no connection in time: nothing was sent.
    private static func neverConnected(_ error: any Error) -> Bool {
        if error is NIOConnectionError { return true }
        if let error = error as? IOError { return [ECONNREFUSED, ENETUNREACH, EHOSTUNREACH].contains(error.errnoCode) }
        if let error = error as? HTTPClientError { return error == .connectTimeout }
        return false
    }
}
