import Foundation
import HTTPTypes
import HummingbirdTesting
@testable import ShopdeskServer
import ShopdeskCore
import ShopdeskStore
import ShopdeskTestSupport
import Testing

@Suite("Health, metrics and configuration")
struct OperationsTests {
    @Test func healthIsGreenWithADatabaseAndNoJobRunnerExpected() async throws {
        try await Harness.run(.sqlite) { harness in
            let health = try await harness.client.json(.get, "/healthz")
            #expect(health.status == .ok)
            #expect(try health.string("database") == "ok")
            #expect(try health.object("jobs").string("runner") == "disabled")
        }
    }

    @Test func aStalledJobRunnerTurnsHealthRed() async throws {
        try await Harness.run(.sqlite) { harness in
            // Services that expect a job runner, on a node where none runs: what a dead worker looks like.
            var configuration = harness.services.config
            configuration.runJobs = true
            let services = AppServices.make(configuration: configuration, database: harness.database, logger: TestDatabase.logger)
            let operations = OperationsController(services: services)
            let stalled = await operations.check()
            #expect(stalled.status == "failing")
            #expect(stalled.jobs.runner == "stalled")
            await services.hub.jobRunnerBeat(Date())
            #expect(await operations.check().status == "ok")
        }
    }

    @Test func metricsArePrometheusText() async throws {
        try await Harness.run(.sqlite) { harness in
            _ = try await harness.client.json(.get, "/api/v1/conversations", token: harness.ownerToken)
            try await harness.client.execute(uri: "/metrics", method: .get) { response in
                let text = String(buffer: response.body)
                #expect(response.headers[.contentType]?.hasPrefix("text/plain") == true)
                #expect(text.contains("shopdesk_up 1"))
                #expect(text.contains("shopdesk_jobs_dead 0"))
                #expect(text.contains("shopdesk_http_requests_total{status=\"2xx\"}"))
            }
        }
    }

    /// Messages taken in are timed per channel, and replies that fail are counted per channel.
    @Test func ingestLatencyAndFailedSendsAreCountedByChannel() async throws {
        try await Harness.run(.sqlite) { harness in
            let sent = try await harness.inbound(text: "Where is my parcel?")
            let conversation = try sent.int("conversation_id")
            // What every failure path calls (a refusal, a job given up, a provider's "failed"): the
            // channel is read from the reply's conversation.
            let reply = try await harness.client.json(.post, "/api/v1/conversations/\(conversation)/messages", token: harness.ownerToken,
                                                      body: #"{"text":"On its way."}"#)
            let messageID = try reply.int("id")
            await harness.services.countFailedSend(messageID: MessageID(messageID), workspaceID: harness.workspaceID)
            try await harness.client.execute(uri: "/metrics", method: .get) { response in
                let text = String(buffer: response.body)
                #expect(text.contains(#"shopdesk_ingest_duration_seconds_count{channel="api"} 1"#), "\(text)")
                #expect(text.contains(#"shopdesk_send_failures_total{channel="api"} 1"#))
            }
        }
    }

    /// The sample Grafana dashboard and alert rules in docs/ops name only metrics the server emits.
    @Test func theDashboardAndAlertsNameMetricsThatExist() async throws {
        let docs = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/ops")
        let dashboard = try Data(contentsOf: docs.appendingPathComponent("grafana-dashboard.json"))
        let panels = try #require((try JSONSerialization.jsonObject(with: dashboard) as? [String: Any])?["panels"] as? [[String: Any]])
        let expressions = panels.flatMap { ($0["targets"] as? [[String: Any]] ?? []).compactMap { $0["expr"] as? String } }
        #expect(expressions.count >= 12)
        let alerts = try String(contentsOf: docs.appendingPathComponent("alerts.yml"), encoding: .utf8)
        let named = Set((expressions + [alerts]).flatMap { text in
            text.matches(of: /shopdesk_[a-z_]+/).map { match in
                String(match.output).replacing(/_(bucket|count|sum)$/, with: "")
            }
        })
        #expect(named.count >= 9, "\(named)")
        try await Harness.run(.sqlite) { harness in
            _ = try await harness.inbound(text: "Where is my parcel?")
            await harness.services.countFailedSend(channel: "api", messageID: MessageID(1), workspaceID: harness.workspaceID)
            try await harness.client.execute(uri: "/metrics", method: .get) { response in
                let text = String(buffer: response.body)
                for name in named { #expect(text.contains(name), "\(name) is not in /metrics") }
            }
        }
    }

    @Test func configurationReadsEnvironmentOverFileAndHidesPasswords() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("shopdesk-\(UUID().uuidString).json")
        try Data(#"{"port": 9000, "host": "0.0.0.0", "bcrypt_cost": 11}"#.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let configuration = try ServerConfiguration.load(
            environment: ["SHOPDESK_PORT": "9100", "SHOPDESK_DATABASE_URL": "postgres://shop:s3cret@db:5432/shopdesk"], file: file.path)
        #expect(configuration.port == 9100)
        #expect(configuration.host == "0.0.0.0")
        #expect(configuration.bcryptCost == 11)
        #expect(!configuration.redactedDatabaseURL.contains("s3cret"))
        #expect(throws: ConfigurationError.self) { try ServerConfiguration.load(environment: ["SHOPDESK_PORT": "eighty"], file: nil) }
    }

    @Test func unexpectedPathsAndErrorsAreProblems() async throws {
        try await Harness.run(.sqlite) { harness in
            let missing = try await harness.client.json(.get, "/api/v1/conversations/999999", token: harness.ownerToken)
            #expect(missing.status == .notFound)
            #expect(missing.headers[.contentType] == "application/problem+json")
            #expect(try missing.int("status") == 404)
            #expect(missing.detail == "Conversation 999999 was not found.")
            let badID = try await harness.client.json(.get, "/api/v1/conversations/abc", token: harness.ownerToken)
            #expect(badID.status == .notFound)
        }
    }
}
