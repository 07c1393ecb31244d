import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import ShopdeskCore
@testable import ShopdeskServer
import ShopdeskTestSupport
import Testing

/// Hostile bodies and query strings at the endpoints anyone (or any agent) can reach: every
/// answer is a success or a problem document a person can act on, never a 500 or a dead process.
@Suite("HTTP input: always an answer, never a crash")
struct ProblemFuzzTests {
    static let bodies: [String] = {
        var bodies = ["", "%", "{", "[", "null", "{\"a\":", String(repeating: "[", count: 5_000), String(repeating: "{\"a\":", count: 2_000),
                      "{\"email\":1}", "{\"text\":null}", "\u{0}\u{1}", "number=100%&email=%", "{\"kind\":\"refund\",\"amount\":\"1e999\"}",
                      "{\"id\":99999999999999999999999}", "{\"snooze_until\":\"yesterday\"}", "{\"status\":\"%\"}"]
        bodies += ParserProbe.inputs(count: 12, alphabet: ["{", "}", "[", "]", "\"", ":", ",", "null", "1e309", "-", "\\u0000", "%", "&", "="],
                                     maxLength: 200, seed: 7)
        return bodies
    }()

    @Test func hostileBodiesGetProblemsNotCrashes() async throws {
        try await Harness.run(.sqlite) { harness in
            let conversation = try await harness.inbound().int("conversation_id")
            let slug = "fuzz-\(UUID().uuidString.prefix(6).lowercased())"
            _ = try await HelpCenterTests.setUp(harness, slug: slug)
            let targets: [(HTTPRequest.Method, String, Bool)] = [
                (.post, "/api/v1/auth/login", false), (.post, "/api/v1/auth/invites/accept", false),
                (.post, "/api/v1/inboxes/\(harness.inboxID)/messages", false), (.post, "/api/v1/widget/sessions", false), (.post, "/api/v1/widget/messages", false),
                (.post, "/help/\(slug)/track", false), (.post, "/help/\(slug)/en/1-how-refunds-work", false),
                (.patch, "/api/v1/conversations/\(conversation)", true), (.post, "/api/v1/conversations/\(conversation)/messages", true),
                (.post, "/api/v1/conversations/bulk", true), (.post, "/api/v1/macros", true), (.post, "/api/v1/rules", true),
                (.post, "/api/v1/rules/import", true), (.post, "/api/v1/help/articles", true), (.post, "/api/v1/tags", true),
                (.post, "/api/v1/stores", true), (.put, "/api/v1/help/settings", true), (.post, "/api/v1/agents", true),
            ]
            for (method, path, signedIn) in targets {
                for body in Self.bodies {
                    for type in ["application/json", "application/x-www-form-urlencoded", "text/plain"] {
                        var headers: HTTPFields = [.contentType: type, HTTPField.Name("X-Inbox-Token")!: harness.inboxToken]
                        if signedIn { headers[.authorization] = "Bearer \(harness.ownerToken)" }
                        let (status, contentType) = try await harness.client.execute(uri: path, method: method, headers: headers,
                                                                                     body: ByteBuffer(string: body)) {
                            ($0.status, $0.headers[.contentType] ?? "")
                        }
                        #expect(status.code < 500, "\(method) \(path) with \(type) \(body.prefix(40).debugDescription): \(status)")
                        if status.code >= 400, path.hasPrefix("/api/") {
                            #expect(contentType == "application/problem+json", "\(method) \(path): \(status) as \(contentType)")
                        }
                    }
                }
            }
            // Query strings too.
            for query in ["q=%", "q=%%", "limit=-1", "limit=%FF", "cursor=%00", "view=%", "q=" + String(repeating: "%E2", count: 2_000)] {
                let answer = try await harness.client.json(.get, "/api/v1/conversations?\(query)", token: harness.ownerToken)
                #expect(answer.status.code < 500, "\(query.prefix(30)): \(answer.status)")
                let page = try await harness.client.execute(uri: "/help/\(slug)/search?\(query)", method: .get) { $0.status }
                #expect(page.code < 500)
            }
        }
    }
}
