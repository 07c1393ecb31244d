import Foundation
import HTTPTypes
import ShopdeskCore
@testable import ShopdeskServer
import ShopdeskStore
import ShopdeskTestSupport
import Testing

/// Requests per minute per API token and per address, with the IETF RateLimit headers and a 429
/// problem; providers' webhooks are never turned away.
@Suite("Rate limits")
struct RateLimitTests {
    @Test func eachTokenAndAddressHasItsOwnMinute() async throws {
        try await Harness.run(.sqlite, configure: { $0.apiRequestsPerMinute = 5; $0.anonymousRequestsPerMinute = 3 }) { harness in
            // Windows are calendar minutes: start well inside one, so the count is not reset halfway.
            let second = Int(Date().timeIntervalSince1970) % 60
            if second >= 50 { try await Task.sleep(for: .seconds(61 - second)) }
            let other = try await harness.agent(role: .agent)
            // Counted down to nothing (the harness's own setup may have used some), then refused.
            var remaining: [Int] = []
            while remaining.last != 0, remaining.count < 10 {
                let answer = try await harness.client.json(.get, "/api/v1/tags", token: harness.ownerToken)
                #expect(answer.status == .ok && answer.headers[HTTPField.Name("RateLimit-Policy")!] == "5;w=60")
                remaining.append(Int(answer.headers[HTTPField.Name("RateLimit-Remaining")!] ?? "") ?? -1)
            }
            #expect(remaining.last == 0 && zip(remaining, remaining.dropFirst()).allSatisfy { $0 - 1 == $1 }, "\(remaining)")
            let refused = try await harness.client.json(.get, "/api/v1/tags", token: harness.ownerToken)
            #expect(refused.status == .tooManyRequests && refused.text.contains("rate_limited"), "\(refused.text)")
            let wait = Int(refused.headers[.retryAfter] ?? "") ?? 0
            #expect((1...60).contains(wait))
            // Another token has its own minute.
            #expect(try await harness.client.json(.get, "/api/v1/tags", token: other.token).status == .ok)
            // Requests that name no one count per address.
            for _ in 0..<3 { #expect(try await harness.client.json(.get, "/api/v1/auth/me").status == .unauthorized) }
            #expect(try await harness.client.json(.get, "/api/v1/auth/me").status == .tooManyRequests)
            // A provider's webhook is never refused for the address's count (its signature is checked as always).
            let webhook = try await harness.client.json(.post, "/api/v1/stores/999/webhooks", body: "{}")
            #expect(webhook.status != .tooManyRequests, "\(webhook.status)")
        }
    }
}
