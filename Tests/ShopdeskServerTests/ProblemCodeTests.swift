import Foundation
import HTTPTypes
import HummingbirdTesting
@testable import ShopdeskServer
import ShopdeskStore
import ShopdeskTestSupport
import Testing

/// Every problem carries a stable code a client can act on (the app words it in the agent's
/// language): the refusal's own name where it has one, otherwise one per status.
@Suite("Problem codes")
struct ProblemCodeTests {
    @Test func everyProblemHasACodeAndDailyRefusalsHaveTheirOwn() async throws {
        try await Harness.run(.sqlite) { harness in
            let token = harness.ownerToken
            let viewer = try await harness.agent(role: .viewer)
            let id = try await harness.inbound().int("conversation_id")
            let cases: [(HTTPRequest.Method, String, String?, String, String)] = [
                (.get, "/api/v1/nowhere", nil, token, "not_found"),
                (.get, "/api/v1/conversations/999999", nil, token, "not_found"),
                (.post, "/api/v1/conversations/\(id)/messages", "{not json", token, "bad_request"),
                (.post, "/api/v1/conversations/\(id)/merge", #"{"into":\#(id)}"#, token, "merge_self"),
                (.post, "/api/v1/macros", #"{"name":"Hi","body":"x"}"#, viewer.token, "role_required"),
                (.post, "/api/v1/rules", #"{"name":"x","triggers":[],"conditions":{"all":[]},"actions":[{"type":"add_tags","tags":["a"]}]}"#, token, "rule_no_trigger"),
            ]
            for (method, path, body, who, code) in cases {
                let answer = try await harness.client.json(method, path, token: who, body: body)
                #expect((try? answer.string("code")) == code, "\(method) \(path): \(answer.text)")
            }
            _ = try await harness.client.json(.post, "/api/v1/macros", token: token, body: #"{"name":"Hi","body":"x"}"#)
            let taken = try await harness.client.json(.post, "/api/v1/macros", token: token, body: #"{"name":"Hi","body":"y"}"#)
            #expect((try? taken.string("code")) == "macro_name_taken" && (taken.body as? [String: Any]).flatMap { $0["values"] as? [String: String] } == ["name": "Hi"])
        }
    }
}
