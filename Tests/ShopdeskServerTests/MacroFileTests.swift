import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import ShopdeskCore
@testable import ShopdeskServer
import ShopdeskStore
import ShopdeskTestSupport
import Testing

/// A macro can send files with every use (a size chart, a returns form): each use gets
/// attachments of its own, and a macro can only name files uploaded to its workspace.
@Suite("Macros with files")
struct MacroFileTests {
    static func upload(_ harness: Harness, token: String, name: String) async throws -> Int64 {
        try await harness.client.execute(
            uri: "/api/v1/attachments", method: .post,
            headers: [.authorization: "Bearer \(token)", .contentType: "application/pdf", HTTPField.Name("X-File-Name")!: name],
            body: ByteBuffer(string: "%PDF-1.4\n% size chart\n")
        ) { response in
            let object = try JSONSerialization.jsonObject(with: Data(String(buffer: response.body).utf8)) as? [String: Any]
            guard let id = (object?["id"] as? NSNumber)?.int64Value else { throw HarnessError("upload: \(String(buffer: response.body))") }
            return id
        }
    }

    @Test(arguments: TestDatabase.kinds)
    func eachUseSendsTheFilesAsItsOwnAttachments(kind: DatabaseKind) async throws {
        try await Harness.run(kind) { harness in
            let token = harness.ownerToken
            let chart = try await Self.upload(harness, token: token, name: "size-chart.pdf")
            let macro = try await harness.client.json(.post, "/api/v1/macros", token: token,
                                                      body: #"{"name":"Size chart","body":"Here is our size chart.","attachment_ids":[\#(chart)]}"#)
            #expect(macro.status == .created, "\(macro.text)")
            #expect((macro.body as? [String: Any])?["attachment_ids"] as? [Int] == [Int(chart)])
            let id = try await harness.inbound(text: "Which size should I take?").int("conversation_id")
            var sent: [Int] = []
            for _ in 0..<2 {
                let applied = try await harness.client.json(.post, "/api/v1/conversations/\(id)/macros/\(try macro.int("id"))/apply", token: token, body: "{}")
                #expect(applied.status == .ok, "\(applied.text)")
                let files = try applied.object("message").body as? [String: Any]
                let ids = files?["attachment_ids"] as? [Int] ?? []
                #expect(ids.count == 1 && ids.first != Int(chart), "a copy of its own, not the macro's file")
                sent += ids
            }
            #expect(Set(sent).count == 2)
            let detail = try await harness.client.json(.get, "/api/v1/attachments/\(sent[0])", token: token)
            #expect(try detail.string("file_name") == "size-chart.pdf")

            // Only files of this workspace.
            let stranger = try await harness.stranger()
            let theirs = try await Self.upload(harness, token: stranger.token, name: "theirs.pdf")
            let refused = try await harness.client.json(.post, "/api/v1/macros", token: token,
                                                        body: #"{"name":"x","body":"y","attachment_ids":[\#(theirs)]}"#)
            #expect(refused.status == .unprocessableContent && (try? refused.string("field")) == "attachment_ids", "\(refused.text)")
        }
    }
}
