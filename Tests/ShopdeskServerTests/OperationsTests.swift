import Foundation
import HTTPTypes
import HummingbirdTesting
@testable import ShopdeskServer
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
            let operations = OperationsController(services: services, metrics: HTTPMetrics())
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
