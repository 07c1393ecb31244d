import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
@testable import ShopdeskServer
import ShopdeskStore
import ShopdeskTestSupport
import Testing

@Suite("OpenAPI document")
struct OpenAPITests {
    @Test func documentsEveryRouteAndEveryDocumentedRouteExists() async throws {
        try await Harness.run(.sqlite) { harness in
            let response = try await harness.client.json(.get, "/api/v1/openapi.json")
            #expect(response.status == .ok)
            let document = try #require(response.body as? [String: Any])
            #expect(document["openapi"] as? String == "3.1.0")
            let paths = try #require(document["paths"] as? [String: [String: Any]])
            var operations = 0
            for (path, methods) in paths {
                for (method, value) in methods {
                    operations += 1
                    let operation = try #require(value as? [String: Any])
                    #expect(operation["summary"] as? String != nil, "\(method) \(path)")
                    #expect((operation["responses"] as? [String: Any])?.isEmpty == false, "\(method) \(path)")
                    // Call it without credentials: a route that exists answers anything but 404/405.
                    let concrete = path.replacingOccurrences(of: "{id}", with: "1").replacingOccurrences(of: "{message_id}", with: "1")
                        .replacingOccurrences(of: "{key}", with: "sdw_unknown")
                        .replacingOccurrences(of: "{kind}", with: "telegram").replacingOccurrences(of: "{inbox}", with: "987654")
                        .replacingOccurrences(of: "{token}", with: "1-1-1-forged")
                    guard let httpMethod = HTTPRequest.Method(method.uppercased()) else { Issue.record("bad method \(method)"); continue }
                    let answer = try await harness.client.json(httpMethod, concrete, body: httpMethod == .get ? nil : "{}")
                    if path.contains("{key}") {
                        // A widget route answers an unknown key with its own 404, which names the key.
                        #expect(answer.detail.contains("sdw_unknown"), "\(method) \(path) answered \(answer.text)")
                        continue
                    }
                    if path.contains("{inbox}") {
                        // A channel webhook answers an inbox that does not exist with its own 404.
                        #expect(answer.detail.contains("no such channel webhook"), "\(method) \(path) answered \(answer.text)")
                        continue
                    }
                    if path.contains("{token}") {
                        // A signed file link answers a forged one with its own 404.
                        #expect(answer.detail.contains("unknown or has expired"), "\(method) \(path) answered \(answer.text)")
                        continue
                    }
                    #expect(answer.status != .notFound, "\(method) \(path) answered \(answer.status)")
                    #expect(answer.status != .methodNotAllowed, "\(method) \(path)")
                    if let security = operation["security"] as? [Any], !security.isEmpty {
                        #expect(answer.status == .unauthorized, "\(method) \(path) without credentials answered \(answer.status)")
                    }
                }
            }
            #expect(operations >= 45)
        }
    }

    @Test func theRegistrarIsTheOnlyWayIntoTheAPI() async throws {
        // Every /api/v1 route is added through APIRegistrar (or documented by it, for the
        // WebSocket), so the document and the router come from the same list.
        let router = Router(context: AppRequestContext.self)
        let api = APIRegistrar(router: router)
        api.on(.get, "/things/{id}", "A thing", tag: "test") { _, _ in "ok" }
        let document = OpenAPIDocument.build(api.docs)
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        let operation = try #require(paths["/api/v1/things/{id}"]?["get"] as? [String: Any])
        #expect((operation["parameters"] as? [[String: Any]])?.first?["name"] as? String == "id")
    }
}
