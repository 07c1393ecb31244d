import Foundation
import Hummingbird
import Prometheus
import ShopdeskStore

/// What `/metrics` counts in this process, kept in a Prometheus registry of our own (not the
/// process-wide metrics system, so several apps can live in one test process): requests and
/// their latency, messages taken in per channel and how long storing them took, and replies that
/// failed per channel.
final class HTTPMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()
    private let duration: DurationHistogram
    static let buckets: [Duration] = [.milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
                                      .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(5)]

    init() {
        duration = registry.makeDurationHistogram(
            descriptor: MetricNameDescriptor(namespace: "shopdesk", subsystem: "http", metricName: "request_duration", unitName: "seconds",
                                             helpText: "Time to answer requests"),
            buckets: Self.buckets)
    }

    func record(status: Int, elapsed: Duration) {
        duration.record(elapsed)
        registry.makeCounter(
            descriptor: MetricNameDescriptor(namespace: "shopdesk", subsystem: "http", metricName: "requests", unitName: "total",
                                             helpText: "Requests answered, by status class"),
            labels: [("status", "\(status / 100)xx")]
        ).increment()
    }

    /// A customer's message stored (durably, before it was acknowledged) in `elapsed`.
    func ingested(channel: String, elapsed: Duration) {
        registry.makeDurationHistogram(
            descriptor: MetricNameDescriptor(namespace: "shopdesk", subsystem: "ingest", metricName: "duration", unitName: "seconds",
                                             helpText: "Time to store a customer's message, by channel"),
            labels: [("channel", channel)], buckets: Self.buckets
        ).record(elapsed)
    }

    /// A reply that could not be delivered: refused by us (no address, window closed), given up
    /// after its retries, or reported failed by the provider.
    func sendFailed(channel: String) {
        registry.makeCounter(
            descriptor: MetricNameDescriptor(namespace: "shopdesk", subsystem: "send", metricName: "failures", unitName: "total",
                                             helpText: "Replies that failed, by channel"),
            labels: [("channel", channel)]
        ).increment()
    }
}

struct MetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: HTTPMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        do {
            let response = try await next(request, context)
            metrics.record(status: response.status.code, elapsed: ContinuousClock.now - start)
            return response
        } catch let error as any HTTPResponseError {
            metrics.record(status: error.status.code, elapsed: ContinuousClock.now - start)
            throw error
        } catch {
            metrics.record(status: 500, elapsed: ContinuousClock.now - start)
            throw error
        }
    }
}

/// `/healthz` and `/metrics`.
struct OperationsController {
    let services: AppServices
    var metrics: HTTPMetrics { services.metrics }

    struct Health: ResponseEncodable {
        var status: String
        var database: String
        /// The file store: "ok" or what is wrong with it (an object store that does not answer).
        var files: String
        var jobs: Jobs
        var realtimeConnections: Int
        /// Whether other nodes' events reach this one: "relaying", "not relaying" (its LISTEN is
        /// starting or reconnecting) or "single node".
        var realtime: String
        struct Jobs: Codable { var queued: Int; var dead: Int; var lagSeconds: Double; var runner: String }
    }

    func register(on router: Router<AppRequestContext>) {
        router.get("healthz") { request, context -> Response in
            let health = await check()
            var response = try health.response(from: request, context: context)
            response.status = health.status == "ok" ? .ok : .serviceUnavailable
            response.headers[.cacheControl] = "no-store"
            return response
        }
        router.get("metrics") { _, _ -> Response in
            let health = await check()
            var text = ""
            text += "# HELP shopdesk_up Whether the database answers (1) or not (0).\n# TYPE shopdesk_up gauge\n"
            text += "shopdesk_up \(health.database == "ok" ? 1 : 0)\n"
            text += "# HELP shopdesk_files_up Whether the file store answers (1) or not (0).\n# TYPE shopdesk_files_up gauge\n"
            text += "shopdesk_files_up \(health.files == "ok" ? 1 : 0)\n"
            text += "# HELP shopdesk_jobs_queued Jobs waiting or running.\n# TYPE shopdesk_jobs_queued gauge\nshopdesk_jobs_queued \(health.jobs.queued)\n"
            text += "# HELP shopdesk_jobs_dead Jobs that gave up.\n# TYPE shopdesk_jobs_dead gauge\nshopdesk_jobs_dead \(health.jobs.dead)\n"
            text += "# HELP shopdesk_jobs_lag_seconds Age of the oldest due job.\n# TYPE shopdesk_jobs_lag_seconds gauge\n"
            text += "shopdesk_jobs_lag_seconds \(health.jobs.lagSeconds)\n"
            text += "# HELP shopdesk_realtime_connections Open WebSockets on this node.\n# TYPE shopdesk_realtime_connections gauge\n"
            text += "shopdesk_realtime_connections \(health.realtimeConnections)\n"
            var bytes: [UInt8] = []
            metrics.registry.emit(into: &bytes)
            text += String(decoding: bytes, as: UTF8.self)
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                            body: .init(byteBuffer: ByteBuffer(string: text)))
        }
    }

    /// Red when the database does not answer, the object store holding the files does not, the
    /// job runner stopped beating, or due jobs wait longer than five minutes; "shutting down"
    /// (also a 503) once the node has been told to stop.
    func check() async -> Health {
        let now = Date()
        var stats: (queued: Int, dead: Int, lagSeconds: Double)?
        do {
            stats = try await services.database.read { try await JobQueue.stats(now: now, in: $0) }
        } catch {
            services.logger.error("Health check: database unavailable", metadata: ["error": "\(error)"])
        }
        let beat = await services.hub.runnerHeartbeat
        let runnerOK = !services.config.runJobs || beat.map { now.timeIntervalSince($0) < 60 } ?? false
        let lag = stats?.lagSeconds ?? 0
        var files = "ok"
        if let s3 = services.files.store as? S3FileStore {
            do { try await s3.checkBucket() } catch {
                files = "\(error)"
                services.logger.error("Health check: file store unavailable", metadata: ["error": "\(error)"])
            }
        }
        let healthy = stats != nil && runnerOK && lag < 300 && files == "ok"
        let draining = await services.hub.draining
        return Health(
            status: draining ? "shutting down" : healthy ? "ok" : "failing", database: stats == nil ? "unavailable" : "ok", files: files,
            jobs: .init(queued: stats?.queued ?? 0, dead: stats?.dead ?? 0, lagSeconds: lag,
                        runner: !services.config.runJobs ? "disabled" : runnerOK ? "running" : "stalled"),
            realtimeConnections: await services.hub.connectionCount, realtime: await services.hub.relayState)
    }
}
