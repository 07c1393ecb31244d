import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
@testable import ShopdeskServer
import ShopdeskStore
import ShopdeskTestSupport
import Testing

@Suite("Attachments")
struct AttachmentTests {
    private func upload(_ harness: Harness, name: String, type: String, bytes: [UInt8], token: String? = nil) async throws -> JSONResponse {
        try await harness.client.execute(
            uri: "/api/v1/attachments", method: .post,
            headers: [.authorization: "Bearer \(token ?? harness.ownerToken)", .contentType: type, HTTPField.Name("X-File-Name")!: name],
            body: ByteBuffer(bytes: bytes)
        ) { response in
            let text = String(buffer: response.body)
            return JSONResponse(status: response.status, headers: response.headers,
                                body: try? JSONSerialization.jsonObject(with: Data(text.utf8)), text: text)
        }
    }

    @Test func voiceNotesAndAudioAreRecognisedFromTheirBytesToBePlayed() async throws {
        try await Harness.run(.sqlite) { harness in
            let samples: [(String, [UInt8], String)] = [
                ("voice.oga", Array("OggS".utf8) + [0, 2] + Array(repeating: 0, count: 40), "audio/ogg"),
                ("song.mp3", Array("ID3".utf8) + [3, 0, 0] + Array(repeating: 0, count: 40), "audio/mpeg"),
                ("note.m4a", [0, 0, 0, 0x20] + Array("ftypM4A ".utf8) + Array(repeating: 0, count: 40), "audio/mp4"),
                ("clip.mp4", [0, 0, 0, 0x20] + Array("ftypisom".utf8) + Array(repeating: 0, count: 40), "video/mp4"),
                ("memo.amr", Array("#!AMR\n".utf8) + Array(repeating: 0, count: 40), "audio/amr"),
                // Declared audio that is not: a generic binary, never played.
                ("fake.ogg", Array("<html>".utf8) + Array(repeating: 0x20, count: 40), "application/octet-stream"),
            ]
            for (name, bytes, expected) in samples {
                let uploaded = try await upload(harness, name: name, type: "audio/ogg", bytes: bytes)
                #expect(try uploaded.string("content_type") == expected, "\(name)")
            }
        }
    }

    @Test func activeContentIsServedAsAnInertDownload() async throws {
        try await Harness.run(.sqlite) { harness in
            let html = Array("<html><script>alert(document.cookie)</script></html>".utf8)
            let uploaded = try await upload(harness, name: "../../etc/passwd<script>.html", type: "text/html", bytes: html)
            #expect(uploaded.status == .created)
            #expect(try uploaded.string("content_type") == "application/octet-stream")
            #expect(try !uploaded.string("file_name").contains("/"))
            let id = try uploaded.int("id")
            try await harness.client.execute(uri: "/api/v1/attachments/\(id)/download", method: .get,
                                             headers: [.authorization: "Bearer \(harness.ownerToken)"]) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/octet-stream")
                #expect(response.headers[.contentDisposition]?.hasPrefix("attachment;") == true)
                #expect(response.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
                #expect(String(buffer: response.body).contains("<script>"))
            }
            let png = [UInt8]([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0])
            #expect(try await upload(harness, name: "photo.svg", type: "image/svg+xml", bytes: png).string("content_type") == "image/png")
        }
    }

    @Test func namesArrivePercentEncodedAndAreStillMadeSafe() async throws {
        try await Harness.run(.sqlite) { harness in
            let text = Array("receipt".utf8)
            let croatian = try await upload(harness, name: "Ra%C4%8Dun%20br.%207.pdf", type: "application/pdf", bytes: text)
            #expect(try croatian.string("file_name") == "Račun br. 7.pdf")
            // Encoding a path does not smuggle it past the sanitizer.
            let sneaky = try await upload(harness, name: "..%2F..%2Fetc%2Fpasswd", type: "text/plain", bytes: text)
            #expect(try !sneaky.string("file_name").contains("/"))
            // A name that is not valid percent-encoding is kept as it was sent.
            #expect(try await upload(harness, name: "100%_done.txt", type: "text/plain", bytes: text).string("file_name") == "100%_done.txt")
        }
    }

    @Test func limitsAndOwnershipAreEnforced() async throws {
        try await Harness.run(.sqlite, configure: { $0.maxUploadBytes = 1024 }) { harness in
            let tooBig = try await upload(harness, name: "big.bin", type: "application/octet-stream", bytes: Array(repeating: 1, count: 2048))
            #expect(tooBig.status == .contentTooLarge)
            let empty = try await upload(harness, name: "empty.txt", type: "text/plain", bytes: [])
            #expect(empty.status == .unprocessableContent)

            let file = try await upload(harness, name: "invoice.pdf", type: "application/pdf", bytes: Array("%PDF-1.4 test".utf8))
            let fileID = try file.int("id")
            let conversation = try await harness.inbound().int("conversation_id")
            let reply = try await harness.client.json(.post, "/api/v1/conversations/\(conversation)/messages", token: harness.ownerToken,
                                                      body: #"{"text":"Your invoice","attachment_ids":[\#(fileID)]}"#)
            #expect(reply.status == .created)
            // An agent outside the conversation's inbox cannot fetch the file by guessing its id.
            let outsider = try await harness.agent(role: .agent)
            let denied = try await harness.client.json(.get, "/api/v1/attachments/\(fileID)", token: outsider.token)
            #expect(denied.status == .notFound)
            // An attachment already on a message cannot be attached again elsewhere.
            let reuse = try await harness.client.json(.post, "/api/v1/conversations/\(conversation)/messages", token: harness.ownerToken,
                                                      body: #"{"text":"again","attachment_ids":[\#(fileID)]}"#)
            #expect(reuse.status == .notFound)
        }
    }
}
