import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Posts signed JSON to an outside URL, connecting only to the address the guard approved and
/// never following redirects.
///
/// Signature: `X-Shopdesk-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`,
/// so receivers can reject stale or replayed deliveries.
struct WebhookSender: Sendable {
    let guardrail: OutboundURLGuard

    struct Failure: Error, CustomStringConvertible {
        let description: String
        /// A 4xx answer (other than 408/429) will not get better by retrying.
        let permanent: Bool
    }

    static func signature(secret: String, timestamp: Int, body: Data) -> String {
        var message = Data("\(timestamp).".utf8)
        message.append(body)
        return "t=\(timestamp),v1=\(Secrets.hmacSHA256Hex(key: secret, message: message))"
    }

    func post(url: String, body: Data, secret: String, eventKind: String, deliveryID: String) async throws {
        let target: OutboundURLGuard.Target
        do { target = try await guardrail.check(url) } catch let problem as Problem {
            throw Failure(description: problem.detail, permanent: true)
        }
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow, timeout: .init(connect: .seconds(5), read: .seconds(10)))
        configuration.dnsOverride = [target.host: target.address]
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        defer { _ = client.shutdown() }
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "Shopdesk-Webhooks/1")
        request.headers.add(name: "X-Shopdesk-Event", value: eventKind)
        request.headers.add(name: "X-Shopdesk-Delivery", value: deliveryID)
        request.headers.add(name: "X-Shopdesk-Signature",
                            value: Self.signature(secret: secret, timestamp: Int(Date().timeIntervalSince1970), body: body))
        request.body = .bytes(ByteBuffer(data: body))
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, timeout: .seconds(15))
            _ = try? await response.body.collect(upTo: 64 * 1024)
        } catch {
            throw Failure(description: "Could not reach \(target.host): \(error)", permanent: false)
        }
        guard (200..<300).contains(response.status.code) else {
            let code = response.status.code
            throw Failure(description: "\(target.host) answered \(code)", permanent: (400..<500).contains(code) && code != 408 && code != 429)
        }
    }
}
