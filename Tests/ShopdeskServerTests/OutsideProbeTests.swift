import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOHTTP1
import ShopdeskCore
@testable import ShopdeskServer
import ShopdeskStore
import ShopdeskTestSupport
import Testing

/// The defects outside testing found as an anonymous visitor, an admin and a stranger from
/// another workspace would: each one tried again here, with its effect checked, not only its status.
@Suite("Outside probes: crashes, cross-workspace writes, login CSRF, leaks")
struct OutsideProbeTests {
    static func form(_ harness: Harness, _ path: String, _ body: String) async throws -> (HTTPResponse.Status, String) {
        try await harness.client.execute(uri: path, method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                                         body: ByteBuffer(string: body)) { ($0.status, String(buffer: $0.body)) }
    }

    @Test func aBarePercentInAFormIsText() async throws {
        try await Harness.run(.sqlite) { harness in
            let slug = "probe-\(UUID().uuidString.prefix(6).lowercased())"
            let (published, _) = try await HelpCenterTests.setUp(harness, slug: slug)
            // Each of these stopped the whole process with a Foundation fatal error.
            let track = try await Self.form(harness, "/help/\(slug)/track", "number=100%&email=a%40b%")
            #expect(track.0 == .ok && track.1.contains("100%"), "\(track.0)")
            let feedback = try await Self.form(harness, "/help/\(slug)/en/\(published)-how-refunds-work", "helpful=yes%")
            #expect(feedback.0 == .ok)
            for body in ["%", "%%", "%G1=%zz", "=&&=%", "a=%E2%82", String(repeating: "%", count: 10_000)] {
                #expect(try await Self.form(harness, "/help/\(slug)/track", body).0 == .ok, "\(body.prefix(20))")
            }
            // `+` is a space in a query string, as a form's GET sends it.
            let search = try await harness.client.json(.get, "/help/\(slug)/search?q=how+refunds%")
            #expect(search.text.contains("how refunds%") && !search.text.contains("how+refunds"))
            #expect(try await harness.client.json(.get, "/api/v1/conversations?q=%", token: harness.ownerToken).status == .ok)
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func nullClearsAFieldWhileAbsentLeavesIt(kind: DatabaseKind) async throws {
        try await Harness.run(kind) { harness in
            let id = try await harness.inbound().int("conversation_id")
            let team = try await harness.client.json(.post, "/api/v1/teams", token: harness.ownerToken, body: #"{"name":"Returns"}"#).int("id")
            let set = try await harness.client.json(.patch, "/api/v1/conversations/\(id)", token: harness.ownerToken,
                                                    body: #"{"assignee_id":\#(harness.owner.id.rawValue),"team_id":\#(team),"intent":"refund_status"}"#)
            #expect(set.status == .ok, "\(set.text)")
            // Only the status changes: the absent fields stay.
            let status = try await harness.client.json(.patch, "/api/v1/conversations/\(id)", token: harness.ownerToken, body: #"{"status":"pending"}"#)
            #expect(try status.int("assignee_id") == harness.owner.id.rawValue && (try status.int("team_id")) == team)
            // "Nobody": null clears, for assignee, team and intent alike.
            let cleared = try await harness.client.json(.patch, "/api/v1/conversations/\(id)", token: harness.ownerToken,
                                                        body: #"{"assignee_id":null,"team_id":null,"intent":null}"#)
            #expect(cleared.status == .ok, "\(cleared.text)")
            let body = cleared.body as? [String: Any] ?? [:]
            #expect(body["assignee_id"] == nil || body["assignee_id"] is NSNull, "\(cleared.text)")
            #expect(body["team_id"] == nil || body["team_id"] is NSNull, "\(cleared.text)")
        }
    }

    @Test func anAdminCannotDisableTheOwner() async throws {
        try await Harness.run(.sqlite) { harness in
            let admin = try await harness.agent(role: .admin)
            for body in [#"{"disabled":true}"#, #"{"name":"Not the owner"}"#] {
                let answer = try await harness.client.json(.patch, "/api/v1/agents/\(harness.owner.id)", token: admin.token, body: body)
                #expect(answer.status == .forbidden, "\(body): \(answer.text)")
            }
            let owner = try await harness.database.read { try await AgentRepository.find(workspaceID: harness.workspaceID, id: harness.owner.id, in: $0) }
            #expect(owner?.disabled == false && owner?.name == harness.owner.name)
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func strangersCannotDeleteHelpArticlesOrCategories(kind: DatabaseKind) async throws {
        try await Harness.run(kind) { harness in
            let (published, _) = try await HelpCenterTests.setUp(harness, slug: "own-\(UUID().uuidString.prefix(6).lowercased())")
            let categories = try await harness.client.json(.get, "/api/v1/help/categories", token: harness.ownerToken)
            let category = try #require(categories.items.first?["id"] as? Int)
            let stranger = try await harness.stranger()
            let article = try await harness.client.json(.delete, "/api/v1/help/articles/\(published)", token: stranger.token)
            let folder = try await harness.client.json(.delete, "/api/v1/help/categories/\(category)", token: stranger.token)
            #expect(article.status == .notFound && folder.status == .notFound)
            let still = try await harness.client.json(.get, "/api/v1/help/articles", token: harness.ownerToken)
            #expect(still.items.contains { $0["id"] as? Int == Int(published) && $0["category_id"] as? Int == category }, "\(still.text)")
            // Its own delete still answers 204, and a second one 404.
            #expect(try await harness.client.json(.delete, "/api/v1/help/articles/\(published)", token: harness.ownerToken).status == .noContent)
            #expect(try await harness.client.json(.delete, "/api/v1/help/articles/\(published)", token: harness.ownerToken).status == .notFound)
        }
    }

    @Test func signingInNeedsJSONFromThisServersPages() async throws {
        try await Harness.run(.sqlite) { harness in
            let credentials = #"{"email":"\#(harness.owner.email)","password":"\#(Harness.password)"}"#
            // A cross-site form can post text/plain without a preflight: refused, and no cookie set.
            let plain = try await harness.client.execute(uri: "/api/v1/auth/login", method: .post, headers: [.contentType: "text/plain"],
                                                         body: ByteBuffer(string: credentials)) { $0 }
            #expect(plain.status == .unsupportedMediaType && plain.headers[.setCookie] == nil)
            for headers in [["Origin": "https://attacker.example"], ["Sec-Fetch-Site": "cross-site"], ["Origin": "null"]] {
                let answer = try await harness.client.json(.post, "/api/v1/auth/login", headers: headers, body: credentials)
                #expect(answer.status == .forbidden && answer.headers[.setCookie] == nil, "\(headers)")
            }
            // The app's own page: same origin.
            let own = try await harness.client.json(.post, "/api/v1/auth/login", headers: ["Sec-Fetch-Site": "same-origin"], body: credentials)
            #expect(own.status == .ok)
            // A cookie-authenticated write from another site is refused even with the CSRF token.
            let cookie = String(try #require(own.headers[.setCookie]?.split(separator: ";").first))
            let csrf = try own.string("csrf_token")
            let forged = try await harness.client.json(.post, "/api/v1/tags", headers: ["Cookie": cookie, "X-CSRF-Token": csrf, "Sec-Fetch-Site": "cross-site"],
                                                       body: #"{"name":"forged"}"#)
            #expect(forged.status == .forbidden)
            let tags = try await harness.client.json(.get, "/api/v1/tags", token: harness.ownerToken)
            #expect(!tags.text.contains("forged"))
        }
    }

    @Test func cacheableHelpPagesNeverEchoTheHostHeader() async throws {
        try await Harness.run(.sqlite, mode: .live) { harness in
            let slug = "host-\(UUID().uuidString.prefix(6).lowercased())"
            let (published, _) = try await HelpCenterTests.setUp(harness, slug: slug)
            // A raw client, so the Host header is what an attacker sends (the test client sets its own).
            let port = try #require(harness.client.port)
            func get(_ path: String) async throws -> (headers: HTTPHeaders, body: String) {
                var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
                request.headers.replaceOrAdd(name: "Host", value: "evil.example")
                let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
                return (response.headers, String(buffer: try await response.body.collect(upTo: 1 << 20)))
            }
            let page = try await get("/help/\(slug)/en/\(published)-how-refunds-work")
            #expect(page.headers.first(name: "Cache-Control")?.contains("public") == true)
            #expect(!page.body.contains("evil.example"), "a cached page would hand the forged host to everyone")
            #expect(page.body.contains("href=\"/help/\(slug)/pt/\(published)-"), "root-relative alternates without a public URL")
            let sitemap = try await get("/help/\(slug)/sitemap.xml")
            // The sitemap needs absolute addresses; taken from this request, it is stored by no cache.
            #expect(sitemap.body.contains("http://evil.example/help/"), "the forged host did reach the server")
            #expect(sitemap.headers.first(name: "Cache-Control") == "no-store")
        }
    }

    @Test func theConfigurationNeverPrintsItsSecrets() {
        var configuration = ServerConfiguration()
        let key = "c2VjcmV0LWtleS1zZWNyZXQta2V5LXNlY3JldC1rZXk="
        configuration.secretKey = key
        configuration.databaseURL = "postgres://shop:hunter2@db.example/shopdesk"
        configuration.s3.secretAccessKey = "hunter2-s3"
        var dumped = ""
        dump(configuration, to: &dumped)
        for text in ["\(configuration)", String(reflecting: configuration), dumped, "\([configuration])"] {
            #expect(!text.contains(key) && !text.contains("hunter2"), "\(text)")
        }
        #expect(!"\(SecretBox(keyBytes: Data(repeating: 7, count: 32)))".contains("BwcH"))
    }

    @Test func aBodyOverTheLimitIsAProblemDocument() async throws {
        try await Harness.run(.sqlite, mode: .live) { harness in
            let big = #"{"name":""# + String(repeating: "x", count: 10 * 1024 * 1024) + #""}"#
            let answer = try await harness.client.json(.post, "/api/v1/tags", token: harness.ownerToken, body: big)
            #expect(answer.status == .contentTooLarge, "\(answer.status) \(answer.headers) \(answer.text.prefix(300))")
            #expect(answer.headers[.contentType] == "application/problem+json" && answer.detail.contains("MB"), "\(answer.headers) \(answer.text.prefix(300))")
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func presenceFramesMayOnlyNameTheAgentsOwnConversations(kind: DatabaseKind) async throws {
        try await Harness.run(kind) { harness in
            let conversation = try await harness.inbound().int("conversation_id")
            let stranger = try await harness.stranger()
            let theirs = VisibilityCache(database: harness.database, workspaceID: stranger.agent.workspaceID, visibleInboxes: nil)
            #expect(await theirs.mayName(conversation) == false, "a frame naming another workspace's conversation is dropped")
            #expect(await theirs.mayName(999_999_999) == false)
            let own = VisibilityCache(database: harness.database, workspaceID: harness.workspaceID, visibleInboxes: nil)
            #expect(await own.mayName(conversation))
            let limited = VisibilityCache(database: harness.database, workspaceID: harness.workspaceID, visibleInboxes: [])
            #expect(await limited.mayName(conversation) == false, "nor one in an inbox the agent is not in")
        }
    }
}

/// Mail that was lost or misread, delivered through the HTTP hook the way an MTA would.
@Suite("Outside probes: mail kept whole")
struct MailKeptTests {
    static func multipart(_ parts: [(name: String, bytes: Int)]) -> String {
        var raw = MailFixture.mail(id: "files-\(parts.count)@example.hr", body: "")
            .replacingOccurrences(of: "Content-Type: text/plain; charset=utf-8", with: "Content-Type: multipart/mixed; boundary=\"f\"")
        raw += "--f\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nThe files.\r\n"
        for part in parts {
            let data = Data(repeating: 0x25, count: part.bytes).base64EncodedString(options: .lineLength76Characters)
            raw += "--f\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"\(part.name)\"\r\n"
                + "Content-Transfer-Encoding: base64\r\n\r\n\(data)\r\n"
        }
        return raw + "--f--\r\n"
    }

    @Test func attachmentsOverTheUploadLimitOrPastTheHundredthAreNotDroppedSilently() async throws {
        try await Harness.run(.sqlite, configure: { $0.maxUploadBytes = 100_000 }) { harness in
            let mail = try await MailFixture.make(harness)
            // A file over the agents' upload limit, in a mail within the mail limit: kept.
            let big = try await mail.deliver(Self.multipart([("invoice.pdf", 300_000)]))
            #expect(big.status == .created, "\(big.text)")
            let thread = try await harness.client.json(.get, "/api/v1/conversations/\(try big.int("conversation_id"))/messages", token: harness.ownerToken)
            let files = (thread.items.first?["attachment_ids"] as? [Int]) ?? []
            #expect(files.count == 1, "\(thread.text.prefix(400))")
            // 103 files: 100 kept, and the message says which three are only in the original.
            let many = try await mail.deliver(Self.multipart((1...103).map { ("page-\($0).pdf", 10) }))
            let messages = try await harness.client.json(.get, "/api/v1/conversations/\(try many.int("conversation_id"))/messages", token: harness.ownerToken)
            let last = try #require(messages.items.last)
            #expect((last["attachment_ids"] as? [Int])?.count == 100)
            let text = last["text"] as? String ?? ""
            #expect(text.contains("3 more attachments") && text.contains("page-103.pdf") && text.contains("original email"), "\(text.prefix(300))")
        }
    }

    @Test func aDelayedDeliveryReportNeverBecomesAConversation() async throws {
        try await Harness.run(.sqlite) { harness in
            let mail = try await MailFixture.make(harness)
            let report = [
                "From: Mail Delivery System <MAILER-DAEMON@mx.example.hr>", "To: support@shop.example", "Subject: Delayed Mail",
                "Message-ID: <delay-1@mx.example.hr>", "Content-Type: multipart/report; report-type=delivery-status; boundary=\"r\"", "",
                "--r", "Content-Type: text/plain", "", "Still trying.", "--r", "Content-Type: message/delivery-status", "",
                "Reporting-MTA: dns; mx.example.hr", "", "Final-Recipient: rfc822; ana@example.hr", "Action: delayed", "Status: 4.4.7", "--r--", "",
            ].joined(separator: "\r\n")
            let answer = try await mail.deliver(report)
            #expect(answer.status == .accepted, "\(answer.text)")
            let list = try await harness.client.json(.get, "/api/v1/conversations?view=all", token: harness.ownerToken)
            #expect(list.items.isEmpty, "\(list.text.prefix(300))")
        }
    }

    @Test func mailServersPassTheOutboundAddressGuard() async throws {
        try await Harness.run(.sqlite) { harness in
            for host in ["127.0.0.1", "localhost", "169.254.169.254", "10.0.0.5", "0.0.0.0"] {
                let created = try await harness.client.json(.post, "/api/v1/inboxes", token: harness.ownerToken, body: """
                    {"name":"Mail","kind":"email","email":{"address":"help@shop.example","imap":{"host":"\(host)","port":143,"username":"u","password":"p","security":"none"}}}
                    """)
                #expect(created.status == .unprocessableContent && created.text.contains("not allowed"), "\(host): \(created.text.prefix(300))")
            }
            let smtp = try await harness.client.json(.post, "/api/v1/inboxes", token: harness.ownerToken, body: """
                {"name":"Mail","kind":"email","email":{"address":"help@shop.example","smtp":{"host":"127.0.0.1","port":25,"security":"none"}}}
                """)
            #expect(smtp.status == .unprocessableContent, "\(smtp.text.prefix(300))")
        }
    }
}
