import Foundation
import NIOCore
import NIOPosix

/// Decides whether Shopdesk may send a request to a URL (webhooks, API inbox replies).
///
/// Loopback, private, link-local (cloud metadata), CGNAT, multicast and unspecified addresses
/// are refused unless the configuration allows private targets. The caller connects to exactly
/// the address that was checked (see `WebhookSender`), so a DNS answer that changes between
/// the check and the connection (DNS rebinding) cannot redirect the request.
struct OutboundURLGuard: Sendable {
    let allowPrivate: Bool

    struct Target: Sendable {
        var url: URL
        var host: String
        /// The checked address to connect to.
        var address: String
    }

    @discardableResult
    func check(_ text: String) async throws -> Target {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
              let host = url.host, !host.isEmpty else {
            throw Problem(.unprocessableContent, "The URL must be an absolute http or https URL.", field: "url")
        }
        guard url.user == nil, url.password == nil else {
            throw Problem(.unprocessableContent, "Put credentials in a header or the signature, not in the URL.", field: "url")
        }
        let port = url.port ?? (scheme == "https" ? 443 : 80)
        let addresses: [SocketAddress]
        do {
            addresses = try await resolve(host: host, port: port)
        } catch {
            throw Problem(.unprocessableContent, "The host \(host) cannot be resolved.", field: "url")
        }
        guard let first = addresses.first?.ipAddress else {
            throw Problem(.unprocessableContent, "The host \(host) has no address.", field: "url")
        }
        if !allowPrivate, let blocked = addresses.first(where: { Self.isPrivate($0) }) {
            throw Problem(.unprocessableContent,
                          "\(host) resolves to \(blocked.ipAddress ?? "a private address"), a loopback or private address; requests there are not allowed.",
                          field: "url")
        }
        return Target(url: url, host: host, address: first)
    }

    /// A mail server's host checked like a URL's: the address to connect to (so a name that
    /// resolves elsewhere a moment later is not followed), or a problem naming `field`.
    ///   With `unresolvedIsFine` (saving settings), a name that does not resolve yet passes:
    ///   the check at connect time still stands between it and a private address.
    @discardableResult
    func checkHost(_ host: String, port: Int, field: String, unresolvedIsFine: Bool = false) async throws -> String {
        let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[] "))
        guard !bare.isEmpty, bare.utf8.count <= 253 else { throw Problem(.unprocessableContent, "Give the server's host name.", field: field) }
        let addresses: [SocketAddress]
        do {
            addresses = try await resolve(host: bare, port: port)
        } catch {
            if unresolvedIsFine { return bare }
            throw Problem(.unprocessableContent, "The host \(bare) cannot be resolved.", field: field)
        }
        guard let first = addresses.first?.ipAddress else { throw Problem(.unprocessableContent, "The host \(bare) has no address.", field: field) }
        if !allowPrivate, let blocked = addresses.first(where: { Self.isPrivate($0) }) {
            throw Problem(.unprocessableContent,
                          "\(bare) resolves to \(blocked.ipAddress ?? "a private address"), a loopback or private address; mail servers there are not allowed.",
                          field: field)
        }
        return first
    }

    private func resolve(host: String, port: Int) async throws -> [SocketAddress] {
        if let literal = try? SocketAddress(ipAddress: host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")), port: port) {
            return [literal]
        }
        return try await NIOThreadPool.singleton.runIfActive {
            var hints = addrinfo()
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
            var result: UnsafeMutablePointer<addrinfo>?
            guard getaddrinfo(host, String(port), &hints, &result) == 0, let first = result else {
                throw Problem(.unprocessableContent, "The host \(host) cannot be resolved.", field: "url")
            }
            defer { freeaddrinfo(first) }
            var addresses: [SocketAddress] = []
            var cursor: UnsafeMutablePointer<addrinfo>? = first
            while let info = cursor {
                if let address = info.pointee.ai_addr {
                    switch Int32(info.pointee.ai_family) {
                    case AF_INET:
                        addresses.append(address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { SocketAddress($0.pointee, host: host) })
                    case AF_INET6:
                        addresses.append(address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { SocketAddress($0.pointee, host: host) })
                    default: break
                    }
                }
                cursor = info.pointee.ai_next
            }
            return addresses
        }
    }

    static func isPrivate(_ address: SocketAddress) -> Bool {
        guard let ip = address.ipAddress else { return true }
        if ip.contains(":") {
            let lower = ip.lowercased()
            if lower == "::1" || lower == "::" { return true }
            if lower.hasPrefix("fe8") || lower.hasPrefix("fe9") || lower.hasPrefix("fea") || lower.hasPrefix("feb") { return true }
            if lower.hasPrefix("fc") || lower.hasPrefix("fd") || lower.hasPrefix("ff") { return true }
            if lower.hasPrefix("::ffff:") { return isPrivateIPv4(String(lower.dropFirst(7))) }
            return false
        }
        return isPrivateIPv4(ip)
    }

    static func isPrivateIPv4(_ ip: String) -> Bool {
        let parts = ip.split(separator: ".").compactMap { Int($0) }
        guard parts.count == 4 else { return true }
        switch (parts[0], parts[1]) {
        case (0, _), (10, _), (127, _), (169, 254), (192, 168): return true
        case (172, 16...31), (100, 64...127), (192, 0), (198, 18...19): return true
        case (224..., _): return true
        default: return false
        }
    }
}
