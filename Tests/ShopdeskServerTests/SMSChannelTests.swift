import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
@testable import ShopdeskChannels
import ShopdeskCore
@testable import ShopdeskServer
import ShopdeskStore
import ShopdeskTestSupport
import Testing

/// An SMS inbox on a Twilio number, against a local Twilio REST API. Twilio's requests to us are
/// signed by the `twilio` package's own RequestValidator (PyPI), not by our code.
@Suite("SMS channel (Twilio)")
struct SMSChannelTests {
    static let publicURL = "https://help.example.com"

    struct Setup: Sendable { let harness: Harness; let twilio: FakeTwilio; let base: String; let inbox: Int64 }

    static func withNumber(_ kind: DatabaseKind, _ body: @Sendable (Setup) async throws -> Void) async throws {
        try await FakeTwilio.run { twilio, base in
            try await Harness.run(kind, configure: { $0.allowPrivateWebhookTargets = true; $0.publicURL = publicURL }) { harness in
                let created = try await harness.client.json(.post, "/api/v1/inboxes", token: harness.ownerToken, body: """
                    {"name":"SMS","kind":"sms","channel":{"account_sid":"\(FakeTwilio.account)","auth_token":"\(FakeTwilio.token)",
                    "from":"\(FakeTwilio.number)","api_base":"\(base)"}}
                    """)
                #expect(created.status == .created, "\(created.text)")
                #expect(!created.text.contains(FakeTwilio.token))
                let inbox = try created.object("inbox").int("id")
                // Connecting pointed the number's incoming messages at the inbox's webhook, through Twilio's API.
                #expect(await twilio.smsURL == "\(publicURL)/api/v1/channels/sms/\(inbox)/webhook")
                try await body(Setup(harness: harness, twilio: twilio, base: base, inbox: inbox))
            }
        }
    }

    /// The `X-Twilio-Signature` Twilio would send, computed by the twilio package; our own code
    /// only where Python is missing (outside CI).
    static func signature(url: String, _ parameters: [(String, String)]) async throws -> String {
        if Python.available {
            let input = try JSONSerialization.data(withJSONObject: ["url": url, "params": parameters.map { [$0.0, $0.1] }])
            let signed = try await Python.run("""
                import json, sys
                from twilio.request_validator import RequestValidator
                data = json.load(sys.stdin)
                print(RequestValidator('\(FakeTwilio.token)').compute_signature(data['url'], dict(data['params'])))
                """, input: String(decoding: input, as: UTF8.self)).trimmingCharacters(in: .whitespacesAndNewlines)
            if !signed.isEmpty { return signed }
            if ProcessInfo.processInfo.environment["CI"] == "true" { Issue.record("The twilio package is missing from the test Python.") }
        }
        return TwilioAdapter.signature(url: url, parameters: parameters.map { (name: $0.0, value: $0.1) }, token: FakeTwilio.token)
    }

