import CompressNIO
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
@testable import ShopdeskServer
import ShopdeskTestSupport
import Testing

/// The agent app's files go out gzip-compressed to browsers that accept it, byte for byte the
/// same once unpacked, revalidated by ETag; others get them as they are; only files of the bundle.
@Suite("The app's files, compressed")
struct WebAssetsTests {
    @Test func scriptsAndStylesGoOutCompressedToBrowsersThatAcceptIt() async throws {
        try await Harness.run(.sqlite) { harness in
            let plain = try await harness.client.execute(uri: "/app/conversation.js", method: .get) { $0 }
            #expect(plain.status == .ok && plain.headers[.contentEncoding] == nil)
            let original = plain.body

            let zipped = try await harness.client.execute(uri: "/app/conversation.js", method: .get,
                                                          headers: [.acceptEncoding: "br, gzip, deflate"]) { $0 }
            #expect(zipped.status == .ok && zipped.headers[.contentEncoding] == "gzip")
            #expect(zipped.headers[.contentType] == "text/javascript; charset=utf-8" && zipped.headers[.vary] == "Accept-Encoding")
            #expect(zipped.body.readableBytes * 2 < original.readableBytes, "\(zipped.body.readableBytes) of \(original.readableBytes) bytes")
            var packed = zipped.body
            let unpacked = try packed.decompress(with: .gzip())
            #expect(unpacked == original, "the same file once unpacked")

            // Revalidation: the same ETag answers 304 without a body.
            let etag = try #require(zipped.headers[.eTag])
            let again = try await harness.client.execute(uri: "/app/conversation.js", method: .get,
                                                         headers: [.acceptEncoding: "gzip", .ifNoneMatch: etag]) { $0 }
            #expect(again.status == .notModified && again.body.readableBytes == 0)

            // The styles (the page itself is too small to be worth it), and a browser that refuses gzip.
            let styles = try await harness.client.execute(uri: "/app/app.css", method: .get, headers: [.acceptEncoding: "gzip"]) { $0 }
            #expect(styles.headers[.contentEncoding] == "gzip" && styles.headers[.contentType] == "text/css; charset=utf-8")
            #expect(try await harness.client.execute(uri: "/app/conversation.js", method: .get, headers: [.acceptEncoding: "gzip;q=0, identity"]) { $0 }
                .headers[.contentEncoding] == nil)
            // Nothing outside the bundle's listing is served from here.
            for path in ["/app/../../Package.swift", "/app/%2e%2e/app.css", "/app/nothing.js"] {
                let answer = try await harness.client.execute(uri: path, method: .get, headers: [.acceptEncoding: "gzip"]) { $0 }
                #expect(answer.headers[.contentEncoding] == nil, "\(path)")
                #expect(answer.status != .ok || !String(buffer: answer.body).contains("PackageDescription"), "\(path)")
            }
        }
    }

    @Test func theAcceptEncodingHeaderIsReadAsWritten() {
        #expect(CompressedAssetsMiddleware.acceptsGzip("gzip"))
        #expect(CompressedAssetsMiddleware.acceptsGzip("deflate, gzip;q=1.0, *;q=0.5"))
        #expect(CompressedAssetsMiddleware.acceptsGzip("*"))
        #expect(!CompressedAssetsMiddleware.acceptsGzip("gzip;q=0"))
        #expect(!CompressedAssetsMiddleware.acceptsGzip("identity"))
        #expect(!CompressedAssetsMiddleware.acceptsGzip(nil))
    }
}
