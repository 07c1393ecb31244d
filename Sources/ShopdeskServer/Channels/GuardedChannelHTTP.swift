import AsyncHTTPClient
import Foundation
import NIOCore
import NIOPosix
import ShopdeskChannels
import Synchronization

/// The HTTP transport for channel adapters: every provider address passes the outbound guard and
/// the request goes to exactly the checked address; redirects are not followed. A failure says
/// whether the request may have left (which decides if a send may be repeated).
///
/// Providers are called often (every reply), so checked addresses and their HTTP clients (with
/// their kept-alive connections) are reused for a minute (`ChannelClientPool`); the connection
/// still goes only to the address the guard checked.
struct GuardedChannelHTTP: ChannelHTTP {
    let guardrail: OutboundURLGuard
    let pool: ChannelClientPool

    func send(_ request: ChannelHTTPRequest) async throws -> ChannelHTTPResponse {
        let client: HTTPClient
        do { client = try await pool.client(for: request.url, guardrail: guardrail) } catch let problem as Problem {
            throw ChannelTransportError("The provider's address is not allowed: \(problem.detail)", sent: false)
        }
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

    /// Connection refused, no route, no connection in time, or none free in the pool in time:
    /// nothing was sent.
    static func neverConnected(_ error: any Error) -> Bool {
        if error is NIOConnectionError { return true }
        if let error = error as? IOError { return [ECONNREFUSED, ENETUNREACH, EHOSTUNREACH].contains(error.errnoCode) }
        if let error = error as? HTTPClientError { return error == .connectTimeout || error == .getConnectionFromPoolTimeout }
        return false
    }
}

/// HTTP clients per provider origin, each pinned to the address the outbound guard checked,
/// kept for `lifetime` and then checked again. At most `capacity` origins are kept; the oldest
/// goes first. Clients are shut down when replaced; the pool itself lives as long as the
/// process (`shared`), so no client is ever dropped while running.
final class ChannelClientPool: Sendable {
    static let shared = ChannelClientPool()

    private struct Entry { var address: String; var client: HTTPClient; var checkedAt: ContinuousClock.Instant }
    private let entries = Mutex<[String: Entry]>([:])
    let lifetime: Duration = .seconds(60)
    let capacity = 64

    func client(for url: String, guardrail: OutboundURLGuard) async throws -> HTTPClient {
        guard let parsed = URL(string: url), let host = parsed.host else {
            try await guardrail.check(url)   // says why the URL is not one
            throw Problem(.unprocessableContent, "The URL must be an absolute http or https URL.", field: "url")
        }
        // A client checked under a guard that allows private addresses is not one for a guard that does not.
        let key = "\(guardrail.allowPrivate ? "private" : "public") \(parsed.scheme ?? "")://\(host):\(parsed.port ?? -1)"
        let now = ContinuousClock.now
        if let entry = entries.withLock({ $0[key] }), now - entry.checkedAt < lifetime { return entry.client }
        let target = try await guardrail.check(url)
        // Idle connections are dropped well before providers close theirs, so a request rarely
        // meets a connection the other side is closing (an unknown outcome for a send).
        // Up to 32 connections to one provider: the send job runs 64 sends at a time.
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow, timeout: .init(connect: .seconds(5), read: .seconds(30)),
                                                     connectionPool: .init(idleTimeout: .seconds(15), concurrentHTTP1ConnectionsPerHostSoftLimit: 32))
        configuration.dnsOverride = [target.host: target.address]
        let made = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let (client, retired): (HTTPClient, [HTTPClient]) = entries.withLock { entries in
            // Sends that started together all checked the address; the first one's client serves them all.
            if let entry = entries[key], ContinuousClock.now - entry.checkedAt < lifetime { return (entry.client, [made]) }
            var retired: [HTTPClient] = []
            if let old = entries[key] { retired.append(old.client) }
            entries[key] = Entry(address: target.address, client: made, checkedAt: now)
            while entries.count > capacity, let oldest = entries.min(by: { $0.value.checkedAt < $1.value.checkedAt }) {
                retired.append(oldest.value.client)
                entries[oldest.key] = nil
            }
            return (made, retired)
        }
        // Shutting a client down cancels what still runs on it (a send cut off for nothing): a
        // retired client is shut down only after the longest request it may carry has ended.
        for old in retired where old !== made { Self.retire(old, after: .seconds(90)) }
        if retired.contains(where: { $0 === made }) { Self.retire(made, after: .zero) }
        return client
    }

    private static func retire(_ client: HTTPClient, after delay: Duration) {
        Task {
            if delay > .zero { try? await Task.sleep(for: delay) }
            try? await client.shutdown()
        }
    }
}