    @discardableResult
    static func post(_ setup: Setup, _ parameters: [(String, String)], signature: String? = nil) async throws -> JSONResponse {
        let path = "/api/v1/channels/sms/\(setup.inbox)/webhook"
        let signed = if let signature { signature } else { try await Self.signature(url: publicURL + path, parameters) }
        return try await setup.harness.client.json(.post, path, headers: ["Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signed],
                                                   body: TwilioAdapter.formEncode(parameters))
    }

    static func sms(_ sid: String, _ body: String, from: String = "+385911234567", extra: [(String, String)] = []) -> [(String, String)] {
        [("ToCountry", "US"), ("SmsMessageSid", sid), ("NumMedia", "0"), ("SmsSid", sid), ("SmsStatus", "received"), ("Body", body),
         ("To", FakeTwilio.number), ("NumSegments", "1"), ("MessageSid", sid), ("AccountSid", FakeTwilio.account), ("From", from),
         ("ApiVersion", "2010-04-01")] + extra
    }

    @Test(arguments: TestDatabase.kinds)
    func onlyTwilioSignedRequestsAreTakenAndOnce(kind: DatabaseKind) async throws {
        try await Self.withNumber(kind) { setup in
            let message = Self.sms("SM1a", "Olá, onde está a minha encomenda?")
            #expect(try await Self.post(setup, message, signature: "bm90IHRoZSBzaWduYXR1cmU=").status == .unauthorized)
            #expect(try await Self.post(setup, message, signature: "").status == .unauthorized)
            // Signed over another address (a replay at another inbox) is not this inbox's.
            let elsewhere = try await Self.signature(url: Self.publicURL + "/api/v1/channels/sms/999/webhook", message)
            #expect(try await Self.post(setup, message, signature: elsewhere).status == .unauthorized)
            #expect(try await setup.harness.client.json(.get, "/api/v1/conversations?view=all", token: setup.harness.ownerToken).items.isEmpty)

            #expect(try await Self.post(setup, message).status == .ok)
            #expect(try await Self.post(setup, message).status == .ok)
            let list = try await setup.harness.client.json(.get, "/api/v1/conversations?view=all", token: setup.harness.ownerToken).items
            #expect(list.count == 1)
            #expect((list.first?["customer"] as? [String: Any])?["phone"] as? String == "+385911234567", "\(list)")
            let messages = try await setup.harness.client.json(.get, "/api/v1/conversations/\(try await setup.harness.firstConversationID())/messages",
                                                               token: setup.harness.ownerToken).items
            #expect(messages.count == 1 && messages.first?["text"] as? String == "Olá, onde está a minha encomenda?")
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func repliesGoOutWithAStatusCallbackAndStatusesMoveForward(kind: DatabaseKind) async throws {
        try await Self.withNumber(kind) { setup in
            try await Self.post(setup, Self.sms("SM2a", "Hvala, kada stiže?"))
            let conversation = try await setup.harness.firstConversationID()
            let reply = try await setup.harness.client.json(.post, "/api/v1/conversations/\(conversation)/messages", token: setup.harness.ownerToken,
                                                            body: #"{"text":"Sutra do podne."}"#)
            _ = try await setup.harness.runJobs()
            let webhook = "\(Self.publicURL)/api/v1/channels/sms/\(setup.inbox)/webhook"
            #expect(await setup.twilio.sent == [.init(to: "+385911234567", from: FakeTwilio.number, body: "Sutra do podne.", mediaURLs: [],
                                                      statusCallback: webhook)])
            let id = try reply.int("id")
            #expect(try await setup.harness.delivery(of: id).0 == .sent)
            func status(_ state: String, extra: [(String, String)] = []) -> [(String, String)] {
                [("SmsSid", "SM00000000000000000000000000000001"), ("SmsStatus", state), ("MessageStatus", state), ("To", "+385911234567"),
                 ("MessageSid", "SM00000000000000000000000000000001"), ("AccountSid", FakeTwilio.account), ("From", FakeTwilio.number),
                 ("ApiVersion", "2010-04-01")] + extra
            }
            #expect(try await Self.post(setup, status("sending")).status == .ok)
            #expect(try await Self.post(setup, status("delivered")).status == .ok)
            #expect(try await Self.post(setup, status("sent")).status == .ok)
            #expect(try await setup.harness.delivery(of: id).0 == .delivered)

            // A carrier's failure after Twilio took it, in words the agent can act on.
            let second = try await setup.harness.client.json(.post, "/api/v1/conversations/\(conversation)/messages", token: setup.harness.ownerToken,
                                                             body: #"{"text":"Jeste li dobili poruku?"}"#)
            _ = try await setup.harness.runJobs()
            let failed = status("undelivered", extra: [("ErrorCode", "30003")]).map {
                $0.1 == "SM00000000000000000000000000000001" ? ($0.0, "SM00000000000000000000000000000002") : $0
            }
            #expect(try await Self.post(setup, failed).status == .ok)
            let (state, error) = try await setup.harness.delivery(of: try second.int("id"))
            #expect(state == .failed && error == "Twilio: the phone is off or unreachable (error 30003)", "\(error ?? "")")

            // Twilio's rate limit puts it back in the queue; a refusal fails it in Twilio's words.
            await setup.twilio.fail(status: 429, code: 20429, "Too Many Requests")
            await setup.twilio.fail(code: 21211, "The 'To' number +385911234567 is not a valid phone number.")
            let third = try await setup.harness.client.json(.post, "/api/v1/conversations/\(conversation)/messages", token: setup.harness.ownerToken,
                                                            body: #"{"text":"Treća poruka"}"#)
            _ = try await setup.harness.runJobs()
            let (queued, why) = try await setup.harness.delivery(of: try third.int("id"))
            #expect(queued == .queued && why?.contains("Too Many Requests") == true, "\(why ?? "")")
            _ = try await setup.harness.runJobs(at: Date().addingTimeInterval(3600))
            let (refused, words) = try await setup.harness.delivery(of: try third.int("id"))
            #expect(refused == .failed && words?.contains("21211") == true && words?.contains("not a valid phone number") == true, "\(words ?? "")")
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func stopIsHonouredOnOurSideAndStartUndoesIt(kind: DatabaseKind) async throws {
        try await Self.withNumber(kind) { setup in
            try await Self.post(setup, Self.sms("SM3a", "Gdje je paket?"))
            try await Self.post(setup, Self.sms("SM3b", "stop"))
            let conversation = try await setup.harness.firstConversationID()
            let blocked = try await setup.harness.client.json(.post, "/api/v1/conversations/\(conversation)/messages", token: setup.harness.ownerToken,
                                                              body: #"{"text":"Paket je na putu."}"#)
            _ = try await setup.harness.runJobs()
            #expect(await setup.twilio.sent.isEmpty)
            let (state, error) = try await setup.harness.delivery(of: try blocked.int("id"))
            #expect(state == .failed && error?.hasPrefix("Not sent") == true, "\(error ?? "")")

            try await Self.post(setup, Self.sms("SM3c", "START"))
            _ = try await setup.harness.client.json(.post, "/api/v1/conversations/\(conversation)/messages", token: setup.harness.ownerToken,
                                                    body: #"{"text":"Paket je na putu."}"#)
            _ = try await setup.harness.runJobs()
            #expect(await setup.twilio.sent.map(\.body) == ["Paket je na putu."])
            // Twilio's own refusal for an unsubscribed number also opts the customer out here.
            await setup.twilio.fail(code: 21610, "Attempt to send to unsubscribed recipient")
            _ = try await setup.harness.client.json(.post, "/api/v1/conversations/\(conversation)/messages", token: setup.harness.ownerToken,
                                                    body: #"{"text":"Još nešto?"}"#)
            _ = try await setup.harness.runJobs()
            let reason = try await setup.harness.database.read {
                try await ChannelRepository.optOutReason(workspaceID: setup.harness.workspaceID, inboxID: InboxID(setup.inbox), identity: "+385911234567", in: $0)
            }
            #expect(reason?.contains("unsubscribed") == true, "\(reason ?? "")")
        }
    }

    @Test func picturesComeInThroughTwilioAndFilesGoOutBySignedLinks() async throws {
        try await Self.withNumber(.sqlite) { setup in
            let jpeg = Data([0xFF, 0xD8, 0xFF, 0xE0] + Array(repeating: 0x22, count: 700))
            await setup.twilio.addMedia(id: "ME1", mime: "image/jpeg", data: jpeg)
            let mediaURL = "\(setup.base)/2010-04-01/Accounts/\(FakeTwilio.account)/Messages/SM4a/Media/ME1"
            try await Self.post(setup, Self.sms("SM4a", "", extra: [("NumMedia", "2"), ("MediaUrl0", mediaURL), ("MediaContentType0", "image/jpeg"),
                                                                     ("MediaUrl1", "http://127.0.0.1:9/elsewhere.jpg"), ("MediaContentType1", "image/jpeg")])
                .filter { $0 != ("NumMedia", "0") })
            let conversation = try await setup.harness.firstConversationID()
            let messages = try await setup.harness.client.json(.get, "/api/v1/conversations/\(conversation)/messages", token: setup.harness.ownerToken).items
            let ids = try #require(messages.first?["attachment_ids"] as? [Int])
            #expect(ids.count == 1)
            // A link to anywhere but Twilio's API is not fetched, and the agent is told.
            #expect((messages.first?["text"] as? String)?.contains("could not be fetched") == true, "\(messages)")
            let stored = try await setup.harness.client.bytes(.get, "/api/v1/attachments/\(ids[0])/download", token: setup.harness.ownerToken)
            #expect(stored.body == jpeg)

            // The reply's file goes as a signed link Twilio fetches; the link serves that file only, for a day.
            let png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array(repeating: 0x33, count: 300))
            let uploaded = try await setup.harness.client.execute(
                uri: "/api/v1/attachments", method: .post,
                headers: [.authorization: "Bearer \(setup.harness.ownerToken)", .contentType: "image/png", HTTPField.Name("X-File-Name")!: "zamjena.png"],
                body: ByteBuffer(data: png)
            ) { response in try JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8)) as? [String: Any] }
            let file = try #require(uploaded?["id"] as? Int)
            let reply = try await setup.harness.client.json(.post, "/api/v1/conversations/\(conversation)/messages", token: setup.harness.ownerToken,
                                                            body: #"{"text":"Evo fotografije zamjene.","attachment_ids":[\#(file)]}"#)
            #expect(reply.status == .created, "\(reply.text)")
            _ = try await setup.harness.runJobs()
            let link = try #require(await setup.twilio.sent.first?.mediaURLs.first)
            #expect(link.hasPrefix("\(Self.publicURL)/api/v1/channels/files/"))
            let path = String(link.dropFirst(Self.publicURL.count))
            let fetched = try await setup.harness.client.bytes(.get, path)
            #expect(fetched.status == .ok && fetched.body == png)
            #expect(fetched.headers[.contentType] == "image/png")
            #expect(fetched.headers[.contentDisposition]?.hasPrefix("attachment") == true)
            var forged = path
            forged.replaceSubrange(forged.index(forged.endIndex, offsetBy: -4)..., with: "0000")
            #expect(try await setup.harness.client.bytes(.get, forged).status == .notFound)
            let parts = path.split(separator: "/").last!.split(separator: "-")
            let otherFile = "/api/v1/channels/files/\(parts[0])-\(Int(parts[1])! + 1)-\(parts[2])-\(parts[3])"
            #expect(try await setup.harness.client.bytes(.get, otherFile).status == .notFound)
            let expired = try ChannelFileLinks(services: setup.harness.services).open(String(path.split(separator: "/").last!),
                                                                                      now: Date().addingTimeInterval(ChannelFileLinks.lifetime + 60))
            #expect(expired == nil)
        }
    }

    @Test func theConnectionTestNamesTheAccountAndTheComposerCountsSegments() async throws {
        try await Self.withNumber(.sqlite) { setup in
            let test = try await setup.harness.client.json(.post, "/api/v1/inboxes/\(setup.inbox)/channel/test", token: setup.harness.ownerToken)
            #expect(try test.string("message") == "Connected to the Twilio account “Loja Demo” (active).", "\(test.text)")
            let channels = try await setup.harness.client.json(.get, "/api/v1/channels", token: setup.harness.ownerToken).items
            let sms = try #require(channels.first { $0["kind"] as? String == "sms" })
            let capabilities = try #require(sms["capabilities"] as? [String: Any])
            #expect(capabilities["sms_segments"] as? Bool == true && capabilities["files_by_link"] as? Bool == true, "\(sms)")
        }
    }
}

extension TestClientProtocol {
    /// A response's bytes as they are (a file download).
    func bytes(_ method: HTTPRequest.Method, _ path: String, token: String? = nil) async throws -> (status: HTTPResponse.Status, headers: HTTPFields, body: Data) {
        var headers: HTTPFields = [:]
        if let token { headers[.authorization] = "Bearer \(token)" }
        return try await execute(uri: path, method: method, headers: headers, body: nil) { response in
            (response.status, response.headers, Data(buffer: response.body))
        }
    }
}
