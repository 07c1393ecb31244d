import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import ShopdeskCore
@testable import ShopdeskServer
import ShopdeskStore
import ShopdeskTestSupport
import Testing

/// A local HTTP receiver standing in for a customer's webhook endpoint.
actor Receiver {
    struct Delivery: Sendable { var headers: HTTPFields; var body: Data }
    private(set) var deliveries: [Delivery] = []
    var failWith: HTTPResponse.Status?

    func record(_ delivery: Delivery) -> HTTPResponse.Status {
        deliveries.append(delivery)
        return failWith ?? .ok
    }

    func setFailure(_ status: HTTPResponse.Status?) { failWith = status }

    static func run(_ body: @Sendable (Receiver, Int) async throws -> Void) async throws {
        let receiver = Receiver()
        let router = Router()
        router.post("hook") { request, _ -> Response in
            let bytes = try await request.body.collect(upTo: 1 << 20)
            let status = await receiver.record(Delivery(headers: request.headers, body: Data(bytes.readableBytesView)))
            return Response(status: status)
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            try await body(receiver, client.port!)
        }
    }
}

@Suite("Outgoing webhooks")
struct WebhookTests {
    @Test func privateTargetsAreRefusedByDefault() async throws {
        try await Harness.run(.sqlite) { harness in
            for url in ["http://127.0.0.1:9/hook", "http://localhost/hook", "http://169.254.169.254/latest/meta-data",
                        "http://10.0.0.5/x", "http://[::1]/x", "ftp://example.com/x", "http://user:pw@example.com/x"] {
                let response = try await harness.client.json(.post, "/api/v1/webhooks", token: harness.ownerToken,
                                                             body: #"{"url":"\#(url)","events":["*"]}"#)
                #expect(response.status == .unprocessableContent, "\(url)")
            }
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func eventsAreDeliveredSignedAndFailuresRetriedThenDead(kind: DatabaseKind) async throws {
        try await Receiver.run { receiver, port in
            try await Harness.run(kind, configure: { $0.allowPrivateWebhookTargets = true }) { harness in
                let hook = try await harness.client.json(.post, "/api/v1/webhooks", token: harness.ownerToken,
                                                         body: #"{"url":"http://127.0.0.1:\#(port)/hook","events":["message.created"]}"#)
                #expect(hook.status == .created)
                let secret = try hook.string("secret")
                try await harness.inbound(text: "Hello there")
                #expect(try await harness.runJobs() == 1)
                let delivery = try #require(await receiver.deliveries.first)
                let signature = try #require(delivery.headers[HTTPField.Name("X-Shopdesk-Signature")!])
                let parts = Dictionary(uniqueKeysWithValues: signature.split(separator: ",").map {
                    let pair = $0.split(separator: "=", maxSplits: 1)
                    return (String(pair[0]), String(pair[1]))
                })
                var signed = Data("\(parts["t"]!).".utf8)
                signed.append(delivery.body)
                #expect(parts["v1"] == Secrets.hmacSHA256Hex(key: secret, message: signed))
                let json = try JSONSerialization.jsonObject(with: delivery.body) as? [String: Any]
                #expect(json?["type"] as? String == "message.created")

                await receiver.setFailure(.internalServerError)
                try await harness.inbound(text: "Another one")
                // Retries run as their backoff comes due; after the last attempt the job is dead.
                _ = try await harness.runJobs(at: Date().addingTimeInterval(86_400))
                let dead = try await harness.client.json(.get, "/api/v1/jobs?status=dead", token: harness.ownerToken)
                #expect(dead.items.count == 1)
                #expect((dead.items.first?["last_error"] as? String)?.contains("500") == true)
                let attempts = await receiver.deliveries.count
                #expect(attempts == 1 + 8)

                await receiver.setFailure(nil)
                let jobID = try #require((dead.items.first?["id"] as? NSNumber)?.int64Value)
                #expect(try await harness.client.json(.post, "/api/v1/jobs/\(jobID)/retry", token: harness.ownerToken).status == .accepted)
                #expect(try await harness.runJobs() == 1)
                #expect(await receiver.deliveries.count == attempts + 1)
            }
        }
    }

    @Test func apiInboxRepliesArePostedAndAFailedSendShowsTheReason() async throws {
        try await Receiver.run { receiver, port in
            try await Harness.run(.sqlite, configure: { $0.allowPrivateWebhookTargets = true }) { harness in
                _ = try await harness.client.json(.patch, "/api/v1/inboxes/\(harness.inboxID)", token: harness.ownerToken,
                                                  body: #"{"webhook_url":"http://127.0.0.1:\#(port)/hook"}"#)
                let id = try await harness.inbound().int("conversation_id")
                let note = try await harness.client.json(.post, "/api/v1/conversations/\(id)/messages", token: harness.ownerToken,
                                                         body: #"{"text":"internal only","private":true}"#)
                #expect(note.status == .created)
                let reply = try await harness.client.json(.post, "/api/v1/conversations/\(id)/messages", token: harness.ownerToken,
                                                          body: #"{"text":"Your parcel ships today"}"#)
                _ = try await harness.runJobs()
                let bodies = await receiver.deliveries.map { String(decoding: $0.body, as: UTF8.self) }
                #expect(bodies.count == 1)
                #expect(bodies.first?.contains("Your parcel ships today") == true)
                #expect(bodies.allSatisfy { !$0.contains("internal only") })

                await receiver.setFailure(.badRequest)
                let second = try await harness.client.json(.post, "/api/v1/conversations/\(id)/messages", token: harness.ownerToken,
                                                           body: #"{"text":"Second reply"}"#)
                _ = try await harness.runJobs()
                let failed = try await harness.client.json(.get, "/api/v1/conversations/\(id)/messages", token: harness.ownerToken)
                let last = try #require(failed.items.last)
                #expect(last["delivery_status"] as? String == "failed")
                #expect((last["delivery_error"] as? String)?.contains("400") == true)

                await receiver.setFailure(nil)
                let messageID = try second.int("id")
                #expect(try await harness.client.json(.post, "/api/v1/messages/\(messageID)/retry", token: harness.ownerToken).status == .accepted)
                _ = try await harness.runJobs()
                let retried = try await harness.client.json(.get, "/api/v1/conversations/\(id)/messages", token: harness.ownerToken)
                #expect(retried.items.last?["delivery_status"] as? String == "sent")
                #expect(await receiver.deliveries.count == 3)

                // The inbox's client reports that the customer read the first reply.
                let replyID = try reply.int("id")
                let report = try await harness.client.json(.post, "/api/v1/inboxes/\(harness.inboxID)/messages/\(replyID)/delivery",
                                                           headers: ["X-Inbox-Token": harness.inboxToken], body: #"{"status":"read"}"#)
                #expect(report.status == .noContent)
                let forged = try await harness.client.json(.post, "/api/v1/inboxes/\(harness.inboxID)/messages/\(replyID)/delivery",
                                                           headers: ["X-Inbox-Token": "sdi_forged"], body: #"{"status":"failed"}"#)
                #expect(forged.status == .unauthorized)
                let read = try await harness.client.json(.get, "/api/v1/conversations/\(id)/messages", token: harness.ownerToken)
                #expect(read.items.first { ($0["id"] as? NSNumber)?.int64Value == replyID }?["delivery_status"] as? String == "read")
            }
        }
    }
}
