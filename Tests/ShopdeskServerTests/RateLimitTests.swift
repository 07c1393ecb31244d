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

/// With PostgreSQL the nodes share their counts: a token spread over two nodes gets its limit
/// once, not once per node.
@Suite("Rate limits across nodes")
struct SharedRateLimitTests {
    @Test(.enabled(if: TestDatabase.kinds.contains(.postgres), "needs SHOPDESK_TEST_POSTGRES_URL"))
    func twoNodesShareOneLimit() async throws {
        // Windows are calendar minutes: start well inside one.
        let second = Int(Date().timeIntervalSince1970) % 60
        if second >= 45 { try await Task.sleep(for: .seconds(61 - second)) }
        try await TestDatabase.withPostgresURL { url in
            let hash = try await PasswordHasher(cost: 4).hash(Harness.password)
            let token = try await Database.with(url: url, logger: TestDatabase.logger) { database in
                let (owner, _) = try await Provisioning.createOwner(database: database, workspace: "Limits", timeZone: "UTC",
                                                                    email: "limits@example.com", name: "L", passwordHash: hash)
                return try await Provisioning.createToken(database: database, agent: owner, name: "t")
            }
            let configure: @Sendable (inout ServerConfiguration) -> Void = {
                $0.apiRequestsPerMinute = 10
                $0.rateLimitSyncInterval = .milliseconds(100)
            }
            // The shared table's total for the token, once it reaches `count` (each node syncs every 100 ms).
            @Sendable func shared(reaches count: Int) async throws {
                for _ in 0..<200 {
                    let total = try await Database.with(url: url, logger: TestDatabase.logger) { database in
                        try await database.read { try await $0.raw("SELECT CAST(COALESCE(SUM(count), 0) AS BIGINT) AS n FROM rate_counts").first()?.decode(column: "n", as: Int.self) }
                    }
                    if total ?? 0 >= count { return }
                    try await Task.sleep(for: .milliseconds(50))
                }
                Issue.record("the shared count never reached \(count)")
            }
            try await RealtimeTests.node(url, configure: configure) { nodeA in
                try await RealtimeTests.node(url, configure: configure) { nodeB in
                    for _ in 0..<7 { #expect(try await nodeA.json(.get, "/api/v1/tags", token: token).status == .ok) }
                    try await shared(reaches: 7)
                    // B's first request counts locally; its sync adds it and learns A's seven.
                    #expect(try await nodeB.json(.get, "/api/v1/tags", token: token).status == .ok)
                    try await shared(reaches: 8)
                    try await Task.sleep(for: .milliseconds(300))   // B has read the total back
                    var statuses: [Int] = []
                    while statuses.last != 429, statuses.count < 10 {
                        statuses.append(Int(try await nodeB.json(.get, "/api/v1/tags", token: token).status.code))
                    }
                    #expect(statuses == [200, 200, 429], "two more reach the limit of ten: \(statuses)")
                    try await shared(reaches: 10)
                    try await Task.sleep(for: .milliseconds(300))   // and A learns B's three
                    #expect(try await nodeA.json(.get, "/api/v1/tags", token: token).status == .tooManyRequests)
                }
            }
            let stored = try await Database.with(url: url, logger: TestDatabase.logger) { database in
                try await database.read { try await $0.raw("SELECT key FROM rate_counts").all().map { try $0.decode(column: "key", as: String.self) } }
            }
            #expect(!stored.isEmpty && stored.allSatisfy { $0.count == 32 && !token.contains($0) }, "hashed keys only: \(stored)")
        }
    }
}
