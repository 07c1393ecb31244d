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
        let lease: ChannelClientPool.Lease
        do { lease = try await pool.lease(for: request.url, guardrail: guardrail) } catch let problem as Problem {
            throw ChannelTransportError("The provider's address is not allowed: \(problem.detail)", sent: false)
        }
        defer { lease.end() }
        let client = lease.client
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
/// goes first. A replaced client is shut down once the last request that was using it has ended
/// (shutting it down earlier cancels those requests: sends cut off for nothing). The pool lives
/// as long as the process (`shared`).
final class ChannelClientPool: Sendable {
    static let shared = ChannelClientPool()

    /// One client and how many requests are using it; shut down when retired and unused.
    final class PooledClient: Sendable {
        let client: HTTPClient
        private let state = Mutex<(inUse: Int, retired: Bool)>((0, false))
        init(_ client: HTTPClient) { self.client = client }

        func acquire() { state.withLock { $0.inUse += 1 } }
        func release() { if state.withLock({ $0.inUse -= 1; return $0.retired && $0.inUse == 0 }) { shutDown() } }
        func retire() { if state.withLock({ $0.retired = true; return $0.inUse == 0 }) { shutDown() } }
        private func shutDown() { Task { [client] in try? await client.shutdown() } }
    }

    /// A client taken for one request; `end()` gives it back.
    struct Lease: Sendable {
        let pooled: PooledClient
        var client: HTTPClient { pooled.client }
        func end() { pooled.release() }
    }

    private struct Entry { var address: String; var pooled: PooledClient; var checkedAt: ContinuousClock.Instant }
    private let entries = Mutex<[String: Entry]>([:])
    let lifetime: Duration = .seconds(60)
    let capacity = 64

    func lease(for url: String, guardrail: OutboundURLGuard) async throws -> Lease {
        guard let parsed = URL(string: url), let host = parsed.host else {
            try await guardrail.check(url)   // says why the URL is not one
            throw Problem(.unprocessableContent, "The URL must be an absolute http or https URL.", field: "url")
        }
        // A client checked under a guard that allows private addresses is not one for a guard that does not.
        let key = "\(guardrail.allowPrivate ? "private" : "public") \(parsed.scheme ?? "")://\(host):\(parsed.port ?? -1)"
        if let lease = current(key) { return lease }
        let target = try await guardrail.check(url)
        // Idle connections are dropped well before providers close theirs, so a request rarely
        // meets a connection the other side is closing (an unknown outcome for a send). Up to 32
        // connections to one provider: the send job runs 64 sends at a time.
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow, timeout: .init(connect: .seconds(5), read: .seconds(30)),
                                                     connectionPool: .init(idleTimeout: .seconds(15), concurrentHTTP1ConnectionsPerHostSoftLimit: 32))
        configuration.dnsOverride = [target.host: target.address]
        let made = PooledClient(HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration))
        let (chosen, retired): (PooledClient, [PooledClient]) = entries.withLock { entries in
            // Sends that started together all checked the address; the first one's client serves them all.
            if let entry = entries[key], ContinuousClock.now - entry.checkedAt < lifetime {
                entry.pooled.acquire()
                return (entry.pooled, [made])
            }
            var retired: [PooledClient] = []
            if let old = entries[key] { retired.append(old.pooled) }
            made.acquire()
            entries[key] = Entry(address: target.address, pooled: made, checkedAt: ContinuousClock.now)
            while entries.count > capacity, let oldest = entries.min(by: { $0.value.checkedAt < $1.value.checkedAt }) {
                retired.append(oldest.value.pooled)
                entries[oldest.key] = nil
            }
            return (made, retired)
        }
        for old in retired { old.retire() }
        return Lease(pooled: chosen)
    }

    /// The fresh client for `key`, taken for one request (under the lock, so it cannot be
    /// retired and shut down between being found and being used).
    private func current(_ key: String) -> Lease? {
        entries.withLock { entries in
            guard let entry = entries[key], ContinuousClock.now - entry.checkedAt < lifetime else { return nil }
            entry.pooled.acquire()
            return Lease(pooled: entry.pooled)
        }
    }
}
