import Crypto
import Foundation

/// Comparing secrets without an early exit that would tell an attacker how much matched.
enum ConstantTime {
    static func equals(_ lhs: String, _ rhs: String) -> Bool {
        let a = Array(lhs.utf8), b = Array(rhs.utf8)
        var difference = UInt8(a.count == b.count ? 0 : 1)
        for index in 0..<min(a.count, b.count) { difference |= a[index] ^ b[index] }
        return difference == 0
    }
}

enum ChannelCrypto {
    /// Lowercase hex of an HMAC-SHA256 of `body` with `key` (Meta's and Viber's signatures).
    static func hmacSHA256Hex(_ body: [UInt8], key: String) -> String {
        HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Data(key.utf8))).map { String(format: "%02x", $0) }.joined()
    }
}

extension ChannelSendResult {
    /// A call that failed in transport: no connection made is safe to retry; a request that
    /// left without an answer may have been sent.
    static func transportFailure(_ provider: String, _ error: any Error) -> ChannelSendResult {
        if let error = error as? ChannelTransportError, !error.sent {
            return .retryLater("\(provider) could not be reached: \(error.message)", after: nil)
        }
        return .unknown("\(provider) did not answer: \(error)")
    }
}

/// A provider's base address from the settings, without trailing slashes.
func providerBase(_ configured: String?, default fallback: String) -> String {
    var base = configured ?? fallback
    while base.hasSuffix("/") { base.removeLast() }
    return base
}

/// Where customers' files may be fetched from, and fetching them: only a provider's own domains
/// over HTTPS, or the API server the inbox is configured with (a local one, a test's, the demo's).
enum ProviderFiles {
    static func isProviderHost(_ url: String, apiBase: String, domains: [String]) -> Bool {
        guard let components = URLComponents(string: url), let host = components.host?.lowercased() else { return false }
        if let base = URLComponents(string: apiBase), base.host?.lowercased() == host, base.port == components.port,
           base.scheme == components.scheme {
            return true
        }
        return components.scheme == "https" && domains.contains { host == $0 || host.hasSuffix("." + $0) }
    }

    /// A file at an address already checked with `isProviderHost`, refused unless it answers 200.
    static func download(_ url: String, provider: String, fileName: String, maxBytes: Int, headers: [(String, String)] = [],
                         http: any ChannelHTTP) async throws(ChannelError) -> ChannelMedia {
        let response: ChannelHTTPResponse
        do { response = try await http.send(ChannelHTTPRequest(method: "GET", url: url, headers: headers, maxResponseBytes: maxBytes)) } catch {
            throw ChannelError("The file could not be downloaded from \(provider): \(error)")
        }
        guard response.status == 200 else { throw ChannelError("\(provider) answered \(response.status) for the file.") }
        return ChannelMedia(data: response.body, fileName: fileName, contentType: response.headers["content-type"])
    }
}
